"""Integrations policies: a compliant listener, flag environment, rollout and archive pass; broken ones trip them.
Called directly and through their CrossGuard wrappers."""

from __future__ import annotations

from typing import Any

import pytest
from policy_helpers import PRODUCTION, changed, names, resource_spec, validate_resource

from policy import integrations

DESTINATION_TYPE = "aws:cloudwatch/eventApiDestination:EventApiDestination"
ENVIRONMENT_TYPE = "aws:appconfig/environment:Environment"
STRATEGY_TYPE = "aws:appconfig/deploymentStrategy:DeploymentStrategy"
ARCHIVE_TYPE = "aws:cloudwatch/eventArchive:EventArchive"

DESTINATION = {"invocationEndpoint": "https://crm.example.com/hooks/deployments", "httpMethod": "POST", "connectionArn": "arn:c"}
ENVIRONMENT = {
    "applicationId": "abc1234",
    "monitors": [{"alarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:x", "alarmRoleArn": "arn:aws:iam::123456789012:role/r"}],
}
STRATEGY = {
    "growthType": "LINEAR",
    "growthFactor": 20,
    "deploymentDurationInMinutes": 10,
    "finalBakeTimeInMinutes": 10,
    "replicateTo": "NONE",
}
ARCHIVE = {"eventSourceArn": "arn:aws:events:us-east-1:123456789012:event-bus/b", "retentionDays": 365}

# (policy, resource type, compliant props, broken props, policy config)
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    ("api-destination-https", DESTINATION_TYPE, DESTINATION, changed(DESTINATION, "invocationEndpoint", "http://crm.example.com/x"), {}),
    ("flag-rollback-monitor", ENVIRONMENT_TYPE, ENVIRONMENT, changed(ENVIRONMENT, "monitors", []), {}),
    ("flag-rollout-watched", STRATEGY_TYPE, STRATEGY, changed(STRATEGY, "finalBakeTimeInMinutes", 0), PRODUCTION),
    ("flag-rollout-watched", STRATEGY_TYPE, STRATEGY, changed(STRATEGY, "growthFactor", 150), PRODUCTION),
    ("event-archive-retention", ARCHIVE_TYPE, ARCHIVE, changed(ARCHIVE, "retentionDays", 0), {}),
]


@pytest.mark.parametrize(
    ("name", "resource_type", "compliant", "broken", "config"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_policy_passes_compliant_and_trips_broken(
    name: str, resource_type: str, compliant: dict[str, Any], broken: dict[str, Any], config: dict[str, Any]
) -> None:
    spec = resource_spec(name)
    assert spec.evaluate(resource_type, compliant, config) == []
    assert spec.evaluate(resource_type, broken, config), f"{name} did not trip on {broken}"


@pytest.mark.parametrize(
    ("name", "resource_type", "compliant", "broken", "config"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_wrapper_reports_through_report_violation(
    name: str, resource_type: str, compliant: dict[str, Any], broken: dict[str, Any], config: dict[str, Any]
) -> None:
    assert validate_resource(name, resource_type, compliant, config) == []
    assert validate_resource(name, resource_type, broken, config)


def test_staging_may_skip_the_bake_time_and_a_secret_endpoint_is_not_judged() -> None:
    unwatched = changed(STRATEGY, "finalBakeTimeInMinutes", 0)
    assert resource_spec("flag-rollout-watched").evaluate(STRATEGY_TYPE, unwatched, {"environment": "staging"}) == []
    secret = changed(DESTINATION, "invocationEndpoint", "[secret]")
    assert resource_spec("api-destination-https").evaluate(DESTINATION_TYPE, secret, {}) == []


def test_every_integrations_policy_is_tested_both_ways() -> None:
    assert {c[0] for c in CASES} == names(integrations.RESOURCE_POLICIES)
