"""Pod Identity associations as the EKS API answers."""

from __future__ import annotations

from typing import Any

import pulumi

from preflight.mocks.common import MockContext, arn, short_hash


def _pod_identity_association(args: pulumi.runtime.MockResourceArgs, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    association_id = "a-" + short_hash("pod-identity", args.name, length=17)
    cluster = args.inputs.get("clusterName", "cluster")
    return {"associationId": association_id, "associationArn": arn(ctx, "eks", f"podidentityassociation/{cluster}/{association_id}")}


COMPUTED = {"aws:eks/podIdentityAssociation:PodIdentityAssociation": _pod_identity_association}
