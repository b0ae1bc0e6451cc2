"""Integrations: outside listeners over HTTPS only, flag rollouts that watch the alarm, archives that expire.

The stack config refuses the same things before anything registers (config/integrations.py);
these policies hold for resources however they were declared. Which stack is production is
policy config; `preflight check` fills `environment` from the plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policy.resource_types import API_DESTINATION, APPCONFIG_ENVIRONMENT, DEPLOYMENT_STRATEGY, EVENT_ARCHIVE
from policy.specs import ADVISORY, MANDATORY, Config, ResourcePolicySpec, StackPolicySpec, schema
from policy.values import SECRET, UNKNOWN, as_list, at_least, get, number

_ENVIRONMENT_CONFIG = schema(
    environment={
        "type": "string",
        "default": "production",
        "description": "The stack's environment; preflight check fills it from the plan.",
    },
    watchedEnvironments={"type": "array", "items": {"type": "string"}, "default": ["production"]},
)


def api_destination_https(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """Deployment events leave AWS encrypted: an API destination's endpoint is https://."""
    endpoint = get(props, "invocationEndpoint")
    if endpoint in (UNKNOWN, SECRET) or (isinstance(endpoint, str) and endpoint.startswith("https://")):
        return []
    return [f"invocationEndpoint {endpoint!r} is not an https:// URL"]


def flag_rollback_monitor(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """A flag environment names an alarm, and the role AppConfig reads it with, so a bad rollout rolls back."""
    monitors = get(props, "monitors")
    if monitors is UNKNOWN:
        return []
    watched = [m for m in as_list(monitors) if get(m, "alarmArn") and get(m, "alarmRoleArn")]
    return [] if watched else ["no monitor (alarmArn and alarmRoleArn): a flag rollout would not roll back when customers feel it"]


def flag_rollout_watched(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """Growth steps are at most 100 %; in production AppConfig keeps watching after 100 % (bake time)."""
    messages = []
    growth = number(get(props, "growthFactor"))
    if growth is not None and not 1 <= growth <= 100:
        messages.append(f"growthFactor {growth:g} is outside 1-100 %")
    if str(config["environment"]) in list(config["watchedEnvironments"]) and not at_least(get(props, "finalBakeTimeInMinutes"), 1):
        messages.append(f"finalBakeTimeInMinutes is {get(props, 'finalBakeTimeInMinutes')}: production watches the alarm after 100 %")
    return messages


def event_archive_retention(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """An archive keeps events for a set number of days (0 or unset: forever, and billed forever)."""
    return [] if at_least(get(props, "retentionDays"), 1) else ["retentionDays is unset or 0: the archive grows (and bills) forever"]


RESOURCE_POLICIES: list[ResourcePolicySpec] = [
    ResourcePolicySpec(
        "api-destination-https",
        "Deployment events reach outside listeners over HTTPS only.",
        MANDATORY,
        API_DESTINATION,
        api_destination_https,
    ),
    ResourcePolicySpec(
        "flag-rollback-monitor", "Feature-flag environments roll back on an alarm.", MANDATORY, APPCONFIG_ENVIRONMENT, flag_rollback_monitor
    ),
    ResourcePolicySpec(
        "flag-rollout-watched",
        "Flag rollouts grow by at most 100 % a step and, in production, bake while the alarm is watched.",
        MANDATORY,
        DEPLOYMENT_STRATEGY,
        flag_rollout_watched,
        config=_ENVIRONMENT_CONFIG,
    ),
    ResourcePolicySpec("event-archive-retention", "Event archives expire.", ADVISORY, EVENT_ARCHIVE, event_archive_retention),
]
STACK_POLICIES: list[StackPolicySpec] = []
