"""Feature flags for staged rollouts: an AppConfig application, environment, flag profile and strategy.

The flags themselves are app data that product teams publish as hosted configuration versions
(docs/integrations.md); the stack owns only where they live and how a rollout proceeds. The
environment watches the SLOs' fast-burn composite alarms (components/monitoring/slos.py): while a
rollout or its bake time runs, AppConfig rolls the flags back on its own when one goes to ALARM,
that is when an error budget burns at 14.4x over the last hour and the last five minutes, not on a
blip. An environment takes at most five monitors (botocore appconfig model, CreateEnvironment
`Monitors`: MonitorList max 5); the stack's region has three or four fast-burn alarms (availability
at the origin, latency, delivery, and CloudFront's availability when the stack is in us-east-1,
where CloudFront publishes; elsewhere the release gate alone reads that one).

AppConfig reads the alarm with a role it assumes that may only `cloudwatch:DescribeAlarms`, scoped
to `*`: DescribeAlarms returns composite alarms only to a permission scoped to `*` (CloudWatch API
reference, DescribeAlarms, in botocore's cloudwatch model too).
Source: the AppConfig user guide, "Configure permissions for automatic rollback"
(docs.aws.amazon.com/appconfig/latest/userguide/getting-started-with-appconfig-cloudwatch-alarms-permissions.html).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.shared.iam import assume_role_policy
from config.integrations import RolloutStrategy

# The profile type AppConfig validates as feature flags (its own JSON schema), and the location
# of configurations AppConfig stores itself (hosted configuration versions).
FEATURE_FLAGS_TYPE = "AWS.AppConfig.FeatureFlags"
HOSTED = "hosted"
APPCONFIG = "appconfig.amazonaws.com"
# What the app may do with the profile: open a session and poll it (the AppConfig agent does both).
APP_ACTIONS = ("appconfig:StartConfigurationSession", "appconfig:GetLatestConfiguration")
# The most alarms an AppConfig environment watches (botocore appconfig model, MonitorList max).
MAX_MONITORS = 5


@dataclass(frozen=True)
class FeatureFlagResources:
    application: aws.appconfig.Application
    environment: aws.appconfig.Environment
    profile: aws.appconfig.ConfigurationProfile
    strategy: aws.appconfig.DeploymentStrategy
    monitor_role: aws.iam.Role
    # arn:…:application/<app>/environment/<env>/configuration/<profile>: what the app reads.
    configuration_arn: pulumi.Output[str]


def feature_flags(
    name: str,
    prefix: str,
    environment_name: str,
    strategy: RolloutStrategy,
    rollback_alarm_arns: Sequence[pulumi.Input[str]],
    opts: pulumi.ResourceOptions,
) -> FeatureFlagResources:
    if not 1 <= len(rollback_alarm_arns) <= MAX_MONITORS:
        raise ValueError(f"an AppConfig environment watches 1 to {MAX_MONITORS} alarms; given {len(rollback_alarm_arns)}")
    application = aws.appconfig.Application(f"{name}-flags", name=prefix, description=f"{prefix} feature flags", opts=opts)
    monitor_role = aws.iam.Role(
        f"{name}-flags-monitor",
        description=f"AppConfig reads the {prefix} fast-burn SLO alarms to roll flags back",
        assume_role_policy=assume_role_policy(APPCONFIG),
        opts=opts,
    )
    aws.iam.RolePolicy(
        f"{name}-flags-monitor",
        role=monitor_role.id,
        policy=_DESCRIBE_ALARMS_POLICY,
        opts=opts,
    )
    environment = aws.appconfig.Environment(
        f"{name}-flags",
        application_id=application.id,
        name=environment_name,
        description="Rolls back on its own while an SLO's error budget burns fast",
        monitors=[aws.appconfig.EnvironmentMonitorArgs(alarm_arn=arn, alarm_role_arn=monitor_role.arn) for arn in rollback_alarm_arns],
        opts=opts,
    )
    profile = aws.appconfig.ConfigurationProfile(
        f"{name}-flags",
        application_id=application.id,
        name="feature-flags",
        description="Flags product teams roll out; versions are app data, published outside the stack",
        location_uri=HOSTED,
        type=FEATURE_FLAGS_TYPE,
        opts=opts,
    )
    rollout = aws.appconfig.DeploymentStrategy(
        f"{name}-flags",
        name=f"{prefix}-flags",
        description=f"{strategy.growth_type.lower()} {strategy.growth_factor:g} % steps over {strategy.duration_minutes} min, "
        f"then {strategy.final_bake_time_minutes} min watching the fast-burn alarms",
        growth_type=strategy.growth_type,
        growth_factor=strategy.growth_factor,
        deployment_duration_in_minutes=strategy.duration_minutes,
        final_bake_time_in_minutes=strategy.final_bake_time_minutes,
        replicate_to="NONE",
        opts=opts,
    )
    configuration_arn = pulumi.Output.all(application.arn, environment.environment_id, profile.configuration_profile_id).apply(
        lambda parts: f"{parts[0]}/environment/{parts[1]}/configuration/{parts[2]}"
    )
    return FeatureFlagResources(application, environment, profile, rollout, monitor_role, configuration_arn)


# DescribeAlarms answers for a composite alarm only when the permission is scoped to every alarm.
COMPOSITE_ALARM_READ_SCOPE = "*"


_DESCRIBE_ALARMS_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "cloudwatch:DescribeAlarms", "Resource": COMPOSITE_ALARM_READ_SCOPE}],
    },
    sort_keys=True,
)


def app_read_policy(configuration_arn: str) -> str:
    """The app's only AppConfig rights: read the flag profile in its own environment."""
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(APP_ACTIONS), "Resource": configuration_arn}]},
        sort_keys=True,
    )
