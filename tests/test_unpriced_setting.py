"""`costGuardrails.unpriced`: a resource nobody can price refuses the limits by default (they
cannot be checked), and with `warn` the limits are checked on the priced part and the plan, the
diff and the policy say so instead of failing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from config.cost_guardrails import CostGuardrailSettings
from config.declare import declaration
from documents.reader import DocumentError
from policy.cost import STACK_POLICIES
from preflight.check_command import to_resource
from preflight.diff_command import main as diff
from pricing import price_resources
from pricing.guardrails import Guardrails, breaches, parse_guardrails, warnings

UNPRICED_DEFAULT = declaration(CostGuardrailSettings, "unpriced").default  # type: ignore[union-attr]

PREFIX = "urn:pulumi:production::email-platform::"
REGION = "ap-south-2"  # no price table: only region-independent prices


def _records() -> list[dict[str, Any]]:
    nat = {"urn": f"{PREFIX}aws:ec2/natGateway:NatGateway::nat", "type": "aws:ec2/natGateway:NatGateway", "name": "nat", "inputs": {}}
    key = {"urn": f"{PREFIX}aws:kms/key:Key::key", "type": "aws:kms/key:Key", "name": "key", "inputs": {}}
    return [nat, key]


def test_the_default_is_refuse_and_only_refuse_or_warn_are_accepted() -> None:
    assert UNPRICED_DEFAULT == "refuse" and parse_guardrails({"maxMonthlyUsd": 10}).unpriced == "refuse"
    assert parse_guardrails({"maxMonthlyUsd": 10, "unpriced": "warn"}).unpriced == "warn"
    with pytest.raises(DocumentError, match=r"costGuardrails.unpriced = 'maybe'; allowed: refuse, warn"):
        parse_guardrails({"unpriced": "maybe"})


def test_refuse_names_the_import_and_warn_checks_the_priced_part() -> None:
    report = price_resources(_records(), REGION)
    assert report["monthly"] == 1.0  # the KMS key, region-independent; the NAT gateway unpriced
    (reason,) = breaches(Guardrails(max_monthly_usd=100), report)
    assert "prices import --region ap-south-2" in reason and "costGuardrails.unpriced: warn" in reason
    warn = Guardrails(max_monthly_usd=100, unpriced="warn")
    assert breaches(warn, report) == []
    (line,) = warnings(warn, report)
    assert line.startswith("1 resource(s) unpriced (e.g. nat:") and "priced part only" in line
    assert breaches(Guardrails(max_monthly_usd=0.5, unpriced="warn"), report)  # the priced part still counts


def test_the_policy_follows_the_setting() -> None:
    (policy,) = STACK_POLICIES
    resources = [to_resource(r) for r in _records()]
    assert policy.evaluate(resources, {"maxMonthlyUsd": 100, "region": REGION})
    assert policy.evaluate(resources, {"maxMonthlyUsd": 100, "region": REGION, "unpriced": "warn"}) == []


def test_the_diff_comment_says_the_limits_were_checked_on_the_priced_part(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = {
        "version": 1,
        "project": "email-platform",
        "stack": "production",
        "config": {"aws:region": REGION, "email-platform:costGuardrails": {"maxMonthlyUsd": 100, "unpriced": "warn"}},
        "resources": _records(),
    }
    head = tmp_path / "head.json"
    head.write_text(json.dumps(document))
    base = tmp_path / "base.json"
    base.write_text(json.dumps({**document, "resources": []}))
    assert diff([str(base), str(head), "--markdown"]) == 0
    out = capsys.readouterr().out
    assert "**Cost guardrails checked on the priced part only:**" in out and "nat:" in out
