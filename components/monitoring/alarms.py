"""How an alarm is made here: the metric it watches, its name, period and evaluation, who it tells.

Every alarm's namespace, metric and dimensions are built from the identifiers of the resources
it watches, so an alarm cannot silently watch a resource that no longer exists. Thresholds come
from config.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from config.monitoring import MonitoringSettings

GLOBAL_REGION = "us-east-1"  # CloudFront metrics, Budgets, Cost Explorer
ALB = "AWS/ApplicationELB"
RDS = "AWS/RDS"
ELASTICACHE = "AWS/ElastiCache"
CLOUDFRONT = "AWS/CloudFront"


@dataclass(frozen=True)
class Metric:
    """One CloudWatch metric: what an alarm watches and what a dashboard draws."""

    namespace: str
    name: str
    dimensions: Mapping[str, pulumi.Input[str]]
    statistic: str


@dataclass(frozen=True)
class Rate:
    """100 × errors / requests, as metric math: AWS publishes counts, the guide speaks in rates."""

    errors: Metric
    requests: Metric
    # ELB 5xx answered without a target (no healthy host) are not in RequestCount: add them.
    errors_in_denominator: bool = False


@dataclass(frozen=True)
class AlarmMaker:
    """Makes the Monitoring component's metric alarms, named `<component>-<role>` and `<prefix>-<role>`."""

    component_name: str
    prefix: str
    settings: MonitoringSettings
    # Where an alarm lives unless told otherwise: under the component, in the stack's region.
    regional: pulumi.ResourceOptions

    def alarm(
        self,
        role: str,
        description: pulumi.Input[str],
        watched: Metric | Rate,
        comparison: str,
        threshold: float,
        *,
        treat_missing: str = "missing",
        notify: aws.sns.Topic | None = None,
        evaluation_periods: int | None = None,
        period_seconds: int | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> aws.cloudwatch.MetricAlarm:
        period = period_seconds or self.settings.period_seconds
        actions = [notify.arn] if notify is not None else []
        common: dict[str, Any] = {
            "name": f"{self.prefix}-{role}",
            "alarm_description": description,
            "comparison_operator": comparison,
            "threshold": threshold,
            "evaluation_periods": evaluation_periods or self.settings.evaluation_periods,
            "treat_missing_data": treat_missing,
            "alarm_actions": actions,
            "ok_actions": actions,
            "opts": opts or self.regional,
        }
        if isinstance(watched, Metric):
            return aws.cloudwatch.MetricAlarm(
                f"{self.component_name}-{role}",
                namespace=watched.namespace,
                metric_name=watched.name,
                dimensions=dict(watched.dimensions),
                statistic=watched.statistic,
                period=period,
                **common,
            )
        denominator = "(FILL(requests, 0) + FILL(errors, 0))" if watched.errors_in_denominator else "requests"
        return aws.cloudwatch.MetricAlarm(
            f"{self.component_name}-{role}",
            metric_queries=[
                _query("errors", watched.errors, period),
                _query("requests", watched.requests, period),
                aws.cloudwatch.MetricAlarmMetricQueryArgs(
                    id="rate",
                    expression=f"100 * FILL(errors, 0) / {denominator}",
                    label=f"{watched.errors.name} (% of requests)",
                    return_data=True,
                ),
            ],
            **common,
        )


def _query(query_id: str, metric: Metric, period: int) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
    return aws.cloudwatch.MetricAlarmMetricQueryArgs(
        id=query_id,
        return_data=False,
        metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
            namespace=metric.namespace,
            metric_name=metric.name,
            dimensions=dict(metric.dimensions),
            stat=metric.statistic,
            period=period,
        ),
    )


def alarm_rule(names: Sequence[str]) -> str:
    """A composite rule that is in ALARM when any child is (names quoted as CloudWatch wants)."""
    return " OR ".join(f'ALARM("{name}")' for name in names)


def service_degraded(
    maker: AlarmMaker, symptoms: list[aws.cloudwatch.MetricAlarm], topic: aws.sns.Topic, parent: pulumi.Resource
) -> aws.cloudwatch.CompositeAlarm:
    """One composite over every symptom users feel: it alone notifies, one message per incident."""
    rule = pulumi.Output.all(*[alarm.name for alarm in symptoms]).apply(alarm_rule)
    return aws.cloudwatch.CompositeAlarm(
        f"{maker.component_name}-service-degraded",
        alarm_name=f"{maker.prefix}-service-degraded",
        alarm_description="Users see errors, slow responses or failing targets; the message names the alarm(s) that fired",
        alarm_rule=rule,
        alarm_actions=[topic.arn],
        ok_actions=[topic.arn],
        opts=pulumi.ResourceOptions(parent=parent, depends_on=symptoms),
    )
