"""Cost-allocation tag policies: providers carry the default tags, resources do not blank them, and
every AWS resource comes from such a provider. Called directly and through their CrossGuard wrappers."""

from __future__ import annotations

from typing import Any

import pytest
from policy_helpers import (
    AWS_PROVIDER,
    GOOD_STACK,
    PRODUCTION,
    PROVIDER_RES,
    TAGS,
    URN,
    changed,
    names,
    res,
    resource_spec,
    stack_spec,
    validate_resource,
    validate_stack,
)

from policy import tagging
from policy.resource_types import BUCKET
from policy.specs import Resource

TAGGED_BUCKET = {"tags": {"Name": "assets", "Owner": "team"}}

# (policy, resource type, compliant props, broken props, policy config)
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    ("cost-allocation-tags", "pulumi:providers:aws", AWS_PROVIDER, {"region": "us-east-1", "defaultTags": '{"tags": {"Owner": "x"}}'}, {}),
]

# More ways to trip a policy: each must be caught too (the ones a careless edit would cause).
MORE_BROKEN: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("cost-allocation-tags", BUCKET, changed(TAGGED_BUCKET, "tags.Owner", ""), {}),
]

# Compliant variants the policies must not trip on: own tags beside the provider's, tags as an object.
MORE_COMPLIANT: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("cost-allocation-tags", BUCKET, TAGGED_BUCKET, {}),
    ("cost-allocation-tags", "pulumi:providers:aws", {"defaultTags": {"tags": TAGS}}, {}),
]

# (stack policy, the compliant stack with one thing broken)
STACK_CASES: list[tuple[str, list[Resource]]] = [
    (
        "aws-resources-use-tagged-provider",
        [r for r in GOOD_STACK if r is not PROVIDER_RES]
        + [Resource(type="pulumi:providers:aws", urn=PROVIDER_RES.urn, name="aws", props={"region": "us-east-1"})],
    ),
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


@pytest.mark.parametrize(("name", "resource_type", "broken", "config"), MORE_BROKEN, ids=[c[0] for c in MORE_BROKEN])
def test_policy_trips_on_other_breakages(name: str, resource_type: str, broken: dict[str, Any], config: dict[str, Any]) -> None:
    assert resource_spec(name).evaluate(resource_type, broken, config)


@pytest.mark.parametrize(("name", "resource_type", "props", "config"), MORE_COMPLIANT, ids=[c[0] for c in MORE_COMPLIANT])
def test_policy_accepts_other_valid_choices(name: str, resource_type: str, props: dict[str, Any], config: dict[str, Any]) -> None:
    assert resource_spec(name).evaluate(resource_type, props, config) == []


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


def test_default_provider_without_tags_is_reported() -> None:
    bucket = res(BUCKET, "logs", {}, provider=f"{URN}pulumi:providers:aws::default_7_51_1::id")
    findings = stack_spec("aws-resources-use-tagged-provider").evaluate([bucket], {})
    assert findings and "default provider" in findings[0][1]


def test_every_tagging_policy_is_tested_both_ways() -> None:
    assert {c[0] for c in CASES} == names(tagging.RESOURCE_POLICIES)
    assert {c[0] for c in STACK_CASES} == names(tagging.STACK_POLICIES)
