"""Burn-rate alarms of one SLO series: a metric-math alarm per window, a composite per pair.

burn_rates.py says which windows and factors, slo_series.py what is measured. The window alarms
notify no one: the fast and slow composites page through the alarm topic, the ticket alarm
notifies the tickets topic. A window without a data point (no traffic) is not a breach.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.monitoring.burn_rates import BURN_ALERTS, FAST, SLOW, TICKET, BurnAlert, Window
from components.monitoring.slo_series import SloSeries

BURN_ID = "burn"
COMPARISON = "GreaterThanOrEqualToThreshold"


@dataclass
class SloAlarms:
    series: SloSeries
    # "<alert>-<window>" (fast-1h, slow-30m, ticket-3d) → its metric-math alarm.
    windows: dict[str, aws.cloudwatch.MetricAlarm]
    fast: aws.cloudwatch.CompositeAlarm
    slow: aws.cloudwatch.CompositeAlarm
    ticket: aws.cloudwatch.MetricAlarm


def pair_rule(long_name: str, short_name: str) -> str:
    """Both windows burning: the composite's rule (names quoted as CloudWatch wants)."""
    return f'ALARM("{long_name}") AND ALARM("{short_name}")'


def _window_alarm(
    name: str,
    prefix: str,
    series: SloSeries,
    alert: BurnAlert,
    window: Window,
    actions: list[pulumi.Output[str]],
    opts: pulumi.ResourceOptions,
) -> aws.cloudwatch.MetricAlarm:
    role = f"slo-{series.name}-{alert.name}-{window.label}"
    queries = [
        aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id=query_id,
            return_data=False,
            metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                namespace=metric.namespace,
                metric_name=metric.name,
                dimensions=dict(metric.dimensions),
                stat=metric.statistic,
                period=window.period,
            ),
        )
        for query_id, metric in series.metrics.items()
    ]
    queries.append(
        aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id=BURN_ID, expression=series.burn, label=f"{series.name} burn rate over {window.label}", return_data=True
        )
    )
    budget_share = f"{series.objective.budget * 100:g} %"
    return aws.cloudwatch.MetricAlarm(
        f"{name}-{role}",
        name=f"{prefix}-{role}",
        alarm_description=(
            f"{series.slo} SLO ({series.description}, objective {series.objective.percent:g} %): the error budget "
            f"({budget_share} of events) burns at {alert.factor:g}x or faster over {window.label}"
        ),
        metric_queries=queries,
        comparison_operator=COMPARISON,
        threshold=alert.factor,
        evaluation_periods=window.periods,
        datapoints_to_alarm=window.datapoints,
        treat_missing_data="notBreaching",
        alarm_actions=actions,
        opts=opts,
    )


def slo_alarms(
    name: str,
    prefix: str,
    series: SloSeries,
    page_topic: aws.sns.Topic,
    ticket_topic: aws.sns.Topic,
    opts: pulumi.ResourceOptions,
) -> SloAlarms:
    """The series' window alarms, its fast and slow composites (paging) and its ticket alarm."""
    windows: dict[str, aws.cloudwatch.MetricAlarm] = {}
    composites: dict[str, aws.cloudwatch.CompositeAlarm] = {}
    for alert in BURN_ALERTS:
        actions = [ticket_topic.arn] if alert.action == "ticket" else []
        pair = [_window_alarm(name, prefix, series, alert, window, actions, opts) for window in alert.windows]
        for window, alarm in zip(alert.windows, pair, strict=True):
            windows[f"{alert.name}-{window.label}"] = alarm
        if alert.short is None:
            continue
        long_alarm, short_alarm = pair
        composites[alert.name] = aws.cloudwatch.CompositeAlarm(
            f"{name}-slo-{series.name}-{alert.name}-burn",
            alarm_name=f"{prefix}-slo-{series.name}-{alert.name}-burn",
            alarm_description=(
                f"PAGE: the {series.slo} SLO's budget ({series.description}) burns at {alert.factor:g}x over "
                f"{alert.long.label} and still over the last {alert.short.label} (docs/operations.md, Service-level objectives)"
            ),
            alarm_rule=pulumi.Output.all(long_alarm.name, short_alarm.name).apply(lambda names: pair_rule(names[0], names[1])),
            alarm_actions=[page_topic.arn],
            ok_actions=[page_topic.arn],
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=pair)),
        )
    return SloAlarms(series, windows, composites[FAST.name], composites[SLOW.name], windows[f"{TICKET.name}-{TICKET.long.label}"])
