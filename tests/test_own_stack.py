"""A stack of one's own: a `Pulumi.dev.yaml` beside the committed ones (another region, its own
domain) is discovered, listed, planned and would be diffed and deployed by the workflows.

Every committed stack file is planned here, so committing a stack of your own adds it to
`make test` instead of breaking it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from committed_stacks import stack_config

from preflight.check_command import check_resources
from preflight.document import build_document
from preflight.runner import Run, run_program
from preflight.stack_files import StackFileError, load_stack_file
from preflight.stacks import discover

ROOT = Path(__file__).resolve().parent.parent


def own_stack() -> dict[str, Any]:
    """The staging stack made one's own: development, eu-west-1, its own domain and network."""
    config = stack_config("staging")
    config["aws:region"] = "eu-west-1"
    config["email-platform:environment"] = "development"
    config["email-platform:domain"] = "mail.acme.io"
    config["email-platform:network"].update(cidr="10.60.0.0/16", availabilityZones=["eu-west-1a", "eu-west-1b"])
    config["email-platform:edge"].update(hostedZone="acme.io", subjectAlternativeNames=["*.mail.acme.io"])
    return config


@pytest.fixture(scope="module")
def repo_with_dev(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("repo")
    for name in ("Pulumi.yaml", "Pulumi.production.yaml", "Pulumi.staging.yaml"):
        shutil.copy(ROOT / name, root / name)
    (root / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": own_stack()}))
    return root


def test_the_stacks_are_the_stack_files_production_last(repo_with_dev: Path) -> None:
    assert discover(repo_with_dev) == ["dev", "staging", "production"]
    with pytest.raises(StackFileError, match=r"no stack file Pulumi\.prod\.yaml; stacks here: dev, staging, production$"):
        load_stack_file("prod", root=repo_with_dev)


def test_the_workflows_list_what_discover_lists(repo_with_dev: Path) -> None:
    """The command the workflows run (standard library only, before anything is installed)."""
    script = ROOT / "preflight" / "stacks.py"
    result = subprocess.run([sys.executable, "-I", str(script), "--json"], cwd=repo_with_dev, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == json.dumps(discover())  # -I: the script's own checkout, not the copy
    result = subprocess.run(
        [sys.executable, "-I", str(script), "--json", "--root", str(repo_with_dev)], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == '["dev", "staging", "production"]'


def test_a_stack_of_ones_own_plans_in_its_region(repo_with_dev: Path) -> None:
    run = run_program(load_stack_file("dev", root=repo_with_dev))
    assert {s.inputs["availabilityZone"] for s in run.of_type("aws:ec2/subnet:Subnet")} == {"eu-west-1a", "eu-west-1b"}
    # The viewer certificate (CloudFront's, in us-east-1) names the stack's own domain.
    assert "mail.acme.io" in {c.inputs["domainName"] for c in run.of_type("aws:acm/certificate:Certificate")}
    violations = check_resources(build_document(run)["resources"], environment="development")
    assert [v for v in violations if v.level == "mandatory"] == []


@pytest.mark.parametrize("stack", discover())
def test_every_committed_stack_plans_without_a_mandatory_finding(stack: str, request: pytest.FixtureRequest) -> None:
    committed = {"production", "staging"}
    run: Run = request.getfixturevalue(stack) if stack in committed else run_program(load_stack_file(stack))
    environment = run.stack_file.config.get("email-platform:environment")
    violations = check_resources(build_document(run)["resources"], environment=environment)
    assert [v for v in violations if v.level == "mandatory"] == []
