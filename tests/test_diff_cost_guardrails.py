"""`preflight diff` figures: an unpriced head is partial, never a saving; guardrails fail a breach."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from preflight.diff_command import main
from pricing import parse_document, price_resources
from pricing.estimate import stack_usage
from pricing.guardrails import Guardrails, breaches, compare, parse_guardrails

DATA = Path(__file__).parent / "data"
BASE = DATA / "plan_production.json"


def _plan() -> dict[str, Any]:
    """The committed plan without its one resource of a type nobody priced (an SQS queue)."""
    data: dict[str, Any] = json.loads(BASE.read_text())
    data["resources"] = [r for r in data["resources"] if r["type"] != "aws:kinesis/stream:Stream"]
    return data


def _with(edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    plan = _plan()
    edit(plan)
    return plan


def _instance_class(klass: str) -> Callable[[dict[str, Any]], None]:
    def edit(plan: dict[str, Any]) -> None:
        for r in plan["resources"]:
            if r["type"] == "aws:rds/clusterInstance:ClusterInstance":
                r["inputs"]["instanceClass"] = klass

    return edit


def _guardrails(**limits: float) -> Callable[[dict[str, Any]], None]:
    def edit(plan: dict[str, Any]) -> None:
        plan["config"]["email-platform:costGuardrails"] = limits

    return edit


def _run(tmp_path: Path, head: dict[str, Any], base: dict[str, Any] | None = None) -> int:
    (tmp_path / "base.json").write_text(json.dumps(base or _plan()))
    (tmp_path / "head.json").write_text(json.dumps(head))
    return main([str(tmp_path / "base.json"), str(tmp_path / "head.json")])


def _report(plan: dict[str, Any]) -> Any:
    doc = parse_document(plan)
    return price_resources(doc.records, doc.region or "us-east-1", stack_usage(doc))


def test_a_larger_database_class_is_an_increase(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(tmp_path, _with(_instance_class("db.r7g.xlarge"))) == 0
    out = capsys.readouterr().out
    delta_line = next(line for line in out.splitlines() if line.startswith("delta"))
    assert "+$" in delta_line and "partial" not in delta_line


def test_a_resource_unpriced_in_the_head_is_no_saving_and_the_delta_is_partial(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = _with(_instance_class("db.nonexistent.large"))
    delta = compare(_report(_plan()), _report(head))
    assert delta.delta == 0 and delta.partial == ["db-instance-1", "db-instance-2"]
    assert _run(tmp_path, head) == 0
    delta_line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("delta"))
    assert "+$0.00" in delta_line and "partial: 2 unpriced" in delta_line


def test_guardrails_pass_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = _with(_guardrails(maxMonthlyUsd=100000, maxIncreaseUsd=1000, maxIncreasePercent=50))
    assert _run(tmp_path, head) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("limits", "says"),
    [
        ({"maxMonthlyUsd": 500}, "exceeds maxMonthlyUsd $500.00 (largest: "),
        ({"maxIncreaseUsd": 50}, "exceeds maxIncreaseUsd $50.00 (biggest: db-instance-1 +$"),
        ({"maxIncreasePercent": 5}, "exceeds maxIncreasePercent 5% (biggest: db-instance-1 +$"),
    ],
)
def test_each_guardrail_breach_is_exit_1_with_one_line_naming_the_biggest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], limits: dict[str, float], says: str
) -> None:
    def edit(plan: dict[str, Any]) -> None:
        _instance_class("db.r7g.2xlarge")(plan)
        _guardrails(**limits)(plan)

    assert _run(tmp_path, _with(edit)) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("refused: cost guardrails of production: ") and says in err


def test_an_unpriced_head_resource_fails_the_guardrails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def edit(plan: dict[str, Any]) -> None:
        _instance_class("db.nonexistent.large")(plan)
        _guardrails(maxMonthlyUsd=100000)(plan)

    assert _run(tmp_path, _with(edit)) == 1
    assert "cannot price 2 resource(s)" in capsys.readouterr().err


def test_figures_are_the_pricers() -> None:
    base, head = _report(_plan()), _report(_with(_instance_class("db.r7g.xlarge")))
    delta = compare(base, head)
    assert delta.base == base["monthly"] and delta.head == head["monthly"]
    assert delta.delta == pytest.approx(head["monthly"] - base["monthly"])
    assert breaches(Guardrails(max_increase_usd=delta.delta), head, delta) == []
    assert breaches(Guardrails(max_increase_usd=delta.delta - 0.01), head, delta) != []


@pytest.mark.parametrize("bad", [{"maxMonthlyUsd": -1}, {"maxMonthly": 5}, {"maxIncreaseUsd": True}, "[1]"])
def test_bad_guardrails_in_a_document_are_refused(bad: Any) -> None:
    with pytest.raises(ValueError, match="costGuardrails"):
        parse_guardrails(bad)


def test_cost_approved_reports_the_breach_and_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "base.json").write_text(json.dumps(_plan()))
    (tmp_path / "head.json").write_text(json.dumps(_with(_guardrails(maxMonthlyUsd=10))))
    assert main([str(tmp_path / "base.json"), str(tmp_path / "head.json"), "--cost-approved", "--markdown"]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("approved with the label `cost-approved`: ") and "**Cost guardrails breached, approved" in captured.out


def test_the_pull_request_workflow_honours_the_approval_label() -> None:
    from pricing.guardrails import APPROVAL_LABEL

    workflow = (Path(__file__).resolve().parent.parent / ".github" / "workflows" / "pull-request.yml").read_text()
    assert f"contains(github.event.pull_request.labels.*.name, '{APPROVAL_LABEL}')" in workflow
    assert "labeled, unlabeled" in workflow and "--cost-approved" in workflow
    assert "policyPackConfigs: ${{ runner.temp }}/policy-config.json" in workflow
