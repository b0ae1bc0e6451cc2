"""Cross-team integrations: the deployment-events bus, its outside listeners, and feature-flag rollouts.

Every stack gets an EventBridge bus that the deploy pipeline publishes its events to, an archive
of them, and an AppConfig feature-flag profile whose rollouts stop on their own when the
"service degraded" alarm fires. What a stack chooses: how long events are kept, which event
types wake the on-call topic, which outside HTTPS endpoints (a CRM, a support desk, a status
page) hear of deployments, and how fast a flag rollout grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from config.declare import Nested, PerEnvironment, computed, entries, integer, number, section, string, strings
from config.reading import At, parser

# The event types the deploy pipeline publishes (its `detail-type`); docs/integrations.md shows the schema.
DETAIL_TYPES = ("Deployment Started", "Deployment Succeeded", "Deployment Failed", "Traffic Shifted", "Rolled Back")
# The event's `source`: one value for every event the pipeline publishes.
EVENT_SOURCE = "email-platform.deployments"
# The custom metric the dashboard draws deployment markers from (one data point per event).
DEPLOYMENTS_NAMESPACE = "EmailPlatform/Deployments"
DEPLOYMENTS_METRIC = "Deployments"


def bus_name(prefix: str) -> str:
    """The deployment-events bus of the stack whose names start with `prefix` (`email-platform-production`)."""
    return f"{prefix}-deployments"


# EventBridge rule, connection and API destination names are 1-64 of letters, digits, '.', '-', '_'
# (botocore events model: RuleName, ConnectionName, ApiDestinationName). The longest name built from a
# destination is the rule `email-platform-development-deployments-<name>`: 39 characters before it.
_LONGEST_NAME_PREFIX = len("email-platform-development-deployments-")
DESTINATION_NAME_MAX = 64 - _LONGEST_NAME_PREFIX
_DESTINATION_NAME = rf"[A-Za-z0-9._-]{{1,{DESTINATION_NAME_MAX}}}"
# An HTTP header name (RFC 9110 token).
_HEADER = r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}"
# AppConfig caps a deployment at 24 hours, and its bake time likewise.
MAX_DEPLOYMENT_MINUTES = 1440


@dataclass(frozen=True)
class EventSettings:
    archive_retention_days: int = integer(
        "days the archive keeps every deployment event for replay (0, keep forever, is not offered)",
        default=PerEnvironment(365, 30),
        minimum=1,
        maximum=3650,
    )
    alarm_topic_detail_types: list[str] = strings(
        "deployment events also sent to the alarm topic (on-call)", default=["Deployment Failed", "Rolled Back"], choices=DETAIL_TYPES
    )


def _https_endpoint(url: str, at: At) -> None:
    """`https://` only; a token in it makes it a secret (`--secret --path`)"""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        # EventBridge API destinations accept HTTPS endpoints only.
        raise at.refuse(url, "must be an https:// URL, e.g. https://crm.example.com/hooks/deployments")


def _a_secret(api_key: str, at: At) -> None:
    """a secret: `pulumi config set --secret --path integrations.destinations.<name>.apiKey …`"""
    if not any(at.key == secret or at.key.startswith((f"{secret}.", f"{secret}[")) for secret in at.reading.environment.secret_keys):
        path = at.key.partition(":")[2]
        raise at.refuse("(plain text)", f"must be a secret: `pulumi config set --secret --path {path} …`")


@dataclass(frozen=True)
class Destination:
    url: str = string(
        "the HTTPS endpoint EventBridge posts each event to",
        pattern=r"\S+",
        meaning="must be a URL",
        checks=(_https_endpoint,),
    )  # may carry a token: components wrap it as a secret
    header_name: str = string(
        "the header that carries the API key", default="Authorization", pattern=_HEADER, meaning="must be an HTTP header name"
    )
    # A secret: components wrap it, and the stack refuses it in plain text.
    api_key: str = string("the API key sent in `headerName`", pattern=r".{1,512}", meaning="must be 1-512 characters", checks=(_a_secret,))
    detail_types: list[str] = strings("the deployment events this endpoint hears", default=list(DETAIL_TYPES), choices=DETAIL_TYPES)
    invocations_per_second: int = integer("EventBridge's rate limit towards the endpoint", default=1, minimum=1, maximum=300)
    name: str = computed(lambda reading: reading.name)


def _listed(destinations: dict[str, Destination], at: At) -> list[Destination]:
    return list(destinations.values())


@dataclass(frozen=True)
class RolloutStrategy:
    growth_type: str = string(
        "how a flag rollout grows", default="LINEAR", choices=("LINEAR", "EXPONENTIAL"), meaning="AppConfig grows LINEAR or EXPONENTIAL"
    )
    growth_factor: float = number("percent of targets added per step", default=20.0, minimum=1, maximum=100)
    duration_minutes: int = integer("minutes a flag rollout takes to reach everyone", default=10, minimum=0, maximum=MAX_DEPLOYMENT_MINUTES)
    final_bake_time_minutes: int = integer(
        "minutes AppConfig keeps watching the alarm after 100 %, rolling back if it fires",
        default=PerEnvironment(10, 0),
        minimum=PerEnvironment(1, 0),
        maximum=MAX_DEPLOYMENT_MINUTES,
        why="production watches the alarm after a flag reaches everyone",
    )


@dataclass(frozen=True)
class FeatureFlags:
    strategy: RolloutStrategy = section(RolloutStrategy, "the AppConfig deployment strategy of every flag rollout")


@dataclass(frozen=True)
class IntegrationsSettings:
    events: EventSettings = section(EventSettings, "the deployment-events bus and its archive")
    destinations: list[Destination] = entries(
        Nested(Destination, "one outside listener (e.g. `crm`, `supportDesk`, `statusPage`)"),
        "HTTPS endpoints that hear of deployments (EventBridge API destinations)",
        "<name>",
        name_pattern=_DESTINATION_NAME,
        name_meaning=f"a destination name is 1-{DESTINATION_NAME_MAX} letters, digits, '.', '-' or '_' "
        "(EventBridge names are at most 64 characters)",
        convert=_listed,
    )
    feature_flags: FeatureFlags = section(FeatureFlags, "the AppConfig feature-flag profile product teams roll out through")


parse_integrations = parser(IntegrationsSettings)
