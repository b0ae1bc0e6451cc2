"""Operations: every alarm watches the resources it is given, with config's thresholds, and tells someone.

The component is built under the autouse mocks with the identifiers the real resources would
hand over (ARN suffixes, cluster and instance ids, member clusters, a distribution id); the
assertions read what the engine would have received.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import botocore.session
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
    objectives,
    settings,
)

from components.monitoring import MonitoringArgs
from components.monitoring.alarms import alarm_rule
from components.monitoring.alarms_data import member_cluster
from config.basics import Basics, Tags
from config.reader import Section
from config.slo import parse_slo
from preflight.recorder import RecordedResource, RecordingMonitor


@pytest.fixture(scope="module")
def built(module_mocks: RecordingMonitor) -> Built:
    """The component as most tests here see it, built once (plain records)."""
    return build(module_mocks)


@pytest.fixture(scope="module")
def activated(module_mocks: RecordingMonitor) -> Built:
    """The same with the cost-allocation tags activated."""
    return build(module_mocks, settings(activateCostAllocationTags=True))


def metric(alarm: RecordedResource) -> tuple[str, str, dict[str, str], str]:
    inputs = alarm.inputs
    return inputs["namespace"], inputs["metricName"], inputs["dimensions"], inputs["statistic"]


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


# ── us-east-1: CloudFront and the uptime health check ───────────────────────────────────


def test_cdn_alarm_uses_the_us_east_1_provider_and_the_global_dimension(built: Built) -> None:
    alarm = built.alarm("cdn-5xx-rate")
    assert metric(alarm) == ("AWS/CloudFront", "5xxErrorRate", {"DistributionId": DISTRIBUTION, "Region": "Global"}, "Average")
    assert alarm.inputs["threshold"] == 1
    assert built.is_east(alarm)


def test_the_canary_calls_the_health_url_over_tls13_and_its_alarms_join_the_composite(built: Built) -> None:
    (canary,) = built.of_type("aws:synthetics/canary:Canary")
    assert canary.inputs["runtimeVersion"] == "syn-nodejs-3.1" and canary.inputs["handler"] == "index.handler"
    assert canary.inputs["schedule"]["expression"] == "rate(5 minutes)"
    (code,) = built.of_type("aws:s3/bucketObjectv2:BucketObjectv2")
    assert canary.inputs["s3Key"] == code.inputs["key"] and canary.inputs["s3Version"] == code.outputs["versionId"]
    success, duration = built.alarm("canary-us-east-1-success"), built.alarm("canary-us-east-1-duration")
    dims = {"CanaryName": canary.outputs["name"]}
    assert metric(success) == ("CloudWatchSynthetics", "SuccessPercent", dims, "Average")
    assert (success.inputs["comparisonOperator"], success.inputs["threshold"]) == ("LessThanThreshold", 99.9)
    assert metric(duration) == ("CloudWatchSynthetics", "Duration", dims, "Average")
    # The whole run's budget, derived for a canary beside the stack (config.canaries), never the server's 200 ms.
    budget = settings().canaries.duration_budgets["us-east-1"]
    assert (duration.inputs["comparisonOperator"], duration.inputs["threshold"]) == ("GreaterThanThreshold", budget)
    assert budget != objectives().latency.average_milliseconds
    assert success.inputs["period"] == 300, "one period per run"
    # A canary that stops reporting is not a healthy one: the success alarm counts silence against it;
    # the duration alarm does not, so a stopped canary is one alarm, not two.
    assert (success.inputs["treatMissingData"], duration.inputs["treatMissingData"]) == ("breaching", "notBreaching")
    composite = built.named_typed("aws:cloudwatch/compositeAlarm:CompositeAlarm", "monitoring-service-degraded")
    for alarm in (success, duration):
        assert f'ALARM("{alarm.inputs["name"]}")' in composite.inputs["alarmRule"]
        assert alarm.inputs["alarmActions"] == []
    assert not built.of_type("aws:route53/healthCheck:HealthCheck")


def test_a_canary_per_region_each_through_its_own_provider(pulumi_mocks: RecordingMonitor) -> None:
    built = build(pulumi_mocks, settings(canaryRegions=["us-east-1", "eu-west-1", "us-west-2"]))
    canaries = {c.name: c for c in built.of_type("aws:synthetics/canary:Canary")}
    assert set(canaries) == {"monitoring-canary-us-east-1", "monitoring-canary-eu-west-1", "monitoring-canary-us-west-2"}
    for region in ("eu-west-1", "us-west-2"):
        canary = canaries[f"monitoring-canary-{region}"]
        assert canary.provider is not None and f"::aws-{region}::" in canary.provider
        alarm = built.alarm(f"canary-{region}-success")
        assert alarm.provider == canary.provider, "an alarm lives in its metric's region"
        (action,) = alarm.inputs["alarmActions"]
        assert f":{region}:" in action, "and notifies a topic there"
    buckets = [b for b in built.of_type("aws:s3/bucket:Bucket") if "canary" in b.name]
    assert len(buckets) == 3 and all(b.protect for b in buckets)
    rules = {r.name: r for r in built.of_type("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")}
    runs = rules["monitoring-canary-eu-west-1"].inputs["rules"][0]
    assert runs["filter"]["prefix"] == "runs/" and runs["expiration"]["days"] == 30


def test_each_canary_regions_duration_alarm_holds_its_configured_whole_run_budget(pulumi_mocks: RecordingMonitor) -> None:
    from config.canaries import derived_budget_milliseconds

    built = build(
        pulumi_mocks, settings(canaryRegions=["us-east-1", "ap-southeast-2"], canaryDurationMilliseconds={"ap-southeast-2": 4200})
    )
    assert built.alarm("canary-ap-southeast-2-duration").inputs["threshold"] == 4200
    body = json.loads(built.of_type("aws:cloudwatch/dashboard:Dashboard")[0].inputs["dashboardBody"])
    lines = {w["properties"]["title"]: w["properties"]["annotations"]["horizontal"][0]["value"] for w in body["widgets"]
             if w["properties"].get("title", "").startswith("Whole canary run")}  # fmt: skip
    derived = derived_budget_milliseconds("us-east-1", "us-east-1")
    assert lines == {"Whole canary run from ap-southeast-2 (ms)": 4200, "Whole canary run from us-east-1 (ms)": derived}
    assert built.alarm("canary-us-east-1-duration").inputs["threshold"] == derived


def test_in_another_region_the_us_east_1_alarms_notify_a_us_east_1_topic(pulumi_mocks: RecordingMonitor) -> None:
    built = build(pulumi_mocks, region="eu-west-1")
    topics = {t.outputs["arn"]: t for t in built.of_type("aws:sns/topic:Topic") if t.inputs["name"].endswith("-alarms")}
    assert len(topics) == 2
    for role in ("cdn-5xx-rate",):
        (action,) = built.alarm(role).inputs["alarmActions"]
        assert built.is_east(topics[action]), "alarm actions must be in the alarm's region"
    (regional,) = built.alarm("db-writer-cpu").inputs["alarmActions"]
    assert not built.is_east(topics[regional])
    keys = {k.outputs["arn"]: k for k in built.of_type("aws:kms/key:Key")}
    assert built.is_east(keys[topics[action].inputs["kmsMasterKeyId"]]), "a topic's key is in the topic's region"
    east_subscriptions = [
        s for s in built.of_type("aws:sns/topicSubscription:TopicSubscription") if built.is_east(s) and s.inputs["topic"] == action
    ]
    assert {s.inputs["endpoint"] for s in east_subscriptions} == {"oncall@example.com", "[secret]"}


def test_in_us_east_1_one_topic_serves_every_alarm(built: Built) -> None:
    topic = built.named_typed("aws:sns/topic:Topic", "monitoring-alarms")
    assert built.alarm("cdn-5xx-rate").inputs["alarmActions"] == [topic.outputs["arn"]]


# ── who is told ─────────────────────────────────────────────────────────────────────────


def test_service_degraded_composite_covers_the_symptoms_and_alone_notifies_for_them(built: Built) -> None:
    composite = built.named_typed("aws:cloudwatch/compositeAlarm:CompositeAlarm", "monitoring-service-degraded")
    topic = built.named_typed("aws:sns/topic:Topic", "monitoring-alarms")
    symptoms = ["alb-target-5xx-rate", "alb-elb-5xx-rate", "alb-response-time", "alb-blue-unhealthy-hosts", "alb-green-unhealthy-hosts"]
    symptoms += ["canary-us-east-1-success", "canary-us-east-1-duration"]
    names = re.findall(r'ALARM\("([^"]+)"\)', composite.inputs["alarmRule"])
    assert sorted(names) == sorted(built.alarm(role).inputs["name"] for role in symptoms)
    assert composite.inputs["alarmRule"] == alarm_rule(names)
    assert composite.inputs["alarmActions"] == composite.inputs["okActions"] == [topic.outputs["arn"]]
    for role in symptoms:
        assert built.alarm(role).inputs["alarmActions"] == []
    for cause in ("db-reader-cpu", "db-replica-lag", "cache-1-memory"):
        assert built.alarm(cause).inputs["alarmActions"] == [topic.outputs["arn"]]
        assert built.alarm(cause).inputs["name"] not in names


def test_every_alarm_is_either_in_a_composite_or_notifies(built: Built) -> None:
    rules = " ".join(c.inputs["alarmRule"] for c in built.of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm"))
    for alarm in built.of_type(ALARM):
        assert alarm.inputs["alarmActions"] or f'ALARM("{alarm.inputs["name"]}")' in rules, alarm.name


def test_topic_is_encrypted_with_a_key_cloudwatch_budgets_and_deployment_events_may_use(built: Built) -> None:
    topic = built.named_typed("aws:sns/topic:Topic", "monitoring-alarms")
    key = built.named_typed("aws:kms/key:Key", "monitoring-topic")
    assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"]
    assert key.inputs["enableKeyRotation"] is True
    key_policy = built.named_typed("aws:kms/keyPolicy:KeyPolicy", "monitoring-topic")
    assert key_policy.inputs["keyId"] == key.outputs["keyId"]
    statements = json.loads(key_policy.inputs["policy"])["Statement"]
    services = [s for s in statements if "Service" in s["Principal"]]
    # EventBridge forwards deployment failures (components/integrations): it encrypts with the key too.
    assert services[0]["Principal"]["Service"] == ["cloudwatch.amazonaws.com", "budgets.amazonaws.com", "events.amazonaws.com"]
    assert set(services[0]["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}
    assert any(s["Principal"].get("AWS") == "arn:aws:iam::123456789012:root" for s in statements), "the account keeps control"
    topic_policy = built.named_typed("aws:sns/topicPolicy:TopicPolicy", "monitoring-alarms")
    publish, events, findings, backup_jobs = json.loads(topic_policy.inputs["policy"])["Statement"]
    assert publish["Resource"] == topic.outputs["arn"] == topic_policy.inputs["arn"]
    assert publish["Principal"]["Service"] == ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]
    assert publish["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    # Only the rules of this stack's deployment-events bus may publish as EventBridge.
    assert events["Principal"]["Service"] == "events.amazonaws.com" and events["Resource"] == topic.outputs["arn"]
    assert events["Condition"] == {
        "ArnLike": {"aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/email-platform-production-deployments/*"}
    }
    # And the registry's CRITICAL image-findings rule on the default bus.
    assert findings["Principal"]["Service"] == "events.amazonaws.com" and findings["Resource"] == topic.outputs["arn"]
    assert findings["Condition"] == {
        "ArnEquals": {"aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/email-platform-production-image-findings"}
    }
    # And the backup component's failed-jobs rule on the default bus (tests/test_backup.py holds the wiring).
    assert backup_jobs["Principal"]["Service"] == "events.amazonaws.com" and backup_jobs["Resource"] == topic.outputs["arn"]
    assert backup_jobs["Condition"] == {
        "ArnEquals": {"aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/email-platform-production-backup-jobs"}
    }


def test_subscriptions_come_from_config(built: Built) -> None:
    topic = built.named_typed("aws:sns/topic:Topic", "monitoring-alarms")
    on_topic = [s for s in built.of_type("aws:sns/topicSubscription:TopicSubscription") if s.inputs["topic"] == topic.outputs["arn"]]
    subscriptions = {(s.inputs["protocol"], s.inputs["endpoint"]) for s in on_topic}
    # A webhook URL may carry a token: secret in state, and not in the resource name either.
    assert subscriptions == {("email", "oncall@example.com"), ("https", "[secret]")}
    assert not [s for s in built.resources if "hooks" in s.urn]


def test_a_webhook_subscription_is_confirmed_by_its_receiver_not_awaited(built: Built) -> None:
    """The receiver visits SNS's SubscribeURL itself: with `endpointAutoConfirms` the provider would wait for a
    confirmation (pulumi_aws sns.TopicSubscription: "the endpoint is capable of auto confirming") that may never
    come while the subscription stays pending."""
    webhooks = [s for s in built.of_type("aws:sns/topicSubscription:TopicSubscription") if s.inputs["protocol"] == "https"]
    assert webhooks and all(s.inputs["endpointAutoConfirms"] is False for s in webhooks)


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


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_publishers_wait_for_the_topics_policy_and_key_policy(pulumi_mocks: RecordingMonitor, region: str) -> None:
    """Budgets does not check the topic when the budget is saved: its first notification must find
    SNS and KMS already allowing it, so the budget and the alarms depend on both policies."""
    built = build(pulumi_mocks, region=region)
    topics = {t.outputs["arn"]: t for t in built.of_type("aws:sns/topic:Topic")}
    topic_policies = {p.inputs["arn"]: p.urn for p in built.of_type("aws:sns/topicPolicy:TopicPolicy")}
    key_ids = {k.outputs["arn"]: k.outputs["keyId"] for k in built.of_type("aws:kms/key:Key")}
    key_policies = {k.inputs["keyId"]: k.urn for k in built.of_type("aws:kms/keyPolicy:KeyPolicy")}
    (budget,) = built.of_type("aws:budgets/budget:Budget")
    notifying = {budget.name: (budget, budget.inputs["notifications"][0]["subscriberSnsTopicArns"][0])}
    notifying.update({a.name: (a, a.inputs["alarmActions"][0]) for a in built.of_type(ALARM) if a.inputs.get("alarmActions")})
    assert len(notifying) > 10
    for name, (publisher, topic_arn) in notifying.items():
        topic = topics[topic_arn]
        assert topic_policies[topic_arn] in publisher.dependencies, name
        assert key_policies[key_ids[topic.inputs["kmsMasterKeyId"]]] in publisher.dependencies, name


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
