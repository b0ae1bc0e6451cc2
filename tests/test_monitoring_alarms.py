"""Operations: every alarm watches the resources it is given, with config's thresholds.

The component is built under the autouse mocks with the identifiers the real resources would
hand over (tests/monitoring_build.py); the assertions read what the engine would have received.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from monitoring_build import (
    ALARM,
    ALB,
    DB_CLUSTER,
    DB_INSTANCES,
    DISTRIBUTION,
    DOMAIN,
    HEALTH_PATH,
    MEMBERS,
    REPLICATION_GROUP,
    TARGET_GROUPS,
    Built,
    build,
    metric,
    objectives,
    settings,
    shared_build,
)

from components.monitoring import MonitoringArgs
from components.monitoring.alarms_data import member_cluster
from config.basics import Basics, Tags
from config.reader import Section
from config.slo import parse_slo
from preflight.recorder import RecordingMonitor


@pytest.fixture(scope="module")
def built(module_mocks: RecordingMonitor) -> Built:
    """The component as most tests here see it, built once per test process (monitoring_build.shared_build)."""
    return shared_build(module_mocks)


# ── ALB: the guide's response-time target, 5xx and target health ───────────────────────────


def test_response_time_alarm_is_the_latency_objectives_average_on_the_load_balancer(built: Built, pulumi_mocks: RecordingMonitor) -> None:
    alarm = built.alarm("alb-response-time")
    assert metric(alarm) == ("AWS/ApplicationELB", "TargetResponseTime", {"LoadBalancer": ALB}, "Average")
    assert alarm.inputs["threshold"] == objectives().latency.average_milliseconds / 1000
    assert alarm.inputs["comparisonOperator"] == "GreaterThanThreshold"
    assert alarm.inputs["evaluationPeriods"] == 3
    assert alarm.inputs["period"] == 60
    pulumi_mocks.recorded.clear()
    staging = Basics("staging", "us-east-1", DOMAIN, Tags("o", "c", {}))
    looser = parse_slo(Section("email-platform:slo", {"latency": {"averageMilliseconds": 350}}), staging)
    assert build(pulumi_mocks, slo=looser).alarm("alb-response-time").inputs["threshold"] == 0.35


@pytest.mark.parametrize(
    ("role", "errors", "expression"),
    [
        ("alb-target-5xx-rate", "HTTPCode_Target_5XX_Count", "100 * FILL(errors, 0) / requests"),
        ("alb-elb-5xx-rate", "HTTPCode_ELB_5XX_Count", "100 * FILL(errors, 0) / (FILL(requests, 0) + FILL(errors, 0))"),
    ],
)
def test_5xx_rates_are_metric_math_over_the_load_balancers_counts(built: Built, role: str, errors: str, expression: str) -> None:
    alarm = built.alarm(role)
    queries = {q["id"]: q for q in alarm.inputs["metricQueries"]}
    assert queries["errors"]["metric"] == {
        "namespace": "AWS/ApplicationELB", "metricName": errors, "dimensions": {"LoadBalancer": ALB}, "stat": "Sum", "period": 60,
    }  # fmt: skip
    assert queries["requests"]["metric"]["metricName"] == "RequestCount"
    assert queries["requests"]["metric"]["dimensions"] == {"LoadBalancer": ALB}
    assert queries["rate"]["expression"] == expression
    assert [q["id"] for q in alarm.inputs["metricQueries"] if q["returnData"]] == ["rate"]
    assert alarm.inputs["threshold"] == 1
    assert "namespace" not in alarm.inputs  # a metric-math alarm may not also name a metric


def test_each_target_group_colour_has_an_unhealthy_hosts_alarm(built: Built) -> None:
    for colour, suffix in TARGET_GROUPS.items():
        alarm = built.alarm(f"alb-{colour}-unhealthy-hosts")
        assert metric(alarm) == ("AWS/ApplicationELB", "UnHealthyHostCount", {"TargetGroup": suffix, "LoadBalancer": ALB}, "Maximum")
        assert alarm.inputs["threshold"] == 0
        assert alarm.inputs["comparisonOperator"] == "GreaterThanThreshold"
        assert alarm.inputs["treatMissingData"] == "notBreaching"


# ── Aurora and ElastiCache ─────────────────────────────────────────────────────────────


def test_aurora_alarms_watch_the_writer_and_every_reader_by_role_and_the_clusters_replica_lag(built: Built) -> None:
    lag = built.alarm("db-replica-lag")
    assert metric(lag) == ("AWS/RDS", "AuroraReplicaLagMaximum", {"DBClusterIdentifier": DB_CLUSTER}, "Maximum")
    assert lag.inputs["threshold"] == 1000
    expected = {
        "cpu": ("CPUUtilization", "Maximum", "GreaterThanThreshold", 80),
        "memory": ("FreeableMemory", "Minimum", "LessThanThreshold", 512 * 1024**2),
        "connections": ("DatabaseConnections", "Maximum", "GreaterThanThreshold", 1000),
        "local-storage": ("FreeLocalStorage", "Minimum", "LessThanThreshold", 2 * 1024**3),
    }
    # Role-level dimensions: a reader added by autoscaling is covered without an alarm of its own.
    for db_role in ("WRITER", "READER"):
        for check, (name, statistic, comparison, threshold) in expected.items():
            alarm = built.alarm(f"db-{db_role.lower()}-{check}")
            assert metric(alarm) == ("AWS/RDS", name, {"DBClusterIdentifier": DB_CLUSTER, "Role": db_role}, statistic)
            assert (alarm.inputs["comparisonOperator"], alarm.inputs["threshold"]) == (comparison, threshold)
    per_instance = [a for a in built.of_type(ALARM) if "DBInstanceIdentifier" in (a.inputs.get("dimensions") or {})]
    assert per_instance == [], "per-instance alarms miss the readers autoscaling adds"


def test_cache_alarms_watch_each_member_cluster_in_a_stable_order(built: Built) -> None:
    expected = {
        "cpu": ("CPUUtilization", 90),
        "engine-cpu": ("EngineCPUUtilization", 80),
        "memory": ("DatabaseMemoryUsagePercentage", 80),
        "evictions": ("Evictions", 0),
        "replication-lag": ("ReplicationLag", 30),
    }
    for index, member in enumerate(sorted(MEMBERS), start=1):
        for role, (name, threshold) in expected.items():
            alarm = built.alarm(f"cache-{index}-{role}")
            namespace, metric_name, dimensions, _ = metric(alarm)
            assert (namespace, metric_name, dimensions) == ("AWS/ElastiCache", name, {"CacheClusterId": member})
            assert alarm.inputs["threshold"] == threshold
            assert REPLICATION_GROUP in alarm.inputs["alarmDescription"]
    assert not [r for r in built.of_type(ALARM) if r.name.startswith(f"monitoring-cache-{len(MEMBERS) + 1}-")]


def test_a_member_count_that_disagrees_with_the_group_is_an_error() -> None:
    assert member_cluster(MEMBERS, 0, 4) == f"{REPLICATION_GROUP}-0001-001"
    with pytest.raises(ValueError, match="4 member clusters but monitoring was told 6"):
        member_cluster(MEMBERS, 0, 6)


# ── us-east-1: CloudFront ───────────────────────────────────────────────────────────────


def test_cdn_alarm_uses_the_us_east_1_provider_and_the_global_dimension(built: Built) -> None:
    alarm = built.alarm("cdn-5xx-rate")
    assert metric(alarm) == ("AWS/CloudFront", "5xxErrorRate", {"DistributionId": DISTRIBUTION, "Region": "Global"}, "Average")
    assert alarm.inputs["threshold"] == 1
    assert built.is_east(alarm)


# ── thresholds, optional alarms ─────────────────────────────────────────────────────────


def test_thresholds_and_evaluation_come_from_config(pulumi_mocks: RecordingMonitor) -> None:
    config = settings(
        evaluationPeriods=5,
        periodSeconds=300,
        alb={"target5xxPercent": 2.5},
        database={"cpuPercent": 70, "connections": 400},
        cache={"engineCpuPercent": 65, "evictions": 100},
        cdn={"error5xxPercent": 3},
    )
    built = build(pulumi_mocks, config)
    assert built.alarm("alb-response-time").inputs["evaluationPeriods"] == 5
    assert built.alarm("alb-response-time").inputs["period"] == 300
    assert built.alarm("alb-target-5xx-rate").inputs["threshold"] == 2.5
    assert built.alarm("alb-target-5xx-rate").inputs["metricQueries"][0]["metric"]["period"] == 300
    assert built.alarm("db-reader-cpu").inputs["threshold"] == 70
    assert built.alarm("db-writer-connections").inputs["threshold"] == 400
    assert built.alarm("cache-3-engine-cpu").inputs["threshold"] == 65
    assert built.alarm("cache-1-evictions").inputs["threshold"] == 100
    assert built.alarm("cdn-5xx-rate").inputs["threshold"] == 3


# ── what the component refuses, and how a plan shows the alarms ─────────────────────────


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a.update(target_group_arn_suffixes={}), "at least one target group"),
        (lambda a: a.update(target_group_arn_suffixes={"Blue Colour": "tg"}), "short lower-case name"),
        (lambda a: a.update(db_instance_identifiers=[]), "at least one instance"),
        (lambda a: a.update(redis_node_count=0), "at least one node"),
    ],
)
def test_args_refuse_what_cannot_be_watched(change: Callable[[dict[str, Any]], None], message: str) -> None:
    values: dict[str, Any] = {
        "settings": settings(), "slo": objectives(), "environment": "production", "region": "us-east-1", "domain": DOMAIN, "health_check_path": HEALTH_PATH,
        "us_east_1_provider": None, "alb_arn_suffix": ALB, "target_group_arn_suffixes": TARGET_GROUPS,
        "db_cluster_identifier": DB_CLUSTER, "db_instance_identifiers": DB_INSTANCES, "redis_replication_group_id": REPLICATION_GROUP,
        "redis_member_clusters": MEMBERS, "redis_node_count": 4, "cdn_distribution_id": DISTRIBUTION,
    }  # fmt: skip
    change(values)
    with pytest.raises(ValueError, match=message):
        MonitoringArgs(**values)


def test_the_plan_tree_lists_each_alarm_with_its_metric_and_threshold(built: Built) -> None:
    from preflight.runner import Run
    from preflight.tree import render_tree

    assert built.root is not None
    lines = render_tree(Run(stack_file=None, resources=[built.root, *built.resources], outputs={}))  # type: ignore[arg-type]
    response = next(line for line in lines if "monitoring-alb-response-time " in line)
    assert "metricName=TargetResponseTime" in response and "threshold=0.2" in response
    assert "comparisonOperator=GreaterThanThreshold" in response
    rate = next(line for line in lines if "monitoring-alb-target-5xx-rate " in line)
    assert "metricName=HTTPCode_Target_5XX_Count" in rate and "expression=100 * FILL(errors, 0) / requests" in rate
    assert "threshold=1" in rate
    budget = next(line for line in lines if "(aws:budgets/budget:Budget)" in line)
    assert "limitAmount=3000.00" in budget and "timeUnit=MONTHLY" in budget
