"""IAM trust: roles that an AWS service assumes, and roles a Kubernetes service account assumes (IRSA)."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws


def assume_role_policy(service: str) -> str:
    """Trust one AWS service principal (e.g. `eks.amazonaws.com`) to assume the role."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
        }
    )


def irsa_trust_policy(oidc_provider_arn: str, oidc_issuer_url: str, namespace: str, service_account: str) -> str:
    """Trust one Kubernetes ServiceAccount (by its OIDC subject) and nothing else."""
    issuer = oidc_issuer_url.removeprefix("https://")
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": oidc_provider_arn},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {
                            f"{issuer}:sub": f"system:serviceaccount:{namespace}:{service_account}",
                            f"{issuer}:aud": "sts.amazonaws.com",
                        }
                    },
                }
            ],
        }
    )


def irsa_role(
    name: str,
    oidc_provider_arn: pulumi.Input[str],
    oidc_issuer_url: pulumi.Input[str],
    namespace: str,
    service_account: str,
    description: str,
    parent: pulumi.Resource,
) -> aws.iam.Role:
    """The role pods of `namespace/service_account` get through the cluster's OIDC provider."""
    trust = pulumi.Output.all(oidc_provider_arn, oidc_issuer_url).apply(
        lambda parts: irsa_trust_policy(parts[0], parts[1], namespace, service_account)
    )
    return aws.iam.Role(name, description=description, assume_role_policy=trust, opts=pulumi.ResourceOptions(parent=parent))
