"""Service-level objectives: what each environment promises its users, and how much it may miss.

Three SLOs, each measured over one rolling window (`slo.windowDays`, 30 days by default):

- availability: the share of requests not answered with a 5xx, at the origin (the load balancer's
  target and own 5xx counts over its requests) and at the edge (CloudFront's 5xx rate); the uptime
  canaries stay the outside view;
- latency: the guide's average response time (the load balancer's average `TargetResponseTime`),
  and the share of requests answered within `thresholdMilliseconds`, read with CloudWatch's
  percentile-rank statistic `PR(:<seconds>)`;
- delivery: emails delivered over emails attempted, from the app's own counters (config.app_metrics).

Production's objectives cannot be looser than the guide's figures: 99.9 % availability, 200 ms
average response, 99 % delivery. The error budget of an objective is what it leaves (0.1 % of
requests at 99.9 %); components/monitoring/slo_alarms.py turns it into burn-rate alarms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from config.declare import PerEnvironment, inline, integer, number, section, sibling
from config.reading import parser
from config.recipients import email_addresses, webhook_urls

# The guide's success metrics: production's floors (and the latency ceiling).
GUIDE_AVAILABILITY_PERCENT = 99.9
GUIDE_AVERAGE_MILLISECONDS = 200.0
GUIDE_DELIVERY_PERCENT = 99.0
# An objective of 100 % leaves no budget: every error would be an infinite burn.
MAX_OBJECTIVE_PERCENT = 99.99
# CloudWatch keeps 5-minute data points for 63 days (CloudWatch User Guide, "Metrics concepts",
# metric retention), which the release gate and the dashboard read the whole window from.
MAX_WINDOW_DAYS = 63


@dataclass(frozen=True)
class Objective:
    """A ratio objective: good events over all events, at least `percent` over the window.

    Each use declares its own description, default and floors (``objective(...)``)."""

    percent: float = number("share of good events", maximum=MAX_OBJECTIVE_PERCENT, name="objectivePercent")

    @property
    def budget(self) -> float:
        """The share of events that may be bad (0.001 at 99.9 %)."""
        return round(1 - self.percent / 100, 10)


def objective(description: str, default: float, floor: Any) -> dict[str, Mapping[str, Any]]:
    """How one use of Objective declares its `objectivePercent`."""
    return {"percent": {"description": description, "default": default, "minimum": floor}}


@dataclass(frozen=True)
class LatencyObjective:
    average_milliseconds: float = number(
        "the highest average response time (the load balancer's `TargetResponseTime`); its alarm fires above it",
        default=GUIDE_AVERAGE_MILLISECONDS,
        minimum=1,
        maximum=PerEnvironment(GUIDE_AVERAGE_MILLISECONDS, 60_000.0),
    )
    threshold_milliseconds: float = number(
        "a request answered within this many milliseconds counts as fast",
        default=sibling("average_milliseconds"),
        minimum=1,
        maximum=60_000,
    )
    within: Objective = inline(Objective, **objective("share of requests answered within `thresholdMilliseconds`", 95.0, 50))


@dataclass(frozen=True)
class Tickets:
    """Who is told when a slow, steady burn needs a ticket; empty: the alarm notifications' recipients."""

    emails: list[str] = email_addresses("addresses a slow-burn ticket is sent to (empty: the alarm notifications' recipients)")
    webhooks: list[str] = webhook_urls("HTTPS endpoints a slow-burn ticket is posted to (a ticketing system)")


@dataclass(frozen=True)
class SloSettings:
    window_days: int = integer("days each SLO is measured over (its error budget's window)", default=30, minimum=1, maximum=MAX_WINDOW_DAYS)
    availability: Objective = section(
        Objective,
        "the guide's 99.9 % uptime, as requests answered without a 5xx",
        refine=objective(
            "share of requests not answered 5xx (origin and edge)",
            GUIDE_AVAILABILITY_PERCENT,
            PerEnvironment(GUIDE_AVAILABILITY_PERCENT, 90.0),
        ),
    )
    latency: LatencyObjective = section(LatencyObjective, "the guide's < 200 ms average response, and the share of fast requests")
    delivery: Objective = section(
        Objective,
        "the guide's 99 % delivery rate, from the app's counters (docs/releases.md)",
        refine=objective(
            "share of attempted emails the providers accepted", GUIDE_DELIVERY_PERCENT, PerEnvironment(GUIDE_DELIVERY_PERCENT, 50.0)
        ),
    )
    tickets: Tickets = section(Tickets, "where a budget burning steadily (1x over 3 days) opens a ticket")


parse_slo = parser(SloSettings)
