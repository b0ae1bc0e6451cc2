"""Pod Identity associations as the EKS API answers, and the observability add-on's version.

`aws:eks/getAddonVersion` itself is answered in eks_day_two.py, which reads ``_LATEST`` here.
"""

from __future__ import annotations

from typing import Any

import pulumi

from preflight.mocks.common import MockContext, arn, short_hash

# What DescribeAddonVersions lists first (most recent) for Kubernetes 1.3x in late 2026, for the
# add-ons whose version does not follow the Kubernetes minor.
_LATEST = {
    "amazon-cloudwatch-observability": "v4.5.0-eksbuild.1",
    "eks-pod-identity-agent": "v1.3.8-eksbuild.2",
}


def _pod_identity_association(args: pulumi.runtime.MockResourceArgs, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    association_id = "a-" + short_hash("pod-identity", args.name, length=17)
    cluster = args.inputs.get("clusterName", "cluster")
    return {"associationId": association_id, "associationArn": arn(ctx, "eks", f"podidentityassociation/{cluster}/{association_id}")}


COMPUTED = {"aws:eks/podIdentityAssociation:PodIdentityAssociation": _pod_identity_association}
