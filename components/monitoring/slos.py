"""The SLOs of a stack: every series' burn-rate alarms, where tickets go, and what the release gate reads.

Alarms live in their metrics' region (an alarm's metrics, a composite's children and their actions
must all be in the alarm's region): the origin, latency and delivery series in the stack's region,
CloudFront's in us-east-1. Pages go to that region's alarm topic; tickets to a `<prefix>-slo-tickets`
topic there, subscribed to by `slo.tickets` (or, when that is empty, the alarm recipients).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.monitoring.alarms import GLOBAL_REGION
from components.monitoring.args import MonitoringArgs
from components.monitoring.notifications import TICKETS, notification_topic
from components.monitoring.slo_alarms import SloAlarms, slo_alarms
from components.monitoring.slo_series import SloSeries, metric_data_queries, slo_series


@dataclass(frozen=True)
class Home:
    """Where a series' alarms live: a provider (None: the stack's own), the page topic and what publishers wait for."""

    region: str
    provider: aws.Provider | None
    page_topic: aws.sns.Topic
    ready: Sequence[pulumi.Resource]


@dataclass
class Slos:
    alarms: dict[str, SloAlarms]
    ticket_topics: dict[str, aws.sns.Topic]
    # The fast-burn composites in the stack's region (CloudFront's too when the stack is in us-east-1):
    # what AppConfig rolls flag deployments back on.
    regional_fast_burn_arns: list[pulumi.Output[str]]
    # What the release gate reads (the `releaseGate` stack output's `slos`).
    gate: pulumi.Output[list[dict[str, Any]]]


def build_slos(name: str, prefix: str, args: MonitoringArgs, homes: Mapping[str, Home], parent: pulumi.Resource) -> Slos:
    """`homes` has the stack's region under "regional" and us-east-1 under GLOBAL_REGION (the same Home when they agree)."""
    series_list = slo_series(args.slo, args.environment, args.alb_arn_suffix, args.cdn_distribution_id, args.delivery_measured)
    emails, webhooks = args.slo.tickets.emails, args.slo.tickets.webhooks
    if not emails and not webhooks:
        emails, webhooks = args.settings.notifications.emails, args.settings.notifications.webhooks
    ticket_topics: dict[str, aws.sns.Topic] = {}
    ticket_ready: dict[str, list[pulumi.Resource]] = {}
    alarms: dict[str, SloAlarms] = {}
    for series in series_list:
        home = _home(homes, series)
        if home.region not in ticket_topics:
            suffix = "" if home.region == args.region else f"-{home.region}"
            ticket_topics[home.region], ticket_ready[home.region] = notification_topic(
                f"{name}-tickets{suffix}",
                prefix,
                emails,
                webhooks,
                pulumi.ResourceOptions(parent=parent, provider=home.provider),
                purpose=TICKETS,
                # The region's alarm topic's key: its policy already lets CloudWatch encrypt with it.
                shared_key=(home.page_topic.kms_master_key_id.apply(lambda arn: str(arn)), list(home.ready)),
            )
        opts = pulumi.ResourceOptions(parent=parent, provider=home.provider, depends_on=[*home.ready, *ticket_ready[home.region]])
        alarms[series.name] = slo_alarms(name, prefix, series, home.page_topic, ticket_topics[home.region], opts)
    regional = [a.fast.arn for a in alarms.values() if _home(homes, a.series).region == args.region]
    gate = pulumi.Output.all(*[_gate_entry(a, homes, args.slo.window_days) for a in alarms.values()])
    return Slos(alarms, ticket_topics, regional, gate)


def _home(homes: Mapping[str, Home], series: SloSeries) -> Home:
    return homes["regional" if series.home == "regional" else GLOBAL_REGION]


def _gate_entry(alarms: SloAlarms, homes: Mapping[str, Home], window_days: int) -> pulumi.Output[dict[str, Any]]:
    series: SloSeries = alarms.series
    region = _home(homes, series).region
    dimensions = pulumi.Output.all(**{query_id: pulumi.Output.all(**dict(m.dimensions)) for query_id, m in series.metrics.items()})
    return pulumi.Output.all(
        fast=alarms.fast.alarm_name, slow=alarms.slow.alarm_name, ticket=alarms.ticket.name, dimensions=dimensions
    ).apply(
        lambda v: {
            "name": series.name,
            "slo": series.slo,
            "region": region,
            "objectivePercent": series.objective.percent,
            "windowDays": window_days,
            "fastBurnAlarm": v["fast"],
            "slowBurnAlarm": v["slow"],
            "ticketAlarm": v["ticket"],
            "queries": metric_data_queries(series, v["dimensions"]),
        }
    )
