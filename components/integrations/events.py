"""The deployment-events bus: the archive, the rule to on-call, the outside listeners, the dashboard markers.

Who may do what (each a service calling another, sources in docs/integrations.md):
- EventBridge publishes to the alarm topic: the topic's policy and its key's policy name
  `events.amazonaws.com` (components/monitoring/notifications.py).
- EventBridge calls an API destination with a role it assumes that may only
  `events:InvokeApiDestination` on this stack's destinations.
- EventBridge writes to a CloudWatch Logs group through that group's resource policy (not a role).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.shared.iam import assume_role_policy
from components.shared.log_encryption import log_group_key
from config.integrations import DEPLOYMENTS_METRIC, DEPLOYMENTS_NAMESPACE, DETAIL_TYPES, EVENT_SOURCE, Destination, bus_name

# Deployment events are rare (a few per deployment): the markers' log only feeds the metric,
# which CloudWatch keeps for 15 months whatever the log's retention.
MARKER_LOG_RETENTION_DAYS = 30


def event_pattern(detail_types: Sequence[str]) -> str:
    """The pipeline's events of the given types (all five when every type is listed)."""
    return json.dumps({"source": [EVENT_SOURCE], "detail-type": sorted(detail_types)}, sort_keys=True)


def deployment_bus(
    name: str, prefix: str, retention_days: int, opts: pulumi.ResourceOptions
) -> tuple[aws.cloudwatch.EventBus, aws.cloudwatch.EventArchive]:
    bus = aws.cloudwatch.EventBus(
        f"{name}-bus",
        name=bus_name(prefix),
        description=f"{prefix} deployment events, for every team that coordinates with releases",
        opts=opts,
    )
    archive = aws.cloudwatch.EventArchive(
        f"{name}-archive",
        name=f"{prefix}-deployments",
        description="Every deployment event, for replay into a new listener",
        event_source_arn=bus.arn,
        retention_days=retention_days,
        opts=opts,
    )
    return bus, archive


def _rule(
    name: str, rule_name: str, bus: aws.cloudwatch.EventBus, detail_types: Sequence[str], description: str, opts: pulumi.ResourceOptions
) -> aws.cloudwatch.EventRule:
    return aws.cloudwatch.EventRule(
        name,
        name=rule_name,
        description=description,
        event_bus_name=bus.name,
        event_pattern=event_pattern(detail_types),
        opts=opts,
    )


def on_call_rule(
    name: str,
    prefix: str,
    bus: aws.cloudwatch.EventBus,
    detail_types: Sequence[str],
    topic_arn: pulumi.Input[str],
    topic_ready: Sequence[pulumi.Resource],
    opts: pulumi.ResourceOptions,
) -> aws.cloudwatch.EventRule | None:
    """The events on-call hears of (failures, rollbacks by default), on the alarm topic.

    The target waits for the topic's policy and its key's policy (`topic_ready`): EventBridge may
    publish to the encrypted topic only once both let it, and an event it cannot deliver is lost.
    """
    if not detail_types:
        return None
    rule = _rule(f"{name}-on-call", f"{prefix}-deployments-on-call", bus, detail_types, "Deployment events on-call hears of", opts)
    aws.cloudwatch.EventTarget(
        f"{name}-on-call",
        rule=rule.name,
        event_bus_name=bus.name,
        arn=topic_arn,
        target_id="alarm-topic",
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=list(topic_ready))),
    )
    return rule


def destinations(
    name: str, prefix: str, bus: aws.cloudwatch.EventBus, listeners: Sequence[Destination], opts: pulumi.ResourceOptions
) -> dict[str, aws.cloudwatch.EventApiDestination]:
    """A connection (its API key a secret), an API destination and a rule per outside listener."""
    made: dict[str, aws.cloudwatch.EventApiDestination] = {}
    for listener in listeners:
        # EventBridge keeps the key in a Secrets Manager secret of its own (`events!connection/…`).
        connection = aws.cloudwatch.EventConnection(
            f"{name}-{listener.name}",
            name=f"{prefix}-{listener.name}",
            description=f"Credentials for the {listener.name} deployment listener",
            authorization_type="API_KEY",
            auth_parameters=aws.cloudwatch.EventConnectionAuthParametersArgs(
                api_key=aws.cloudwatch.EventConnectionAuthParametersApiKeyArgs(
                    key=listener.header_name, value=pulumi.Output.secret(listener.api_key)
                ),
            ),
            opts=opts,
        )
        made[listener.name] = aws.cloudwatch.EventApiDestination(
            f"{name}-{listener.name}",
            name=f"{prefix}-{listener.name}",
            description=f"The {listener.name} deployment listener",
            connection_arn=connection.arn,
            http_method="POST",
            # The URL may carry a token too: it stays a secret in state.
            invocation_endpoint=pulumi.Output.secret(listener.url),
            invocation_rate_limit_per_second=listener.invocations_per_second,
            opts=opts,
        )
    if not made:
        return made
    role = aws.iam.Role(
        f"{name}-invoke-destinations",
        description=f"EventBridge posts {prefix} deployment events to the configured listeners",
        assume_role_policy=assume_role_policy("events.amazonaws.com"),
        opts=opts,
    )
    aws.iam.RolePolicy(
        f"{name}-invoke-destinations",
        role=role.id,
        policy=pulumi.Output.all(*(d.arn for d in made.values())).apply(_invoke_policy),
        opts=opts,
    )
    for listener in listeners:
        rule = _rule(
            f"{name}-{listener.name}",
            f"{prefix}-deployments-{listener.name}",
            bus,
            listener.detail_types,
            f"Deployment events for {listener.name}",
            opts,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-{listener.name}",
            rule=rule.name,
            event_bus_name=bus.name,
            arn=made[listener.name].arn,
            role_arn=role.arn,
            target_id=listener.name,
            retry_policy=aws.cloudwatch.EventTargetRetryPolicyArgs(maximum_event_age_in_seconds=3600, maximum_retry_attempts=24),
            opts=opts,
        )
    return made


def _invoke_policy(destination_arns: list[str]) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                # An API destination's ARN ends in a generated id; the policy names each one exactly.
                {"Effect": "Allow", "Action": "events:InvokeApiDestination", "Resource": sorted(destination_arns)}
            ],
        },
        sort_keys=True,
    )


def deployment_markers(
    name: str, prefix: str, bus: aws.cloudwatch.EventBus, opts: pulumi.ResourceOptions
) -> aws.cloudwatch.LogMetricFilter:
    """Every event becomes one data point of the `Deployments` metric the dashboard draws.

    A dashboard cannot read EventBridge, and the pipeline's role may only publish events: so a
    rule copies each event into a log group, and a metric filter counts them per stack.
    """
    group = aws.cloudwatch.LogGroup(
        f"{name}-markers",
        name=f"/aws/events/{prefix}-deployments",
        retention_in_days=MARKER_LOG_RETENTION_DAYS,
        kms_key_id=log_group_key(f"{name}-logs", f"Encrypts the {prefix} deployment markers", opts),
        opts=opts,
    )
    # EventBridge writes to the group only as this resource policy allows: the target waits for it.
    writes = aws.cloudwatch.LogResourcePolicy(
        f"{name}-markers",
        policy_name=f"{prefix}-deployment-markers",
        policy_document=pulumi.Output.all(group.arn, bus.arn).apply(lambda arns: _log_policy(arns[0], arns[1])),
        opts=opts,
    )
    rule = _rule(f"{name}-markers", f"{prefix}-deployments-markers", bus, DETAIL_TYPES, "Deployment markers for the dashboard", opts)
    aws.cloudwatch.EventTarget(
        f"{name}-markers",
        rule=rule.name,
        event_bus_name=bus.name,
        arn=group.arn,
        target_id="dashboard-markers",
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[writes])),
    )
    return aws.cloudwatch.LogMetricFilter(
        f"{name}-markers",
        name=f"{prefix}-deployments",
        log_group_name=group.name,
        pattern=f'{{ $.source = "{EVENT_SOURCE}" }}',
        metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
            namespace=DEPLOYMENTS_NAMESPACE,
            name=DEPLOYMENTS_METRIC,
            value="1",
            dimensions={"Environment": "$.detail.environment"},
            unit="Count",
        ),
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[group])),
    )


def _log_policy(group_arn: str, bus_arn: str) -> str:
    region, account = bus_arn.split(":")[3:5]
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                # EventBridge creates the stream with no source ARN in the request context, so the
                # confused-deputy condition goes on PutLogEvents only (AWS's serverless-patterns
                # EventBridge-to-CloudWatch-Logs sample splits the statements the same way).
                {
                    "Sid": "EventBridgeCreatesMarkerStreams",
                    "Effect": "Allow",
                    "Principal": {"Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]},
                    "Action": "logs:CreateLogStream",
                    "Resource": f"{group_arn.removesuffix(':*')}:*",
                },
                {
                    "Sid": "EventBridgeWritesDeploymentMarkers",
                    "Effect": "Allow",
                    "Principal": {"Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]},
                    "Action": "logs:PutLogEvents",
                    "Resource": f"{group_arn.removesuffix(':*')}:*",
                    # Only this bus's rules (confused deputy).
                    "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:events:{region}:{account}:rule/{bus_arn.rsplit('/', 1)[1]}/*"}},
                },
            ],
        },
        sort_keys=True,
    )
