"""Monitoring settings: who is told, when an alarm fires, and how much a month may cost.

The alarm thresholds are declared in config.thresholds and the uptime canaries in config.canaries;
this module reads them with the notifications, the alarm periods and the budget. The objectives
themselves (availability, latency, delivery) are config.slo's. A stack overrides only what differs
from the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from config.canaries import CANARY_REGIONS, CanarySettings, default_canary_regions
from config.declare import boolean, inline, integer, number, rule, section
from config.reader import ConfigError
from config.reading import At, Reading, parser
from config.recipients import email_addresses, webhook_urls
from config.thresholds import AlbThresholds, CacheThresholds, CdnThresholds, DatabaseThresholds

# For periods under an hour CloudWatch evaluates at most one day (period × evaluation periods ≤ 86 400 s;
# botocore cloudwatch model, PutMetricAlarm.Period). These alarms use periods of minutes.
MAX_EVALUATION_SECONDS = 86_400
# A budget notification has at most 10 subscribers; one of them is the SNS topic.
MAX_BUDGET_EMAILS = 9
# The keys of config.basics.Basics.default_tags that finance reports by.
COST_ALLOCATION_TAG_KEYS = ("Project", "Environment", "Owner", "CostCenter")


__all__ = [
    "CANARY_REGIONS",
    "CanarySettings",
    "MonitoringSettings",
    "default_canary_regions",
    "parse_monitoring",
]


@rule(f"at most {MAX_BUDGET_EMAILS}")
def _budget_subscribers(emails: list[str], at: At) -> None:
    if len(emails) > MAX_BUDGET_EMAILS:
        raise at.refuse(emails, f"a budget notification has at most {MAX_BUDGET_EMAILS} email subscribers besides the SNS topic")


@dataclass(frozen=True)
class BudgetSettings:
    monthly_usd: float = number("the monthly AWS Budget in US dollars (it covers the whole account)", minimum=1)
    emails: list[str] = email_addresses("addresses the budget notifications go to", checks=(_budget_subscribers,))
    # Above 100 % the amount is wrong, not the threshold: raise monthlyUsd instead.
    forecasted_percent: float = number(
        "notify when the month's forecast passes this share of the budget", default=80.0, minimum=1, maximum=100
    )
    actual_percent: float = number("notify when the month's spend passes this share of the budget", default=100.0, minimum=1, maximum=100)


def _someone_in_production(notifications: Notifications, reading: Reading) -> None:
    """production notifies someone: at least one email or webhook"""
    if reading.production and not notifications.emails and not notifications.webhooks:
        raise ConfigError(
            reading.key("emails"),
            notifications.emails,
            "production alarms must reach someone: set at least one email or webhook (environment: production)",
        )


@dataclass(frozen=True)
class Notifications:
    RULES: ClassVar = (_someone_in_production,)

    emails: list[str] = email_addresses("addresses the alarms are sent to (each confirms its subscription once)")
    webhooks: list[str] = webhook_urls("HTTPS endpoints the alarms are posted to")


@rule("a multiple of 60")
def _whole_minutes(period: int, at: At) -> None:
    if period % 60:
        raise at.refuse(period, "AWS service metrics are per minute: use a multiple of 60")


@rule(f"`periodSeconds` × `evaluationPeriods` at most {MAX_EVALUATION_SECONDS} (one day)")
def _within_a_day(evaluation_periods: int, at: At) -> None:
    period = at.reading["period_seconds"]
    if period * evaluation_periods > MAX_EVALUATION_SECONDS:
        raise at.refuse(
            evaluation_periods,
            f"periodSeconds × evaluationPeriods must be at most {MAX_EVALUATION_SECONDS} (one day); here {period * evaluation_periods}",
        )


@dataclass(frozen=True)
class MonitoringSettings:
    # Keys this section no longer has, and where their setting lives now.
    MOVED: ClassVar = {
        "deliveryRate": "the delivery objective is slo.delivery.objectivePercent, measured from the app's own counters (docs/releases.md)",
    }

    notifications: Notifications = section(Notifications, "who is told when an alarm fires or recovers")
    period_seconds: int = integer("the period each alarm evaluates", default=60, minimum=60, checks=(_whole_minutes,))
    evaluation_periods: int = integer("periods in a row an alarm's condition must hold", default=3, minimum=1, checks=(_within_a_day,))
    alb: AlbThresholds = section(AlbThresholds, "load balancer alarms")
    database: DatabaseThresholds = section(DatabaseThresholds, "Aurora alarms")
    cache: CacheThresholds = section(CacheThresholds, "ElastiCache alarms")
    cdn: CdnThresholds = section(CdnThresholds, "CloudFront alarm")
    canaries: CanarySettings = inline(CanarySettings)
    budget: BudgetSettings = section(BudgetSettings, "the monthly cost budget", required=True)
    # Cost-allocation tags are account-wide and only the payer (management) account can activate
    # them, and only after AWS has seen the tag on a billed resource (up to 24 h after the first
    # deployment). Off by default; turn it on in one stack per payer account, after that first day.
    activate_cost_allocation_tags: bool = boolean(
        "activate " + ", ".join(COST_ALLOCATION_TAG_KEYS) + " as cost-allocation tags (payer account only, once AWS has seen them)",
        default=False,
    )

    @property
    def cost_allocation_tags(self) -> tuple[str, ...]:
        """The tags to activate; empty unless `activateCostAllocationTags` is on."""
        return COST_ALLOCATION_TAG_KEYS if self.activate_cost_allocation_tags else ()


parse_monitoring = parser(MonitoringSettings)
