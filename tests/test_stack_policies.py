"""The policy pack over the real stacks: clean as committed, and a broken setting is caught."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from preflight.check_command import check_resources
from preflight.document import build_document
from preflight.runner import Run

ROOT = Path(__file__).resolve().parent.parent


def _violations(run: Run, document: dict[str, Any] | None = None) -> list[Any]:
    document = document or build_document(run)
    return check_resources(
        document["resources"], environment=run.stack_file.config["email-platform:environment"], stack_config=document["config"]
    )


def test_committed_stacks_have_no_mandatory_violation(each_stack: Run) -> None:
    mandatory = [v for v in _violations(each_stack) if v.level == "mandatory"]
    assert mandatory == []


def _ebs_unencrypted(resource: dict[str, Any]) -> None:
    resource["inputs"]["blockDeviceMappings"][0]["ebs"]["encrypted"] = "false"


def _aurora_unencrypted(resource: dict[str, Any]) -> None:
    resource["inputs"]["storageEncrypted"] = False


@pytest.mark.parametrize(
    ("type_token", "breaks", "policy"),
    [
        ("aws:ec2/launchTemplate:LaunchTemplate", _ebs_unencrypted, "ebs-encrypted-gp3"),
        ("aws:rds/cluster:Cluster", _aurora_unencrypted, "db-encrypted-at-rest"),
    ],
)
def test_preflight_check_names_the_policy_and_resource_of_a_broken_setting(
    production: Run, tmp_path: Path, type_token: str, breaks: Any, policy: str
) -> None:
    document = copy.deepcopy(build_document(production))
    (resource,) = [r for r in document["resources"] if r["type"] == type_token]
    breaks(resource)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document))
    result = subprocess.run([sys.executable, "-m", "preflight", "check", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"mandatory {policy} {resource['urn']}" in result.stdout
