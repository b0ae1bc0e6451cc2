"""The canaries' alarms, per region: the guide's 99.9 % uptime (SuccessPercent), and a whole run within its budget (Duration).

`Duration` is the whole run seen from the canary's region (DNS, TLS with the edge, CloudFront to
the origin, the app), so its alarm holds the region's whole-run budget (config.canaries), never the
server's 200 ms: that is the load balancer's average `TargetResponseTime`'s alarm.
Synthetics publishes both in the canary's region under `CloudWatchSynthetics`, dimension
`CanaryName`; an alarm's metric and actions live in its own region, so each region's alarms
sit beside its canary.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.monitoring.alarms import AlarmMaker, Metric
from components.monitoring.canaries import NAMESPACE
from config.canaries import CanarySettings


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
    budget = settings.duration_budgets[region]
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
            f"A whole canary run against {url} from {region} takes over its {budget:g} ms budget on average "
            "(DNS, TLS, CloudFront and the app; monitoring.canaryDurationMilliseconds)",
            Metric(NAMESPACE, "Duration", dimensions, "Average"),
            "GreaterThanThreshold",
            budget,
            treat_missing="notBreaching",  # silence is caught by the success alarm
            notify=topic,
            period_seconds=period,
            opts=opts,
        ),
    }
