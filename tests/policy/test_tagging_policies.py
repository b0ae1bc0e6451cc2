"""Cost-allocation tag policies: providers carry the default tags, resources do not blank them, and
every AWS resource comes from such a provider. Called directly and through their CrossGuard wrappers."""

from __future__ import annotations

from typing import Any

from policy_cases import add_case_tests
from policy_helpers import (
    AWS_PROVIDER,
    GOOD_STACK,
    PROVIDER_RES,
    TAGS,
    URN,
    changed,
    res,
    stack_spec,
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


def test_default_provider_without_tags_is_reported() -> None:
    bucket = res(BUCKET, "logs", {}, provider=f"{URN}pulumi:providers:aws::default_7_51_1::id")
    findings = stack_spec("aws-resources-use-tagged-provider").evaluate([bucket], {})
    assert findings and "default provider" in findings[0][1]


add_case_tests(globals(), tagging, cases=CASES, more_broken=MORE_BROKEN, more_compliant=MORE_COMPLIANT, stack_cases=STACK_CASES)
