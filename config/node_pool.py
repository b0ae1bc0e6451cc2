"""Karpenter's NodePool: the nodes the cluster adds when pods do not fit on the system node group.

The managed node group (``cluster.nodeGroup``) is the floor: the guide's minimum of nodes, where
Karpenter's own controller runs. Everything above it comes from the NodePool, whose
requirements encode the guide's server minimums (at least 4 vCPU and 8 GiB per node) and whose
CPU limit is the ceiling of what the cluster may cost. The limit must at least hold both
colours at their autoscalers' maximum during a release (checked once the app is read).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from config.declare import Derived, Group, integer, strings
from config.instance_types import Architecture
from config.reader import ConfigError, Section, refuse_in_production

# Karpenter's capacity-type values (the karpenter.sh/capacity-type label).
CAPACITY_TYPES = ("on-demand", "spot")
ARCHITECTURES: tuple[Architecture, ...] = ("x86_64", "arm64")
# The kubernetes.io/arch label values for each EC2 architecture.
KUBERNETES_ARCH: dict[Architecture, str] = {"x86_64": "amd64", "arm64": "arm64"}
MAX_CPU_LIMIT = 4000

NODE_POOL_ARCHITECTURES = strings(
    "architectures",
    "CPU architectures the NodePool may launch (x86_64, Graviton arm64)",
    default=Derived("the node group's architecture"),
    choices=ARCHITECTURES,
    min_items=1,
    rule="the app's image must run on every architecture of the stack (`app.imageArchitectures`)",
)
NODE_POOL_CAPACITY_TYPES = strings(
    "capacityTypes",
    "on-demand nodes, and whether Spot (reclaimable at two minutes' notice) may be used",
    default=["on-demand"],
    choices=CAPACITY_TYPES,
    min_items=1,
    rule="production: `on-demand` only",
)
NODE_POOL_CPU_LIMIT = integer(
    "cpuLimit",
    "most vCPU the NodePool may run in all: the cluster's cost ceiling above the node group",
    minimum=4,
    maximum=MAX_CPU_LIMIT,
    rule="at least what both colours request at `app.autoscaling.maxReplicas`",
)
NODE_POOL = Group(
    "nodePool",
    "Karpenter's NodePool: nodes added on demand above the node group (≥ 4 vCPU, ≥ 8 GiB each)",
    (NODE_POOL_ARCHITECTURES, NODE_POOL_CAPACITY_TYPES, NODE_POOL_CPU_LIMIT),
    required=True,
    rule="required with `mode: create`, refused with `mode: existing`",
)


@dataclass(frozen=True)
class NodePoolSettings:
    architectures: list[Architecture]
    capacity_types: list[str]
    cpu_limit: int
    cpu_limit_key: str

    @property
    def kubernetes_architectures(self) -> list[str]:
        return [KUBERNETES_ARCH[a] for a in self.architectures]


def parse_node_pool(section: Section, production: bool, node_group_architecture: Architecture) -> NodePoolSettings:
    architectures: list[Architecture] = NODE_POOL_ARCHITECTURES.read(section, default=[node_group_architecture])  # type: ignore[assignment]
    capacity = NODE_POOL_CAPACITY_TYPES.read(section)
    if production and "spot" in capacity:
        raise refuse_in_production(
            section.key("capacityTypes"), capacity, "production runs on-demand nodes only (Spot can be reclaimed at two minutes' notice)"
        )
    limit = NODE_POOL_CPU_LIMIT.read(section)
    section.finish()
    return NodePoolSettings(sorted(set(architectures)), sorted(set(capacity)), limit, section.key("cpuLimit"))


def check_cpu_limit(pool: NodePoolSettings, peak_cpu: Decimal, what: str) -> None:
    """The NodePool must be able to hold the app at its peak (both colours at their HPA maximum)."""
    if Decimal(pool.cpu_limit) < peak_cpu:
        raise ConfigError(pool.cpu_limit_key, pool.cpu_limit, f"must be at least {peak_cpu.normalize():f} vCPU: {what}")
