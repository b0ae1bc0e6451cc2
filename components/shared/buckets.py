"""Private S3 buckets that hold data: protected, versioned, encrypted, never public."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws


def private_bucket(
    name: str, parent: pulumi.Resource, *, bucket_key_enabled: bool | None = None, provider: pulumi.ProviderResource | None = None
) -> aws.s3.Bucket:
    """A bucket with every public path closed and objects owned by the bucket owner (no ACLs).

    Encryption is SSE-S3: the two readers/writers here (CloudFront through OAC, ALB log
    delivery) work without a KMS key policy, and ALB log delivery cannot write to SSE-KMS at all.
    Lifecycle rules differ per use and stay with the caller.
    """
    child = pulumi.ResourceOptions(parent=parent, provider=provider)
    bucket = aws.s3.Bucket(name, force_destroy=False, opts=pulumi.ResourceOptions(parent=parent, protect=True, provider=provider))
    aws.s3.BucketPublicAccessBlock(
        name,
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=child,
    )
    aws.s3.BucketOwnershipControls(
        name, bucket=bucket.id, rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"), opts=child
    )
    aws.s3.BucketVersioning(
        name,
        bucket=bucket.id,
        versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
        opts=child,
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        name,
        bucket=bucket.id,
        rules=[
            aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="AES256"
                ),
                bucket_key_enabled=bucket_key_enabled,
            )
        ],
        opts=child,
    )
    return bucket


def deny_insecure_transport(bucket_arn: str) -> dict[str, Any]:
    """The bucket-policy statement that refuses every request not made over TLS."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def abort_incomplete_uploads_rule() -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    """A lifecycle rule over the whole bucket (empty prefix) that aborts uploads left half-done after a day.

    Over the whole bucket, not only a data prefix: no upload left half-done anywhere is billed
    (checkov's CKV_AWS_300 passes only on an unfiltered rule).
    """
    return aws.s3.BucketLifecycleConfigurationRuleArgs(
        id="abort-incomplete-uploads",
        status="Enabled",
        filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
        abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
            days_after_initiation=1
        ),
    )
