"""Customer-managed KMS keys: rotated yearly, and recoverable for 30 days after deletion."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws


def rotated_key(name: str, alias: str, description: str, parent: pulumi.Resource, *, protect: bool = False) -> aws.kms.Key:
    """A rotated key with an alias; `protect` it when losing it would lose the data it encrypts.

    The alias must carry the stack's prefix (e.g. `email-platform-production-db`): aliases are
    unique per account and region, and two stacks may share both.
    """
    key = aws.kms.Key(
        name,
        description=description,
        enable_key_rotation=True,
        deletion_window_in_days=30,  # the longest AWS allows: time to notice a mistaken delete
        opts=pulumi.ResourceOptions(parent=parent, protect=protect),
    )
    aws.kms.Alias(name, name=f"alias/{alias}", target_key_id=key.key_id, opts=pulumi.ResourceOptions(parent=parent))
    return key


def account_administers_key(key_arn: str) -> dict[str, object]:
    """The key-policy statement that keeps the key manageable by its account (IAM decides who).

    A key policy without it locks the account out of the key (KMS developer guide, "Default key
    policy": allows access to the AWS account and enables IAM policies).
    """
    _, partition, _, _, account, _ = key_arn.split(":", 5)
    return {
        "Sid": "AccountAdministersTheKey",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
