"""Integrations policies: a compliant listener, flag environment, rollout and archive pass; broken ones trip them.
Called directly and through their CrossGuard wrappers."""

from __future__ import annotations

from typing import Any

from policy_cases import add_case_tests
from policy_helpers import PRODUCTION, changed

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
    ("event-archive-retention", ARCHIVE_TYPE, ARCHIVE, changed(ARCHIVE, "retentionDays", 0), {}),
]
MORE_BROKEN = [("flag-rollout-watched", STRATEGY_TYPE, changed(STRATEGY, "growthFactor", 150), PRODUCTION)]
# Staging may skip the bake time; an endpoint set as a secret cannot be judged (the config checked it).
MORE_COMPLIANT = [
    ("flag-rollout-watched", STRATEGY_TYPE, changed(STRATEGY, "finalBakeTimeInMinutes", 0), {"environment": "staging"}),
    ("api-destination-https", DESTINATION_TYPE, changed(DESTINATION, "invocationEndpoint", "[secret]"), {}),
]

add_case_tests(globals(), integrations, cases=CASES, more_broken=MORE_BROKEN, more_compliant=MORE_COMPLIANT)
