"""IAM trust: roles that an AWS service assumes, and roles a Kubernetes service account assumes (EKS Pod Identity)."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

# What every node's role carries, managed node group and Karpenter's nodes alike.
NODE_POLICIES = (
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    # Session Manager instead of SSH: no key pairs, no open port 22, every session logged.
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
)


def assume_role_policy(service: str) -> str:
    """Trust one AWS service principal (e.g. `eks.amazonaws.com`) to assume the role."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
        }
    )


# The EKS Pod Identity agent assumes the role for the pod, with session tags; the
# association (cluster, namespace, service account) says which pods get it.
# https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com"
POD_IDENTITY_ACTIONS = ("sts:AssumeRole", "sts:TagSession")


def pod_identity_trust_policy() -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": POD_IDENTITY_PRINCIPAL}, "Action": list(POD_IDENTITY_ACTIONS)}],
        }
    )


def pod_identity_role(
    name: str,
    cluster_name: pulumi.Input[str],
    namespace: str,
    service_account: str,
    description: str,
    parent: pulumi.Resource,
    depends_on: list[pulumi.Resource] | None = None,
) -> aws.iam.Role:
    """The role pods of `namespace/service_account` get through EKS Pod Identity, and its association."""
    child = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(name, description=description, assume_role_policy=pod_identity_trust_policy(), opts=child)
    aws.eks.PodIdentityAssociation(
        name,
        cluster_name=cluster_name,
        namespace=namespace,
        service_account=service_account,
        role_arn=role.arn,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=depends_on or []),
    )
    return role
