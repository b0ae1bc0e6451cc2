"""The naive reference: the same guarantees and capacity, priced without the choices that save.

x86 nodes instead of Graviton (same size), Redis OSS instead of Valkey, fixed capacity sized for
the ceiling's peak (node groups at maxSize, Aurora readers at their Auto Scaling maximum), gp3
volumes and a NAT gateway per zone as the stack has them. Priced by the same pricer, so
"N % below the reference" compares like with like.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from pricing import scaling
from pricing.pricer import price_resources

X86_NODES = {"m7g": "m6i", "m6g": "m6i", "m8g": "m6i", "c7g": "c6i", "c6g": "c6i", "r7g": "r6i", "r6g": "r6i", "t4g": "t3"}


def naive_records(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in scaling.scaled([dict(r) for r in records], "ceiling"):
        if r["type"] == "aws:eks/nodeGroup:NodeGroup":
            r = copy.deepcopy(r)
            types = r["inputs"].get("instanceTypes") or []
            r["inputs"]["instanceTypes"] = [_x86(t) for t in types]
        elif r["type"] == "aws:elasticache/replicationGroup:ReplicationGroup" and r["inputs"].get("engine") == "valkey":
            r = {**r, "inputs": {**r["inputs"], "engine": "redis"}}
        out.append(r)
    return out


def _x86(instance_type: Any) -> Any:
    if not isinstance(instance_type, str):
        return instance_type
    family, _, size = instance_type.partition(".")
    return f"{X86_NODES.get(family, family)}.{size}"


def naive_total(records: Iterable[Mapping[str, Any]], region: str, usage: Mapping[str, Mapping[str, float]] | None = None) -> float:
    return price_resources(naive_records(records), region, usage)["monthly"]
