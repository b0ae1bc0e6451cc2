"""Alarm thresholds of the load balancer, Aurora, ElastiCache and CloudFront.

Each key carries its unit in its name (``…Percent``, ``…Seconds``, ``…Bytes``). Defaults follow
the guide's success metrics and the AWS-recommended alarms; a negative threshold or a
percentage above 100 is refused, because either leaves an alarm that never fires.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from config.declare import number

GIB = 1024**3


def percent(description: str, default: float) -> Any:
    return number(description, default=default, minimum=0, maximum=100)


def amount(description: str, default: float) -> Any:
    return number(description, default=default, minimum=0)


@dataclass(frozen=True)
class AlbThresholds:
    # The average response time's alarm fires above the latency objective: one setting, in config.slo.
    MOVED: ClassVar = {"responseTimeSeconds": "the average response time's alarm follows slo.latency.averageMilliseconds (in milliseconds)"}

    target_5xx_percent: float = percent("alarm above this share of requests answered 5xx by the app", 1.0)
    elb_5xx_percent: float = percent("alarm above this share of requests answered 5xx by the load balancer itself", 1.0)
    unhealthy_hosts: float = amount("alarm above this many failing targets of a colour", 0.0)


@dataclass(frozen=True)
class DatabaseThresholds:
    cpu_percent: float = percent("alarm above this CPU on an instance", 80.0)
    freeable_memory_bytes: float = amount("alarm below this much freeable memory on an instance (512 MiB)", 0.5 * GIB)
    replica_lag_milliseconds: float = amount("alarm when a replica lags the writer by more", 1000.0)
    connections: float = amount("alarm above this many connections to an instance", 1000.0)
    free_local_storage_bytes: float = amount("alarm below this much free local (temporary) storage on an instance (2 GiB)", 2.0 * GIB)


@dataclass(frozen=True)
class CacheThresholds:
    cpu_percent: float = percent("alarm above this host CPU on a node", 90.0)
    engine_cpu_percent: float = percent("alarm above this engine (single-threaded) CPU on a node", 80.0)
    memory_percent: float = percent("alarm above this memory use on a node", 80.0)
    # Sessions live in this cache: an eviction logs a user out, so any eviction is worth a look.
    evictions: float = amount("alarm above this many evicted keys in a period (sessions live in the cache)", 0.0)
    replication_lag_seconds: float = amount("alarm when a replica lags its primary by more", 30.0)


@dataclass(frozen=True)
class CdnThresholds:
    error_5xx_percent: float = percent("alarm above this share of CDN requests ending in a 5xx", 1.0)
