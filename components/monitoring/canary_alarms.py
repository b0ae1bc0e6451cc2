"""The canaries' alarms: the guide's 99.9 % uptime (SuccessPercent) and < 200 ms (Duration), per region.

Synthetics publishes both in the canary's region under `CloudWatchSynthetics`, dimension
`CanaryName`; an alarm's metric and actions live in its own region, so each region's alarms
sit beside its canary.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.monitoring.alarms import AlarmMaker, Metric
from components.monitoring.canaries import NAMESPACE
from config.monitoring import CanarySettings


def canary_alarms(
    maker: AlarmMaker,
    settings: CanarySettings,
    region: str,
    canary: aws.synthetics.Canary,
    url: str,
    topic: aws.sns.Topic | None,
    opts: pulumi.ResourceOptions,
) -> dict[str, aws.cloudwatch.MetricAlarm]:
    """Two alarms; `topic` None means they feed the stack region's composite instead of notifying."""
    dimensions = {"CanaryName": canary.name}
    # One period per run: a shorter one would hold no data point between runs.
    period = max(settings.interval_minutes * 60, maker.settings.period_seconds)
    return {
        f"canary-{region}-success": maker.alarm(
            f"canary-{region}-success",
            f"{url} succeeds in under {settings.success_percent:g} % of canary runs from {region} (the 99.9 % uptime target)",
            Metric(NAMESPACE, "SuccessPercent", dimensions, "Average"),
            "LessThanThreshold",
            settings.success_percent,
            treat_missing="breaching",  # a canary that stops reporting is not a healthy one
            notify=topic,
            period_seconds=period,
            opts=opts,
        ),
        f"canary-{region}-duration": maker.alarm(
            f"canary-{region}-duration",
            f"{url} takes over {settings.duration_milliseconds:g} ms on average from {region} (the < 200 ms target, edge included)",
            Metric(NAMESPACE, "Duration", dimensions, "Average"),
            "GreaterThanThreshold",
            settings.duration_milliseconds,
            treat_missing="notBreaching",  # silence is caught by the success alarm
            notify=topic,
            period_seconds=period,
            opts=opts,
        ),
    }
