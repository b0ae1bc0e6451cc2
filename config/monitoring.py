"""Monitoring settings: who is told, when an alarm fires, and how much a month may cost.

The alarm thresholds are declared in config.thresholds and the uptime canaries in config.canaries;
this module reads them with the notifications, the alarm periods and the budget. The objectives
themselves (availability, latency, delivery) are config.slo's. A stack overrides only what differs
from the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.basics import Basics
from config.canaries import (
    CANARY_DURATION,
    CANARY_INTERVAL_MINUTES,
    CANARY_REGIONS,
    CANARY_REGIONS_KEY,
    CanarySettings,
    default_canary_regions,
    parse_canaries,
)
from config.declare import Group, Key, boolean, integer, number, strings
from config.reader import ConfigError, Section, refuse_in_production
from config.recipients import read_emails, read_webhooks
from config.thresholds import (
    ALB,
    CACHE,
    CDN,
    DATABASE,
    AlbThresholds,
    CacheThresholds,
    CdnThresholds,
    DatabaseThresholds,
    read_alb,
    read_cache,
    read_cdn,
    read_database,
)

# For periods under an hour CloudWatch evaluates at most one day (period × evaluation periods ≤ 86 400 s;
# botocore cloudwatch model, PutMetricAlarm.Period). These alarms use periods of minutes.
MAX_EVALUATION_SECONDS = 86_400
# A budget notification has at most 10 subscribers; one of them is the SNS topic.
MAX_BUDGET_EMAILS = 9
# The keys of config.basics.Basics.default_tags that finance reports by.
COST_ALLOCATION_TAG_KEYS = ("Project", "Environment", "Owner", "CostCenter")


__all__ = [
    "CANARY_REGIONS",
    "MONITORING",
    "CanarySettings",
    "MonitoringSettings",
    "default_canary_regions",
    "parse_monitoring",
]


@dataclass(frozen=True)
class BudgetSettings:
    monthly_usd: float
    emails: list[str]
    forecasted_percent: float
    actual_percent: float


@dataclass(frozen=True)
class MonitoringSettings:
    budget: BudgetSettings
    emails: list[str]
    webhooks: list[str]
    period_seconds: int
    evaluation_periods: int
    alb: AlbThresholds
    database: DatabaseThresholds
    cache: CacheThresholds
    cdn: CdnThresholds
    canaries: CanarySettings
    # Empty unless activateCostAllocationTags is on (see parse_monitoring).
    cost_allocation_tags: tuple[str, ...]


def _emails(name: str, description: str, rule: str = "") -> Key[list[str]]:
    return strings(name, description, default=[], rule="; ".join(filter(None, ("distinct email addresses", rule))))


NOTIFICATION_EMAILS = _emails("emails", "addresses the alarms are sent to (each confirms its subscription once)")
WEBHOOKS = strings(
    "webhooks",
    "HTTPS endpoints the alarms are posted to",
    default=[],
    rule="`https://` URLs; they carry tokens: set them as secrets (`--secret --path`)",
)
NOTIFICATIONS = Group(
    "notifications",
    "who is told when an alarm fires or recovers",
    (NOTIFICATION_EMAILS, WEBHOOKS),
    rule="production notifies someone: at least one email or webhook",
)
PERIOD_SECONDS = integer("periodSeconds", "the period each alarm evaluates", default=60, minimum=60, rule="a multiple of 60")
EVALUATION_PERIODS = integer(
    "evaluationPeriods",
    "periods in a row an alarm's condition must hold",
    default=3,
    minimum=1,
    rule=f"`periodSeconds` × `evaluationPeriods` at most {MAX_EVALUATION_SECONDS} (one day)",
)

MONTHLY_USD = number("monthlyUsd", "the monthly AWS Budget in US dollars (it covers the whole account)", minimum=1)
BUDGET_EMAILS = _emails("emails", "addresses the budget notifications go to", f"at most {MAX_BUDGET_EMAILS}")
# Above 100 % the amount is wrong, not the threshold: raise monthlyUsd instead.
FORECASTED_PERCENT = number(
    "forecastedPercent", "notify when the month's forecast passes this share of the budget", default=80.0, minimum=1, maximum=100
)
ACTUAL_PERCENT = number(
    "actualPercent", "notify when the month's spend passes this share of the budget", default=100.0, minimum=1, maximum=100
)
BUDGET = Group("budget", "the monthly cost budget", (MONTHLY_USD, BUDGET_EMAILS, FORECASTED_PERCENT, ACTUAL_PERCENT), required=True)

# Cost-allocation tags are account-wide and only the payer (management) account can activate
# them, and only after AWS has seen the tag on a billed resource (up to 24 h after the first
# deployment). Off by default; turn it on in one stack per payer account, after that first day.
ACTIVATE_COST_ALLOCATION_TAGS = boolean(
    "activateCostAllocationTags",
    "activate " + ", ".join(COST_ALLOCATION_TAG_KEYS) + " as cost-allocation tags (payer account only, once AWS has seen them)",
    default=False,
)
MONITORING = Group(
    "monitoring",
    "alarms, who is told, the uptime canaries and the budget",
    (
        NOTIFICATIONS,
        PERIOD_SECONDS,
        EVALUATION_PERIODS,
        ALB,
        DATABASE,
        CACHE,
        CDN,
        CANARY_REGIONS_KEY,
        CANARY_INTERVAL_MINUTES,
        CANARY_DURATION,
        BUDGET,
        ACTIVATE_COST_ALLOCATION_TAGS,
    ),
)


def _notifications(section: Section, basics: Basics) -> tuple[list[str], list[str]]:
    notifications = NOTIFICATIONS.open(section)
    emails = read_emails(notifications, NOTIFICATION_EMAILS)
    webhooks = read_webhooks(notifications, WEBHOOKS)
    notifications.finish()
    if basics.is_production and not emails and not webhooks:
        raise refuse_in_production(
            notifications.key("emails"), emails, "production alarms must reach someone: set at least one email or webhook"
        )
    return emails, webhooks


def _periods(section: Section) -> tuple[int, int]:
    period = PERIOD_SECONDS.read(section)
    if period % 60:
        raise ConfigError(section.key("periodSeconds"), period, "AWS service metrics are per minute: use a multiple of 60")
    evaluation_periods = EVALUATION_PERIODS.read(section)
    if period * evaluation_periods > MAX_EVALUATION_SECONDS:
        raise ConfigError(
            section.key("evaluationPeriods"),
            evaluation_periods,
            f"periodSeconds × evaluationPeriods must be at most {MAX_EVALUATION_SECONDS} (one day); here {period * evaluation_periods}",
        )
    return period, evaluation_periods


# Keys this section no longer has, and where their setting lives now.
MOVED = {
    "deliveryRate": "the delivery objective is slo.delivery.objectivePercent, measured from the app's own counters (docs/releases.md)",
}


def _refuse_moved(section: Section) -> None:
    for name, where in MOVED.items():
        if section.has(name):
            raise ConfigError(section.key(name), section.raw(name, None), f"no longer a setting: {where}")


def _budget(section: Section) -> BudgetSettings:
    monthly = MONTHLY_USD.read(section)
    emails = read_emails(section, BUDGET_EMAILS)
    if len(emails) > MAX_BUDGET_EMAILS:
        raise ConfigError(
            section.key("emails"), emails, f"a budget notification has at most {MAX_BUDGET_EMAILS} email subscribers besides the SNS topic"
        )
    forecasted = FORECASTED_PERCENT.read(section)
    actual = ACTUAL_PERCENT.read(section)
    section.finish()
    return BudgetSettings(monthly_usd=monthly, emails=emails, forecasted_percent=forecasted, actual_percent=actual)


def parse_monitoring(section: Section, basics: Basics) -> MonitoringSettings:
    _refuse_moved(section)
    emails, webhooks = _notifications(section, basics)
    period, evaluation_periods = _periods(section)
    activate_tags = ACTIVATE_COST_ALLOCATION_TAGS.read(section)
    settings = MonitoringSettings(
        budget=_budget(BUDGET.open(section)),
        emails=emails,
        webhooks=webhooks,
        period_seconds=period,
        evaluation_periods=evaluation_periods,
        alb=read_alb(ALB.open(section)),
        database=read_database(DATABASE.open(section)),
        cache=read_cache(CACHE.open(section)),
        cdn=read_cdn(CDN.open(section)),
        canaries=parse_canaries(section, basics),
        cost_allocation_tags=COST_ALLOCATION_TAG_KEYS if activate_tags else (),
    )
    section.finish()
    return settings
