"""Availability: in production every tier spans several availability zones.

The load balancer, the cache and the node groups (per resource) and Aurora (a writer and a reader,
over the stack). Which stacks count as production is policy config; `preflight check` fills
`environment` from the plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from policy.resource_types import LOAD_BALANCER, NODE_GROUP, RDS_CLUSTER, RDS_INSTANCE, REPLICATION_GROUP
from policy.specs import MANDATORY, Config, Resource, ResourcePolicySpec, StackFinding, StackPolicySpec, references, schema
from policy.values import UNKNOWN, as_list, at_least, get

_MULTI_AZ_CONFIG = schema(
    environment={
        "type": "string",
        "default": "production",
        "description": "The stack's environment; preflight check fills it from the plan.",
    },
    multiAzEnvironments={"type": "array", "items": {"type": "string"}, "default": ["production"]},
    requireMultiAz={"type": "boolean", "default": True},
    minAzCount={"type": "integer", "minimum": 2, "default": 3},
)


def _multi_az_applies(config: Config) -> bool:
    return bool(config["requireMultiAz"]) and str(config["environment"]) in list(config["multiAzEnvironments"])


def multi_az(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """In production every tier spans several availability zones."""
    if not _multi_az_applies(config):
        return []
    minimum = int(config["minAzCount"])
    if resource_type in LOAD_BALANCER:
        subnets = get(props, "subnets")
        if subnets is None:
            subnets = get(props, "subnetMappings")
        # One subnet per zone: the count of subnets is the count of zones.
        if subnets is not UNKNOWN and len(as_list(subnets)) < minimum:
            return [f"load balancer spans {len(as_list(subnets))} subnet(s); need >= {minimum} availability zones"]
    elif resource_type in REPLICATION_GROUP:
        replicas, clusters = get(props, "replicasPerNodeGroup"), get(props, "numCacheClusters")
        if not (at_least(replicas, 1) or at_least(clusters, 2)):
            return ["replication group has no replica in another zone (numCacheClusters >= 2 or replicasPerNodeGroup >= 1)"]
    elif resource_type in NODE_GROUP:
        messages = []
        subnets = get(props, "subnetIds")
        if subnets is not UNKNOWN and len(as_list(subnets)) < 2:
            messages.append(f"node group spans {len(as_list(subnets))} subnet(s); need >= 2 zones")
        if not at_least(get(props, "scalingConfig.minSize"), 2):
            messages.append("node group scalingConfig.minSize < 2: one node lost takes the platform down")
        return messages
    return []


def aurora_multi_instance(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """In production an Aurora cluster has a writer and at least one reader to fail over to."""
    if not _multi_az_applies(config):
        return []
    clusters = [r for r in resources if r.type in RDS_CLUSTER]
    instances = [r for r in resources if r.type in RDS_INSTANCE]
    findings: list[StackFinding] = []
    for cluster in clusters:
        attached = [i for i in instances if references(i, cluster, "clusterIdentifier") or i.parent == cluster.urn]
        unseen = any(references(i, cluster, "clusterIdentifier") is None for i in instances)
        # When no instance can be matched to its cluster (identifiers unknown), share them out evenly.
        count = len(attached) if attached or not unseen else len(instances) // len(clusters)
        if count < 2:
            findings.append((cluster.urn, f"Aurora cluster {cluster.name} has {count} instance(s); need >= 2 in different zones"))
    return findings


RESOURCE_POLICIES: list[ResourcePolicySpec] = [
    ResourcePolicySpec(
        "multi-az",
        "In production, load balancer, cache and nodes span several zones.",
        MANDATORY,
        LOAD_BALANCER | REPLICATION_GROUP | NODE_GROUP,
        multi_az,
        _MULTI_AZ_CONFIG,
    ),
]
STACK_POLICIES: list[StackPolicySpec] = [
    StackPolicySpec(
        "aurora-multi-instance", "In production, Aurora has at least two instances.", MANDATORY, aurora_multi_instance, _MULTI_AZ_CONFIG
    ),
]
