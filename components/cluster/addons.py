"""EKS managed add-ons, each at the build pinned for the cluster's Kubernetes version.

Left self-managed, coredns and kube-proxy stay at whatever version the cluster was created
with when `cluster.version` is raised; as managed add-ons with a version pinned per Kubernetes
version (config/addon_versions.py, or `cluster.addons.<name>.version`), raising
`cluster.version` moves them in the same deployment, and nothing else does: no lookup of the
newest build at preview time. `OVERWRITE` lets EKS take back fields someone edited by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from config.addon_versions import AddonVersions


@dataclass(frozen=True)
class AddonSpec:
    name: str
    # Its pods need a node (a Deployment); DaemonSets and the CNI do not wait for one.
    needs_nodes: bool
    configuration: dict[str, str] | None = None
    why: str = ""


ADDONS = (
    # The app's NetworkPolicy is only enforced when the VPC CNI runs its network-policy agent,
    # which EKS installs switched off.
    AddonSpec("vpc-cni", needs_nodes=False, configuration={"enableNetworkPolicy": "true"}, why="pod networking, network policy"),
    AddonSpec("kube-proxy", needs_nodes=False, why="Service routing on every node"),
    AddonSpec("coredns", needs_nodes=True, why="cluster DNS"),
    # Pod Identity: the agent on each node hands pods the credentials of their associated role.
    AddonSpec("eks-pod-identity-agent", needs_nodes=False, why="IAM roles for pods"),
    # The app's autoscalers read pod CPU and memory from the metrics API, which EKS does not serve by itself.
    AddonSpec("metrics-server", needs_nodes=True, why="the metrics API the autoscalers read"),
)


def managed_addons(
    name: str, cluster: aws.eks.Cluster, versions: AddonVersions, nodes: aws.eks.NodeGroup, parent: pulumi.Resource
) -> dict[str, aws.eks.Addon]:
    addons: dict[str, aws.eks.Addon] = {}
    for spec in ADDONS:
        addons[spec.name] = aws.eks.Addon(
            f"{name}-{spec.name}",
            cluster_name=cluster.name,
            addon_name=spec.name,
            addon_version=versions[spec.name],
            configuration_values=json.dumps(spec.configuration) if spec.configuration else None,
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            opts=pulumi.ResourceOptions(parent=parent, depends_on=[nodes] if spec.needs_nodes else []),
        )
    return addons
