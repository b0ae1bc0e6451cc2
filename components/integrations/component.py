"""The Integrations component: deployment events for other teams, flag rollouts gated on customer health.

Two least-privilege grants leave this component:
- the release pipeline's policy (attach it to the deploy workflow's OIDC role): publish to this
  stack's bus, and what the release gate reads (alarm states, the SLOs' metrics, the target groups'
  health); nothing else;
- the app's role: read its own flag profile through AppConfig; nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.integrations.events import deployment_bus, deployment_markers, destinations, on_call_rule
from components.integrations.feature_flags import COMPOSITE_ALARM_READ_SCOPE, app_read_policy, feature_flags
from config.integrations import IntegrationsSettings
from config.reader import PROJECT


@dataclass
class IntegrationsArgs:
    settings: IntegrationsSettings
    environment: str
    alarm_topic_arn: pulumi.Input[str]
    # The SLOs' fast-burn composite alarms in the stack's region: what flag rollouts roll back on.
    rollback_alarm_arns: Sequence[pulumi.Input[str]]
    # The app pods' IAM role (its name), which gets read access to the flag profile.
    app_role_name: pulumi.Input[str]
    # The alarm topic's and its key's policies: the on-call rule's target waits for them.
    alarm_topic_ready: Sequence[pulumi.Resource] = ()


class Integrations(pulumi.ComponentResource):
    bus: aws.cloudwatch.EventBus
    archive: aws.cloudwatch.EventArchive
    on_call_rule: aws.cloudwatch.EventRule | None
    destinations: dict[str, aws.cloudwatch.EventApiDestination]
    markers: aws.cloudwatch.LogMetricFilter
    pipeline_policy: aws.iam.Policy
    flags_application_id: pulumi.Output[str]
    flags_environment_id: pulumi.Output[str]
    flags_profile_id: pulumi.Output[str]
    flags_strategy_id: pulumi.Output[str]

    def __init__(self, name: str, args: IntegrationsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:integrations:Integrations", name, None, opts)
        settings = args.settings
        prefix = f"{PROJECT}-{args.environment}"
        child = pulumi.ResourceOptions(parent=self)

        self.bus, self.archive = deployment_bus(name, prefix, settings.events.archive_retention_days, child)
        self.on_call_rule = on_call_rule(
            name, prefix, self.bus, settings.events.alarm_topic_detail_types, args.alarm_topic_arn, args.alarm_topic_ready, child
        )
        self.destinations = destinations(name, prefix, self.bus, settings.destinations, child)
        self.markers = deployment_markers(name, prefix, self.bus, child)
        self.pipeline_policy = aws.iam.Policy(
            f"{name}-pipeline",
            name=f"{prefix}-release-pipeline",
            description=f"The deploy workflow's rights for {prefix}: publish events to the bus, read what the release gate checks",
            policy=self.bus.arn.apply(pipeline_policy),
            opts=child,
        )

        flags = feature_flags(name, prefix, args.environment, settings.feature_flags.strategy, args.rollback_alarm_arns, child)
        aws.iam.RolePolicy(
            f"{name}-app-reads-flags",
            role=args.app_role_name,
            policy=flags.configuration_arn.apply(app_read_policy),
            opts=child,
        )
        self.flags_application_id = flags.application.id
        self.flags_environment_id = flags.environment.environment_id
        self.flags_profile_id = flags.profile.configuration_profile_id
        self.flags_strategy_id = flags.strategy.id
        self.register_outputs(
            {
                "flagsApplicationId": self.flags_application_id,
                "flagsEnvironmentId": self.flags_environment_id,
                "flagsProfileId": self.flags_profile_id,
                "flagsStrategyId": self.flags_strategy_id,
            }
        )


# What the release gate (.github/scripts/release.py) reads. None of these actions takes a resource
# narrower than `*`: DescribeAlarms returns composite alarms only to a permission scoped to `*`
# (CloudWatch API reference, DescribeAlarms; botocore's cloudwatch model says the same), and the
# Service Authorization Reference lists no resource type for cloudwatch:GetMetricData or
# elasticloadbalancing:DescribeTargetHealth. All three only read.
GATE_READS = ("cloudwatch:DescribeAlarms", "cloudwatch:GetMetricData", "elasticloadbalancing:DescribeTargetHealth")


def pipeline_policy(bus_arn: str) -> str:
    """PutEvents on this bus only; the release gate's reads."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "PublishDeploymentEvents", "Effect": "Allow", "Action": "events:PutEvents", "Resource": bus_arn},
                {"Sid": "ReadReleaseGate", "Effect": "Allow", "Action": list(GATE_READS), "Resource": COMPOSITE_ALARM_READ_SCOPE},
            ],
        },
        sort_keys=True,
    )
