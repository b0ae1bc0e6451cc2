"""Kubernetes cluster settings: a new EKS cluster with a managed node group, or an existing one."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Literal

from config.basics import Basics
from config.instance_types import (
    MIN_MEMORY_GIB,
    MIN_ROOT_VOLUME_GIB,
    MIN_VCPU,
    NODE_INSTANCE_TYPES,
    RECOMMENDED_NODE_TYPES,
    Architecture,
)
from config.network import log_retention
from config.reader import ConfigError, Section

ClusterMode = Literal["create", "existing"]
CapacityType = Literal["ON_DEMAND", "SPOT"]

# Versions EKS offers in November 2026 (standard or extended support).
EKS_VERSIONS = ("1.31", "1.32", "1.33", "1.34", "1.35", "1.36")
CONTROL_PLANE_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
# Without these three an incident cannot be reconstructed: who called the API and what it did.
REQUIRED_LOG_TYPES = ("api", "audit", "authenticator")


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
    """What the rest of the stack needs from a cluster it does not own (kubeconfig is a secret)."""

    name: str
    security_group_id: str
    oidc_provider_arn: str
    oidc_issuer_url: str


@dataclass(frozen=True)
class ClusterSettings:
    mode: ClusterMode
    name: str
    version: str
    endpoint_public_access: bool
    public_access_cidrs: list[str]
    log_types: list[str]
    log_retention_days: int
    node_group: NodeGroupSettings | None
    existing: ExistingCluster | None


def parse_node_group(section: Section, basics: Basics) -> NodeGroupSettings:
    types = section.strings("instanceTypes", min_items=1)
    architectures: set[Architecture] = set()
    for index, name in enumerate(types):
        key = f"{section.key('instanceTypes')}[{index}]"
        known = NODE_INSTANCE_TYPES.get(name)
        if known is None:
            raise ConfigError(
                key,
                name,
                f"not a known node type; choose one of the table in config/instance_types.py, e.g. {', '.join(RECOMMENDED_NODE_TYPES)}",
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
    minimum_nodes = 3 if basics.is_production else 1
    min_size = section.integer("minSize", minimum=minimum_nodes, maximum=100)
    desired = section.integer("desiredSize", min_size, minimum=min_size, maximum=100)
    max_size = section.integer("maxSize", minimum=desired, maximum=100)
    disk = section.integer("diskSizeGib", MIN_ROOT_VOLUME_GIB, minimum=MIN_ROOT_VOLUME_GIB, maximum=16384)
    section.string("diskType", "gp3", choices=("gp3",))  # the guide's SSD; gp2 costs more for less
    capacity: CapacityType = section.string("capacityType", "ON_DEMAND", choices=("ON_DEMAND", "SPOT"))  # type: ignore[assignment]
    if basics.is_production and capacity == "SPOT":
        raise ConfigError(
            section.key("capacityType"), capacity, "production runs ON_DEMAND nodes (SPOT can be reclaimed at two minutes' notice)"
        )
    labels = section.string_map("labels", {})
    section.finish()
    return NodeGroupSettings(types, architectures.pop(), min_size, desired, max_size, disk, capacity, labels)


def parse_cluster(section: Section, basics: Basics) -> ClusterSettings:
    mode: ClusterMode = section.string("mode", "create", choices=("create", "existing"))  # type: ignore[assignment]
    version = section.string("version", choices=EKS_VERSIONS)
    public = section.boolean("endpointPublicAccess", False)
    cidrs = section.strings("publicAccessCidrs", [])
    for index, cidr in enumerate(cidrs):
        try:
            ipaddress.IPv4Network(cidr, strict=True)
        except ValueError:
            raise ConfigError(f"{section.key('publicAccessCidrs')}[{index}]", cidr, "must be an IPv4 CIDR, e.g. 203.0.113.0/24") from None
    if public and not cidrs:
        raise ConfigError(
            section.key("publicAccessCidrs"), cidrs, "a public endpoint needs the CIDRs allowed to reach it (say 0.0.0.0/0 on purpose)"
        )
    if cidrs and not public:
        raise ConfigError(section.key("publicAccessCidrs"), cidrs, "set only with endpointPublicAccess: true")
    log_types = section.strings("logTypes", list(CONTROL_PLANE_LOG_TYPES), choices=CONTROL_PLANE_LOG_TYPES)
    missing = [t for t in REQUIRED_LOG_TYPES if t not in log_types]
    if missing:
        raise ConfigError(section.key("logTypes"), log_types, f"must include {', '.join(REQUIRED_LOG_TYPES)}")
    retention = log_retention(section, "logRetentionDays", 365 if basics.is_production else 30)

    node_group: NodeGroupSettings | None = None
    existing: ExistingCluster | None = None
    if mode == "create":
        node_group = parse_node_group(section.section("nodeGroup", required=True), basics)
        if section.has("existing"):
            raise ConfigError(section.key("existing"), "…", "only with mode: existing")
    else:
        found = section.section("existing", required=True)
        existing = ExistingCluster(
            name=found.string("name"),
            security_group_id=found.string("securityGroupId", pattern=r"sg-[0-9a-f]{8,17}", meaning="must be a security group id (sg-…)"),
            oidc_provider_arn=found.string(
                "oidcProviderArn", pattern=r"arn:aws[\w-]*:iam::\d{12}:oidc-provider/.+", meaning="must be an IAM OIDC provider ARN"
            ),
            oidc_issuer_url=found.string("oidcIssuerUrl", pattern=r"https://.+", meaning="must be the cluster's https:// OIDC issuer"),
        )
        found.finish()
        if section.has("nodeGroup"):
            raise ConfigError(section.key("nodeGroup"), "…", "only with mode: create (an existing cluster brings its own nodes)")
    section.finish()
    return ClusterSettings(
        mode=mode,
        name=basics.name_prefix,
        version=version,
        endpoint_public_access=public,
        public_access_cidrs=cidrs,
        log_types=log_types,
        log_retention_days=retention,
        node_group=node_group,
        existing=existing,
    )
