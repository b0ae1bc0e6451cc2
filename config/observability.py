"""Container logs and metrics: the `amazon-cloudwatch-observability` EKS add-on (Container Insights).

Pod stdout and stderr go to CloudWatch Logs through the add-on's Fluent Bit, and Container Insights
publishes pod metrics; alarms watch the app's container restarts and how close its pods run to
their CPU limit (where the kernel throttles them).
"""

from __future__ import annotations

from dataclasses import dataclass

from config.basics import Basics
from config.declare import Group, boolean, integer, number
from config.network import log_retention_key
from config.reader import Section, refuse_in_production

__all__ = ["OBSERVABILITY", "ObservabilitySettings", "parse_observability"]

ENABLED = boolean(
    "enabled", "install the add-on and its alarms (a cluster the stack creates only)", default=True, rule="production keeps it on"
)
LOG_RETENTION_DAYS = log_retention_key("logRetentionDays", "the container logs and Container Insights' performance logs")
RESTARTS = integer(
    "containerRestarts",
    "alarm when the app's containers restart more often than this per period",
    default=0,
    minimum=0,
    maximum=1000,
)
CPU_OVER_LIMIT_PERCENT = number(
    "cpuOverLimitPercent",
    "alarm when the app's pods use more than this share of their CPU limit (throttling starts at 100)",
    default=90,
    minimum=10,
    maximum=100,
)
OBSERVABILITY = Group(
    "observability",
    "container logs and metrics (the amazon-cloudwatch-observability EKS add-on)",
    (ENABLED, LOG_RETENTION_DAYS, RESTARTS, CPU_OVER_LIMIT_PERCENT),
)


@dataclass(frozen=True)
class ObservabilitySettings:
    enabled: bool
    log_retention_days: int
    container_restarts: int
    cpu_over_limit_percent: float


def parse_observability(section: Section, basics: Basics) -> ObservabilitySettings:
    enabled = ENABLED.read(section)
    if basics.is_production and not enabled:
        raise refuse_in_production(section.key("enabled"), enabled, "production keeps container logs and metrics")
    settings = ObservabilitySettings(
        enabled=enabled,
        log_retention_days=LOG_RETENTION_DAYS.read(section, production=basics.is_production),
        container_restarts=RESTARTS.read(section),
        cpu_over_limit_percent=CPU_OVER_LIMIT_PERCENT.read(section),
    )
    section.finish()
    return settings
