"""Monitoring settings: who is told, when an alarm fires, and how much a month may cost.

The alarm thresholds are declared in config.thresholds; this module reads them with the
notifications, the alarm periods, the uptime canaries (the guide's 99.9 % and < 200 ms, measured
the way users see them), the delivery-rate alarm and the budget. A stack overrides only what differs from the defaults.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from config.basics import Basics
from config.declare import Derived, Group, Key, boolean, integer, number, string, string_map, strings
from config.reader import ConfigError, Section, refuse_in_production
from config.thresholds import (
    ALB,
    CACHE,
    CDN,
    DATABASE,
    AlbThresholds,
    CacheThresholds,
    CdnThresholds,
    DatabaseThresholds,
    percent,
    read_alb,
    read_cache,
    read_cdn,
    read_database,
)

# Deliberately loose: SNS and Budgets validate the address; this catches "oncall" and "a@b".
_EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s.]+"
_METRIC_NAMESPACE = r"[^:]{1,255}"
# CloudWatch evaluates at most one day of periods (period × evaluation periods ≤ 86 400 s).
MAX_EVALUATION_SECONDS = 86_400
# A budget notification has at most 10 subscribers; one of them is the SNS topic.
MAX_BUDGET_EMAILS = 9
# The keys of config.basics.Basics.default_tags that finance reports by.
COST_ALLOCATION_TAG_KEYS = ("Project", "Environment", "Owner", "CostCenter")


# Regions where CloudWatch Synthetics runs (commercial partition; a test holds this against
# botocore's endpoint data for the synthetics service).
CANARY_REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
    "ap-south-1", "ap-south-2", "ap-east-1", "me-south-1", "me-central-1", "af-south-1", "il-central-1",
)  # fmt: skip
# The guide's targets, as the canaries measure them.
CANARY_SUCCESS_PERCENT = 99.9
CANARY_DURATION_MILLISECONDS = 200.0


@dataclass(frozen=True)
class CanarySettings:
    """Where and how often the uptime canaries call the app's health endpoint (app.healthCheckEndpoint)."""

    regions: list[str]
    interval_minutes: int
    success_percent: float = CANARY_SUCCESS_PERCENT
    duration_milliseconds: float = CANARY_DURATION_MILLISECONDS


@dataclass(frozen=True)
class DeliveryRateAlarm:
    """The app's own delivery-rate metric (the guide's 99 %); exporting it is the app's job."""

    namespace: str
    metric_name: str
    dimensions: dict[str, str]
    minimum_percent: float


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
    delivery_rate: DeliveryRateAlarm | None
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

CANARY_REGIONS_KEY = strings(
    "canaryRegions",
    "regions whose CloudWatch Synthetics canary calls `https://<domain>` + `app.healthCheckEndpoint` over TLS 1.3",
    default=Derived("the stack's region and one other (`us-west-2`, or `us-east-1` beside it)"),
    rule="non-empty, distinct, regions where Synthetics runs",
)
CANARY_INTERVAL_MINUTES = integer(
    "canaryIntervalMinutes", "minutes between canary runs (each run is billed)", default=5, minimum=1, maximum=60
)

DELIVERY_RATE_ENABLED = boolean("enabled", "turn on once the app exports the metric", default=False)
NAMESPACE = string(
    "namespace",
    "the app's CloudWatch namespace",
    pattern=_METRIC_NAMESPACE,
    meaning="must be a CloudWatch namespace (1-255 characters, no ':')",
    rule="required when enabled; not `AWS/…`",
)
METRIC_NAME = string(
    "metricName",
    "the metric holding the delivery rate in percent",
    pattern=r".{1,255}",
    meaning="must be a metric name (1-255 characters)",
    rule="required when enabled",
)
DIMENSIONS = string_map("dimensions", "the metric's dimensions", default={}, rule="at most 30")
MINIMUM_PERCENT = percent("minimumPercent", "alarm below this delivery rate", 99.0)
DELIVERY_RATE = Group(
    "deliveryRate",
    "an alarm on the app's own delivery-rate metric (the guide's 99 %)",
    (DELIVERY_RATE_ENABLED, NAMESPACE, METRIC_NAME, DIMENSIONS, MINIMUM_PERCENT),
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
        DELIVERY_RATE,
        BUDGET,
        ACTIVATE_COST_ALLOCATION_TAGS,
    ),
)


def _read_emails(section: Section, key: Key[list[str]]) -> list[str]:
    emails = key.read(section)
    for index, email in enumerate(emails):
        if not re.fullmatch(_EMAIL, email):
            raise ConfigError(f"{section.key(key.name)}[{index}]", email, "must be an email address, e.g. oncall@example.com")
    if len(set(emails)) != len(emails):
        raise ConfigError(section.key(key.name), emails, "addresses must be distinct")
    return emails


def _read_webhooks(section: Section) -> list[str]:
    urls = WEBHOOKS.read(section)
    for index, url in enumerate(urls):
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            # SNS can deliver to http:// too, but alarm texts would then cross the internet in clear.
            raise ConfigError(f"{section.key('webhooks')}[{index}]", url, "must be an https:// URL, e.g. https://hooks.example.com/alarms")
    return urls


def _notifications(section: Section, basics: Basics) -> tuple[list[str], list[str]]:
    notifications = NOTIFICATIONS.open(section)
    emails = _read_emails(notifications, NOTIFICATION_EMAILS)
    webhooks = _read_webhooks(notifications)
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


def default_canary_regions(region: str) -> list[str]:
    return [region, "us-west-2" if region == "us-east-1" else "us-east-1"]


def _canaries(section: Section, basics: Basics) -> CanarySettings:
    regions = CANARY_REGIONS_KEY.read(section, default=default_canary_regions(basics.region))
    key = section.key("canaryRegions")
    if not regions:
        raise ConfigError(key, regions, "needs at least one region, e.g. [" + ", ".join(default_canary_regions(basics.region)) + "]")
    for index, region in enumerate(regions):
        if region not in CANARY_REGIONS:
            raise ConfigError(f"{key}[{index}]", region, "is not a region where CloudWatch Synthetics runs, e.g. us-east-1")
    if len(set(regions)) != len(regions):
        raise ConfigError(key, regions, "regions must be distinct")
    return CanarySettings(regions, CANARY_INTERVAL_MINUTES.read(section))


def _delivery_rate(section: Section) -> DeliveryRateAlarm | None:
    if not DELIVERY_RATE_ENABLED.read(section):
        section.finish()
        return None
    namespace = NAMESPACE.read(section)
    if namespace.startswith("AWS/"):
        raise ConfigError(
            section.key("namespace"), namespace, "AWS/ namespaces are reserved for AWS services; use the app's own, e.g. EmailPlatform"
        )
    result = DeliveryRateAlarm(
        namespace=namespace,
        metric_name=METRIC_NAME.read(section),
        dimensions=DIMENSIONS.read(section),
        minimum_percent=MINIMUM_PERCENT.read(section),
    )
    if len(result.dimensions) > 30:
        raise ConfigError(section.key("dimensions"), result.dimensions, "CloudWatch allows at most 30 dimensions")
    section.finish()
    return result


def _budget(section: Section) -> BudgetSettings:
    monthly = MONTHLY_USD.read(section)
    emails = _read_emails(section, BUDGET_EMAILS)
    if len(emails) > MAX_BUDGET_EMAILS:
        raise ConfigError(
            section.key("emails"), emails, f"a budget notification has at most {MAX_BUDGET_EMAILS} email subscribers besides the SNS topic"
        )
    forecasted = FORECASTED_PERCENT.read(section)
    actual = ACTUAL_PERCENT.read(section)
    section.finish()
    return BudgetSettings(monthly_usd=monthly, emails=emails, forecasted_percent=forecasted, actual_percent=actual)


def parse_monitoring(section: Section, basics: Basics) -> MonitoringSettings:
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
        canaries=_canaries(section, basics),
        delivery_rate=_delivery_rate(DELIVERY_RATE.open(section)),
        cost_allocation_tags=COST_ALLOCATION_TAG_KEYS if activate_tags else (),
    )
    section.finish()
    return settings
