"""Multi-AZ policies: in production the load balancer, cache, node groups and Aurora span several
zones; elsewhere they need not. Called directly and through their CrossGuard wrappers."""

from __future__ import annotations

from typing import Any

from policy_cases import add_case_tests
from policy_helpers import (
    ALB,
    CLUSTER,
    GOOD_STACK,
    INSTANCES,
    LB,
    REDIS,
    RG,
    changed,
    res,
    stack_spec,
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


def test_aurora_instances_are_shared_out_when_identifiers_are_unknown() -> None:
    unknown = [res(i.type, i.name, {"clusterIdentifier": UNKNOWN}) for i in INSTANCES]
    spec = stack_spec("aurora-multi-instance")
    assert spec.evaluate([CLUSTER, *unknown], {}) == []
    assert spec.evaluate([CLUSTER, unknown[0]], {})
    assert spec.evaluate([CLUSTER, unknown[0]], {"environment": "staging"}) == []


add_case_tests(globals(), availability, cases=CASES, more_broken=MORE_BROKEN, more_compliant=MORE_COMPLIANT, stack_cases=STACK_CASES)
