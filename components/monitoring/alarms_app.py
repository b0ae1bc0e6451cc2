"""App alarms: the app's containers as Container Insights sees them (restarts, CPU at the limit).

Restarts and throttling are causes: they notify on their own. The delivery rate (the guide's 99 %)
is an SLO with burn-rate alarms (slo_alarms.py), measured from the app's own counters.
"""

from __future__ import annotations

import pulumi_aws as aws

from components.monitoring.alarms import AlarmMaker, Metric
from components.monitoring.args import ContainerWatch

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
