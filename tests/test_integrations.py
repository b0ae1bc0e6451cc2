"""Deployment events and feature flags, as the committed stacks build them and as the services that call each other need them.

Cross-service facts checked here (sources in docs/integrations.md):
- EventBridge publishes to the encrypted alarm topic: the topic policy lets exactly this bus's
  rules publish, and the key lets `events.amazonaws.com` use it;
- EventBridge writes dashboard markers through the log group's resource policy (this bus's rules);
- EventBridge invokes API destinations with a role it assumes, allowed on those destinations only;
- AppConfig reads the SLOs' fast-burn composite alarms with a role it assumes, allowed DescribeAlarms only.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

import botocore.session
from owned_stacks import settings
from run_lookup import one, publish_grants

from config.integrations import DEPLOYMENTS_METRIC, DEPLOYMENTS_NAMESPACE, DETAIL_TYPES, EVENT_SOURCE
from preflight.document import build_document
from preflight.recorder import RecordedResource
from preflight.runner import Run

BUS = "aws:cloudwatch/eventBus:EventBus"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"


def _policy(resource: RecordedResource, key: str = "policy") -> dict[str, Any]:
    document: dict[str, Any] = json.loads(resource.inputs[key])
    return document


def _trusted_service(role: RecordedResource) -> str:
    (statement,) = _policy(role, "assumeRolePolicy")["Statement"]
    service: str = statement["Principal"]["Service"]
    return service


def test_the_bus_and_its_archive(each_stack: Run) -> None:
    bus = one(each_stack, BUS, "integrations-bus")
    stack = settings(each_stack.stack)
    assert bus.inputs["name"] == f"{stack.basics.name_prefix}-deployments"
    archive = one(each_stack, "aws:cloudwatch/eventArchive:EventArchive", "integrations-archive")
    assert archive.inputs["eventSourceArn"] == bus.outputs["arn"]
    assert archive.inputs["retentionDays"] == stack.integrations.events.archive_retention_days
    assert each_stack.outputs["deploymentBusName"] == bus.outputs["name"]


def test_failures_and_rollbacks_reach_on_call_through_the_alarm_topic(production: Run) -> None:
    bus = one(production, BUS, "integrations-bus")
    rule = one(production, RULE, "integrations-on-call")
    assert rule.inputs["eventBusName"] == bus.outputs["name"]
    detail_types = settings("production").integrations.events.alarm_topic_detail_types
    assert json.loads(rule.inputs["eventPattern"]) == {"source": [EVENT_SOURCE], "detail-type": detail_types}
    target = one(production, TARGET, "integrations-on-call")
    (topic,) = [t for t in production.of_type("aws:sns/topic:Topic") if t.name == "monitoring-alarms"]
    assert target.inputs["arn"] == topic.outputs["arn"] == production.outputs["alarmTopicArn"]
    # The topic admits EventBridge for this bus's rules only, and its key lets EventBridge encrypt.
    (topic_policy,) = [p for p in production.of_type("aws:sns/topicPolicy:TopicPolicy") if p.name == "monitoring-alarms"]
    (events,) = [s for s in _policy(topic_policy)["Statement"] if s["Sid"] == "DeploymentEventsPublish"]
    assert fnmatch.fnmatchcase(rule.outputs["arn"], events["Condition"]["ArnLike"]["aws:SourceArn"])
    (key_policy,) = [p for p in production.of_type("aws:kms/keyPolicy:KeyPolicy") if p.name == "monitoring-topic"]
    statements = [s for s in _policy(key_policy)["Statement"] if "Service" in s["Principal"]]
    assert any("events.amazonaws.com" in s["Principal"]["Service"] and "kms:GenerateDataKey*" in s["Action"] for s in statements)


def test_every_event_becomes_a_dashboard_marker(production: Run) -> None:
    bus = one(production, BUS, "integrations-bus")
    rule = one(production, RULE, "integrations-markers")
    assert json.loads(rule.inputs["eventPattern"])["detail-type"] == sorted(DETAIL_TYPES)
    group = one(production, "aws:cloudwatch/logGroup:LogGroup", "integrations-markers")
    assert one(production, TARGET, "integrations-markers").inputs["arn"] == group.outputs["arn"]
    # CloudWatch Logs admits EventBridge through the group's resource policy, for this bus's rules.
    # The source-ARN condition sits on PutLogEvents only: EventBridge creates the stream without one.
    create, write = _policy(
        one(production, "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "integrations-markers"), "policyDocument"
    )["Statement"]
    assert (create["Action"], write["Action"]) == ("logs:CreateLogStream", "logs:PutLogEvents")
    assert "Condition" not in create
    for statement in (create, write):
        assert "events.amazonaws.com" in statement["Principal"]["Service"]
        assert statement["Resource"] == f"{group.outputs['arn']}:*"
    assert fnmatch.fnmatchcase(rule.outputs["arn"], write["Condition"]["ArnLike"]["aws:SourceArn"])
    assert rule.inputs["eventBusName"] == bus.outputs["name"]
    # The metric filter counts the events per environment; the dashboard draws that very metric.
    metric = one(production, "aws:cloudwatch/logMetricFilter:LogMetricFilter", "integrations-markers").inputs["metricTransformation"]
    assert (metric["namespace"], metric["name"], metric["dimensions"]) == (
        DEPLOYMENTS_NAMESPACE,
        DEPLOYMENTS_METRIC,
        {"Environment": "$.detail.environment"},
    )
    (dashboard,) = production.of_type("aws:cloudwatch/dashboard:Dashboard")
    series = [m for w in json.loads(dashboard.inputs["dashboardBody"])["widgets"] for m in w["properties"].get("metrics", [])]
    assert [DEPLOYMENTS_NAMESPACE, DEPLOYMENTS_METRIC, "Environment", "production"] in [m[:4] for m in series]


def test_flags_roll_back_on_the_regional_fast_burn_alarms(production: Run) -> None:
    """The fast-burn composites in the stack's region, within AppConfig's limit of monitors per
    environment (botocore appconfig model, CreateEnvironment.Monitors: MonitorList max)."""
    from components.integrations.feature_flags import MAX_MONITORS

    region = production.outputs["releaseGate"]["region"]
    in_region = {slo["fastBurnAlarm"] for slo in production.outputs["releaseGate"]["slos"] if slo["region"] == region}
    fast = [c.outputs["arn"] for c in production.of_type(COMPOSITE) if c.inputs["alarmName"] in in_region]
    assert len(fast) >= 3
    environment = one(production, "aws:appconfig/environment:Environment", "integrations-flags")
    monitors = environment.inputs["monitors"]
    assert sorted(m["alarmArn"] for m in monitors) == sorted(fast)
    limit = botocore.session.get_session().get_service_model("appconfig").shape_for("MonitorList").metadata["max"]
    assert len(monitors) <= MAX_MONITORS == limit
    role = one(production, "aws:iam/role:Role", "integrations-flags-monitor")
    assert {m["alarmRoleArn"] for m in monitors} == {role.outputs["arn"]}
    # AppConfig assumes the role, and may only read alarms (scoped to *: composite alarms need it).
    assert _trusted_service(role) == "appconfig.amazonaws.com"
    (statement,) = _policy(one(production, ROLE_POLICY, "integrations-flags-monitor"))["Statement"]
    assert (statement["Action"], statement["Resource"]) == ("cloudwatch:DescribeAlarms", "*")
    profile = one(production, "aws:appconfig/configurationProfile:ConfigurationProfile", "integrations-flags")
    assert (profile.inputs["type"], profile.inputs["locationUri"]) == ("AWS.AppConfig.FeatureFlags", "hosted")
    strategy = one(production, "aws:appconfig/deploymentStrategy:DeploymentStrategy", "integrations-flags").inputs
    assert (
        strategy["growthType"],
        strategy["growthFactor"],
        strategy["deploymentDurationInMinutes"],
        strategy["finalBakeTimeInMinutes"],
    ) == (
        "LINEAR",
        20,
        10,
        10,
    )


def test_the_app_may_only_read_its_own_flag_profile(production: Run) -> None:
    application = one(production, "aws:appconfig/application:Application", "integrations-flags")
    environment = one(production, "aws:appconfig/environment:Environment", "integrations-flags")
    profile = one(production, "aws:appconfig/configurationProfile:ConfigurationProfile", "integrations-flags")
    grant = one(production, ROLE_POLICY, "integrations-app-reads-flags")
    app_role = one(production, "aws:iam/role:Role", "app-role")
    assert grant.inputs["role"] == app_role.outputs["name"]
    (statement,) = _policy(grant)["Statement"]
    assert sorted(statement["Action"]) == ["appconfig:GetLatestConfiguration", "appconfig:StartConfigurationSession"]
    expected = f"{application.outputs['arn']}/environment/{environment.outputs['environmentId']}/configuration/{profile.outputs['configurationProfileId']}"
    assert statement["Resource"] == expected
    assert production.outputs["featureFlags"]["profileId"] == profile.outputs["configurationProfileId"]


def test_the_app_actions_are_the_appconfig_data_api() -> None:
    """The app's two actions are the operations of the AppConfig data API its agent calls (botocore's model)."""
    from components.integrations.feature_flags import APP_ACTIONS

    operations = botocore.session.get_session().get_service_model("appconfigdata").operation_names
    assert {f"appconfig:{name}" for name in operations} == set(APP_ACTIONS)


def test_the_pipeline_may_publish_to_the_bus_and_read_what_the_gate_checks_only(production: Run) -> None:
    """The gate's reads are the operations release.py calls, named as botocore names them."""
    bus = one(production, BUS, "integrations-bus")
    composite = one(production, COMPOSITE, "monitoring-service-degraded")
    policy = one(production, "aws:iam/policy:Policy", "integrations-pipeline")
    statements = {(json.dumps(s["Action"]), s["Resource"]) for s in _policy(policy)["Statement"]}
    reads = ["cloudwatch:DescribeAlarms", "cloudwatch:GetMetricData", "elasticloadbalancing:DescribeTargetHealth"]
    assert statements == {(json.dumps("events:PutEvents"), bus.outputs["arn"]), (json.dumps(reads), "*")}
    session = botocore.session.get_session()
    for action in reads:
        service, operation = action.split(":")
        model = session.get_service_model({"elasticloadbalancing": "elbv2"}.get(service, service))
        assert operation in model.operation_names, action
    assert production.outputs["releasePipelinePolicyArn"] == policy.outputs["arn"]
    assert production.outputs["serviceDegradedAlarmName"] == composite.inputs["alarmName"]


def test_composite_alarms_are_read_with_describe_alarms_scoped_to_every_alarm() -> None:
    """CloudWatch answers DescribeAlarms for a composite alarm only to a permission scoped to `*`
    (botocore's cloudwatch model, DescribeAlarms): AppConfig's monitor role and the release gate read one."""
    from components.integrations.feature_flags import COMPOSITE_ALARM_READ_SCOPE

    documentation = botocore.session.get_session().get_service_model("cloudwatch").operation_model("DescribeAlarms").documentation
    assert "composite alarms" in documentation and "scoped to <code>*</code>" in documentation
    assert COMPOSITE_ALARM_READ_SCOPE == "*"


def test_a_stack_without_outside_listeners_has_no_connection_or_destination(staging: Run) -> None:
    assert settings("staging").integrations.destinations == []
    assert staging.of_type("aws:cloudwatch/eventApiDestination:EventApiDestination") == []
    assert staging.of_type("aws:cloudwatch/eventConnection:EventConnection") == []


def test_an_outside_listener_gets_a_secret_connection_a_destination_and_a_rule(production: Run) -> None:
    """The test stack's CRM listener, its URL and key set with `pulumi config set --secret --path …`."""
    run = production
    (listener,) = settings("production").integrations.destinations
    connection = one(run, "aws:cloudwatch/eventConnection:EventConnection", "integrations-crm")
    assert connection.inputs["authorizationType"] == "API_KEY"
    assert connection.inputs["authParameters"]["apiKey"] == {"key": "Authorization", "value": "[secret]"}
    destination = one(run, "aws:cloudwatch/eventApiDestination:EventApiDestination", "integrations-crm")
    assert destination.inputs["connectionArn"] == connection.outputs["arn"]
    assert destination.inputs["invocationEndpoint"] == "[secret]"
    rule = one(run, RULE, "integrations-crm")
    assert json.loads(rule.inputs["eventPattern"])["detail-type"] == listener.detail_types
    target = one(run, TARGET, "integrations-crm")
    assert target.inputs["arn"] == destination.outputs["arn"]
    # EventBridge assumes the role, and may invoke exactly this stack's destinations.
    role = one(run, "aws:iam/role:Role", "integrations-invoke-destinations")
    assert target.inputs["roleArn"] == role.outputs["arn"]
    assert _trusted_service(role) == "events.amazonaws.com"
    (statement,) = _policy(one(run, ROLE_POLICY, "integrations-invoke-destinations"))["Statement"]
    assert (statement["Action"], statement["Resource"]) == ("events:InvokeApiDestination", [destination.outputs["arn"]])
    # No plaintext of the URL or the key reaches the plan document.
    text = json.dumps(build_document(run))
    assert not [value for value in run.secret_values if value in text]
    assert {"email-platform:integrations.destinations.crm.url", "email-platform:integrations.destinations.crm.apiKey"} <= set(
        run.stack_file.placeholders
    )


def test_the_on_call_and_marker_targets_wait_for_the_policies_that_let_eventbridge_deliver(production: Run) -> None:
    on_call = one(production, TARGET, "integrations-on-call")
    grants = publish_grants(production, on_call.inputs["arn"])
    assert {g.urn for g in grants} <= set(on_call.dependencies)
    markers = one(production, TARGET, "integrations-markers")
    (log_policy,) = [
        p
        for p in production.of_type("aws:cloudwatch/logResourcePolicy:LogResourcePolicy")
        if markers.inputs["arn"] in p.inputs["policyDocument"]
    ]
    assert log_policy.urn in markers.dependencies
