"""Container logs and metrics: the `amazon-cloudwatch-observability` EKS add-on (Container Insights).

Pod stdout and stderr go to CloudWatch Logs through the add-on's Fluent Bit, and Container Insights
publishes pod metrics; alarms watch the app's container restarts and how close its pods run to
their CPU limit (where the kernel throttles them).
"""

from __future__ import annotations

from dataclasses import dataclass

from config.declare import PerEnvironment, boolean, integer, number
from config.network import log_retention
from config.reading import parser

__all__ = ["ObservabilitySettings", "parse_observability"]


@dataclass(frozen=True)
class ObservabilitySettings:
    enabled: bool = boolean(
        "install the add-on and its alarms (a cluster the stack creates only)",
        default=True,
        choices=PerEnvironment((True,), (True, False)),
        why="production keeps container logs and metrics",
    )
    log_retention_days: int = log_retention("the container logs and Container Insights' performance logs")
    container_restarts: int = integer(
        "alarm when the app's containers restart more often than this per period", default=0, minimum=0, maximum=1000
    )
    cpu_over_limit_percent: float = number(
        "alarm when the app's pods use more than this share of their CPU limit (throttling starts at 100)",
        default=90,
        minimum=10,
        maximum=100,
    )


parse_observability = parser(ObservabilitySettings)
