"""Multi-AZ policies: in production the load balancer, cache, node groups and Aurora span several
zones; elsewhere they need not. Called directly and through their CrossGuard wrappers."""

from __future__ import annotations

from typing import Any

import pytest
from policy_helpers import (
    ALB,
    CLUSTER,
    GOOD_STACK,
    INSTANCES,
    LB,
    PRODUCTION,
    REDIS,
    RG,
    changed,
    names,
    res,
    resource_spec,
    stack_spec,
    validate_resource,
    validate_stack,
)

from policy import availability
from policy.specs import Resource
from policy.values import UNKNOWN

NODE_GROUP = {"subnetIds": ["subnet-a", "subnet-b", "subnet-c"], "scalingConfig": {"minSize": 3, "maxSize": 9, "desiredSize": 3}}

# (policy, resource type, compliant props, broken props, policy config)
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    ("multi-az", LB, ALB, changed(ALB, "subnets", ["subnet-a", "subnet-b"]), {"environment": "production"}),
]

# More ways to trip a policy: each must be caught too (the ones a careless edit would cause).
MORE_BROKEN: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("multi-az", RG, changed(REDIS, "numCacheClusters", 1), {}),
    ("multi-az", "aws:eks/nodeGroup:NodeGroup", changed(NODE_GROUP, "scalingConfig.minSize", 1), {}),
]

# Outside production one zone is enough.
MORE_COMPLIANT: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("multi-az", LB, changed(ALB, "subnets", ["subnet-a"]), {"environment": "staging"}),
]

# (stack policy, the compliant stack with one thing broken)
STACK_CASES: list[tuple[str, list[Resource]]] = [
    ("aurora-multi-instance", [r for r in GOOD_STACK if r is not INSTANCES[1]]),
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
def test_policy_accepts_one_zone_outside_production(name: str, resource_type: str, props: dict[str, Any], config: dict[str, Any]) -> None:
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


def test_aurora_instances_are_shared_out_when_identifiers_are_unknown() -> None:
    unknown = [res(i.type, i.name, {"clusterIdentifier": UNKNOWN}) for i in INSTANCES]
    spec = stack_spec("aurora-multi-instance")
    assert spec.evaluate([CLUSTER, *unknown], {}) == []
    assert spec.evaluate([CLUSTER, unknown[0]], {})
    assert spec.evaluate([CLUSTER, unknown[0]], {"environment": "staging"}) == []


def test_every_availability_policy_is_tested_both_ways() -> None:
    assert {c[0] for c in CASES} == names(availability.RESOURCE_POLICIES)
    assert {c[0] for c in STACK_CASES} == names(availability.STACK_POLICIES)
