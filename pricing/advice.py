"""Cheaper options at the same availability: each one repriced by the same pricer, with its saving.

An option is a change to the records (another instance family, engine or storage setting), the
config change that makes it, and the availability guarantees it would lower. Its monthly saving
is the expected figure minus the figure of the changed records, so advice and estimate can never
disagree. Options that lower a guarantee the environment keeps are not offered there: production
keeps every guarantee (a NAT per zone, the zone count, failover, cache replicas, the node minimum),
so only like-for-like swaps reach it. A type the catalogue cannot price is never advised.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pricing.catalogue import HOURS_PER_MONTH, find_price
from pricing.pricer import expected_total

Record = dict[str, Any]
SERVERLESS_CACHE = "aws:elasticache/serverlessCache:ServerlessCache"

GUARANTEES = frozenset({"nat-per-az", "az-count", "failover", "cache-replicas", "node-minimum"})
# What each environment keeps. Elsewhere (staging) failover, replicas, the zone count and the guide's
# node minimum are kept too, so that staging rehearses them; only a NAT per zone is not.
KEPT: dict[str, frozenset[str]] = {"production": GUARANTEES}
KEPT_ELSEWHERE = frozenset({"failover", "cache-replicas", "node-minimum", "az-count"})

# x86 family -> the Graviton family of the same shape (same vCPU and memory per size).
GRAVITON_NODES = {"m5": "m7g", "m6i": "m7g", "m6a": "m7g", "m7i": "m7g", "m7a": "m7g", "c6i": "c7g", "c7i": "c7g",
                  "r6i": "r7g", "r7i": "r7g", "t3": "t4g", "t3a": "t4g"}  # fmt: skip
GRAVITON_DB = {"r6i": "r7g", "r7i": "r7g", "t3": "t4g"}
GRAVITON_CACHE = {"r6i": "r7g", "m6i": "m7g", "r5": "r7g", "m5": "m7g", "t3": "t4g"}


@dataclass(frozen=True)
class Advice:
    resource: str
    change: str
    config_change: str
    monthly_saving: float
    lowers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Option:
    resource: str
    change: str
    config_change: str
    apply: Callable[[list[Record]], list[Record]]
    lowers: frozenset[str] = frozenset()
    # A saving the catalogue gives directly, where repricing changed records would misstate it.
    fixed_saving: Decimal | None = None


def _swap_family(name: str, table: Mapping[str, str], prefix: str = "") -> str | None:
    body = name.removeprefix(prefix)
    family, _, size = body.partition(".")
    target = table.get(family)
    return f"{prefix}{target}.{size}" if target else None


def _edit(urn: str, edit: Callable[[dict[str, Any]], None]) -> Callable[[list[Record]], list[Record]]:
    def apply(records: list[Record]) -> list[Record]:
        out = []
        for r in records:
            if r["urn"] == urn:
                r = copy.deepcopy(r)
                edit(r["inputs"])
            out.append(r)
        return out

    return apply


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(inputs: dict[str, Any]) -> None:
        inputs[key] = value

    return edit


def _node_options(r: Record) -> list[_Option]:
    types = r["inputs"].get("instanceTypes")
    if not isinstance(types, list) or not types or not isinstance(types[0], str):
        return []
    target = _swap_family(types[0], GRAVITON_NODES)
    if target is None:
        return []
    return [
        _Option(
            r["name"],
            f"{types[0]} -> {target} (Graviton, same vCPU and memory; the image must be multi-arch)",
            f"email-platform:cluster.nodeGroup.instanceTypes: [{target}]",
            _edit(r["urn"], _set("instanceTypes", [target, *types[1:]])),
        )
    ]


def _db_options(r: Record, instances: list[Record]) -> list[_Option]:
    klass = r["inputs"].get("instanceClass")
    target = _swap_family(klass, GRAVITON_DB, "db.") if isinstance(klass, str) else None
    if target is None or r is not instances[0]:
        return []
    urns = {i["urn"] for i in instances}

    def apply(records: list[Record]) -> list[Record]:
        return [{**i, "inputs": {**i["inputs"], "instanceClass": target}} if i["urn"] in urns else i for i in records]

    return [
        _Option(
            "database instances",
            f"{klass} -> {target} (Graviton) on all {len(instances)}",
            f"email-platform:database.instanceClass: {target}",
            apply,
        )
    ]


def _cache_options(r: Record) -> list[_Option]:
    inputs = r["inputs"]
    options = []
    node_type = inputs.get("nodeType")
    target = _swap_family(node_type, GRAVITON_CACHE, "cache.") if isinstance(node_type, str) else None
    if target is not None:
        options.append(
            _Option(
                r["name"],
                f"{node_type} -> {target} (Graviton)",
                f"email-platform:redis.nodeType: {target}",
                _edit(r["urn"], _set("nodeType", target)),
            )
        )
    engine = str(inputs.get("engine") or "redis")
    serverless = {
        "urn": r["urn"].replace("aws:elasticache/replicationGroup:ReplicationGroup", SERVERLESS_CACHE),
        "type": SERVERLESS_CACHE,
        "name": r["name"],
        "inputs": {"engine": engine},
        "parent": r.get("parent"),
        "provider": r.get("provider"),
    }
    # Serverless caches replicate across zones and fail over by themselves (99.99 % SLA), so the
    # replicas and failover are kept; the usage's data size and ECPUs decide the price.
    options.append(
        _Option(
            r["name"],
            f"nodes -> ElastiCache Serverless ({engine}, priced from the usage's data_stored_gb and monthly_ecpus)",
            "an ElastiCache ServerlessCache instead of the replication group (not yet a config option)",
            lambda records: [serverless if x["urn"] == r["urn"] else x for x in records],
        )
    )
    if engine == "redis":
        options.append(
            _Option(
                r["name"],
                "Redis OSS -> Valkey (same API, priced 20 % lower)",
                "email-platform:redis.engine: valkey (with engineVersion 8.0, parameterGroupFamily valkey8)",
                _edit(r["urn"], _set("engine", "valkey")),
            )
        )
    return options


def _volume_options(r: Record) -> list[_Option]:
    mappings = r["inputs"].get("blockDeviceMappings") or []
    ebs: list[dict[str, Any]] = [m["ebs"] for m in mappings if isinstance(m, dict) and isinstance(m.get("ebs"), dict)]
    if not ebs or ebs[0].get("volumeType") not in ("gp2", "io1"):
        return []

    def edit(inputs: dict[str, Any]) -> None:
        for m in inputs["blockDeviceMappings"]:
            if isinstance(m.get("ebs"), dict):
                m["ebs"]["volumeType"] = "gp3"

    return [_Option(r["name"], f"root volumes {ebs[0]['volumeType']} -> gp3", "launch template volumeType: gp3", _edit(r["urn"], edit))]


def _aurora_storage_options(r: Record, instances: list[Record], usage: Mapping[str, Mapping[str, float]], region: str) -> list[_Option]:
    current = "aurora-iopt1" if r["inputs"].get("storageType") == "aurora-iopt1" else "standard"
    other = "standard" if current == "aurora-iopt1" else "aurora-iopt1"
    figures = usage.get(r["urn"]) or usage.get(r["name"]) or usage.get(r["type"]) or {}
    io, storage = Decimal(str(figures.get("monthly_io_requests", 0))), Decimal(str(figures.get("storage_gb", 0)))
    crossover = _io_crossover(instances, storage, region)
    where = f"crossover {crossover:,.0f}M I/O a month, usage says {io / 1_000_000:,.0f}M" if crossover is not None else "no crossover"
    return [
        _Option(
            r["name"],
            f"Aurora storage {current} -> {other} ({where})",
            f"storageType: {other} on the Aurora cluster (not yet a config key)",
            _edit(r["urn"], _set("storageType", other)),
        )
    ]


def _io_crossover(instances: list[Record], storage_gb: Decimal, region: str) -> Decimal | None:
    """Millions of I/O a month above which I/O-Optimized costs less than Standard."""
    extra = Decimal(0)
    for i in instances:
        klass = i["inputs"].get("instanceClass")
        standard = find_price(region, f"aurora-postgresql.standard.{klass}")
        optimised = find_price(region, f"aurora-postgresql.iopt1.{klass}")
        if standard is None or optimised is None:
            return None
        extra += (optimised.amount - standard.amount) * HOURS_PER_MONTH
    storage_std, storage_opt, io = (
        find_price(region, k) for k in ("aurora.standard.storage", "aurora.iopt1.storage", "aurora.standard.io")
    )
    if storage_std is None or storage_opt is None or io is None:
        return None
    extra += (storage_opt.amount - storage_std.amount) * storage_gb
    return extra / io.amount


def _nat_options(nats: list[Record], region: str) -> list[_Option]:
    """One NAT instead of one per zone: the others' hours and public addresses go; the data they
    processed moves to the one left, at the same per-GB price (so repricing records would misstate it)."""
    if len(nats) < 2:
        return []
    hour, address = find_price(region, "nat.hour"), find_price(region, "ipv4.public.hour")
    if hour is None or address is None:
        return []
    saving = (len(nats) - 1) * HOURS_PER_MONTH * (hour.amount + address.amount)
    return [
        _Option(
            "NAT gateways",
            f"{len(nats)} NAT gateways (one per zone) -> 1 (a zone outage cuts the other zones' egress)",
            "email-platform:network.natGateways: single",
            lambda records: records,
            frozenset({"nat-per-az"}),
            saving,
        )
    ]


def _lowering_options(by_type: Mapping[str, list[Record]]) -> Iterable[_Option]:
    """Options that trade a guarantee for money: offered only where the environment does not keep it."""
    for r in by_type.get("aws:elasticache/replicationGroup:ReplicationGroup", []):
        if (r["inputs"].get("replicasPerNodeGroup") or 0) > 0:
            yield _Option(
                r["name"],
                "no cache replicas (a node failure loses its shard's data until it is rebuilt)",
                "email-platform:redis.replicasPerShard: 0",
                _edit(r["urn"], _set("replicasPerNodeGroup", 0)),
                frozenset({"cache-replicas"}),
            )
    instances = by_type.get("aws:rds/clusterInstance:ClusterInstance", [])
    if len(instances) > 1:
        readers = {i["urn"] for i in instances[1:]}
        yield _Option(
            "database instances",
            f"{len(instances)} Aurora instances -> 1 writer (no failover target: a failure waits for a new instance)",
            "email-platform:database.instances: 1",
            lambda records: [r for r in records if r["urn"] not in readers and r["type"] != "aws:appautoscaling/target:Target"],
            frozenset({"failover"}),
        )
    for r in by_type.get("aws:eks/nodeGroup:NodeGroup", []):
        scaling = r["inputs"].get("scalingConfig") or {}
        if isinstance(scaling.get("minSize"), (int, float)) and scaling["minSize"] > 1:
            smaller = {**scaling, "minSize": 1, "desiredSize": 1}
            yield _Option(
                r["name"],
                f"node minimum {scaling['minSize']} -> 1 (one node lost takes the platform down)",
                "email-platform:cluster.nodeGroup.minSize: 1 (and desiredSize: 1)",
                _edit(r["urn"], _set("scalingConfig", smaller)),
                frozenset({"node-minimum"}),
            )


def _options(records: list[Record], usage: Mapping[str, Mapping[str, float]], region: str) -> Iterable[_Option]:
    by_type: dict[str, list[Record]] = {}
    for r in records:
        by_type.setdefault(r["type"], []).append({**r, "inputs": r.get("inputs") or {}})
    for r in by_type.get("aws:eks/nodeGroup:NodeGroup", []):
        yield from _node_options(r)
    for r in by_type.get("aws:ec2/launchTemplate:LaunchTemplate", []):
        yield from _volume_options(r)
    instances = by_type.get("aws:rds/clusterInstance:ClusterInstance", [])
    if instances:
        yield from _db_options(instances[0], instances)
    for r in by_type.get("aws:rds/cluster:Cluster", []):
        yield from _aurora_storage_options(r, instances, usage, region)
    for r in by_type.get("aws:elasticache/replicationGroup:ReplicationGroup", []):
        yield from _cache_options(r)
    yield from _nat_options(by_type.get("aws:ec2/natGateway:NatGateway", []), region)
    yield from _lowering_options(by_type)


def advise(
    records: Iterable[Record],
    region: str,
    usage: Mapping[str, Mapping[str, float]] | None = None,
    environment: str = "production",
    kept: frozenset[str] | None = None,
) -> list[Advice]:
    """Options that cost less and keep the environment's guarantees, largest saving first."""
    records = [dict(r) for r in records]
    usage = usage or {}
    keep = KEPT.get(environment, KEPT_ELSEWHERE) if kept is None else kept
    base = expected_total(records, region, usage)
    if base is None:
        return []
    found = []
    for option in _options(records, usage, region):
        if option.lowers & keep:
            continue
        if option.fixed_saving is not None:
            saving = float(option.fixed_saving)
        else:
            after = expected_total(option.apply(records), region, usage, compare_with=records)
            if after is None:
                continue  # something the change needs has no price: never advised
            saving = base - after
        if round(saving, 2) > 0:
            found.append(Advice(option.resource, option.change, option.config_change, round(saving, 2), option.lowers))
    return sorted(found, key=lambda a: (-a.monthly_saving, a.resource))


def render_advice(advice: list[Advice], environment: str) -> list[str]:
    if not advice:
        return [f"  none: nothing cheaper keeps {environment}'s availability guarantees at these prices"]
    total = sum(a.monthly_saving for a in advice)
    lines = [f"  - {a.resource}: {a.change}: saves ${a.monthly_saving:,.2f}/month; set {a.config_change}" for a in advice]
    return [*lines, f"  (each saving is on its own; together at most ${total:,.2f}/month)"]
