"""Kubernetes cluster settings: a new EKS cluster with a managed node group, or an existing one."""

from __future__ import annotations

import dataclasses
import ipaddress
from dataclasses import dataclass
from typing import Literal

from config.addon_versions import MANAGED_ADDONS, AddonOverride, AddonVersions, addon_versions
from config.basics import Basics
from config.ci import ROLE_ARN_MEANING, ROLE_ARN_PATTERN, CiSettings
from config.cluster_access import ACCESS_POLICIES, NO_ACCESS, ClusterAccess, check_kubernetes_role, parse_cluster_access
from config.declare import (
    OPTIONAL,
    Nested,
    PerEnvironment,
    When,
    boolean,
    computed,
    entries,
    integer,
    key_path,
    rule,
    section,
    sibling,
    string,
    string_map,
    strings,
)
from config.instance_types import (
    MIN_MEMORY_GIB,
    MIN_ROOT_VOLUME_GIB,
    MIN_VCPU,
    NODE_INSTANCE_TYPES,
    RECOMMENDED_NODE_TYPES,
    Architecture,
)
from config.network import log_retention
from config.node_pool import NodePoolSettings
from config.reader import PROJECT, Section, nearest
from config.reading import At, read
from policy.eks_calendar import EKS_VERSIONS

ClusterMode = Literal["create", "existing"]
CapacityType = Literal["ON_DEMAND", "SPOT"]
UpgradePolicy = Literal["STANDARD", "EXTENDED"]

CONTROL_PLANE_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
# Without these three an incident cannot be reconstructed: who called the API and what it did.
REQUIRED_LOG_TYPES = ("api", "audit", "authenticator")
MAX_NODES = 100


@rule(
    f"types of the table in `config/instance_types.py` with at least {MIN_VCPU} vCPU and {MIN_MEMORY_GIB} GiB, "
    "all of one architecture (x86_64 or Graviton arm64)"
)
def _node_types(types: list[str], at: At) -> None:
    for index, name in enumerate(types):
        known = NODE_INSTANCE_TYPES.get(name)
        if known is None:
            raise at.refuse(
                name,
                f"not a known node type (the table in config/instance_types.py); "
                f"{nearest(name, list(NODE_INSTANCE_TYPES), RECOMMENDED_NODE_TYPES)}",
                item=index,
            )
        if not known.meets_guide_minimum:
            raise at.refuse(
                name,
                f"has {known.vcpu} vCPU and {known.memory_gib:g} GiB; the guide needs at least {MIN_VCPU} vCPU and "
                f"{MIN_MEMORY_GIB} GiB (e.g. {', '.join(RECOMMENDED_NODE_TYPES)})",
                item=index,
            )
    if len({NODE_INSTANCE_TYPES[name].architecture for name in types}) > 1:
        raise at.refuse(types, "mixes x86_64 and arm64 (Graviton); one node group runs one AMI")


@dataclass(frozen=True)
class NodeGroupSettings:
    instance_types: list[str] = strings("EC2 instance types of the managed node group", min_items=1, checks=(_node_types,))
    min_size: int = integer("fewest nodes", minimum=PerEnvironment(3, 1), maximum=MAX_NODES)
    desired_size: int = integer("nodes the group runs", default=sibling("min_size"), minimum=sibling("min_size"), maximum=MAX_NODES)
    max_size: int = integer(
        "most nodes of the managed group (Karpenter adds its own above it)", minimum=sibling("desired_size"), maximum=MAX_NODES
    )
    disk_size_gib: int = integer(
        "each node's encrypted root volume (the guide's 100 GB SSD at least)",
        default=MIN_ROOT_VOLUME_GIB,
        minimum=MIN_ROOT_VOLUME_GIB,
        maximum=16384,
    )
    disk_type: str = string("the root volume's EBS type (gp2 costs more for less)", default="gp3", choices=("gp3",))
    capacity_type: CapacityType = string(
        "on-demand nodes, or Spot (reclaimable at two minutes' notice)",
        default="ON_DEMAND",
        choices=PerEnvironment(("ON_DEMAND",), ("ON_DEMAND", "SPOT")),
        why="SPOT can be reclaimed at two minutes' notice",
    )
    labels: dict[str, str] = string_map("Kubernetes labels on every node", default={})
    architecture: Architecture = computed(lambda reading: NODE_INSTANCE_TYPES[reading["instance_types"][0]].architecture)

    @property
    def ami_type(self) -> str:
        return "AL2023_ARM_64_STANDARD" if self.architecture == "arm64" else "AL2023_x86_64_STANDARD"


@dataclass(frozen=True)
class ExistingCluster:
    """What the rest of the stack needs from a cluster it does not own (kubeconfig is a secret).

    Its pods get their AWS roles by EKS Pod Identity: the cluster must run the
    eks-pod-identity-agent add-on (no OIDC provider is needed)."""

    name: str = string("the existing EKS cluster's name")
    security_group_id: str = string(
        "the security group its nodes and pods use (the database and cache admit it)",
        pattern=r"sg-[0-9a-f]{8,17}",
        meaning="must be a security group id (sg-…)",
    )


def _public_endpoint_cidrs(cidrs: list[str], at: At) -> None:
    """IPv4 CIDRs; required with `endpointPublicAccess: true`, refused without"""
    for index, text in enumerate(cidrs):
        try:
            ipaddress.IPv4Network(text, strict=True)
        except ValueError:
            raise at.refuse(text, "must be an IPv4 CIDR, e.g. 203.0.113.0/24", item=index) from None
    public = at.reading["endpoint_public_access"]
    if public and not cidrs:
        raise at.refuse(
            cidrs, "a public endpoint (endpointPublicAccess: true) needs the CIDRs allowed to reach it (say 0.0.0.0/0 on purpose)"
        )
    if cidrs and not public:
        raise at.refuse(cidrs, "set only with endpointPublicAccess: true")


@rule("must include " + ", ".join(f"`{t}`" for t in REQUIRED_LOG_TYPES))
def _audit_logs(log_types: list[str], at: At) -> None:
    if any(t not in log_types for t in REQUIRED_LOG_TYPES):
        raise at.refuse(log_types, f"must include {', '.join(REQUIRED_LOG_TYPES)}")


def _ci_key() -> str:
    from config import StackConfig

    return f"{PROJECT}:{key_path(StackConfig, 'ci')}"


@rule(
    "role ARN → one of " + ", ".join(f"`{p}`" for p in ACCESS_POLICIES) + "; at least one `AmazonEKSClusterAdminPolicy` "
    "role here or in `ci.deployRole` (the creator gets no admin)"
)
def _access_entries(grants: dict[str, str], at: At) -> ClusterAccess:
    return parse_cluster_access(at.key, grants, None, "", at.reading["ci"], _ci_key())


def _assumable(role: str, at: At) -> None:
    """an `AmazonEKSClusterAdminPolicy` role of `cluster.access`; whoever runs pulumi must be allowed to assume it;
    refused beside `ci` roles (every job would assume it, the read-only ones too)"""
    check_kubernetes_role(role, at.key, at.reading["access"].entries, at.reading["ci"], _ci_key())


_CREATED = When("mode", "create", why="an existing cluster brings its own nodes and access")


@dataclass(frozen=True)
class ClusterSettings:
    mode: ClusterMode = string("create an EKS cluster, or deploy into an existing one", default="create", choices=("create", "existing"))
    # Read before the objects only a created cluster has: a stack switching to `existing` hears first what it lacks.
    existing: ExistingCluster | None = section(
        ExistingCluster,
        "the cluster this stack deploys into instead of creating one (its kubeconfig is a secret; it runs eks-pod-identity-agent)",
        required=True,
        only_with=When("mode", "existing"),
    )
    # `make plan` warns as a version's end of support nears (policy/eks_calendar.py).
    version: str = string("the EKS Kubernetes version (EKS's release calendar, `policy/eks_calendar.py`)", choices=EKS_VERSIONS)
    upgrade_policy: UpgradePolicy = string(
        "after standard support: STANDARD upgrades the cluster automatically, EXTENDED keeps it at 6 × the hourly price",
        default="STANDARD",
        choices=("STANDARD", "EXTENDED"),
    )
    endpoint_public_access: bool = boolean("whether the Kubernetes API answers on the internet", default=False)
    public_access_cidrs: list[str] = strings(
        "who may reach a public Kubernetes API (say 0.0.0.0/0 on purpose)", default=[], checks=(_public_endpoint_cidrs,)
    )
    log_types: list[str] = strings(
        "control-plane logs sent to CloudWatch",
        default=list(CONTROL_PLANE_LOG_TYPES),
        choices=CONTROL_PLANE_LOG_TYPES,
        checks=(_audit_logs,),
    )
    log_retention_days: int = log_retention("the control-plane logs")
    # Empty with mode: existing (the cluster's owner grants access).
    access: ClusterAccess = string_map(
        "IAM roles that may use the Kubernetes API, each with an EKS access policy (`Policy` or `Policy:ns1,ns2`)",
        default={},
        only_with=dataclasses.replace(_CREATED, otherwise=NO_ACCESS),
        convert=_access_entries,
    )
    # None: the identity that runs pulumi.
    kubernetes_role: str | None = string(
        "a role the Kubernetes provider assumes (`aws eks get-token --role-arn`); unset: whoever runs pulumi, as themselves",
        default=OPTIONAL,
        pattern=ROLE_ARN_PATTERN,
        meaning=ROLE_ARN_MEANING,
        only_with=_CREATED,
        checks=(_assumable,),
    )
    # The build of each managed add-on: the pinned table's for `version`, or the config's.
    addon_versions: AddonVersions = entries(
        Nested(AddonOverride, "one add-on"),
        "EKS managed add-ons: each runs the build `config/addon_versions.py` pins for `cluster.version`, or the one given here",
        "<add-on>",
        names=MANAGED_ADDONS,
        convert=addon_versions,
        name="addons",
    )
    node_group: NodeGroupSettings | None = section(NodeGroupSettings, "the managed node group", required=True, only_with=_CREATED)
    node_pool: NodePoolSettings | None = section(
        NodePoolSettings,
        "Karpenter's NodePool: nodes added on demand above the node group (≥ 4 vCPU, ≥ 8 GiB each)",
        required=True,
        only_with=_CREATED,
    )
    name: str = computed(lambda reading: reading.basics.name_prefix)
    # The CI roles: on a cluster the stack creates they get access entries.
    ci: CiSettings = computed(lambda reading: reading.parent["ci"])


def parse_cluster(section: Section, basics: Basics, ci: CiSettings) -> ClusterSettings:
    """The cluster object alone, given the stack's CI roles (the program reads both with the whole stack config)."""
    return read(ClusterSettings, section, production=basics.is_production, basics=basics, given={"ci": ci})
