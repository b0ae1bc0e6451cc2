"""S3 policies: a compliant bucket companion passes and a broken one trips them; every bucket has
all its companions. Called directly and through their CrossGuard wrappers."""

from __future__ import annotations

from typing import Any

import pytest
from policy_helpers import (
    GOOD_STACK,
    OWNERSHIP,
    PAB,
    PRODUCTION,
    SSE,
    changed,
    names,
    resource_spec,
    stack_spec,
    validate_resource,
    validate_stack,
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


@pytest.mark.parametrize(("name", "resource_type", "compliant", "broken", "config"), CASES, ids=[c[0] for c in CASES])
def test_policy_passes_compliant_and_trips_broken(
    name: str, resource_type: str, compliant: dict[str, Any], broken: dict[str, Any], config: dict[str, Any]
) -> None:
    spec = resource_spec(name)
    assert spec.evaluate(resource_type, compliant, config) == []
    assert spec.evaluate(resource_type, broken, config), f"{name} did not trip on {broken}"


@pytest.mark.parametrize(("name", "resource_type", "compliant", "broken", "config"), CASES, ids=[c[0] for c in CASES])
def test_wrapper_reports_through_report_violation(
    name: str, resource_type: str, compliant: dict[str, Any], broken: dict[str, Any], config: dict[str, Any]
) -> None:
    assert validate_resource(name, resource_type, compliant, config) == []
    assert validate_resource(name, resource_type, broken, config)


@pytest.mark.parametrize(("name", "broken_stack"), STACK_CASES, ids=[c[0] for c in STACK_CASES])
def test_stack_policy_passes_good_stack_and_trips_broken(name: str, broken_stack: list[Resource]) -> None:
    spec = stack_spec(name)
    assert spec.evaluate(GOOD_STACK, PRODUCTION) == []
    assert spec.evaluate(broken_stack, PRODUCTION), f"{name} did not trip"


@pytest.mark.parametrize(("name", "broken_stack"), STACK_CASES, ids=[c[0] for c in STACK_CASES])
def test_stack_wrapper_reports_with_the_resource_urn(name: str, broken_stack: list[Resource]) -> None:
    assert validate_stack(name, GOOD_STACK, PRODUCTION) == []
    reported = validate_stack(name, broken_stack, PRODUCTION)
    assert reported and all(urn and urn.startswith("urn:pulumi:") for _, urn in reported)


def test_every_storage_policy_is_tested_both_ways() -> None:
    assert {c[0] for c in CASES} == names(storage.RESOURCE_POLICIES)
    assert {c[0] for c in STACK_CASES} == names(storage.STACK_POLICIES)
