"""Cache settings: an ElastiCache replication group in cluster mode (Valkey by default).

Valkey rather than Redis OSS: it is the Linux Foundation fork of Redis 7.2 that AWS develops
ElastiCache on, speaks the same protocol (clients and `rediss://` URLs do not change), and
ElastiCache prices its nodes about 20 % below Redis OSS. ``engine: redis`` stays possible.

The engine version is major.minor (``"8.0"``); ElastiCache applies patch releases by itself
and the provider matches ``8.0`` against a running ``8.0.1``, so patches cause no drift.
Cluster mode is decided up front: turning it on later means a new replication group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from config.declare import Derived, PerEnvironment, boolean, computed, integer, string
from config.network import log_retention
from config.reader import nearest
from config.reading import At, Reading, parser
from config.windows import daily_window, weekly_window

Engine = Literal["valkey", "redis"]
PORT = 6379
MAX_SHARDS = 500
MAX_REPLICAS_PER_SHARD = 5
MAX_SNAPSHOT_RETENTION_DAYS = 35
PRODUCTION_MIN_SNAPSHOT_RETENTION_DAYS = 7
# ElastiCache's shortest maintenance window is 60 minutes (botocore's elasticache model,
# CreateReplicationGroup PreferredMaintenanceWindow), twice the database's.
CACHE_MIN_MAINTENANCE_MINUTES = 60

# Engine versions ElastiCache offers for node-based clusters, and the parameter-group family of each.
ENGINE_VERSIONS: dict[Engine, dict[str, str]] = {
    "valkey": {"7.2": "valkey7", "8.0": "valkey8", "8.1": "valkey8"},
    "redis": {"6.2": "redis6.x", "7.0": "redis7", "7.1": "redis7"},
}


@dataclass(frozen=True)
class NodeType:
    name: str
    vcpu: int
    memory_gib: float
    graviton: bool

    @property
    def burstable(self) -> bool:
        """T nodes have burst network and CPU credits; AWS advises them for development and test."""
        return self.name.startswith("cache.t")


def _types(family: str, graviton: bool, sizes: dict[str, tuple[int, float]]) -> list[NodeType]:
    return [NodeType(f"cache.{family}.{size}", vcpu, memory, graviton) for size, (vcpu, memory) in sizes.items()]


# (vCPU, GiB of memory) from the ElastiCache "supported node types" page.
_R_SIZES = {"large": (2, 13.07), "xlarge": (4, 26.32), "2xlarge": (8, 52.82), "4xlarge": (16, 105.81), "8xlarge": (32, 209.55),
            "12xlarge": (48, 317.77), "16xlarge": (64, 419.09)}  # fmt: skip
_M_SIZES = {"large": (2, 6.38), "xlarge": (4, 12.93), "2xlarge": (8, 26.04), "4xlarge": (16, 52.26), "8xlarge": (32, 103.68),
            "12xlarge": (48, 157.12), "16xlarge": (64, 209.55)}  # fmt: skip
_T_SIZES = {"micro": (2, 0.5), "small": (2, 1.37), "medium": (2, 3.09)}

ELASTICACHE_NODE_TYPES: dict[str, NodeType] = {
    t.name: t
    for t in [
        *_types("r6g", True, _R_SIZES),
        *_types("r7g", True, _R_SIZES),
        *_types("m6g", True, _M_SIZES),
        *_types("m7g", True, _M_SIZES),
        *_types("r6i", False, _R_SIZES),
        *_types("m6i", False, _M_SIZES),
        *_types("r5", False, {k: v for k, v in _R_SIZES.items() if k not in ("8xlarge", "16xlarge")}),
        *_types("m5", False, {k: v for k, v in _M_SIZES.items() if k not in ("8xlarge", "16xlarge")}),
        *_types("t4g", True, _T_SIZES),
        *_types("t3", False, _T_SIZES),
    ]
}
RECOMMENDED_NODE_TYPES = ("cache.r7g.large", "cache.m7g.large")


def _known_node_type(node_type: str, at: At) -> None:
    """a node type of the table in `config/redis.py`; production runs no burstable `cache.t*`"""
    known = ELASTICACHE_NODE_TYPES.get(node_type)
    if known is None:
        raise at.refuse(
            node_type,
            f"not a known ElastiCache node type (the table in config/redis.py); "
            f"{nearest(node_type, list(ELASTICACHE_NODE_TYPES), RECOMMENDED_NODE_TYPES)}",
        )
    if at.production and known.burstable:
        raise at.refuse_in_production(
            node_type,
            f"production runs no burstable (T) node: its network and CPU credits run out under load (e.g. {RECOMMENDED_NODE_TYPES[0]})",
        )


def _family(reading: Reading) -> str:
    return ENGINE_VERSIONS[reading["engine"]][reading["engine_version"]]


def _matches_the_engine(family: str, at: At) -> None:
    """must match `engine` and `engineVersion`"""
    engine, version = at.reading["engine"], at.reading["engine_version"]
    if family != _family(at.reading):
        raise at.refuse(
            family,
            f"{engine} {version} needs family {_family(at.reading)}; change both together (engine: {engine}, engineVersion: {version})",
        )


@dataclass(frozen=True)
class RedisSettings:
    engine: Engine = string(
        "Valkey (about 20 % cheaper nodes) or Redis OSS; the protocol and `rediss://` URLs are the same",
        default="valkey",
        choices=tuple(ENGINE_VERSIONS),
    )
    engine_version: str = string(
        "major.minor; ElastiCache applies patch releases by itself",
        choices=Derived(
            "; ".join(f"{engine}: " + ", ".join(f"`{v}`" for v in versions) for engine, versions in ENGINE_VERSIONS.items()),
            lambda reading: tuple(ENGINE_VERSIONS[reading["engine"]]),
        ),
    )
    parameter_group_family: str = string(
        "the parameter group's family; change it with the engine version",
        default=Derived("from `engine` and `engineVersion`", _family),
        checks=(_matches_the_engine,),
    )
    node_type: str = string("the node type of every shard's primary and replicas", checks=(_known_node_type,))
    shards: int = integer("shards (node groups) of the cluster-mode replication group", minimum=1, maximum=MAX_SHARDS)
    # Multi-AZ with automatic failover needs a replica in every shard, in staging too.
    replicas_per_shard: int = integer(
        "replicas of each shard's primary (failover needs one)", default=1, minimum=1, maximum=MAX_REPLICAS_PER_SHARD
    )
    snapshot_retention_days: int = integer(
        "days of automatic snapshots",
        default=PerEnvironment(PRODUCTION_MIN_SNAPSHOT_RETENTION_DAYS, 1),
        minimum=PerEnvironment(PRODUCTION_MIN_SNAPSHOT_RETENTION_DAYS, 1),
        maximum=MAX_SNAPSHOT_RETENTION_DAYS,
    )
    # ElastiCache wants the snapshot window to last an hour at least.
    snapshot_window: str = daily_window("when the daily snapshot runs (UTC)", "02:00-03:00", minimum_minutes=60)
    maintenance_window: str = weekly_window(
        "when AWS may patch the nodes (UTC)",
        "sun:05:30-sun:06:30",
        apart_from="snapshot_window",
        minimum_minutes=CACHE_MIN_MAINTENANCE_MINUTES,
    )
    log_retention_days: int = log_retention("the slow and engine logs")
    # Unset (false) leaves pending changes (engine version, node type) to the maintenance window.
    apply_immediately: bool = boolean(
        "apply engine and node changes now rather than in the maintenance window (set for a major upgrade's run; "
        "`preflight diff` refuses a parameter-group family change without it)",
        default=False,
    )
    replication_group_id: str = computed(lambda reading: reading.basics.name_prefix)

    @property
    def nodes(self) -> int:
        return self.shards * (1 + self.replicas_per_shard)


parse_redis = parser(RedisSettings)
