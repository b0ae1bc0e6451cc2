"""Operations: the enumerations and limits the monitoring resources use are in the AWS API models.

The component is built under the autouse mocks with the identifiers the real resources would
hand over (tests/monitoring_build.py); the assertions read what the engine would have received.
"""

from __future__ import annotations

import re

import botocore.session
import pytest
from monitoring_build import ALARM, Built, objectives, shared_build

from preflight.recorder import RecordingMonitor


@pytest.fixture(scope="module")
def built(module_mocks: RecordingMonitor) -> Built:
    """The component as most tests here see it, built once per test process (monitoring_build.shared_build)."""
    return shared_build(module_mocks)


@pytest.fixture(scope="module")
def activated(module_mocks: RecordingMonitor) -> Built:
    """The same with the cost-allocation tags activated."""
    return shared_build(module_mocks, cost_tags_active=True)


# ── enumerations against the AWS API models ─────────────────────────────────────────────

_SESSION = botocore.session.get_session()


def _enum(service: str, shape: str) -> list[str]:
    return list(_SESSION.get_service_model(service).shape_for(shape).enum)


def _treat_missing_data_values() -> set[str]:
    # The model has no enum for TreatMissingData; its documentation lists the values.
    doc = _SESSION.get_service_model("cloudwatch").operation_model("PutMetricAlarm").input_shape.members["TreatMissingData"].documentation
    valid = re.search(r"Valid Values: <code>([^<]+)</code>", doc)
    assert valid is not None, "the model's documentation no longer lists the valid values"
    return {value.strip() for value in valid.group(1).split("|")}


def _all_alarm_values(built: Built) -> dict[str, set[str]]:
    alarms = [*built.of_type(ALARM)]
    stats = {a.inputs["statistic"] for a in alarms if "statistic" in a.inputs}
    stats |= {q["metric"]["stat"] for a in alarms for q in a.inputs.get("metricQueries", []) if "metric" in q}
    return {
        "ComparisonOperator": {a.inputs["comparisonOperator"] for a in alarms},
        "Statistic": stats,
        "TreatMissingData": {a.inputs["treatMissingData"] for a in alarms},
    }


def _extended_statistic_forms() -> str:
    """The extended statistics PutMetricAlarm's documentation lists (`PR(n:m) where n and m are values of the metric`)."""
    doc = _SESSION.get_service_model("cloudwatch").operation_model("PutMetricAlarm").input_shape.members["ExtendedStatistic"].documentation
    return re.sub(r"<[^>]+>", "", doc)


def test_alarm_enumerations_are_in_the_cloudwatch_model(built: Built) -> None:
    used = _all_alarm_values(built)
    assert used["ComparisonOperator"] <= set(_enum("cloudwatch", "ComparisonOperator"))
    extended = {stat for stat in used["Statistic"] if stat.startswith("PR(")}
    assert used["Statistic"] - extended <= set(_enum("cloudwatch", "Statistic"))
    # The latency SLO's percentile rank: the one-sided form of `PR(n:m)`, a value of the metric (seconds).
    threshold = objectives().latency.threshold_milliseconds / 1000
    assert extended == {f"PR(:{threshold:g})"} and "PR(n:m) where n and m are values of the metric" in _extended_statistic_forms()
    assert used["TreatMissingData"] <= _treat_missing_data_values() == {"breaching", "notBreaching", "ignore", "missing"}
    assert used["TreatMissingData"] == {"missing", "notBreaching", "breaching"}


def test_budget_health_check_and_tag_enumerations_are_in_their_models(activated: Built) -> None:
    built = activated
    (budget,) = built.of_type("aws:budgets/budget:Budget")
    assert budget.inputs["budgetType"] in _enum("budgets", "BudgetType")
    assert budget.inputs["timeUnit"] in _enum("budgets", "TimeUnit")
    for note in budget.inputs["notifications"]:
        assert note["notificationType"] in _enum("budgets", "NotificationType")
        assert note["comparisonOperator"] in _enum("budgets", "ComparisonOperator")
        assert note["thresholdType"] in _enum("budgets", "ThresholdType")
    assert {"SNS", "EMAIL"} <= set(_enum("budgets", "SubscriptionType"))
    (canary,) = built.of_type("aws:synthetics/canary:Canary")
    assert canary.inputs["artifactConfig"]["s3Encryption"]["encryptionMode"] in _enum("synthetics", "EncryptionMode")
    for tag in built.of_type("aws:costexplorer/costAllocationTag:CostAllocationTag"):
        assert tag.inputs["status"] in _enum("ce", "CostAllocationTagStatus")


def test_composite_rule_fits_the_models_limit(built: Built) -> None:
    composite = built.named_typed("aws:cloudwatch/compositeAlarm:CompositeAlarm", "monitoring-service-degraded")
    limit = _SESSION.get_service_model("cloudwatch").operation_model("PutCompositeAlarm").input_shape.members["AlarmRule"].metadata
    assert len(composite.inputs["alarmRule"]) <= limit["max"]
