"""The jobs that run the program (and so pull the Karpenter chart from public.ecr.aws) first forget
stale credentials for that registry: with them the anonymous pull gets 403 (aws/karpenter-provider-aws#3441)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from components.cluster.karpenter import CHART

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = "public.ecr.aws"


def _steps(workflow: str, job: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = yaml.safe_load((ROOT / ".github" / "workflows" / workflow).read_text())["jobs"][job]["steps"]
    return steps


@pytest.mark.parametrize(("workflow", "job", "command"), [("deploy.yml", "deploy", "up"), ("pull-request.yml", "preview", "preview")])
def test_the_registry_is_logged_out_of_before_the_program_runs(workflow: str, job: str, command: str) -> None:
    assert CHART.startswith(f"oci://{REGISTRY}/"), "the chart moved registry: log out of that one instead"
    steps = _steps(workflow, job)
    runs_program = next(
        i for i, s in enumerate(steps) if "pulumi/actions" in s.get("uses", "") and s.get("with", {}).get("command") == command
    )
    logouts = [i for i, s in enumerate(steps) if f"helm registry logout {REGISTRY}" in s.get("run", "")]
    assert logouts and logouts[0] < runs_program
    script = steps[logouts[0]]["run"]
    # Helm's registry config and Docker's both hold credentials; logging out of a registry one is
    # not logged in to fails, which must not fail the job.
    assert f"docker logout {REGISTRY}" in script
    assert all(line.rstrip().endswith("|| true") for line in script.strip().splitlines())
