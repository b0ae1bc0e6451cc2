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

from dataclasses import dataclass

from config.basics import Basics
from config.declare import Derived, Group, Key, PerEnvironment, integer, number, strings
from config.reader import Section
from config.recipients import read_emails, read_webhooks

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
    """A ratio objective: good events over all events, at least `percent` over the window."""

    percent: float

    @property
    def budget(self) -> float:
        """The share of events that may be bad (0.001 at 99.9 %)."""
        return round(1 - self.percent / 100, 10)


@dataclass(frozen=True)
class LatencyObjective:
    average_milliseconds: float
    threshold_milliseconds: float
    within: Objective


@dataclass(frozen=True)
class SloSettings:
    window_days: int
    availability: Objective
    latency: LatencyObjective
    delivery: Objective
    # Who is told when a slow, steady burn needs a ticket; empty: the alarm notifications' recipients.
    ticket_emails: list[str]
    ticket_webhooks: list[str]


def objective_key(description: str, default: float, production_floor: float, other_floor: float) -> Key[float]:
    return number(
        "objectivePercent",
        description,
        default=default,
        minimum=PerEnvironment(production_floor, other_floor),
        maximum=MAX_OBJECTIVE_PERCENT,
    )


WINDOW_DAYS = integer(
    "windowDays", "days each SLO is measured over (its error budget's window)", default=30, minimum=1, maximum=MAX_WINDOW_DAYS
)
AVAILABILITY_OBJECTIVE = objective_key(
    "share of requests not answered 5xx (origin and edge)", GUIDE_AVAILABILITY_PERCENT, GUIDE_AVAILABILITY_PERCENT, 90.0
)
AVAILABILITY = Group("availability", "the guide's 99.9 % uptime, as requests answered without a 5xx", (AVAILABILITY_OBJECTIVE,))
AVERAGE_MILLISECONDS = number(
    "averageMilliseconds",
    "the highest average response time (the load balancer's `TargetResponseTime`); its alarm fires above it",
    default=GUIDE_AVERAGE_MILLISECONDS,
    minimum=1,
    maximum=PerEnvironment(GUIDE_AVERAGE_MILLISECONDS, 60_000.0),
)
THRESHOLD_MILLISECONDS = number(
    "thresholdMilliseconds",
    "a request answered within this many milliseconds counts as fast",
    default=Derived("`averageMilliseconds`"),
    minimum=1,
    maximum=60_000,
)
WITHIN_OBJECTIVE = number(
    "objectivePercent",
    "share of requests answered within `thresholdMilliseconds`",
    default=95.0,
    minimum=50,
    maximum=MAX_OBJECTIVE_PERCENT,
)
LATENCY = Group(
    "latency",
    "the guide's < 200 ms average response, and the share of fast requests",
    (AVERAGE_MILLISECONDS, THRESHOLD_MILLISECONDS, WITHIN_OBJECTIVE),
)
DELIVERY_OBJECTIVE = objective_key("share of attempted emails the providers accepted", GUIDE_DELIVERY_PERCENT, GUIDE_DELIVERY_PERCENT, 50.0)
DELIVERY = Group("delivery", "the guide's 99 % delivery rate, from the app's counters (docs/releases.md)", (DELIVERY_OBJECTIVE,))
TICKET_EMAILS = strings("emails", "addresses a slow-burn ticket is sent to", default=[], rule="empty: the alarm notifications' recipients")
TICKET_WEBHOOKS = strings(
    "webhooks",
    "HTTPS endpoints a slow-burn ticket is posted to (a ticketing system)",
    default=[],
    rule="`https://` URLs; set them as secrets (`--secret --path`)",
)
TICKETS = Group("tickets", "where a budget burning steadily (1x over 3 days) opens a ticket", (TICKET_EMAILS, TICKET_WEBHOOKS))
SLO = Group(
    "slo",
    "service-level objectives: burn-rate alarms page, the release gate and flag rollouts read the budgets",
    (WINDOW_DAYS, AVAILABILITY, LATENCY, DELIVERY, TICKETS),
)


def parse_slo(section: Section, basics: Basics) -> SloSettings:
    production = basics.is_production
    window = WINDOW_DAYS.read(section)
    availability = AVAILABILITY.open(section)
    availability_objective = Objective(AVAILABILITY_OBJECTIVE.read(availability, production=production))
    availability.finish()
    latency_section = LATENCY.open(section)
    average = AVERAGE_MILLISECONDS.read(latency_section, production=production)
    latency = LatencyObjective(
        average_milliseconds=average,
        threshold_milliseconds=THRESHOLD_MILLISECONDS.read(latency_section, default=average),
        within=Objective(WITHIN_OBJECTIVE.read(latency_section)),
    )
    latency_section.finish()
    delivery = DELIVERY.open(section)
    delivery_objective = Objective(DELIVERY_OBJECTIVE.read(delivery, production=production))
    delivery.finish()
    tickets = TICKETS.open(section)
    ticket_emails = read_emails(tickets, TICKET_EMAILS)
    ticket_webhooks = read_webhooks(tickets, TICKET_WEBHOOKS)
    tickets.finish()
    section.finish()
    return SloSettings(window, availability_objective, latency, delivery_objective, ticket_emails, ticket_webhooks)
