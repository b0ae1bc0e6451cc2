"""App alarms: the delivery rate the app itself reports (the guide's 99 %), when config turns it on,
and the app's containers as Container Insights sees them (restarts, CPU at the limit).

The delivery rate is a symptom users feel: it joins the "service degraded" composite rather than
notifying alone. Restarts and throttling are causes: they notify on their own.
"""

from __future__ import annotations

import pulumi_aws as aws

from components.monitoring.alarms import AlarmMaker, Metric
from components.monitoring.args import ContainerWatch
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


CONTAINER_INSIGHTS = "ContainerInsights"


def container_alarms(maker: AlarmMaker, watch: ContainerWatch | None, topic: aws.sns.Topic) -> dict[str, aws.cloudwatch.MetricAlarm]:
    """Per colour: containers restarting, and pods running at their CPU limit (the kernel throttles there).

    Metric names and dimensions: CloudWatch User Guide, "Amazon EKS and Kubernetes Container
    Insights metrics" (`pod_number_of_container_restarts`, `pod_cpu_utilization_over_pod_limit`,
    both by PodName, Namespace, ClusterName). An idle colour runs no pods: no data is not a breach.
    """
    if watch is None:
        return {}
    alarms = {}
    for colour, workload in sorted(watch.workloads.items()):
        dims = {"ClusterName": watch.cluster_name, "Namespace": watch.namespace, "PodName": workload}
        checks = (
            ("restarts", "pod_number_of_container_restarts", "Sum", watch.restarts,
             f"{colour}: containers restarted more than {watch.restarts} time(s) in a period"),
            ("cpu-throttling", "pod_cpu_utilization_over_pod_limit", "Maximum", watch.cpu_over_limit_percent,
             f"{colour}: pods use more than {watch.cpu_over_limit_percent:g} % of their CPU limit (throttled at 100 %)"),
        )  # fmt: skip
        for check, metric, statistic, threshold, what in checks:
            key = f"app-{colour}-{check}"
            alarms[key] = maker.alarm(
                key,
                what,
                Metric(CONTAINER_INSIGHTS, metric, dims, statistic),
                "GreaterThanThreshold",
                threshold,
                treat_missing="notBreaching",
                notify=topic,
            )
    return alarms
