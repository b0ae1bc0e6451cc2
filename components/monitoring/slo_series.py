"""Each SLO as CloudWatch sees it: the metrics it is computed from, and its burn rate as metric math.

A series' `burn` expression is the share of bad events over the queried period divided by the
share its objective allows; the alarms (slo_alarms.py), the dashboard's remaining budget and the
release gate (the `releaseGate` stack output) all use the same queries and expression.

Metric math treats a missing value as 0 in arithmetic and drops a data point that would divide by
zero ("Using metric math", Basic arithmetic functions), so a period without requests yields no data
point at all, and the alarms treat that as not breaching.

- availability (origin): the load balancer's target 5xx and its own 5xx over its requests; its own
  5xx answered before a target was chosen are not in `RequestCount` ("RequestCount ... Requests
  rejected before a target is chosen are not reflected in this metric", Application Load Balancer
  guide, "CloudWatch metrics for your Application Load Balancer"), so they are added to both sides.
- availability (edge): CloudFront's `5xxErrorRate` (percent of all viewer requests), published in
  us-east-1 only: its alarms live there. The Average statistic over a window is the mean of the
  per-minute rates, not weighted by each minute's traffic.
- latency: `PR(:<seconds>)` of `TargetResponseTime` is the percentage of requests answered within
  the threshold ("Percentile rank (PR) is the percentage of values that meet a fixed threshold",
  CloudWatch User Guide, "CloudWatch statistics definitions"; Application Load Balancer metrics
  support it, and an alarm's MetricStat takes "any CloudWatch statistic or extended statistic",
  botocore cloudwatch model).
- delivery: the app's `EmailsAttempted` and `EmailsDelivered` (config.app_metrics), for the whole
  environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pulumi

from components.monitoring.alarms import ALB, CLOUDFRONT, Metric
from config import app_metrics
from config.slo import Objective, SloSettings

Home = Literal["regional", "us-east-1"]


@dataclass(frozen=True)
class SloSeries:
    """One SLO measured one way: `name` is unique per stack (availability has an origin and an edge series)."""

    name: str
    slo: Literal["availability", "latency", "delivery"]
    description: str
    objective: Objective
    # Query id → the metric it reads.
    metrics: Mapping[str, Metric]
    bad_share: str  # metric math: the share of bad events over a period (0..1)
    home: Home = "regional"

    @property
    def burn(self) -> str:
        return f"({self.bad_share}) / {self.objective.budget:g}"


def seconds(milliseconds: float) -> str:
    """A threshold in seconds as a statistic writes it: 200 ms → `0.2`."""
    return f"{milliseconds / 1000:g}"


def slo_series(
    slo: SloSettings,
    environment: str,
    alb_arn_suffix: pulumi.Input[str],
    cdn_distribution_id: pulumi.Input[str],
    delivery_measured: bool = True,
) -> list[SloSeries]:
    """The stack's SLO series; delivery only where its counters reach CloudWatch (`delivery_measured`:
    the CloudWatch agent the stack installs). Without the agent its alarms would see no data for ever and
    stay OK (missing data is not breaching), a gate and a rollback monitor that watch nothing."""
    lb = {"LoadBalancer": alb_arn_suffix}
    edge = {"DistributionId": cdn_distribution_id, "Region": "Global"}
    threshold = seconds(slo.latency.threshold_milliseconds)
    delivery_dims = {app_metrics.ENVIRONMENT_DIMENSION: environment}
    series = [
        SloSeries(
            "availability",
            "availability",
            "requests the load balancer answered without a 5xx (the app's and its own)",
            slo.availability,
            {
                "target5xx": Metric(ALB, "HTTPCode_Target_5XX_Count", lb, "Sum"),
                "elb5xx": Metric(ALB, "HTTPCode_ELB_5XX_Count", lb, "Sum"),
                "requests": Metric(ALB, "RequestCount", lb, "Sum"),
            },
            "(target5xx + elb5xx) / (requests + elb5xx)",
        ),
        SloSeries(
            "availability-edge",
            "availability",
            "viewer requests CloudFront answered without a 5xx",
            slo.availability,
            {"rate5xx": Metric(CLOUDFRONT, "5xxErrorRate", edge, "Average")},
            "rate5xx / 100",
            home="us-east-1",
        ),
        SloSeries(
            "latency",
            "latency",
            f"requests answered within {slo.latency.threshold_milliseconds:g} ms",
            slo.latency.within,
            {"fast": Metric(ALB, "TargetResponseTime", lb, f"PR(:{threshold})")},
            "(100 - fast) / 100",
        ),
        SloSeries(
            "delivery",
            "delivery",
            "emails the providers accepted, of those the app attempted",
            slo.delivery,
            {
                "attempted": Metric(app_metrics.NAMESPACE, app_metrics.ATTEMPTED, delivery_dims, "Sum"),
                "delivered": Metric(app_metrics.NAMESPACE, app_metrics.DELIVERED, delivery_dims, "Sum"),
            },
            "(attempted - delivered) / attempted",
        ),
    ]
    return [s for s in series if s.slo != "delivery" or delivery_measured]


def metric_data_queries(series: SloSeries, dimensions: Mapping[str, Mapping[str, str]]) -> list[dict[str, Any]]:
    """The series as GetMetricData queries (API shape), without a period: the reader sets it to its window.

    `dimensions` are the resolved dimension values per query id.
    """
    queries: list[dict[str, Any]] = [
        {
            "Id": query_id,
            "MetricStat": {
                "Metric": {
                    "Namespace": metric.namespace,
                    "MetricName": metric.name,
                    "Dimensions": [{"Name": name, "Value": value} for name, value in sorted(dimensions[query_id].items())],
                },
                "Stat": metric.statistic,
            },
            "ReturnData": False,
        }
        for query_id, metric in series.metrics.items()
    ]
    queries.append({"Id": "burn", "Expression": series.burn, "ReturnData": True})
    return queries
