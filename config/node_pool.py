"""Karpenter's NodePool: the nodes the cluster adds when pods do not fit on the system node group.

The managed node group (``cluster.nodeGroup``) is the floor: the guide's minimum of nodes, where
Karpenter's own controller runs. Everything above it comes from the NodePool, whose
requirements encode the guide's server minimums (at least 4 vCPU and 8 GiB per node) and whose
CPU limit is the ceiling of what the cluster may cost. The limit must at least hold both
colours at their autoscalers' maximum during a release (checked once the app is read).
"""

from __future__ import annotations

from dataclasses import dataclass

from config.declare import Derived, PerEnvironment, integer, strings
from config.instance_types import Architecture
from config.reading import At

# Karpenter's capacity-type values (the karpenter.sh/capacity-type label).
CAPACITY_TYPES = ("on-demand", "spot")
ARCHITECTURES: tuple[Architecture, ...] = ("x86_64", "arm64")
# The kubernetes.io/arch label values for each EC2 architecture.
KUBERNETES_ARCH: dict[Architecture, str] = {"x86_64": "amd64", "arm64": "arm64"}
MAX_CPU_LIMIT = 4000


def _sorted_set(values: list[str], at: At) -> list[str]:
    return sorted(set(values))


@dataclass(frozen=True)
class NodePoolSettings:
    architectures: list[Architecture] = strings(
        "CPU architectures the NodePool may launch (x86_64, Graviton arm64)",
        default=Derived("the node group's architecture", lambda reading: [reading.parent["node_group"].architecture]),
        choices=ARCHITECTURES,
        min_items=1,
        convert=_sorted_set,
    )
    capacity_types: list[str] = strings(
        "on-demand nodes, and whether Spot (reclaimable at two minutes' notice) may be used",
        default=["on-demand"],
        choices=PerEnvironment(("on-demand",), CAPACITY_TYPES),
        min_items=1,
        why="Spot can be reclaimed at two minutes' notice",
        convert=_sorted_set,
    )
    # The app at its peak must fit: a rule across sections (config/__init__.py).
    cpu_limit: int = integer(
        "most vCPU the NodePool may run in all: the cluster's cost ceiling above the node group", minimum=4, maximum=MAX_CPU_LIMIT
    )

    @property
    def kubernetes_architectures(self) -> list[str]:
        return [KUBERNETES_ARCH[a] for a in self.architectures]
