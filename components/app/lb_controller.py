"""The AWS Load Balancer Controller, installed only to bind Services to target groups.

The program owns the ALB, its listeners and its target groups (components/load_balancer.py). The
controller's one job here is the `TargetGroupBinding`: it keeps each target group's targets
equal to the ready pod IPs behind a Service, and its webhook gives those pods a readiness
gate that turns true only once the ALB reports the target healthy. That is what makes a
rollout safe: a new pod counts as ready (and an old one may be stopped) only when the ALB
agrees, and Pulumi's wait for a Deployment's rollout includes that gate.

Why this and not NodePort with the node group attached to the target groups: NodePort sends
ALB traffic through kube-proxy on any node, so a terminating pod's node keeps receiving
requests, health checks test nodes rather than pods, and nothing ties pod readiness to the
ALB. With `ip` targets the ALB talks to the pod itself.

Least privilege: the controller gets read access plus Register/DeregisterTargets on the
app's target groups only. It cannot create or change load balancers, listeners, security
groups, WAF or Shield, so Ingress/Service(LoadBalancer) reconciling is switched off too.
The IMDS hop limit is 1 on the nodes, so the chart gets the VPC id and region explicitly.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.shared.iam import irsa_role

CHART = "aws-load-balancer-controller"
CHART_REPOSITORY = "https://aws.github.io/eks-charts"
# Chart 1.17.1 installs controller v2.17.1 (the chart's minor tracks the controller's).
CHART_VERSION = "1.17.1"
NAMESPACE = "kube-system"
SERVICE_ACCOUNT = "aws-load-balancer-controller"

# What the controller calls to resolve a TargetGroupBinding's pods into targets.
READ_ACTIONS = (
    "ec2:DescribeAvailabilityZones",
    "ec2:DescribeInstances",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeTargetGroupAttributes",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
)
TARGET_ACTIONS = ("elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets")


def controller_policy(target_group_arns: list[str]) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "Discover", "Effect": "Allow", "Action": list(READ_ACTIONS), "Resource": "*"},
                {"Sid": "RegisterPods", "Effect": "Allow", "Action": list(TARGET_ACTIONS), "Resource": sorted(target_group_arns)},
            ],
        }
    )


@dataclass
class LoadBalancerControllerArgs:
    cluster_name: pulumi.Input[str]
    region: str
    vpc_id: pulumi.Input[str]
    oidc_provider_arn: pulumi.Input[str]
    oidc_issuer_url: pulumi.Input[str]
    target_group_arns: Mapping[str, pulumi.Input[str]]
    k8s_provider: k8s.Provider


class LoadBalancerController(pulumi.ComponentResource):
    role: aws.iam.Role
    release: k8s.helm.v3.Release

    def __init__(self, name: str, args: LoadBalancerControllerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:app:LoadBalancerController", name, None, opts)
        self.role = irsa_role(
            f"{name}-role",
            args.oidc_provider_arn,
            args.oidc_issuer_url,
            NAMESPACE,
            SERVICE_ACCOUNT,
            "AWS Load Balancer Controller: registers the app's pods in its target groups",
            self,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-targets",
            role=self.role.id,
            policy=pulumi.Output.all(*args.target_group_arns.values()).apply(lambda arns: controller_policy([str(a) for a in arns])),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.release = k8s.helm.v3.Release(
            f"{name}-chart",
            name=CHART,
            chart=CHART,
            version=CHART_VERSION,
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=CHART_REPOSITORY),
            namespace=NAMESPACE,
            # Installs the CRDs (TargetGroupBinding) and waits for the webhook to be ready.
            atomic=True,
            cleanup_on_fail=True,
            max_history=5,
            timeout=600,
            values={
                "clusterName": args.cluster_name,
                "region": args.region,
                "vpcId": args.vpc_id,
                "replicaCount": 2,
                "serviceAccount": {
                    "create": True,
                    "name": SERVICE_ACCOUNT,
                    "annotations": {"eks.amazonaws.com/role-arn": self.role.arn},
                },
                "podDisruptionBudget": {"maxUnavailable": 1},
                "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
                "enablePodReadinessGateInject": True,
                # Only TargetGroupBinding: this controller must not build load balancers of its own.
                "enableServiceMutatorWebhook": False,
                "createIngressClassResource": False,
                "ingressClassParams": {"create": False},
                "enableShield": False,
                "enableWaf": False,
                "enableWafv2": False,
            },
            opts=pulumi.ResourceOptions(parent=self, provider=args.k8s_provider, depends_on=[policy]),
        )
        self.register_outputs({"roleArn": self.role.arn, "releaseStatus": self.release.status})
