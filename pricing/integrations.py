"""Pricing of the cross-team integrations: EventBridge events, archive, API destinations, AppConfig, custom metrics.

All of it is usage-driven: the figures are the stack's `costUsage` keys of each type.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pricing.context import MILLION, Line, Pricer, PricingContext


def _event_bus(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    # Each 64 KB of an event counts as one; deployment events are well under 1 KB.
    events = ctx.figure(r, "monthly_custom_events")
    return [Line("custom events published", "1M events", events / MILLION, ctx.price(r, "events.custom", "EventBridge custom events"))]


def _event_archive(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    return [
        Line(
            "events archived", "GB", ctx.figure(r, "monthly_archive_processing_gb"), ctx.price(r, "events.archive.gb", "archive processing")
        ),
        Line("archive storage", "GB-month", ctx.figure(r, "archive_storage_gb"), ctx.price(r, "events.archive.storage", "archive storage")),
    ]


def _api_destination(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    # The connection's Secrets Manager secret is included in this charge.
    invocations = ctx.figure(r, "monthly_invocations")
    return [
        Line("invocations", "1M invocations", invocations / MILLION, ctx.price(r, "events.api_destination", "API destination invocations"))
    ]


def _configuration_profile(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    # The app's agent polls: every poll is a request; only a poll that returns a new version is "received".
    requests = ctx.figure(r, "monthly_configuration_requests")
    received = ctx.figure(r, "monthly_configurations_received")
    return [
        Line("configuration requests", "1M requests", requests / MILLION, ctx.price(r, "appconfig.request", "AppConfig requests")),
        Line(
            "configurations received", "configurations", received, ctx.price(r, "appconfig.received", "AppConfig configurations received")
        ),
    ]


def _metric_filter(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    # One custom metric per stack (its single dimension value is the stack's environment).
    return [Line("custom metric", "metric-months", Decimal(1), ctx.price(r, "cloudwatch.metric.custom", "custom metrics"))]


PRICERS: dict[str, Pricer] = {
    "aws:cloudwatch/eventBus:EventBus": _event_bus,
    "aws:cloudwatch/eventArchive:EventArchive": _event_archive,
    "aws:cloudwatch/eventApiDestination:EventApiDestination": _api_destination,
    "aws:appconfig/configurationProfile:ConfigurationProfile": _configuration_profile,
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": _metric_filter,
}
