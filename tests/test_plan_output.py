"""What `make plan` prints: a tree that fits 120 columns, findings, cost, secrets, then a closing
summary; a mandatory finding exits 1 with its reason as one line on stderr."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from preflight import check_command, plan_command
from preflight.check_command import Violation
from preflight.runner import Run
from preflight.summary import PlanSummary


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch, production: Run) -> Run:
    """`plan` without running the program again: the session's production run."""
    monkeypatch.setattr(plan_command, "plan", lambda stack, stack_file=None: production)
    return production


def _plan(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    code = plan_command.main(["--stack", "production", *argv])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_the_default_view_fits_120_columns_and_ends_with_the_summary(planned: Run, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, err = _plan(capsys)
    assert code == 0 and err == ""
    assert max(len(line) for line in lines) <= plan_command.WIDTH
    region = planned.stack_file.region
    assert lines[0].startswith(f"Stack production in {region}: ") and sum(region in line for line in lines[:3]) == 1
    assert "Resources by type:" not in lines
    summary = lines[lines.index("Summary of stack production:") :]
    assert [line.split()[0] for line in summary[1:]] == ["resources", "monthly", "policy", "secrets", "example", "result"]
    assert summary[1].split()[1] == str(sum(r.custom for r in planned.resources))
    advisories = sum(line.startswith("  advisory ") for line in lines)  # one finding per unwrapped line
    assert advisories >= 4 and f"0 mandatory · {advisories} advisory" in summary[3]
    to_set = sorted(planned.stack_file.placeholders)
    assert summary[4].split()[3] == str(len(to_set)) and "(email-platform:emailApiKey" in summary[4]  # listed whole above it
    assert "account" in summary[5]  # the example account of the roles


def test_wide_prints_whole_lines_and_by_type_replaces_the_tree_with_the_counts(planned: Run, capsys: pytest.CaptureFixture[str]) -> None:
    _, narrow, _ = _plan(capsys)
    _, wide, _ = _plan(capsys, "--wide")
    assert max(len(line) for line in wide) > plan_command.WIDTH
    eks = next(line for line in wide if "cluster-eks (aws:eks/cluster:Cluster)" in line)
    assert "publicAccessCidrs=[0.0.0.0/0]" in eks
    assert next(line for line in narrow if "cluster-eks (aws:eks/cluster:Cluster)" in line).endswith("…")
    _, by_type, _ = _plan(capsys, "--by-type")
    assert not any("cluster-eks (aws:eks/cluster:Cluster)" in line for line in by_type)  # no tree
    counts = by_type[by_type.index("Resources by type (the tree without --by-type):") + 1 :]
    api = next(line for line in wide if line.startswith("  AWS API model: "))
    assert " scalar AWS inputs (" in api and ", 0 unmapped; " in api and " service models read in " in api
    total = next(line for line in counts if line.split()[0] == "total")
    assert int(total.split()[1]) == sum(r.custom for r in planned.resources)
    assert "Summary of stack production:" in by_type  # the rest of the plan is there


def test_a_mandatory_finding_exits_1_with_its_reason_on_stderr(
    planned: Run, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = Violation("k8s-image-pinned", "mandatory", "urn:pulumi:production::email-platform::x::app-blue", "image 'app:latest' …")
    real = plan_command.check_resources
    monkeypatch.setattr(plan_command, "check_resources", lambda *a, **k: [refused, refused, *real(*a, **k)])
    code, lines, err = _plan(capsys)
    assert code == 1
    assert (
        err == "error: mandatory policy k8s-image-pinned refuses app-blue: image 'app:latest' … (and 1 more mandatory finding(s) above)\n"
    )
    assert lines[-1].split()[:3] == ["result", "exit", "1:"]


def test_the_summary_is_a_function_of_counts() -> None:
    summary = PlanSummary("dev", 10, 2, 12.5, unpriced=1, findings={"advisory": 2}, secrets_to_set=["a:b"], placeholders=["image"])
    text = "\n".join(summary.lines())
    assert "$12.50 per month (partial: 1 resource(s) unpriced)" in text and "0 mandatory · 2 advisory" in text
    assert "ok: exit 0" in text and summary.mandatory == 0


def test_check_counts_what_the_plan_counts(planned: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = tmp_path / "plan.json"
    plan_command.main(["--stack", "production", "--json", str(document)])
    capsys.readouterr()
    assert check_command.main([str(document)]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    resources = sum(r.custom for r in planned.resources)
    policies = len(check_command.ALL_SPECS)
    assert last.startswith(f"{resources} resources (components not counted) and {policies} policies evaluated in stack production")
    records: list[dict[str, Any]] = json.loads(document.read_text())["resources"]
    assert len(records) > resources  # the document also lists the components, which are not counted


def test_the_summary_names_the_ci_roles_a_stack_that_creates_its_cluster_leaves_unset(production: Run) -> None:
    """The preview and drift roles without an access entry fail their workflows; the closing lines say which to set."""
    config = {**production.stack_file.config}
    ci = json.loads(config["email-platform:ci"])
    config["email-platform:ci"] = json.dumps({"deployRole": ci["deployRole"]})
    run = dataclasses.replace(production, stack_file=dataclasses.replace(production.stack_file, config=config))
    _, violations = plan_command.evaluate(run)
    advisory = [v.message for v in violations if v.policy == plan_command.CI_NAMED]
    assert len(advisory) == 1 and advisory[0].startswith("names deployRole but not previewRole/driftRole")
    summary = plan_command.summarize(run, violations, {"monthly": 1.0, "unpriced": []})
    assert summary.ci_roles_to_set == ["ci.previewRole", "ci.driftRole"]
    assert "  CI roles to set  ci.previewRole, ci.driftRole" in "\n".join(summary.lines())
    named = plan_command.summarize(production, plan_command.evaluate(production)[1], {"monthly": 1.0, "unpriced": []})
    assert named.ci_roles_to_set == [] and not any("CI roles" in line for line in named.lines())
