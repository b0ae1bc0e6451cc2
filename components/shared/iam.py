"""IAM trust: roles that an AWS service assumes, and roles a Kubernetes service account assumes (EKS Pod Identity)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumiverse_time as time

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


# "EKS Pod Identity associations are eventually consistent, and may take several seconds to be
# effective after the initial API call returns successfully" (EKS API reference,
# CreatePodIdentityAssociation). A pod admitted before then gets no credentials: the EKS pod
# mutation that adds them runs only at pod creation. 30 s is several times "several seconds", and
# the delay aws-ia/terraform-aws-eks-blueprints-addons puts before its add-ons by default
# (`time_sleep` with `create_delay_duration = "30s"`, variables.tf). It runs when the association
# is created or replaced (the sleep's triggers), not on every update.
POD_IDENTITY_SETTLE = "30s"


@dataclass(frozen=True)
class PodIdentity:
    role: aws.iam.Role
    association: aws.eks.PodIdentityAssociation
    # What the pods of the service account wait for: the association, then the settle.
    ready: time.Sleep


def pod_identity(
    name: str,
    cluster_name: pulumi.Input[str],
    namespace: str,
    service_account: str,
    description: str,
    parent: pulumi.Resource,
    depends_on: list[pulumi.Resource] | None = None,
) -> PodIdentity:
    """The role pods of `namespace/service_account` get through EKS Pod Identity, its association, and the settle after it."""
    role, association = _role_and_association(name, cluster_name, namespace, service_account, description, parent, depends_on)
    return PodIdentity(role, association, settle(f"{name}-settle", association, parent))


def settle(name: str, association: aws.eks.PodIdentityAssociation, parent: pulumi.Resource) -> time.Sleep:
    """A pause after the association is created (or replaced), before the pods that need it start."""
    return time.Sleep(
        name,
        create_duration=POD_IDENTITY_SETTLE,
        triggers={"associationArn": association.association_arn, "roleArn": association.role_arn},
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[association]),
    )


def _role_and_association(
    name: str,
    cluster_name: pulumi.Input[str],
    namespace: str,
    service_account: str,
    description: str,
    parent: pulumi.Resource,
    depends_on: list[pulumi.Resource] | None,
) -> tuple[aws.iam.Role, aws.eks.PodIdentityAssociation]:
    child = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(name, description=description, assume_role_policy=pod_identity_trust_policy(), opts=child)
    association = aws.eks.PodIdentityAssociation(
        name,
        cluster_name=cluster_name,
        namespace=namespace,
        service_account=service_account,
        role_arn=role.arn,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=depends_on or []),
    )
    return role, association
