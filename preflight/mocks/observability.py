"""EKS add-on versions and Pod Identity associations, as the EKS API answers."""

from __future__ import annotations

from typing import Any

import pulumi

from preflight.mocks.common import MockContext, arn, short_hash

# What DescribeAddonVersions lists first (most recent) for Kubernetes 1.3x in late 2026; the
# program takes whatever EKS returns, so these only need the shape EKS gives them.
_LATEST = {
    "amazon-cloudwatch-observability": "v4.5.0-eksbuild.1",
    "eks-pod-identity-agent": "v1.3.8-eksbuild.2",
}


def _addon_version(args: pulumi.runtime.MockCallArgs, ctx: MockContext) -> dict[str, Any]:
    name = str(args.args.get("addonName"))
    kubernetes = str(args.args.get("kubernetesVersion"))
    return {
        "addonName": name,
        "kubernetesVersion": kubernetes,
        "mostRecent": bool(args.args.get("mostRecent")),
        "version": _LATEST.get(name, "v1.0.0-eksbuild.1"),
        "id": name,
        "region": ctx.region,
    }


def _pod_identity_association(args: pulumi.runtime.MockResourceArgs, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    association_id = "a-" + short_hash("pod-identity", args.name, length=17)
    cluster = args.inputs.get("clusterName", "cluster")
    return {"associationId": association_id, "associationArn": arn(ctx, "eks", f"podidentityassociation/{cluster}/{association_id}")}


COMPUTED = {"aws:eks/podIdentityAssociation:PodIdentityAssociation": _pod_identity_association}
CALLS = {"aws:eks/getAddonVersion:getAddonVersion": _addon_version}
