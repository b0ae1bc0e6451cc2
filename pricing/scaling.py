"""The cost range: the same records with autoscaling at its minimum (floor) and at its limits (ceiling).

What scales, and the bounds the pricer reads:

- EKS managed node groups: ``scalingConfig.minSize`` (floor) and ``maxSize`` (ceiling) instead of
  ``desiredSize``.
- Aurora readers under Application Auto Scaling (``rds:cluster:ReadReplicaCount``): the readers
  never drop below the declared ones, and Auto Scaling adds readers up to ``minCapacity`` (floor)
  or ``maxCapacity`` (ceiling); each added reader is priced as a copy of the last declared one.
- HorizontalPodAutoscalers: ``maxReplicas`` x the target Deployment's pod requests gives the
  nodes the peak needs; it is reported beside the node group's limit (the ceiling stays the
  limit: the bill can reach it whatever the pods ask for).

Another node source (a Karpenter NodePool's ``limits.cpu``, say) adds a function to
``NODE_BOUNDS`` that turns its record into (floor nodes, ceiling nodes).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping
from typing import Any, Literal

from documents.reader import UNKNOWN

Bound = Literal["floor", "ceiling"]
Record = dict[str, Any]

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
SCALING_TARGET = "aws:appautoscaling/target:Target"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
# Share of a node's vCPU and memory left for application pods after the kubelet's reservation and
# the DaemonSets (an assumption, stated in docs/cost.md).
ALLOCATABLE_SHARE = 0.9
_MEMORY_PER_VCPU = {"m": 4, "c": 2, "r": 8}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _node_group_bounds(record: Mapping[str, Any]) -> tuple[float, float] | None:
    scaling = record["inputs"].get("scalingConfig")
    if not isinstance(scaling, Mapping):
        return None
    low, high = _number(scaling.get("minSize")), _number(scaling.get("maxSize"))
    return None if low is None or high is None else (low, high)


NODE_BOUNDS: dict[str, Callable[[Mapping[str, Any]], tuple[float, float] | None]] = {NODE_GROUP: _node_group_bounds}


def _with_nodes(record: Record, nodes: float) -> Record:
    scaled = copy.deepcopy(record)
    scaled["inputs"]["scalingConfig"]["desiredSize"] = nodes
    return scaled


def _reader_targets(records: list[Record]) -> list[tuple[str, float, float]]:
    """(cluster identifier, minCapacity, maxCapacity) of each Aurora reader Auto Scaling target."""
    found = []
    for r in records:
        inputs = r.get("inputs") or {}
        if r["type"] != SCALING_TARGET or inputs.get("serviceNamespace") != "rds":
            continue
        resource_id = inputs.get("resourceId")
        low, high = _number(inputs.get("minCapacity")), _number(inputs.get("maxCapacity"))
        if isinstance(resource_id, str) and resource_id.startswith("cluster:") and low is not None and high is not None:
            found.append((resource_id.removeprefix("cluster:"), low, high))
    return found


def added_readers(records: list[Record], bound: Bound) -> list[Record]:
    added: list[Record] = []
    for cluster, low, high in _reader_targets(records):
        instances = [r for r in records if r["type"] == CLUSTER_INSTANCE and (r.get("inputs") or {}).get("clusterIdentifier") == cluster]
        if not instances:
            continue
        declared_readers = len(instances) - 1
        wanted = max(declared_readers, int(low if bound == "floor" else high))
        template = instances[-1]
        for n in range(wanted - declared_readers):
            reader = copy.deepcopy(template)
            reader["urn"] = f"{template['urn']}-autoscaled-{n + 1}"
            reader["name"] = f"{template['name']}-autoscaled-{n + 1}"
            added.append(reader)
    return added


def scaled(records: list[Record], bound: Bound) -> list[Record]:
    """The records as they would be with every autoscaler at its minimum or at its limit."""
    out: list[Record] = []
    for r in records:
        bounds_of = NODE_BOUNDS.get(r["type"])
        bounds = bounds_of(r) if bounds_of is not None else None
        out.append(_with_nodes(r, bounds[0] if bound == "floor" else bounds[1]) if bounds else r)
    return out + added_readers(records, bound)


_MEMORY_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}


def _cpu(value: Any) -> float | None:
    """A Kubernetes CPU quantity in cores: "500m" -> 0.5, "2" -> 2."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str) or value == UNKNOWN:
        return None
    try:
        return float(value[:-1]) / 1000 if value.endswith("m") else float(value)
    except ValueError:
        return None


def _memory_gib(value: Any) -> float | None:
    """A Kubernetes memory quantity in GiB: "1Gi" -> 1, "512Mi" -> 0.5, "1000000000" (bytes)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) / 2**30
    if not isinstance(value, str) or value == UNKNOWN:
        return None
    for suffix in sorted(_MEMORY_UNITS, key=len, reverse=True):
        if value.endswith(suffix):
            try:
                return float(value[: -len(suffix)]) * _MEMORY_UNITS[suffix] / 2**30
            except ValueError:
                return None
    try:
        return float(value) / 2**30
    except ValueError:
        return None


def _pod_requests(deployment: Mapping[str, Any]) -> tuple[float, float]:
    spec = (((deployment.get("inputs") or {}).get("spec") or {}).get("template") or {}).get("spec") or {}
    cpu = memory = 0.0
    for container in spec.get("containers") or []:
        requests = ((container or {}).get("resources") or {}).get("requests") or {}
        cpu += _cpu(requests.get("cpu")) or 0.0
        memory += _memory_gib(requests.get("memory")) or 0.0
    return cpu, memory


def node_size(instance_type: str) -> tuple[float, float] | None:
    """(vCPU, GiB) of an m/c/r/t instance type from its name, for the peak's node count."""
    family, _, size = instance_type.partition(".")
    sizes = {"medium": 2, "large": 2, "xlarge": 4, **{f"{n}xlarge": 4 * n for n in (2, 4, 8, 12, 16, 24, 32, 48)}}
    if size not in sizes or not family:
        return None
    vcpu = sizes[size]
    if family[0] == "t":
        return vcpu, {"medium": 4, "large": 8, "xlarge": 16, "2xlarge": 32}.get(size, 0)
    ratio = _MEMORY_PER_VCPU.get(family[0])
    return None if ratio is None else (vcpu, vcpu * ratio)


def peak_nodes(records: list[Record]) -> tuple[int, str] | None:
    """The nodes the HPAs' maxReplicas need (by pod requests), and of which type; None if unknown."""
    deployments = {((r.get("inputs") or {}).get("metadata") or {}).get("name"): r for r in records if r["type"] == DEPLOYMENT}
    cpu = memory = 0.0
    for hpa in (r for r in records if r["type"] == HPA):
        spec = (hpa.get("inputs") or {}).get("spec") or {}
        target = deployments.get((spec.get("scaleTargetRef") or {}).get("name"))
        replicas = _number(spec.get("maxReplicas"))
        if target is None or replicas is None:
            continue
        pod_cpu, pod_memory = _pod_requests(target)
        cpu, memory = cpu + replicas * pod_cpu, memory + replicas * pod_memory
    groups = [r for r in records if r["type"] == NODE_GROUP]
    types = (groups[0].get("inputs") or {}).get("instanceTypes") if groups else None
    size = node_size(str(types[0])) if isinstance(types, list) and types else None
    if size is None or cpu == 0:
        return None
    nodes = max(math.ceil(cpu / (size[0] * ALLOCATABLE_SHARE)), math.ceil(memory / (size[1] * ALLOCATABLE_SHARE)))
    return nodes, str(types[0])  # type: ignore[index]
