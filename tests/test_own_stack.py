"""Stacks of one's own: `preflight new-stack` writes them, `make plan` plans them as CI will, and
the workflows deploy the ones the repository names.

The London team's case end to end: staging and production in eu-west-2, made by the command in a
copy of the project without the example stacks, planned by `make plan` with every resource
priced and exit 0. And every stack file in the repository is checked here exactly as `make plan`
checks it (the policy pack with the stack's own guardrail settings), so a stack that fails
`make plan` fails `make test` too.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from owned_stacks import committed

from config.aws_regions import PARTNERS
from documents.reader import parse_document
from preflight.new_stack_command import main as new_stack
from preflight.plan_command import COST_POLICY, evaluate
from preflight.runner import Run, run_program
from preflight.stack_files import load_stack_file
from preflight.stacks import discover
from pricing.estimate import estimate

ROOT = Path(__file__).resolve().parent.parent
# What `make plan` needs: the program, the tools, the Makefile (no tests, docs or stack files).
PROJECT_FILES = (
    "Makefile",
    "Pulumi.yaml",
    "__main__.py",
    "requirements.txt",
    "requirements-dev.txt",
    "requirements-scan.txt",
    "package-lock.json",
)
PROJECT_DIRS = ("config", "components", "documents", "pricing", "preflight", "policy")
LONDON = "eu-west-2"


def project_copy(root: Path) -> Path:
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, root / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__", "venv"))
    (root / ".venv").symlink_to((ROOT / ".venv").resolve())
    return root


@pytest.fixture(scope="module")
def london(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with a London staging and production of its own, and no example stacks."""
    root = project_copy(tmp_path_factory.mktemp("london"))
    for environment in ("staging", "production"):
        made = subprocess.run(
            ["make", "--no-print-directory", "new-stack", f"NAME=london-{environment}", f"REGION={LONDON}", f"ENVIRONMENT={environment}"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert made.returncode == 0, made.stdout + made.stderr
        assert f"Wrote Pulumi.london-{environment}.yaml: {environment} in {LONDON}" in made.stdout
    return root


def _config(root: Path, stack: str) -> dict[str, object]:
    config: dict[str, object] = yaml.safe_load((root / f"Pulumi.{stack}.yaml").read_text())["config"]
    return config


def test_new_stack_writes_the_regions_zones_and_partner_in_the_same_jurisdiction(london: Path) -> None:
    production, staging = _config(london, "london-production"), _config(london, "london-staging")
    assert production["aws:region"] == staging["aws:region"] == LONDON
    assert production["email-platform:network"]["availabilityZones"] == [f"{LONDON}{z}" for z in "abc"]  # type: ignore[index]
    assert staging["email-platform:network"]["availabilityZones"] == [f"{LONDON}{z}" for z in "ab"]  # type: ignore[index]
    partner = PARTNERS[LONDON].region
    assert partner.startswith("eu-") and partner != LONDON  # UK -> EU, never the US
    assert production["email-platform:backup"]["copyRegion"] == partner  # type: ignore[index]
    for config in (production, staging):
        assert config["email-platform:monitoring"]["canaryRegions"] == [LONDON, partner]  # type: ignore[index]
        assert set(config["email-platform:costGuardrails"]) == {"maxMonthlyUsd", "maxIncreaseUsd", "maxIncreasePercent", "unpriced"}  # type: ignore[arg-type]
    assert discover(london) == ["london-production", "london-staging"]  # no example stacks beside them


def test_new_stack_lists_the_values_to_make_your_own(london: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (london / "Pulumi.london-production.yaml").read_text()
    ending = text.split("# Make these your own", 1)[1]
    for item in (
        "zones:",
        "domain",
        "cluster.access",
        "ci.previewRole",
        "app.blue.image",
        "monitoring.notifications.emails",
        "emailApiKey",
    ):
        assert item in ending
    assert new_stack(["london-production", "--region", LONDON, "--environment", "production", "--root", str(london)]) == 2
    assert capsys.readouterr().err.strip() == "error: Pulumi.london-production.yaml exists; pass --force to replace it"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["x", "--region", "eu-west-9", "--environment", "staging"], "error: --region eu-west-9: not an AWS region; did you mean eu-west-"),
        (["x", "--region", LONDON, "--environment", "prod"], "error: --environment prod: allowed: production, staging, development"),
    ],
)
def test_new_stack_refuses_bad_input_in_one_line(argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new_stack([*argv, "--root", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(message) and not list(tmp_path.iterdir())


def test_make_plan_prices_every_resource_of_a_london_production_and_exits_0(london: Path) -> None:
    """`make plan` itself, as CI runs it: the document written, every resource priced, exit 0."""
    stack = "london-production"
    document_path = london / f"{stack}.json"
    result = subprocess.run(
        ["make", "--no-print-directory", "plan", f"STACK={stack}", f"JSON={document_path}"],
        cwd=london,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    document = json.loads(document_path.read_text())
    assert document["cost"]["unpriced"] == [] and document["cost"]["region"] == LONDON
    assert "(every resource priced)" in result.stdout and "result           ok: exit 0" in result.stdout
    assert "network (component email:network:Network)" in result.stdout and "Secrets still to set:" in result.stdout
    assert {"aws:ec2/vpc:Vpc", "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup"} <= {r["type"] for r in document["resources"]}
    assert [v for v in document["violations"] if v["level"] == "mandatory"] == []
    # The secondary prices are said to be secondary, with the way to replace them.
    assert any("secondary" in note and f"prices import --region {LONDON}" in note for note in document["cost"]["notes"])
    # The CI roles the new stack names each get an access entry, so the preview and the drift job reach the
    # cluster; the deploy role is one of them (not an entry of cluster.access), and all are example values.
    ci: dict[str, str] = _config(london, stack)["email-platform:ci"]  # type: ignore[assignment]
    assert set(ci) == {"deployRole", "previewRole", "driftRole"}
    access: dict[str, str] = _config(london, stack)["email-platform:cluster"]["access"]  # type: ignore[index]
    assert not set(ci.values()) & set(access)
    principals = {r["inputs"].get("principalArn") for r in document["resources"] if r["type"] == "aws:eks/accessEntry:AccessEntry"}
    assert set(ci.values()) <= principals
    assert not [v for v in document["violations"] if v["policy"] == "ci-identities-named"]
    account = next(v["message"] for v in document["violations"] if v["policy"] == "example-placeholders" and "account" in v["message"])
    assert all(arn in account for arn in ci.values())


def test_a_london_staging_plans_with_every_resource_priced_and_no_mandatory_finding(london: Path) -> None:
    """What `make plan` checks, in this process (the command itself is run on production above)."""
    document, violations = evaluate(run_program(load_stack_file("london-staging", root=london)))
    cost, _ = estimate(parse_document(document, "plan of london-staging"))
    assert cost["unpriced"] == [] and cost["region"] == LONDON
    assert [v for v in violations if v.level == "mandatory"] == []


@pytest.mark.xdist_group("committed-stacks")
@pytest.mark.parametrize("stack", committed())
def test_every_stack_file_passes_the_pack_as_make_plan_checks_it(stack: str, committed_run: Callable[[str], Run]) -> None:
    """The same call as `make plan`: the stack's environment and its own costGuardrails settings."""
    _, violations = evaluate(committed_run(stack))
    assert [v for v in violations if v.level == "mandatory"] == []


def _with_guardrails(run: Run, guardrails: dict[str, object]) -> Run:
    config = {**run.stack_file.config, "email-platform:costGuardrails": json.dumps(guardrails)}
    return dataclasses.replace(run, stack_file=dataclasses.replace(run.stack_file, config=config))


def test_the_check_uses_the_stacks_guardrails_and_cost_approved_reports_without_refusing(staging: Run) -> None:
    """A limit under the stack's own figure is what makes `make plan` exit 1: the check above sees
    it too; with the `cost-approved` label the breach is reported and the plan passes."""
    tight = _with_guardrails(staging, {"maxMonthlyUsd": 1})
    _, refused = evaluate(tight)
    (finding,) = [v for v in refused if v.policy == COST_POLICY]
    assert finding.level == "mandatory" and "exceeds maxMonthlyUsd $1.00" in finding.message
    _, approved = evaluate(tight, cost_approved=True)
    assert [v.level for v in approved if v.policy == COST_POLICY] == ["advisory"]
    assert [v for v in approved if v.level == "mandatory"] == []


def test_the_workflows_list_what_the_repository_names(london: Path) -> None:
    """The command the workflows run (standard library only, before anything is installed)."""
    script = ROOT / "preflight" / "stacks.py"

    def listed(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-I", str(script), "--json", "--root", str(london), *args], capture_output=True, text=True, check=False
        )

    assert listed("--named", "").stdout.strip() == "[]"  # deploy, preview and drift: none until named
    assert listed("--named", "", "--all-when-unnamed").stdout.strip() == '["london-production", "london-staging"]'
    assert listed("--named", "london-staging, london-production").stdout.strip() == '["london-staging", "london-production"]'
    unknown = listed("--named", "london-staging production")
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == (
        "error: DEPLOY_STACKS names 'production', which has no Pulumi.production.yaml; stack files: london-production, london-staging"
    )
