"""Operations: the dashboard draws the alarms' metrics and each SLO's budget left.

The component is built under the autouse mocks with the identifiers the real resources would
hand over (tests/monitoring_build.py); the assertions read what the engine would have received.
"""

from __future__ import annotations

import json

import pytest
from monitoring_build import ALARM, ALB, DB_CLUSTER, DB_INSTANCES, DISTRIBUTION, MEMBERS, Built, build, objectives, shared_build

from preflight.recorder import RecordingMonitor


@pytest.fixture(scope="module")
def built(module_mocks: RecordingMonitor) -> Built:
    """The component as most tests here see it, built once per test process (monitoring_build.shared_build)."""
    return shared_build(module_mocks)


# ── dashboard ───────────────────────────────────────────────────────────────────────────


def test_dashboard_draws_the_guides_metrics_from_the_same_identifiers(built: Built) -> None:
    (dashboard,) = built.of_type("aws:cloudwatch/dashboard:Dashboard")
    assert dashboard.inputs["dashboardName"] == "email-platform-production"
    body = json.loads(dashboard.inputs["dashboardBody"])
    drawn = [line for w in body["widgets"] if w["type"] == "metric" for line in w["properties"]["metrics"]]
    flat = {json.dumps(line) for line in drawn}
    assert json.dumps(["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", ALB]) in flat
    assert json.dumps(["AWS/RDS", "AuroraReplicaLagMaximum", "DBClusterIdentifier", DB_CLUSTER]) in flat
    assert json.dumps(["AWS/CloudFront", "5xxErrorRate", "Region", "Global", "DistributionId", DISTRIBUTION]) in flat
    for instance in DB_INSTANCES:
        assert json.dumps(["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", instance]) in flat
    for member in MEMBERS:
        assert json.dumps(["AWS/ElastiCache", "EngineCPUUtilization", "CacheClusterId", member]) in flat
    (canary,) = built.of_type("aws:synthetics/canary:Canary")
    assert json.dumps(["CloudWatchSynthetics", "SuccessPercent", "CanaryName", canary.outputs["name"]]) in flat
    cdn_widget = next(w for w in body["widgets"] if w["properties"].get("title") == "CDN 5xx rate (%)")
    assert cdn_widget["properties"]["region"] == "us-east-1"
    alarm_arns = {arn for w in body["widgets"] if w["type"] == "alarm" for arn in w["properties"]["alarms"]}
    assert alarm_arns == {a.outputs["arn"] for a in built.of_type(ALARM)} | {
        c.outputs["arn"] for c in built.of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm")
    }


def test_the_dashboard_shows_each_slos_budget_left_over_its_window(pulumi_mocks: RecordingMonitor) -> None:
    """One single-value widget per SLO series over the whole window, computed from the burn-rate alarms'
    own metrics and expression, in the region those metrics live in."""
    slo = objectives(windowDays=28)
    built = build(pulumi_mocks, region="eu-west-1", slo=slo)
    body = json.loads(built.of_type("aws:cloudwatch/dashboard:Dashboard")[0].inputs["dashboardBody"])
    budgets = {
        w["properties"]["title"].split(":")[0]: w["properties"] for w in body["widgets"] if w["properties"].get("view") == "singleValue"
    }
    alarms = {a.inputs["name"]: a for a in built.of_type(ALARM)}
    assert set(budgets) == {"availability", "availability-edge", "latency", "delivery"}
    for series, widget in budgets.items():
        fast = alarms[f"email-platform-production-slo-{series}-fast-1h"]
        (burn,) = [q["expression"] for q in fast.inputs["metricQueries"] if q.get("returnData")]
        *metrics, (expression,) = widget["metrics"]
        assert expression["expression"] == f"100 * (1 - ({burn}))"
        assert {m[-1]["id"] for m in metrics} == {q["id"] for q in fast.inputs["metricQueries"] if q.get("metric")}
        assert widget["setPeriodToTimeRange"] and widget["start"] == "-P28D" and widget["period"] == 28 * 86_400
        assert widget["region"] == ("us-east-1" if built.is_east(fast) else "eu-west-1")
