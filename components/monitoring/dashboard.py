"""The dashboard: the guide's metrics, drawn from the same identifiers the alarms use."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from components.monitoring.alarms import ALB, CLOUDFRONT, ELASTICACHE, GLOBAL_REGION, RDS
from components.monitoring.args import MonitoringArgs
from components.monitoring.burn_rates import BURN_ALERTS, DAY
from components.monitoring.canaries import NAMESPACE as SYNTHETICS
from components.monitoring.slo_series import SloSeries, slo_series
from config import app_metrics
from config.integrations import DEPLOYMENTS_METRIC, DEPLOYMENTS_NAMESPACE
from config.reader import PROJECT


def dashboard_body(
    args: MonitoringArgs,
    canary_names: Mapping[str, pulumi.Output[str]],
    regional_alarms: list[pulumi.Output[str]],
    us_east_1_alarms: list[pulumi.Output[str]],
) -> pulumi.Output[str]:
    """The body as JSON, once every identifier and alarm ARN is known."""
    parts = pulumi.Output.all(
        alb=args.alb_arn_suffix,
        groups=pulumi.Output.all(**dict(args.target_group_arn_suffixes)),
        cluster=args.db_cluster_identifier,
        instances=pulumi.Output.all(*args.db_instance_identifiers),
        members=pulumi.Output.from_input(args.redis_member_clusters),
        distribution=args.cdn_distribution_id,
        canaries=pulumi.Output.all(**dict(canary_names)),
        regional=pulumi.Output.all(*regional_alarms),
        east=pulumi.Output.all(*us_east_1_alarms),
        containers=_containers(args),
    )
    return parts.apply(lambda p: json.dumps(dashboard(p, args), sort_keys=True))


def _containers(args: MonitoringArgs) -> pulumi.Output[Any]:
    """The app's pods as Container Insights names them, or None without Container Insights."""
    watch = args.containers
    if watch is None:
        return pulumi.Output.from_input(None)
    return pulumi.Output.all(cluster=watch.cluster_name, namespace=watch.namespace, workloads=pulumi.Output.all(**dict(watch.workloads)))


def dashboard_url(region: str, board: aws.cloudwatch.Dashboard) -> pulumi.Output[str]:
    return pulumi.Output.concat(
        "https://",
        region,
        ".console.aws.amazon.com/cloudwatch/home?region=",
        region,
        "#dashboards:name=",
        board.dashboard_name,
    )


def _graph(title: str, region: str, metrics: list[list[Any]], *, stat: str, threshold: float | None = None) -> dict[str, Any]:
    properties: dict[str, Any] = {"title": title, "region": region, "stat": stat, "period": 60, "view": "timeSeries", "metrics": metrics}
    if threshold is not None:
        properties["annotations"] = {"horizontal": [{"label": "alarm", "value": threshold}]}
    return {"type": "metric", "width": 12, "height": 6, "properties": properties}


def dashboard(p: Mapping[str, Any], args: MonitoringArgs) -> dict[str, Any]:
    """The dashboard body from the resolved identifiers `p`."""
    region, s = args.region, args.settings
    lb = ["LoadBalancer", p["alb"]]
    # One data point per deployment event (components/integrations counts them from the bus): drawn
    # beside the traffic so product analytics can line a change in behaviour up with a release.
    deployments = [DEPLOYMENTS_NAMESPACE, DEPLOYMENTS_METRIC, "Environment", args.environment]
    instances, members = list(p["instances"]), sorted(p["members"])
    widgets: list[dict[str, Any]] = [
        {
            "type": "text",
            "width": 24,
            "height": 2,
            "properties": {
                "markdown": f"# {PROJECT} {args.environment}\nhttps://{args.domain} — uptime 99.9 %, average response < 200 ms, delivery ≥ 99 %"
            },
        },
        {"type": "alarm", "width": 24, "height": 4, "properties": {"title": "Alarms", "alarms": list(p["regional"])}},
        {"type": "alarm", "width": 24, "height": 2, "properties": {"title": f"Alarms in {GLOBAL_REGION}", "alarms": list(p["east"])}},
        _graph(
            "Requests and 5xx",
            region,
            [
                [ALB, "RequestCount", *lb],
                [ALB, "HTTPCode_Target_5XX_Count", *lb],
                [ALB, "HTTPCode_ELB_5XX_Count", *lb],
                [*deployments, {"yAxis": "right", "label": "deployment events"}],
            ],
            stat="Sum",
        ),
        _graph(
            "Response time (s)",
            region,
            [[ALB, "TargetResponseTime", *lb]],
            stat="Average",
            threshold=args.slo.latency.average_milliseconds / 1000,
        ),
        _graph(
            "Targets by colour",
            region,
            [
                [ALB, metric, "TargetGroup", suffix, *lb, {"label": f"{colour} {metric}"}]
                for colour, suffix in sorted(p["groups"].items())
                for metric in ("HealthyHostCount", "UnHealthyHostCount")
            ],
            stat="Maximum",
        ),
        *(
            widget
            for canary_region, canary in sorted(p["canaries"].items())
            for widget in (
                _graph(
                    f"Uptime: {args.health_check_path} from {canary_region} (%)",
                    canary_region,
                    [[SYNTHETICS, "SuccessPercent", "CanaryName", canary]],
                    stat="Average",
                    threshold=s.canaries.success_percent,
                ),
                _graph(
                    f"Whole canary run from {canary_region} (ms)",
                    canary_region,
                    [[SYNTHETICS, "Duration", "CanaryName", canary]],
                    stat="Average",
                    threshold=s.canaries.duration_budgets[canary_region],
                ),
            )
        ),
        _graph(
            "CDN 5xx rate (%)",
            GLOBAL_REGION,
            [[CLOUDFRONT, "5xxErrorRate", "Region", "Global", "DistributionId", p["distribution"]]],
            stat="Average",
            threshold=s.cdn.error_5xx_percent,
        ),
        _graph(
            "Aurora CPU (%)",
            region,
            [[RDS, "CPUUtilization", "DBInstanceIdentifier", i] for i in instances],
            stat="Average",
            threshold=s.database.cpu_percent,
        ),
        _graph("Aurora connections", region, [[RDS, "DatabaseConnections", "DBInstanceIdentifier", i] for i in instances], stat="Maximum"),
        _graph(
            "Aurora freeable memory (bytes)",
            region,
            [[RDS, "FreeableMemory", "DBInstanceIdentifier", i] for i in instances],
            stat="Minimum",
        ),
        _graph(
            "Aurora replica lag (ms)",
            region,
            [[RDS, "AuroraReplicaLagMaximum", "DBClusterIdentifier", p["cluster"]]],
            stat="Maximum",
            threshold=s.database.replica_lag_milliseconds,
        ),
        _graph(
            "Cache engine CPU (%)",
            region,
            [[ELASTICACHE, "EngineCPUUtilization", "CacheClusterId", m] for m in members],
            stat="Average",
            threshold=s.cache.engine_cpu_percent,
        ),
        _graph(
            "Cache memory (%)",
            region,
            [[ELASTICACHE, "DatabaseMemoryUsagePercentage", "CacheClusterId", m] for m in members],
            stat="Maximum",
            threshold=s.cache.memory_percent,
        ),
        _graph("Cache evictions", region, [[ELASTICACHE, "Evictions", "CacheClusterId", m] for m in members], stat="Sum"),
    ]
    containers = p.get("containers")
    if containers is not None:
        pods = [["ClusterName", containers["cluster"], "Namespace", containers["namespace"], "PodName", w] for w in
                sorted(containers["workloads"].values())]  # fmt: skip
        widgets.append(_graph("App container restarts", region, [["ContainerInsights", "pod_number_of_container_restarts", *d] for d in pods],
                              stat="Sum"))  # fmt: skip
        widgets.append(_graph("App CPU of its limit (%)", region,
                              [["ContainerInsights", "pod_cpu_utilization_over_pod_limit", *d] for d in pods], stat="Maximum",
                              threshold=args.containers.cpu_over_limit_percent if args.containers else None))  # fmt: skip
    widgets += slo_widgets(args, p)
    return {"widgets": widgets}


def _series_metrics(series: SloSeries) -> list[list[Any]]:
    """The series' metrics as dashboard rows, hidden, with the ids its burn expression names."""
    rows: list[list[Any]] = []
    for query_id, metric in series.metrics.items():
        dims = [part for key, value in sorted(metric.dimensions.items()) for part in (key, value)]
        rows.append([metric.namespace, metric.name, *dims, {"id": query_id, "stat": metric.statistic, "visible": False}])
    return rows


def slo_widgets(args: MonitoringArgs, p: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per SLO series: the error budget left over the SLO's window, and its burn rate hour by hour."""
    window_days = args.slo.window_days
    widgets: list[dict[str, Any]] = [
        {
            "type": "text",
            "width": 24,
            "height": 2,
            "properties": {
                "markdown": f"## Service-level objectives ({window_days}-day window)\n"
                + "; ".join(f"{a.action} at {a.factor:g}x burn over {' and '.join(w.label for w in a.windows)}" for a in BURN_ALERTS)
                + " (docs/operations.md)"
            },
        }
    ]
    for series in slo_series(args.slo, args.environment, p["alb"], p["distribution"], args.delivery_measured):
        region = args.region if series.home == "regional" else GLOBAL_REGION
        rows = _series_metrics(series)
        widgets.append(
            {
                "type": "metric",
                "width": 6,
                "height": 4,
                "properties": {
                    "title": f"{series.name}: error budget left (%), objective {series.objective.percent:g} %",
                    "region": region,
                    "view": "singleValue",
                    "setPeriodToTimeRange": True,
                    "start": f"-P{window_days}D",
                    "period": window_days * DAY,
                    "metrics": [*rows, [{"expression": f"100 * (1 - ({series.burn}))", "label": "budget left (%)", "id": "left"}]],
                },
            }
        )
        widgets.append(
            {
                "type": "metric",
                "width": 18,
                "height": 4,
                "properties": {
                    "title": f"{series.name}: burn rate per hour",
                    "region": region,
                    "view": "timeSeries",
                    "period": 3600,
                    "metrics": [*rows, [{"expression": series.burn, "label": "burn rate", "id": "burn"}]],
                    "annotations": {
                        "horizontal": [{"label": f"{alert.name} ({alert.long.label})", "value": alert.factor} for alert in BURN_ALERTS]
                    },
                },
            }
        )
    if not args.delivery_measured:
        return widgets
    search = (
        f"SEARCH('{{{app_metrics.NAMESPACE},{app_metrics.ENVIRONMENT_DIMENSION},{app_metrics.PROVIDER_DIMENSION}}} "
        f"{app_metrics.ENVIRONMENT_DIMENSION}=\"{args.environment}\"', 'Sum', 300)"
    )
    widgets.append(
        {
            "type": "metric",
            "width": 24,
            "height": 6,
            "properties": {
                "title": "Emails attempted and delivered, by provider",
                "region": args.region,
                "view": "timeSeries",
                "period": 300,
                "metrics": [[{"expression": search, "label": "", "id": "byProvider"}]],
            },
        }
    )
    return widgets
