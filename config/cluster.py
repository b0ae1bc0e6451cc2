"""Kubernetes cluster settings: a new EKS cluster with a managed node group, or an existing one."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Literal

from config.addon_versions import ADDONS, AddonVersions, parse_addon_versions
from config.basics import Basics
from config.ci import CiSettings
from config.cluster_access import ACCESS, KUBERNETES_ROLE, NO_ACCESS, ClusterAccess, parse_cluster_access
from config.declare import Derived, Group, PerEnvironment, boolean, integer, string, string_map, strings
from config.instance_types import (
    MIN_MEMORY_GIB,
    MIN_ROOT_VOLUME_GIB,
    MIN_VCPU,
    NODE_INSTANCE_TYPES,
    RECOMMENDED_NODE_TYPES,
    Architecture,
)
from config.network import log_retention_key
from config.node_pool import NODE_POOL, NodePoolSettings, parse_node_pool
from config.reader import REQUIRED, ConfigError, Section, nearest, refuse_in_production
from policy.eks_calendar import EKS_VERSIONS

ClusterMode = Literal["create", "existing"]
CapacityType = Literal["ON_DEMAND", "SPOT"]
UpgradePolicy = Literal["STANDARD", "EXTENDED"]

CONTROL_PLANE_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
# Without these three an incident cannot be reconstructed: who called the API and what it did.
REQUIRED_LOG_TYPES = ("api", "audit", "authenticator")
MAX_NODES = 100


@dataclass(frozen=True)
class NodeGroupSettings:
    instance_types: list[str]
    architecture: Architecture
    min_size: int
    desired_size: int
    max_size: int
    disk_size_gib: int
    capacity_type: CapacityType
    labels: dict[str, str]

    @property
    def ami_type(self) -> str:
        return "AL2023_ARM_64_STANDARD" if self.architecture == "arm64" else "AL2023_x86_64_STANDARD"


@dataclass(frozen=True)
class ExistingCluster:
    """What the rest of the stack needs from a cluster it does not own (kubeconfig is a secret).

    Its pods get their AWS roles by EKS Pod Identity: the cluster must run the
    eks-pod-identity-agent add-on (no OIDC provider is needed)."""

    name: str
    security_group_id: str


@dataclass(frozen=True)
class ClusterSettings:
    mode: ClusterMode
    name: str
    version: str
    endpoint_public_access: bool
    public_access_cidrs: list[str]
    log_types: list[str]
    log_retention_days: int
    upgrade_policy: UpgradePolicy
    node_group: NodeGroupSettings | None
    existing: ExistingCluster | None
    # Empty with mode: existing (the cluster's owner grants access).
    access: ClusterAccess
    node_pool: NodePoolSettings | None
    # The build of each managed add-on: the pinned table's for `version`, or the config's.
    addon_versions: AddonVersions


_TYPE_RULE = (
    f"types of the table in `config/instance_types.py` with at least {MIN_VCPU} vCPU and {MIN_MEMORY_GIB} GiB, "
    "all of one architecture (x86_64 or Graviton arm64)"
)
INSTANCE_TYPES = strings("instanceTypes", "EC2 instance types of the managed node group", min_items=1, rule=_TYPE_RULE)
MIN_SIZE = integer("minSize", "fewest nodes", minimum=PerEnvironment(3, 1), maximum=MAX_NODES)
DESIRED_SIZE = integer(
    "desiredSize",
    "nodes the group runs",
    default=Derived("`minSize`"),
    minimum=Derived("`minSize`", key="minSize"),
    maximum=MAX_NODES,
)
MAX_SIZE = integer(
    "maxSize",
    "most nodes of the managed group (Karpenter adds its own above it)",
    minimum=Derived("`desiredSize`", key="desiredSize"),
    maximum=MAX_NODES,
)
DISK_SIZE_GIB = integer(
    "diskSizeGib",
    "each node's encrypted root volume (the guide's 100 GB SSD at least)",
    default=MIN_ROOT_VOLUME_GIB,
    minimum=MIN_ROOT_VOLUME_GIB,
    maximum=16384,
)
DISK_TYPE = string("diskType", "the root volume's EBS type (gp2 costs more for less)", default="gp3", choices=("gp3",))
CAPACITY_TYPE = string(
    "capacityType",
    "on-demand nodes, or Spot (reclaimable at two minutes' notice)",
    default="ON_DEMAND",
    choices=("ON_DEMAND", "SPOT"),
    rule="production runs `ON_DEMAND`",
)
LABELS = string_map("labels", "Kubernetes labels on every node", default={})
NODE_GROUP = Group(
    "nodeGroup",
    "the managed node group",
    (INSTANCE_TYPES, MIN_SIZE, DESIRED_SIZE, MAX_SIZE, DISK_SIZE_GIB, DISK_TYPE, CAPACITY_TYPE, LABELS),
    rule="required with `mode: create`, refused with `mode: existing`",
)

EXISTING_NAME = string("name", "the existing EKS cluster's name")
SECURITY_GROUP_ID = string(
    "securityGroupId",
    "the security group its nodes and pods use (the database and cache admit it)",
    pattern=r"sg-[0-9a-f]{8,17}",
    meaning="must be a security group id (sg-…)",
)
EXISTING = Group(
    "existing",
    "the cluster this stack deploys into instead of creating one (its kubeconfig is a secret; it runs eks-pod-identity-agent)",
    (EXISTING_NAME, SECURITY_GROUP_ID),
    rule="required with `mode: existing`, refused with `mode: create`",
)

MODE = string("mode", "create an EKS cluster, or deploy into an existing one", default="create", choices=("create", "existing"))
VERSION = string(
    "version",
    "the EKS Kubernetes version",
    choices=EKS_VERSIONS,
    rule="versions EKS offers per its release calendar (`policy/eks_calendar.py`); `make plan` warns as its end of support nears",
)
ENDPOINT_PUBLIC_ACCESS = boolean("endpointPublicAccess", "whether the Kubernetes API answers on the internet", default=False)
PUBLIC_ACCESS_CIDRS = strings(
    "publicAccessCidrs",
    "who may reach a public Kubernetes API (say 0.0.0.0/0 on purpose)",
    default=[],
    rule="IPv4 CIDRs; required with `endpointPublicAccess: true`, refused without",
)
LOG_TYPES = strings(
    "logTypes",
    "control-plane logs sent to CloudWatch",
    default=list(CONTROL_PLANE_LOG_TYPES),
    choices=CONTROL_PLANE_LOG_TYPES,
    rule="must include " + ", ".join(f"`{t}`" for t in REQUIRED_LOG_TYPES),
)
LOG_RETENTION_DAYS = log_retention_key("logRetentionDays", "the control-plane logs")
UPGRADE_POLICY = string(
    "upgradePolicy",
    "after standard support: STANDARD upgrades the cluster automatically, EXTENDED keeps it at 6 × the hourly price",
    default="STANDARD",
    choices=("STANDARD", "EXTENDED"),
)
CLUSTER = Group(
    "cluster",
    "Kubernetes: a new EKS cluster with a managed node group, or an existing cluster",
    (
        MODE,
        VERSION,
        UPGRADE_POLICY,
        ENDPOINT_PUBLIC_ACCESS,
        PUBLIC_ACCESS_CIDRS,
        LOG_TYPES,
        LOG_RETENTION_DAYS,
        ACCESS,
        KUBERNETES_ROLE,
        ADDONS,
        NODE_GROUP,
        NODE_POOL,
        EXISTING,
    ),
    required=True,
)


def parse_node_group(section: Section, basics: Basics) -> NodeGroupSettings:
    types, architecture = _instance_types(section)
    min_size = MIN_SIZE.read(section, production=basics.is_production)
    desired = DESIRED_SIZE.read(section, default=min_size, minimum=min_size)
    max_size = MAX_SIZE.read(section, minimum=desired)
    disk = DISK_SIZE_GIB.read(section)
    DISK_TYPE.read(section)
    capacity: CapacityType = CAPACITY_TYPE.read(section)  # type: ignore[assignment]
    if basics.is_production and capacity == "SPOT":
        raise refuse_in_production(
            section.key("capacityType"), capacity, "production runs ON_DEMAND nodes (SPOT can be reclaimed at two minutes' notice)"
        )
    labels = LABELS.read(section)
    section.finish()
    return NodeGroupSettings(types, architecture, min_size, desired, max_size, disk, capacity, labels)


def _instance_types(section: Section) -> tuple[list[str], Architecture]:
    types = INSTANCE_TYPES.read(section)
    architectures: set[Architecture] = set()
    for index, name in enumerate(types):
        key = f"{section.key('instanceTypes')}[{index}]"
        known = NODE_INSTANCE_TYPES.get(name)
        if known is None:
            raise ConfigError(
                key,
                name,
                f"not a known node type (the table in config/instance_types.py); "
                f"{nearest(name, list(NODE_INSTANCE_TYPES), RECOMMENDED_NODE_TYPES)}",
            )
        if not known.meets_guide_minimum:
            raise ConfigError(
                key,
                name,
                f"has {known.vcpu} vCPU and {known.memory_gib:g} GiB; the guide needs at least {MIN_VCPU} vCPU and "
                f"{MIN_MEMORY_GIB} GiB (e.g. {', '.join(RECOMMENDED_NODE_TYPES)})",
            )
        architectures.add(known.architecture)
    if len(architectures) > 1:
        raise ConfigError(section.key("instanceTypes"), types, "mixes x86_64 and arm64 (Graviton); one node group runs one AMI")
    return types, architectures.pop()


def _public_access(section: Section) -> tuple[bool, list[str]]:
    public = ENDPOINT_PUBLIC_ACCESS.read(section)
    cidrs = PUBLIC_ACCESS_CIDRS.read(section)
    for index, text in enumerate(cidrs):
        try:
            ipaddress.IPv4Network(text, strict=True)
        except ValueError:
            raise ConfigError(f"{section.key('publicAccessCidrs')}[{index}]", text, "must be an IPv4 CIDR, e.g. 203.0.113.0/24") from None
    if public and not cidrs:
        raise ConfigError(
            section.key("publicAccessCidrs"),
            cidrs,
            "a public endpoint (endpointPublicAccess: true) needs the CIDRs allowed to reach it (say 0.0.0.0/0 on purpose)",
        )
    if cidrs and not public:
        raise ConfigError(section.key("publicAccessCidrs"), cidrs, "set only with endpointPublicAccess: true")
    return public, cidrs


def _existing(section: Section) -> ExistingCluster:
    found = EXISTING.open(section)
    existing = ExistingCluster(
        name=EXISTING_NAME.read(found),
        security_group_id=SECURITY_GROUP_ID.read(found),
    )
    found.finish()
    return existing


def _required_with_mode(section: Section, group: Group, mode: ClusterMode) -> None:
    if not section.has(group.name):
        raise ConfigError(section.key(group.name), REQUIRED, f"this key is required with mode: {mode}")


def parse_cluster(section: Section, basics: Basics, ci: CiSettings, ci_key: str) -> ClusterSettings:
    mode: ClusterMode = MODE.read(section)  # type: ignore[assignment]
    version = VERSION.read(section)
    public, cidrs = _public_access(section)
    log_types = LOG_TYPES.read(section)
    if any(t not in log_types for t in REQUIRED_LOG_TYPES):
        raise ConfigError(section.key("logTypes"), log_types, f"must include {', '.join(REQUIRED_LOG_TYPES)}")
    retention = LOG_RETENTION_DAYS.read(section, production=basics.is_production)
    upgrade_policy: UpgradePolicy = UPGRADE_POLICY.read(section)  # type: ignore[assignment]

    node_group: NodeGroupSettings | None = None
    node_pool: NodePoolSettings | None = None
    existing: ExistingCluster | None = None
    access = NO_ACCESS
    addon_versions = parse_addon_versions(ADDONS.open(section), version)
    kubernetes_role = KUBERNETES_ROLE.read(section)
    if mode == "create":
        _required_with_mode(section, NODE_GROUP, mode)
        node_group = parse_node_group(NODE_GROUP.open(section), basics)
        _required_with_mode(section, NODE_POOL, mode)
        node_pool = parse_node_pool(NODE_POOL.open(section), basics.is_production, node_group.architecture)
        access = parse_cluster_access(
            section.key("access"), ACCESS.read(section), kubernetes_role, section.key("kubernetesRole"), ci, ci_key
        )
        if section.has("existing"):
            raise ConfigError(section.key("existing"), "…", "only with mode: existing")
    else:
        _required_with_mode(section, EXISTING, mode)
        existing = _existing(section)
        for owned in ("nodeGroup", "nodePool", "access", "kubernetesRole"):
            if section.has(owned):
                raise ConfigError(section.key(owned), "…", "only with mode: create (an existing cluster brings its own nodes and access)")
    section.finish()
    return ClusterSettings(
        mode=mode,
        name=basics.name_prefix,
        version=version,
        endpoint_public_access=public,
        public_access_cidrs=cidrs,
        log_types=log_types,
        log_retention_days=retention,
        upgrade_policy=upgrade_policy,
        node_group=node_group,
        existing=existing,
        access=access,
        node_pool=node_pool,
        addon_versions=addon_versions,
    )
