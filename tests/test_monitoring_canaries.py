"""Operations: the uptime canaries, one per configured region, and their alarms.

The component is built under the autouse mocks with the identifiers the real resources would
hand over (tests/monitoring_build.py); the assertions read what the engine would have received.
"""

from __future__ import annotations

import json

import pytest
from monitoring_build import Built, build, metric, objectives, settings, shared_build

from preflight.recorder import RecordingMonitor


@pytest.fixture(scope="module")
def built(module_mocks: RecordingMonitor) -> Built:
    """The component as most tests here see it, built once per test process (monitoring_build.shared_build)."""
    return shared_build(module_mocks)


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
