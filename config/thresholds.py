"""Alarm thresholds of the load balancer, Aurora, ElastiCache and CloudFront.

Each key carries its unit in its name (``…Percent``, ``…Seconds``, ``…Bytes``). Defaults follow
the guide's success metrics and the AWS-recommended alarms; a negative threshold or a
percentage above 100 is refused, because either leaves an alarm that never fires.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.declare import Group, Key, number
from config.reader import ConfigError, Section

GIB = 1024**3


@dataclass(frozen=True)
class AlbThresholds:
    target_5xx_percent: float
    elb_5xx_percent: float
    unhealthy_hosts: float


@dataclass(frozen=True)
class DatabaseThresholds:
    cpu_percent: float
    freeable_memory_bytes: float
    replica_lag_milliseconds: float
    connections: float
    free_local_storage_bytes: float


@dataclass(frozen=True)
class CacheThresholds:
    cpu_percent: float
    engine_cpu_percent: float
    memory_percent: float
    evictions: float
    replication_lag_seconds: float


@dataclass(frozen=True)
class CdnThresholds:
    error_5xx_percent: float


def percent(name: str, description: str, default: float) -> Key[float]:
    return number(name, description, default=default, minimum=0, maximum=100)


def amount(name: str, description: str, default: float) -> Key[float]:
    return number(name, description, default=default, minimum=0)


TARGET_5XX_PERCENT = percent("target5xxPercent", "alarm above this share of requests answered 5xx by the app", 1.0)
ELB_5XX_PERCENT = percent("elb5xxPercent", "alarm above this share of requests answered 5xx by the load balancer itself", 1.0)
UNHEALTHY_HOSTS = amount("unhealthyHosts", "alarm above this many failing targets of a colour", 0.0)
ALB = Group("alb", "load balancer alarms", (TARGET_5XX_PERCENT, ELB_5XX_PERCENT, UNHEALTHY_HOSTS))
# The average response time's alarm fires above the latency objective: one setting, in config.slo.
MOVED_RESPONSE_TIME = "responseTimeSeconds"

DB_CPU_PERCENT = percent("cpuPercent", "alarm above this CPU on an instance", 80.0)
FREEABLE_MEMORY_BYTES = amount("freeableMemoryBytes", "alarm below this much freeable memory on an instance (512 MiB)", 0.5 * GIB)
REPLICA_LAG_MILLISECONDS = amount("replicaLagMilliseconds", "alarm when a replica lags the writer by more", 1000.0)
CONNECTIONS = amount("connections", "alarm above this many connections to an instance", 1000.0)
FREE_LOCAL_STORAGE_BYTES = amount(
    "freeLocalStorageBytes", "alarm below this much free local (temporary) storage on an instance (2 GiB)", 2.0 * GIB
)
DATABASE = Group(
    "database",
    "Aurora alarms",
    (DB_CPU_PERCENT, FREEABLE_MEMORY_BYTES, REPLICA_LAG_MILLISECONDS, CONNECTIONS, FREE_LOCAL_STORAGE_BYTES),
)

CACHE_CPU_PERCENT = percent("cpuPercent", "alarm above this host CPU on a node", 90.0)
ENGINE_CPU_PERCENT = percent("engineCpuPercent", "alarm above this engine (single-threaded) CPU on a node", 80.0)
MEMORY_PERCENT = percent("memoryPercent", "alarm above this memory use on a node", 80.0)
# Sessions live in this cache: an eviction logs a user out, so any eviction is worth a look.
EVICTIONS = amount("evictions", "alarm above this many evicted keys in a period (sessions live in the cache)", 0.0)
REPLICATION_LAG_SECONDS = amount("replicationLagSeconds", "alarm when a replica lags its primary by more", 30.0)
CACHE = Group("cache", "ElastiCache alarms", (CACHE_CPU_PERCENT, ENGINE_CPU_PERCENT, MEMORY_PERCENT, EVICTIONS, REPLICATION_LAG_SECONDS))

ERROR_5XX_PERCENT = percent("error5xxPercent", "alarm above this share of CDN requests ending in a 5xx", 1.0)
CDN = Group("cdn", "CloudFront alarm", (ERROR_5XX_PERCENT,))


def read_alb(section: Section) -> AlbThresholds:
    if section.has(MOVED_RESPONSE_TIME):
        raise ConfigError(
            section.key(MOVED_RESPONSE_TIME),
            section.raw(MOVED_RESPONSE_TIME, None),
            "no longer a setting: the average response time's alarm follows slo.latency.averageMilliseconds (in milliseconds)",
        )
    result = AlbThresholds(
        target_5xx_percent=TARGET_5XX_PERCENT.read(section),
        elb_5xx_percent=ELB_5XX_PERCENT.read(section),
        unhealthy_hosts=UNHEALTHY_HOSTS.read(section),
    )
    section.finish()
    return result


def read_database(section: Section) -> DatabaseThresholds:
    result = DatabaseThresholds(
        cpu_percent=DB_CPU_PERCENT.read(section),
        freeable_memory_bytes=FREEABLE_MEMORY_BYTES.read(section),
        replica_lag_milliseconds=REPLICA_LAG_MILLISECONDS.read(section),
        connections=CONNECTIONS.read(section),
        free_local_storage_bytes=FREE_LOCAL_STORAGE_BYTES.read(section),
    )
    section.finish()
    return result


def read_cache(section: Section) -> CacheThresholds:
    result = CacheThresholds(
        cpu_percent=CACHE_CPU_PERCENT.read(section),
        engine_cpu_percent=ENGINE_CPU_PERCENT.read(section),
        memory_percent=MEMORY_PERCENT.read(section),
        evictions=EVICTIONS.read(section),
        replication_lag_seconds=REPLICATION_LAG_SECONDS.read(section),
    )
    section.finish()
    return result


def read_cdn(section: Section) -> CdnThresholds:
    result = CdnThresholds(error_5xx_percent=ERROR_5XX_PERCENT.read(section))
    section.finish()
    return result
