"""The engine-invariant and API-model policies through their CrossGuard wrappers, as a real
`pulumi preview --policy-pack policy` calls them: engine argument objects, unknown-checking proxies,
providers reached through each resource rather than listed."""

from __future__ import annotations

from policy_helpers import PROVIDER, PROVIDER_RES, URN, res, validate_resource, validate_stack
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from policy.registry import ALL_POLICIES
from policy.specs import Resource

ROLE = "aws:iam/role:Role"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
WAF = "aws:wafv2/webAcl:WebAcl"
VISIBILITY = {"cloudwatchMetricsEnabled": True, "metricName": "edge", "sampledRequestsEnabled": True}


def test_two_roles_with_one_name_are_reported_on_the_second() -> None:
    reported = validate_stack(
        "aws-unique-physical-names", [PROVIDER_RES, res(ROLE, "a", {"name": "deploy"}), res(ROLE, "b", {"name": "DEPLOY"})], {}
    )
    assert [(urn, message.split(" in ")[0]) for message, urn in reported] == [(f"{URN}{ROLE}::b", "Role 'deploy'")]


def _engine_resource(resource: Resource, provider: Resource) -> PolicyResource:
    """A resource as the engine hands it to a stack policy, its provider reached through it."""
    opts = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
    engine_provider = PolicyProviderResource(provider.type, dict(provider.props), provider.urn, provider.name)
    return PolicyResource(resource.type, dict(resource.props), resource.urn, resource.name, opts, engine_provider, None, [], {})


def _stack_policy(name: str) -> StackValidationPolicy:
    (policy,) = [p for p in ALL_POLICIES if p.name == name]
    assert isinstance(policy, StackValidationPolicy)
    return policy


def test_the_provider_region_is_read_from_the_resource_when_the_provider_is_not_listed() -> None:
    west = Resource(type="pulumi:providers:aws", urn=f"{URN}pulumi:providers:aws::west", name="west", props={"region": "us-west-2"})
    east = PROVIDER_RES
    apart = [_engine_resource(res(LOG_GROUP, "a", {"name": "/app"}), east), _engine_resource(res(LOG_GROUP, "b", {"name": "/app"}), west)]
    together = [*apart[:1], _engine_resource(res(LOG_GROUP, "c", {"name": "/app"}), east)]
    reports: dict[str, list[tuple[str, str | None]]] = {"apart": [], "together": []}
    for key, resources in (("apart", apart), ("together", together)):
        _stack_policy("aws-unique-physical-names").validate(
            StackValidationArgs(resources, {}), lambda message, urn=None, key=key: reports[key].append((message, urn))
        )
    assert reports["apart"] == []
    ((message, urn),) = reports["together"]
    assert urn == f"{URN}{LOG_GROUP}::c" and " in us-east-1 " in message


def test_a_provider_reference_the_engine_resolved_is_not_a_finding() -> None:
    assert validate_stack("engine-references-resolve", [PROVIDER_RES, res(LOG_GROUP, "a", {}, provider=PROVIDER)], {}) == []


def test_the_api_model_through_crossguard_names_the_property_and_rule() -> None:
    props = {"scope": "CLOUDFRONT", "description": "the edge's rules", "defaultAction": {"allow": {}}, "visibilityConfig": VISIBILITY}
    (message,) = validate_resource("aws-api-model", WAF, props, {})
    assert message.startswith('description = "the edge\'s rules" does not match the pattern')


def test_values_unknown_in_a_preview_are_not_findings() -> None:
    props = {"scope": "CLOUDFRONT", "description": UNKNOWN_STRING_VALUE, "defaultAction": {"allow": {}}, "visibilityConfig": VISIBILITY}
    assert validate_resource("aws-api-model", WAF, props, {}) == []
