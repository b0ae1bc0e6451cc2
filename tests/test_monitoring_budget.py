"""Operations: the monthly cost budget and the cost-allocation tags.

The component is built under the autouse mocks with the identifiers the real resources would
hand over (tests/monitoring_build.py); the assertions read what the engine would have received.
"""

from __future__ import annotations

import pytest
from monitoring_build import DOMAIN, Built, build, settings, shared_build

from config.basics import Basics, Tags
from preflight.recorder import RecordingMonitor


@pytest.fixture(scope="module")
def built(module_mocks: RecordingMonitor) -> Built:
    """The component as most tests here see it, built once per test process (monitoring_build.shared_build)."""
    return shared_build(module_mocks)


@pytest.fixture(scope="module")
def activated(module_mocks: RecordingMonitor) -> Built:
    """The same with the cost-allocation tags activated."""
    return shared_build(module_mocks, cost_tags_active=True)


# ── budget and cost-allocation tags ─────────────────────────────────────────────────────


def test_monthly_cost_budget_warns_at_80_forecast_and_100_actual(built: Built) -> None:
    (budget,) = built.of_type("aws:budgets/budget:Budget")
    topic = built.named_typed("aws:sns/topic:Topic", "monitoring-alarms")
    assert (budget.inputs["budgetType"], budget.inputs["timeUnit"]) == ("COST", "MONTHLY")
    assert (budget.inputs["limitAmount"], budget.inputs["limitUnit"]) == ("3000.00", "USD")
    notes = {(n["notificationType"], n["threshold"]): n for n in budget.inputs["notifications"]}
    assert set(notes) == {("FORECASTED", 80), ("ACTUAL", 100)}
    for note in notes.values():
        assert (note["comparisonOperator"], note["thresholdType"]) == ("GREATER_THAN", "PERCENTAGE")
        assert note["subscriberEmailAddresses"] == ["finance@example.com"]
        assert note["subscriberSnsTopicArns"] == [topic.outputs["arn"]]


def test_budget_amount_and_thresholds_follow_config(pulumi_mocks: RecordingMonitor) -> None:
    built = build(pulumi_mocks, settings(budget={"monthlyUsd": 812.5, "emails": [], "forecastedPercent": 90, "actualPercent": 95}))
    (budget,) = built.of_type("aws:budgets/budget:Budget")
    assert budget.inputs["limitAmount"] == "812.50"
    assert {(n["notificationType"], n["threshold"]) for n in budget.inputs["notifications"]} == {("FORECASTED", 90), ("ACTUAL", 95)}
    assert all("subscriberEmailAddresses" not in n for n in budget.inputs["notifications"])


def test_cost_allocation_tags_are_activated_only_when_config_says_so(built: Built, activated: Built) -> None:
    assert built.of_type("aws:costexplorer/costAllocationTag:CostAllocationTag") == []
    tags = activated.of_type("aws:costexplorer/costAllocationTag:CostAllocationTag")
    assert sorted(t.inputs["tagKey"] for t in tags) == ["CostCenter", "Environment", "Owner", "Project"]
    assert all(t.inputs["status"] == "Active" and activated.is_east(t) for t in tags)
    basics = Basics("production", "us-east-1", DOMAIN, Tags("o", "c", {}))
    assert {t.inputs["tagKey"] for t in tags} <= set(basics.default_tags), "only tags the provider actually stamps"


def test_the_budget_sees_only_its_environment_once_the_tag_is_active(built: Built, activated: Built) -> None:
    (account_wide,) = built.of_type("aws:budgets/budget:Budget")
    assert "costFilters" not in account_wide.inputs, "before activation Budgets cannot see the tag: the whole account"
    (budget,) = activated.of_type("aws:budgets/budget:Budget")
    assert budget.inputs["costFilters"] == [{"name": "TagKeyValue", "values": ["user:Environment$production"]}]
    basics = Basics("production", "us-east-1", DOMAIN, Tags("o", "c", {}))
    assert basics.default_tags["Environment"] == "production", "the filter names the value the providers stamp"
    (environment_tag,) = [
        t for t in activated.of_type("aws:costexplorer/costAllocationTag:CostAllocationTag") if t.inputs["tagKey"] == "Environment"
    ]
    assert environment_tag.urn in budget.dependencies
