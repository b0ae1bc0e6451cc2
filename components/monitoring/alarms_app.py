"""App alarms: the delivery rate the app itself reports (the guide's 99 %), when config turns it on.

A symptom users feel: it joins the "service degraded" composite rather than notifying alone.
"""

from __future__ import annotations

import pulumi_aws as aws

from components.monitoring.alarms import AlarmMaker, Metric
from config.monitoring import MonitoringSettings


def delivery_rate_alarms(maker: AlarmMaker, settings: MonitoringSettings) -> dict[str, aws.cloudwatch.MetricAlarm]:
    """The delivery-rate alarm, or nothing while the app does not export the metric."""
    rate = settings.delivery_rate
    if rate is None:
        return {}
    alarm = maker.alarm(
        "delivery-rate",
        f"Email delivery rate below {rate.minimum_percent:g} % (the guide's 99 % target), as the app reports it",
        Metric(rate.namespace, rate.metric_name, rate.dimensions, "Average"),
        "LessThanThreshold",
        rate.minimum_percent,
    )
    return {"delivery-rate": alarm}
