"""docs/ci-setup.md matches the workflows: every variable, secret and label they read is listed, and
its trust policies work as written (valid JSON, the `sub` each job presents, no role assuming itself)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "ci-setup.md").read_text()
SOURCES = sorted([*(ROOT / ".github" / "workflows").glob("*.yml"), *(ROOT / ".github" / "scripts").iterdir()])


def _read_names() -> dict[str, set[str]]:
    """Each `vars.X`, `secrets.X` and label a workflow or script reads, with the files that read it."""
    found: dict[str, set[str]] = {}
    patterns = (
        r"\bvars\.([A-Za-z_][A-Za-z0-9_]*)",
        r"\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)",
        r"labels\.\*\.name,\s*'([^']+)'",  # contains(github.event.pull_request.labels.*.name, 'x')
        r"--label[ =]([\w-]+)",  # gh issue list/create --label x
    )
    for path in SOURCES:
        if path.is_file():
            text = path.read_text()
            for pattern in patterns:
                for name in re.findall(pattern, text):
                    found.setdefault(name, set()).add(path.name)
    return found


def test_the_scanner_finds_what_the_workflows_read() -> None:
    names = _read_names()
    assert {"AWS_DEPLOY_ROLE_ARN", "AWS_DRIFT_ROLE_ARN", "DEPLOY_DURATION_FAIL", "PULUMI_ACCESS_TOKEN", "cost-approved", "drift"} <= set(
        names
    )


def test_every_variable_secret_and_label_a_workflow_reads_is_documented() -> None:
    missing = {name: sorted(files) for name, files in _read_names().items() if f"`{name}`" not in DOC}
    assert missing == {}, f"read by the workflows but not listed in docs/ci-setup.md: {missing}"


def _trust_policies() -> list[dict[str, Any]]:
    blocks = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", DOC, flags=re.S)]
    return [b for b in blocks if any(s.get("Action", "").startswith("sts:AssumeRole") for s in b["Statement"])]


def _subs(policy: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for statement in policy["Statement"]:
        sub = statement.get("Condition", {}).get("StringEquals", {}).get("token.actions.githubusercontent.com:sub", [])
        found |= {sub} if isinstance(sub, str) else set(sub)
    return found


def test_the_trust_policies_parse_and_name_what_each_job_presents() -> None:
    policies = _trust_policies()
    assert len(policies) == 4  # deploy, preview, drift, cluster admin
    subs = set().union(*(_subs(p) for p in policies))
    workflows = {p.name: yaml.safe_load(p.read_text()) for p in (ROOT / ".github" / "workflows").glob("*.yml")}
    # The preview runs on pull requests; the deploy job names an environment per stack; the drift
    # job names none and runs on a schedule, on the default branch.
    assert "pull_request" in workflows["pull-request.yml"][True] and "repo:OWNER/REPO:pull_request" in subs
    assert workflows["deploy.yml"]["jobs"]["deploy"]["environment"]["name"] == "${{ matrix.stack }}"
    assert {"repo:OWNER/REPO:environment:staging", "repo:OWNER/REPO:environment:production"} <= subs
    assert "schedule" in workflows["drift.yml"][True] and "environment" not in workflows["drift.yml"]["jobs"]["refresh"]
    assert "repo:OWNER/REPO:ref:refs/heads/main" in subs


def test_no_role_is_asked_to_assume_itself() -> None:
    """Since 2022 a role assuming itself needs its own trust policy to name it; the kubeconfig runs
    `aws eks get-token` without `--role-arn`, so no job assumes a second role, itself included."""
    for policy in _trust_policies():
        for statement in policy["Statement"]:
            principal = statement["Principal"]
            assert "Federated" in principal or principal.get("AWS", "").endswith(":root"), statement
    steps = [
        s
        for p in (ROOT / ".github" / "workflows").glob("*.yml")
        for j in yaml.safe_load(p.read_text())["jobs"].values()
        for s in j["steps"]
    ]
    assert not any("role-chaining" in (s.get("with") or {}) for s in steps)
