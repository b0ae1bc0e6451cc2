"""S3: every bucket private, encrypted by default, with ACLs disabled.

The per-resource policies check each companion resource (public access block, encryption
configuration, ownership controls); the stack policy checks that every bucket has all three.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from policy.resource_types import BUCKET, BUCKET_OWNERSHIP, BUCKET_PAB, BUCKET_SSE, BUCKET_VERSIONING
from policy.specs import MANDATORY, Config, Resource, ResourcePolicySpec, StackFinding, StackPolicySpec, references, schema
from policy.values import UNKNOWN, as_list, get, is_true

_PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def s3_public_access_block(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    off = [flag for flag in _PAB_FLAGS if not is_true(get(props, flag))]
    return [f"public access block leaves {', '.join(off)} off"] if off else []


def s3_encryption(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    rules = get(props, "rules")
    if rules is UNKNOWN:
        return []
    algorithms = [get(rule, "applyServerSideEncryptionByDefault.sseAlgorithm") for rule in as_list(rules)]
    if any(a is UNKNOWN or a in ("aws:kms", "aws:kms:dsse", "AES256") for a in algorithms):
        return []
    return ["server-side encryption configuration has no applyServerSideEncryptionByDefault.sseAlgorithm"]


def s3_ownership_enforced(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    allowed = list(config["allowedObjectOwnership"])
    ownership = get(props, "rule.objectOwnership")
    if ownership is UNKNOWN or ownership in allowed:
        return []
    return [f"rule.objectOwnership is {ownership!r}; use {' or '.join(allowed)} (ACLs disabled)"]


def _belongs_to(sub: Resource, target: Resource, prop: str) -> bool:
    if sub.parent == target.urn:
        return True
    if references(sub, target, prop):
        return True
    # Last resort for documents that record neither ids nor dependencies (a preview): children
    # named after it, or a companion named exactly like it beside it (components/shared/buckets.py).
    if sub.name == target.name and sub.parent == target.parent:
        return True
    return sub.name.startswith(f"{target.name}-")


def s3_bucket_guardrails(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """Every bucket has a public access block, default encryption and ACLs disabled."""
    companions = {
        BUCKET_PAB: "public access block (BucketPublicAccessBlock)",
        BUCKET_SSE: "server-side encryption configuration",
        BUCKET_OWNERSHIP: "ownership controls (BucketOwnerEnforced)",
    }
    if config["requireVersioning"]:
        companions[BUCKET_VERSIONING] = "versioning configuration"
    findings: list[StackFinding] = []
    for bucket in (r for r in resources if r.type == BUCKET):
        for companion_type, what in companions.items():
            companions_of_type = [r for r in resources if r.type == companion_type]
            if not any(_belongs_to(c, bucket, "bucket") for c in companions_of_type):
                findings.append((bucket.urn, f"bucket {bucket.name} has no {what}"))
    return findings


RESOURCE_POLICIES: list[ResourcePolicySpec] = [
    ResourcePolicySpec(
        "s3-public-access-block",
        "Bucket public access blocks set all four flags.",
        MANDATORY,
        frozenset({BUCKET_PAB}),
        s3_public_access_block,
    ),
    ResourcePolicySpec("s3-encryption", "Buckets encrypt objects by default.", MANDATORY, frozenset({BUCKET_SSE}), s3_encryption),
    ResourcePolicySpec(
        "s3-ownership-enforced",
        "Buckets disable ACLs (BucketOwnerEnforced).",
        MANDATORY,
        frozenset({BUCKET_OWNERSHIP}),
        s3_ownership_enforced,
        schema(allowedObjectOwnership={"type": "array", "items": {"type": "string"}, "default": ["BucketOwnerEnforced"]}),
    ),
]
STACK_POLICIES: list[StackPolicySpec] = [
    StackPolicySpec(
        "s3-bucket-guardrails",
        "Every bucket has a public access block, encryption and ownership controls.",
        MANDATORY,
        s3_bucket_guardrails,
        schema(requireVersioning={"type": "boolean", "default": False}),
    ),
]
