"""The Karpenter controller's IAM policy and its interruption queue's event patterns.

Facts from Karpenter's own reference template for the pinned minor (v1.14,
github.com/aws/karpenter-provider-aws website/content/en/v1.14/getting-started/
getting-started-with-karpenter/cloudformation.yaml): the actions it calls and the tags it puts
on what it launches (`kubernetes.io/cluster/<cluster>: owned`, `eks:eks-cluster-name`,
`karpenter.sh/nodepool`), which scope its create, tag and delete rights to its own instances.
"""

from __future__ import annotations

import json
from typing import Any

# EventBridge patterns whose events Karpenter reads from the queue to drain a node before EC2
# takes it away (the four of terraform-aws-modules/eks modules/karpenter; the template's fifth,
# capacity-reservation interruptions, does not apply: the NodePool selects no reservations).
INTERRUPTION_EVENTS: dict[str, dict[str, list[str]]] = {
    "health": {"source": ["aws.health"], "detail-type": ["AWS Health Event"]},
    "spot-interruption": {"source": ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"]},
    "rebalance": {"source": ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"]},
    "state-change": {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]},
}
QUEUE_SENDERS = ("events.amazonaws.com", "sqs.amazonaws.com")
QUEUE_RETENTION_SECONDS = 300  # an interruption warning is stale after two minutes


def _ec2(region: str, kinds: tuple[str, ...], account: str = "*") -> list[str]:
    return [f"arn:aws:ec2:{region}:{account}:{kind}/*" for kind in kinds]


def controller_policy(cluster_name: str, cluster_arn: str, region: str, account_id: str, node_role_arn: str, queue_arn: str) -> str:
    owned = {f"aws:ResourceTag/kubernetes.io/cluster/{cluster_name}": "owned"}
    request_owned = {f"aws:RequestTag/kubernetes.io/cluster/{cluster_name}": "owned", "aws:RequestTag/eks:eks-cluster-name": cluster_name}
    launched = ("fleet", "instance", "volume", "network-interface", "launch-template", "spot-instances-request")
    profiles = f"arn:aws:iam::{account_id}:instance-profile/*"
    statements: list[dict[str, Any]] = [
        {
            "Sid": "LaunchFromSharedResources",
            "Action": ["ec2:RunInstances", "ec2:CreateFleet"],
            "Resource": [
                f"arn:aws:ec2:{region}::image/*",
                f"arn:aws:ec2:{region}::snapshot/*",
                *_ec2(region, ("security-group", "subnet", "capacity-reservation", "placement-group")),
            ],
        },
        {
            "Sid": "LaunchWithOwnTemplates",
            "Action": ["ec2:RunInstances", "ec2:CreateFleet"],
            "Resource": _ec2(region, ("launch-template",)),
            "Condition": {"StringEquals": owned, "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"}},
        },
        {
            "Sid": "CreateOnlyTagged",
            "Action": ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
            "Resource": _ec2(region, launched),
            "Condition": {"StringEquals": request_owned, "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"}},
        },
        {
            "Sid": "TagOnCreate",
            "Action": "ec2:CreateTags",
            "Resource": _ec2(region, launched),
            "Condition": {
                "StringEquals": {**request_owned, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"]},
                "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"},
            },
        },
        {
            "Sid": "TagOwnInstances",
            "Action": "ec2:CreateTags",
            "Resource": _ec2(region, ("instance",)),
            "Condition": {
                "StringEquals": owned,
                "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
                "ForAllValues:StringEquals": {"aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"]},
            },
        },
        {
            "Sid": "DeleteOwn",
            "Action": ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
            "Resource": _ec2(region, ("instance", "launch-template")),
            "Condition": {"StringEquals": owned, "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"}},
        },
        {
            "Sid": "PassNodeRole",
            "Action": "iam:PassRole",
            "Resource": node_role_arn,
            "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
        },
        {
            "Sid": "CreateInstanceProfiles",
            "Action": ["iam:CreateInstanceProfile", "iam:TagInstanceProfile"],
            "Resource": profiles,
            "Condition": {
                "StringEquals": {**request_owned, "aws:RequestTag/topology.kubernetes.io/region": region},
                "StringLike": {"aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*"},
            },
        },
        {
            "Sid": "ManageOwnInstanceProfiles",
            "Action": [
                "iam:TagInstanceProfile",
                "iam:AddRoleToInstanceProfile",
                "iam:RemoveRoleFromInstanceProfile",
                "iam:DeleteInstanceProfile",
            ],
            "Resource": profiles,
            "Condition": {
                "StringEquals": {**owned, "aws:ResourceTag/topology.kubernetes.io/region": region},
                "StringLike": {"aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*"},
            },
        },
        {"Sid": "ReadInstanceProfiles", "Action": ["iam:GetInstanceProfile"], "Resource": profiles},
        {"Sid": "ListInstanceProfiles", "Action": ["iam:ListInstanceProfiles"], "Resource": "*"},
        {"Sid": "DiscoverEndpoint", "Action": "eks:DescribeCluster", "Resource": cluster_arn},
        {"Sid": "Interruptions", "Action": ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"], "Resource": queue_arn},
        {
            "Sid": "Discover",
            "Action": [
                "ec2:DescribeCapacityReservations",
                "ec2:DescribeImages",
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceStatus",
                "ec2:DescribeInstanceTypeOfferings",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplates",
                "ec2:DescribePlacementGroups",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSpotPriceHistory",
                "ec2:DescribeSubnets",
            ],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": region}},
        },
        {"Sid": "AmiParameters", "Action": "ssm:GetParameter", "Resource": f"arn:aws:ssm:{region}::parameter/aws/service/*"},
        {"Sid": "Prices", "Action": "pricing:GetProducts", "Resource": "*"},
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **s} for s in statements]})


def queue_policy(queue_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "EventsIn",
                    "Effect": "Allow",
                    "Principal": {"Service": list(QUEUE_SENDERS)},
                    "Action": "sqs:SendMessage",
                    "Resource": queue_arn,
                },
                {
                    "Sid": "DenyHTTP",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "sqs:*",
                    "Resource": queue_arn,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ],
        }
    )
