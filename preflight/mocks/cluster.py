"""EKS: the cluster's endpoint, CA, OIDC issuer and security group; node groups' ASGs."""

from __future__ import annotations

import base64
from typing import Any

import pulumi

from preflight.mocks.common import MockContext, arn, short_hash

Args = pulumi.runtime.MockResourceArgs

# A syntactically valid PEM body; only its shape matters to the program (it is base64 data).
_FAKE_CA = base64.b64encode(b"-----BEGIN CERTIFICATE-----\nMIIBmock\n-----END CERTIFICATE-----\n").decode()


def _eks_cluster(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = args.inputs.get("name") or args.name
    oidc_id = short_hash("oidc", name, length=32).upper()
    vpc_config = dict(args.inputs.get("vpcConfig") or {})
    vpc_config.update(
        {
            "clusterSecurityGroupId": "sg-" + short_hash("eks-cluster-sg", name),
            "vpcId": "vpc-" + short_hash("eks-vpc", name),
        }
    )
    return {
        "name": name,
        "arn": arn(ctx, "eks", f"cluster/{name}"),
        "endpoint": f"https://{oidc_id}.gr7.{ctx.region}.eks.amazonaws.com",
        "certificateAuthority": {"data": _FAKE_CA},
        "identities": [{"oidcs": [{"issuer": f"https://oidc.eks.{ctx.region}.amazonaws.com/id/{oidc_id}"}]}],
        "vpcConfig": vpc_config,
        "platformVersion": "eks.12",
        "status": "ACTIVE",
        "clusterId": short_hash("cluster-id", name, length=36),
    }


def _node_group(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    cluster = args.inputs.get("clusterName", "cluster")
    return {
        "arn": arn(ctx, "eks", f"nodegroup/{cluster}/{args.name}/{short_hash(args.name, length=8)}"),
        "nodeGroupName": f"{args.name}-{short_hash(args.name, length=7)}",
        "status": "ACTIVE",
        "resources": [
            {
                "autoscalingGroups": [{"name": f"eks-{args.name}-{short_hash('asg', args.name, length=8)}"}],
                "remoteAccessSecurityGroupId": "",
            }
        ],
    }


COMPUTED = {
    "aws:eks/cluster:Cluster": _eks_cluster,
    "aws:eks/nodeGroup:NodeGroup": _node_group,
}
