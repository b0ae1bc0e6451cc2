"""The Integrations component: deployment events for other teams, flag rollouts gated on customer health.

Two least-privilege grants leave this component:
- the release pipeline's policy (attach it to the deploy workflow's OIDC role): publish to this
  stack's bus, and read the "service degraded" alarm for the release gate; nothing else;
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
    # The "service degraded" composite alarm: the flags' rollback monitor and the release gate.
    service_degraded_alarm_arn: pulumi.Input[str]
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

        self.bus, self.archive = deployment_bus(name, prefix, settings.archive_retention_days, child)
        self.on_call_rule = on_call_rule(
            name, prefix, self.bus, settings.alarm_topic_detail_types, args.alarm_topic_arn, args.alarm_topic_ready, child
        )
        self.destinations = destinations(name, prefix, self.bus, settings.destinations, child)
        self.markers = deployment_markers(name, prefix, self.bus, child)
        self.pipeline_policy = aws.iam.Policy(
            f"{name}-pipeline",
            name=f"{prefix}-release-pipeline",
            description=f"The deploy workflow's rights for {prefix} events: publish to the bus, read the release gate's alarm",
            policy=pulumi.Output.all(self.bus.arn, args.service_degraded_alarm_arn).apply(lambda arns: pipeline_policy(arns[0], arns[1])),
            opts=child,
        )

        flags = feature_flags(name, prefix, args.environment, settings.strategy, args.service_degraded_alarm_arn, child)
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
                "busName": self.bus.name,
                "busArn": self.bus.arn,
                "archiveName": self.archive.name,
                "pipelinePolicyArn": self.pipeline_policy.arn,
                "flagsApplicationId": self.flags_application_id,
                "flagsEnvironmentId": self.flags_environment_id,
                "flagsProfileId": self.flags_profile_id,
                "flagsStrategyId": self.flags_strategy_id,
            }
        )


def pipeline_policy(bus_arn: str, alarm_arn: str) -> str:
    """PutEvents on this bus only; DescribeAlarms for the release gate's composite alarm.

    DescribeAlarms returns composite alarms only to a permission scoped to `*` (CloudWatch API
    reference, DescribeAlarms; botocore's cloudwatch model says the same): it is read-only.
    """
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "PublishDeploymentEvents", "Effect": "Allow", "Action": "events:PutEvents", "Resource": bus_arn},
                {
                    "Sid": "ReadReleaseGateAlarm",
                    "Effect": "Allow",
                    "Action": "cloudwatch:DescribeAlarms",
                    "Resource": COMPOSITE_ALARM_READ_SCOPE,
                },
            ],
        },
        sort_keys=True,
    )
