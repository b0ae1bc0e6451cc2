"""Customer-managed KMS keys: rotated yearly, and recoverable for 30 days after deletion."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws


def rotated_key(name: str, description: str, parent: pulumi.Resource, policy: pulumi.Input[str] | None = None) -> aws.kms.Key:
    key = aws.kms.Key(
        name,
        description=description,
        enable_key_rotation=True,
        deletion_window_in_days=30,  # the longest AWS allows: time to notice a mistaken delete
        policy=policy,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    aws.kms.Alias(name, name=f"alias/{name}", target_key_id=key.key_id, opts=pulumi.ResourceOptions(parent=parent))
    return key
