"""S3 policies: a compliant bucket companion passes and a broken one trips them; every bucket has
all its companions. Called directly and through their CrossGuard wrappers."""

from __future__ import annotations

from typing import Any

from policy_cases import add_case_tests
from policy_helpers import (
    GOOD_STACK,
    OWNERSHIP,
    PAB,
    SSE,
    changed,
)

from policy import storage
from policy.resource_types import BUCKET_OWNERSHIP, BUCKET_PAB, BUCKET_SSE
from policy.specs import Resource

# (policy, resource type, compliant props, broken props, policy config)
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    ("s3-public-access-block", BUCKET_PAB, PAB, changed(PAB, "restrictPublicBuckets", False), {}),
    ("s3-encryption", BUCKET_SSE, SSE, changed(SSE, "rules", []), {}),
    ("s3-ownership-enforced", BUCKET_OWNERSHIP, OWNERSHIP, changed(OWNERSHIP, "rule.objectOwnership", "ObjectWriter"), {}),
]

# (stack policy, the compliant stack with one thing broken)
STACK_CASES: list[tuple[str, list[Resource]]] = [
    ("s3-bucket-guardrails", [r for r in GOOD_STACK if r.type != BUCKET_SSE]),
]


add_case_tests(globals(), storage, cases=CASES, stack_cases=STACK_CASES)
