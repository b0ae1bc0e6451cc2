"""Monitoring settings: who is told, when an alarm fires, and how much a month may cost.

Thresholds carry their unit in the key (``…Percent``, ``…Seconds``, ``…Bytes``) so a stack file
reads without the docs. Defaults follow the guide's success metrics (99.9 % uptime, < 200 ms
average response) and the AWS-recommended alarms for ALB, Aurora and ElastiCache; a stack
overrides only what differs. A negative threshold or a percentage above 100 is refused: both
are typos that would leave an alarm that never fires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from config.basics import Basics
from config.reader import ConfigError, Section

# Deliberately loose: SNS and Budgets validate the address; this catches "oncall" and "a@b".
_EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s.]+"
_METRIC_NAMESPACE = r"[^:]{1,255}"
# CloudWatch evaluates at most one day of periods (period × evaluation periods ≤ 86 400 s).
MAX_EVALUATION_SECONDS = 86_400
# A budget notification has at most 10 subscribers; one of them is the SNS topic.
MAX_BUDGET_EMAILS = 9
# The keys of config.basics.Basics.default_tags that finance reports by.
COST_ALLOCATION_TAG_KEYS = ("Project", "Environment", "Owner", "CostCenter")
GIB = 1024**3


@dataclass(frozen=True)
class AlbThresholds:
    target_5xx_percent: float = 1.0
    elb_5xx_percent: float = 1.0
    response_time_seconds: float = 0.2  # the guide's "< 200 ms average response"
    unhealthy_hosts: float = 0.0


@dataclass(frozen=True)
class DatabaseThresholds:
    cpu_percent: float = 80.0
    freeable_memory_bytes: float = 0.5 * GIB
    replica_lag_milliseconds: float = 1000.0
    connections: float = 1000.0
    free_local_storage_bytes: float = 2.0 * GIB


@dataclass(frozen=True)
class CacheThresholds:
    cpu_percent: float = 90.0
    engine_cpu_percent: float = 80.0
    memory_percent: float = 80.0
    # Sessions live in this cache: an eviction logs a user out, so any eviction is worth a look.
    evictions: float = 0.0
    replication_lag_seconds: float = 30.0


@dataclass(frozen=True)
class CdnThresholds:
    error_5xx_percent: float = 1.0


@dataclass(frozen=True)
class HealthCheckSettings:
    """How often Route 53 probes the app; the path is the app's own health endpoint (app.healthCheckEndpoint)."""

    interval_seconds: int = 30
    failure_threshold: int = 3


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
    forecasted_percent: float = 80.0
    actual_percent: float = 100.0


@dataclass(frozen=True)
class MonitoringSettings:
    budget: BudgetSettings
    emails: list[str] = field(default_factory=list)
    webhooks: list[str] = field(default_factory=list)
    period_seconds: int = 60
    evaluation_periods: int = 3
    alb: AlbThresholds = AlbThresholds()
    database: DatabaseThresholds = DatabaseThresholds()
    cache: CacheThresholds = CacheThresholds()
    cdn: CdnThresholds = CdnThresholds()
    health_check: HealthCheckSettings = HealthCheckSettings()
    delivery_rate: DeliveryRateAlarm | None = None
    # Empty unless activateCostAllocationTags is on (see parse_monitoring).
    cost_allocation_tags: tuple[str, ...] = ()


def _percent(section: Section, name: str, default: float) -> float:
    return section.number(name, default, minimum=0, maximum=100)


def _amount(section: Section, name: str, default: float) -> float:
    return section.number(name, default, minimum=0)


def _emails(section: Section, name: str) -> list[str]:
    emails = section.strings(name, [])
    for index, email in enumerate(emails):
        if not re.fullmatch(_EMAIL, email):
            raise ConfigError(f"{section.key(name)}[{index}]", email, "must be an email address, e.g. oncall@example.com")
    if len(set(emails)) != len(emails):
        raise ConfigError(section.key(name), emails, "addresses must be distinct")
    return emails


def _webhooks(section: Section, name: str) -> list[str]:
    urls = section.strings(name, [])
    for index, url in enumerate(urls):
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            # SNS can deliver to http:// too, but alarm texts would then cross the internet in clear.
            raise ConfigError(f"{section.key(name)}[{index}]", url, "must be an https:// URL, e.g. https://hooks.example.com/alarms")
    return urls


def _alb(section: Section) -> AlbThresholds:
    default = AlbThresholds()
    result = AlbThresholds(
        target_5xx_percent=_percent(section, "target5xxPercent", default.target_5xx_percent),
        elb_5xx_percent=_percent(section, "elb5xxPercent", default.elb_5xx_percent),
        response_time_seconds=section.number("responseTimeSeconds", default.response_time_seconds, minimum=0.001, maximum=60),
        unhealthy_hosts=_amount(section, "unhealthyHosts", default.unhealthy_hosts),
    )
    section.finish()
    return result


def _database(section: Section) -> DatabaseThresholds:
    default = DatabaseThresholds()
    result = DatabaseThresholds(
        cpu_percent=_percent(section, "cpuPercent", default.cpu_percent),
        freeable_memory_bytes=_amount(section, "freeableMemoryBytes", default.freeable_memory_bytes),
        replica_lag_milliseconds=_amount(section, "replicaLagMilliseconds", default.replica_lag_milliseconds),
        connections=_amount(section, "connections", default.connections),
        free_local_storage_bytes=_amount(section, "freeLocalStorageBytes", default.free_local_storage_bytes),
    )
    section.finish()
    return result


def _cache(section: Section) -> CacheThresholds:
    default = CacheThresholds()
    result = CacheThresholds(
        cpu_percent=_percent(section, "cpuPercent", default.cpu_percent),
        engine_cpu_percent=_percent(section, "engineCpuPercent", default.engine_cpu_percent),
        memory_percent=_percent(section, "memoryPercent", default.memory_percent),
        evictions=_amount(section, "evictions", default.evictions),
        replication_lag_seconds=_amount(section, "replicationLagSeconds", default.replication_lag_seconds),
    )
    section.finish()
    return result


def _cdn(section: Section) -> CdnThresholds:
    result = CdnThresholds(error_5xx_percent=_percent(section, "error5xxPercent", CdnThresholds().error_5xx_percent))
    section.finish()
    return result


def _health_check(section: Section) -> HealthCheckSettings:
    default = HealthCheckSettings()
    result = HealthCheckSettings(
        interval_seconds=_interval(section),
        failure_threshold=section.integer("failureThreshold", default.failure_threshold, minimum=1, maximum=10),
    )
    section.finish()
    return result


def _interval(section: Section) -> int:
    seconds = section.integer("intervalSeconds", HealthCheckSettings().interval_seconds)
    if seconds not in (10, 30):  # Route 53's two intervals; 10 s costs more
        raise ConfigError(section.key("intervalSeconds"), seconds, "Route 53 checks every 10 or 30 seconds")
    return seconds


def _delivery_rate(section: Section) -> DeliveryRateAlarm | None:
    enabled = section.boolean("enabled", False)
    if not enabled:
        section.finish()
        return None
    namespace = section.string("namespace", pattern=_METRIC_NAMESPACE, meaning="must be a CloudWatch namespace (1-255 characters, no ':')")
    if namespace.startswith("AWS/"):
        raise ConfigError(
            section.key("namespace"), namespace, "AWS/ namespaces are reserved for AWS services; use the app's own, e.g. EmailPlatform"
        )
    result = DeliveryRateAlarm(
        namespace=namespace,
        metric_name=section.string("metricName", pattern=r".{1,255}", meaning="must be a metric name (1-255 characters)"),
        dimensions=section.string_map("dimensions", {}),
        minimum_percent=_percent(section, "minimumPercent", 99.0),
    )
    if len(result.dimensions) > 30:
        raise ConfigError(section.key("dimensions"), result.dimensions, "CloudWatch allows at most 30 dimensions")
    section.finish()
    return result


def _budget(section: Section) -> BudgetSettings:
    monthly = section.number("monthlyUsd", minimum=1)
    emails = _emails(section, "emails")
    if len(emails) > MAX_BUDGET_EMAILS:
        raise ConfigError(
            section.key("emails"), emails, f"a budget notification has at most {MAX_BUDGET_EMAILS} email subscribers besides the SNS topic"
        )
    # Above 100 % the amount is wrong, not the threshold: raise monthlyUsd instead.
    forecasted = section.number("forecastedPercent", 80.0, minimum=1, maximum=100)
    actual = section.number("actualPercent", 100.0, minimum=1, maximum=100)
    section.finish()
    return BudgetSettings(monthly_usd=monthly, emails=emails, forecasted_percent=forecasted, actual_percent=actual)


def parse_monitoring(section: Section, basics: Basics) -> MonitoringSettings:
    notifications = section.section("notifications")
    emails = _emails(notifications, "emails")
    webhooks = _webhooks(notifications, "webhooks")
    notifications.finish()
    if basics.is_production and not emails and not webhooks:
        raise ConfigError(notifications.key("emails"), emails, "production alarms must reach someone: set at least one email or webhook")
    period = section.integer("periodSeconds", 60, minimum=60)
    if period % 60:
        raise ConfigError(section.key("periodSeconds"), period, "AWS service metrics are per minute: use a multiple of 60")
    evaluation_periods = section.integer("evaluationPeriods", 3, minimum=1)
    if period * evaluation_periods > MAX_EVALUATION_SECONDS:
        raise ConfigError(
            section.key("evaluationPeriods"),
            evaluation_periods,
            f"periodSeconds × evaluationPeriods must be at most {MAX_EVALUATION_SECONDS} (one day); here {period * evaluation_periods}",
        )
    # Cost-allocation tags are account-wide and only the payer (management) account can activate
    # them, and only after AWS has seen the tag on a billed resource (up to 24 h after the first
    # deployment). Off by default; turn it on in one stack per payer account, after that first day.
    activate_tags = section.boolean("activateCostAllocationTags", False)
    settings = MonitoringSettings(
        budget=_budget(section.section("budget", required=True)),
        emails=emails,
        webhooks=webhooks,
        period_seconds=period,
        evaluation_periods=evaluation_periods,
        alb=_alb(section.section("alb")),
        database=_database(section.section("database")),
        cache=_cache(section.section("cache")),
        cdn=_cdn(section.section("cdn")),
        health_check=_health_check(section.section("healthCheck")),
        delivery_rate=_delivery_rate(section.section("deliveryRate")),
        cost_allocation_tags=COST_ALLOCATION_TAG_KEYS if activate_tags else (),
    )
    section.finish()
    return settings
