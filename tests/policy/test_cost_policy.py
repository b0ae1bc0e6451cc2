"""The `cost-guardrails` stack policy: the same pricer over a preview, its limit, and unpriced resources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from owned_stacks import STACKS
from owned_stacks import settings as settings_of
from policy_helpers import stack_spec, validate_stack

from policy.cost import records
from preflight.check_command import check_resources, load_records, main, to_resource
from pricing import parse_document, price_resources
from pricing.estimate import stack_usage

DATA = Path(__file__).resolve().parent.parent / "data"
UNPRICED_TYPE = "aws:kinesis/stream:Stream"  # the committed documents' one type nobody priced


def _preview(drop_unpriced: bool = True, **guardrails: float) -> dict[str, Any]:
    preview: dict[str, Any] = json.loads((DATA / "preview_production.json").read_text())
    if drop_unpriced:
        preview["steps"] = [s for s in preview["steps"] if f"${UNPRICED_TYPE}::" not in s["urn"]]
    if guardrails:
        preview["config"]["email-platform:costGuardrails"] = guardrails
    return preview


def _pricer_total(preview: dict[str, Any]) -> float:
    doc = parse_document(preview)
    return price_resources(doc.records, "us-east-1", stack_usage(doc))["monthly"]


def _usage(preview: dict[str, Any]) -> dict[str, Any]:
    usage: dict[str, Any] = json.loads(preview["config"]["email-platform:costUsage"])
    return usage


def _cost_findings(preview: dict[str, Any]) -> list[str]:
    found, _, stack_config = load_records(preview)
    violations = check_resources(found, stack_config=stack_config, cost_config=preview["config"])
    return [v.message for v in violations if v.policy == "cost-guardrails"]


def test_the_policy_prices_the_preview_like_the_pricer() -> None:
    preview = _preview()
    total = _pricer_total(preview)
    found, _, _ = load_records(preview)
    policy_total = price_resources(records([to_resource(r) for r in found]), "us-east-1", _usage(preview))
    assert policy_total["monthly"] == total > 0


def test_under_the_limit_passes_and_over_it_fails_with_the_pricers_figure() -> None:
    total = _pricer_total(_preview())
    assert _cost_findings(_preview(maxMonthlyUsd=total)) == []
    [message] = _cost_findings(_preview(maxMonthlyUsd=total - 1))
    assert f"monthly ${total:,.2f} exceeds maxMonthlyUsd" in message and "(largest: " in message


def test_without_a_limit_the_policy_says_nothing() -> None:
    assert _cost_findings(_preview(drop_unpriced=False)) == []


def test_a_resource_it_cannot_price_fails_the_policy() -> None:
    [message] = _cost_findings(_preview(drop_unpriced=False, maxMonthlyUsd=100000))
    assert "cannot price 1 resource(s)" in message and "db-events" in message


def test_preflight_check_exits_1_on_a_breach(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(_preview(maxMonthlyUsd=10)))
    assert main([str(path)]) == 1
    assert "mandatory cost-guardrails (stack): cost guardrail: monthly $" in capsys.readouterr().out
    path.write_text(json.dumps(_preview(maxMonthlyUsd=100000)))
    capsys.readouterr()
    main([str(path)])
    assert "cost-guardrails" not in capsys.readouterr().out


def test_the_crossguard_wrapper_reports_the_same() -> None:
    preview = _preview()
    found, _, _ = load_records(preview)
    resources = [to_resource(r) for r in found]
    total = _pricer_total(preview)
    config = {"maxMonthlyUsd": total - 1, "region": "us-east-1", "usage": _usage(preview)}
    reports = validate_stack("cost-guardrails", resources, config)
    assert len(reports) == 1 and f"${total:,.2f}" in reports[0][0]
    assert stack_spec("cost-guardrails").evaluate(resources, {**config, "maxMonthlyUsd": total}) == []


def test_policy_config_for_a_real_preview_carries_the_stack_limit(capsys: pytest.CaptureFixture[str]) -> None:
    from preflight.policy_config_command import main as policy_config

    staging = ["--stack", "staging", "--stack-file", str(STACKS / "Pulumi.staging.yaml")]
    stack = settings_of("staging")
    assert policy_config(staging) == 0
    settings = json.loads(capsys.readouterr().out)["cost-guardrails"]
    assert settings["enforcementLevel"] == "mandatory" and settings["maxMonthlyUsd"] == stack.cost_guardrails.max_monthly_usd
    assert settings["region"] == stack.basics.region and set(settings["usage"]) == set(stack.cost_usage.by_type)
    assert policy_config([*staging, "--cost-approved"]) == 0
    assert json.loads(capsys.readouterr().out)["cost-guardrails"]["enforcementLevel"] == "advisory"
