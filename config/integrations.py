"""Cross-team integrations: the deployment-events bus, its outside listeners, and feature-flag rollouts.

Every stack gets an EventBridge bus that the deploy pipeline publishes its events to, an archive
of them, and an AppConfig feature-flag profile whose rollouts stop on their own when the
"service degraded" alarm fires. What a stack chooses: how long events are kept, which event
types wake the on-call topic, which outside HTTPS endpoints (a CRM, a support desk, a status
page) hear of deployments, and how fast a flag rollout grows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from config.basics import Basics
from config.declare import Group, PerEnvironment, integer, number, string, strings
from config.reader import ConfigError, Section, refuse_in_production

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

ARCHIVE_RETENTION_DAYS = integer(
    "archiveRetentionDays",
    "days the archive keeps every deployment event for replay",
    default=PerEnvironment(365, 30),
    minimum=1,
    maximum=3650,
    rule="0 (keep forever) is not offered: set a number of days",
)
ALARM_TOPIC_DETAIL_TYPES = strings(
    "alarmTopicDetailTypes",
    "deployment events also sent to the alarm topic (on-call)",
    default=["Deployment Failed", "Rolled Back"],
    choices=DETAIL_TYPES,
)
EVENTS = Group("events", "the deployment-events bus and its archive", (ARCHIVE_RETENTION_DAYS, ALARM_TOPIC_DETAIL_TYPES))

URL = string(
    "url",
    "the HTTPS endpoint EventBridge posts each event to",
    pattern=r"\S+",
    meaning="must be a URL",
    rule="`https://` only; a token in it makes it a secret (`--secret --path`)",
)
HEADER_NAME = string(
    "headerName",
    "the header that carries the API key",
    default="Authorization",
    pattern=_HEADER,
    meaning="must be an HTTP header name",
)
API_KEY = string(
    "apiKey",
    "the API key sent in `headerName`",
    pattern=r".{1,512}",
    meaning="must be 1-512 characters",
    rule="a secret: `pulumi config set --secret --path integrations.destinations.<name>.apiKey …`",
)
DESTINATION_DETAIL_TYPES = strings(
    "detailTypes", "the deployment events this endpoint hears", default=list(DETAIL_TYPES), choices=DETAIL_TYPES
)
INVOCATIONS_PER_SECOND = integer("invocationsPerSecond", "EventBridge's rate limit towards the endpoint", default=1, minimum=1, maximum=300)
DESTINATION = Group(
    "<name>",
    "one outside listener (e.g. `crm`, `supportDesk`, `statusPage`): letters, digits, `.`, `-`, `_`",
    (URL, HEADER_NAME, API_KEY, DESTINATION_DETAIL_TYPES, INVOCATIONS_PER_SECOND),
)
DESTINATIONS = Group("destinations", "HTTPS endpoints that hear of deployments (EventBridge API destinations)", (DESTINATION,))

GROWTH_TYPE = string(
    "growthType",
    "how a flag rollout grows",
    default="LINEAR",
    choices=("LINEAR", "EXPONENTIAL"),
    meaning="AppConfig grows LINEAR or EXPONENTIAL",
)
GROWTH_FACTOR = number("growthFactor", "percent of targets added per step", default=20.0, minimum=1, maximum=100)
DURATION_MINUTES = integer(
    "durationMinutes", "minutes a flag rollout takes to reach everyone", default=10, minimum=0, maximum=MAX_DEPLOYMENT_MINUTES
)
BAKE_MINUTES = integer(
    "finalBakeTimeMinutes",
    "minutes AppConfig keeps watching the alarm after 100 %, rolling back if it fires",
    default=PerEnvironment(10, 0),
    minimum=0,
    maximum=MAX_DEPLOYMENT_MINUTES,
    rule="production watches: at least 1",
)
STRATEGY = Group(
    "strategy", "the AppConfig deployment strategy of every flag rollout", (GROWTH_TYPE, GROWTH_FACTOR, DURATION_MINUTES, BAKE_MINUTES)
)
FEATURE_FLAGS = Group("featureFlags", "the AppConfig feature-flag profile product teams roll out through", (STRATEGY,))

INTEGRATIONS = Group(
    "integrations",
    "deployment events for other teams, and feature-flag rollouts gated on the service-degraded alarm",
    (EVENTS, DESTINATIONS, FEATURE_FLAGS),
)


@dataclass(frozen=True)
class Destination:
    name: str
    url: str  # may carry a token: components wrap it as a secret
    header_name: str
    api_key: str  # a secret: components wrap it, and the stack refuses it in plain text
    detail_types: list[str]
    invocations_per_second: int


@dataclass(frozen=True)
class RolloutStrategy:
    growth_type: str
    growth_factor: float
    duration_minutes: int
    final_bake_time_minutes: int


@dataclass(frozen=True)
class IntegrationsSettings:
    archive_retention_days: int
    alarm_topic_detail_types: list[str]
    destinations: list[Destination]
    strategy: RolloutStrategy


def _events(section: Section, basics: Basics) -> tuple[int, list[str]]:
    retention = ARCHIVE_RETENTION_DAYS.read(section, production=basics.is_production)
    detail_types = ALARM_TOPIC_DETAIL_TYPES.read(section)
    section.finish()
    return retention, detail_types


def _destination(section: Section, name: str, secret_keys: frozenset[str]) -> Destination:
    if not re.fullmatch(_DESTINATION_NAME, name):
        raise ConfigError(
            section.path,
            name,
            f"a destination name is 1-{DESTINATION_NAME_MAX} letters, digits, '.', '-' or '_' (EventBridge names are at most 64 characters)",
        )
    url = URL.read(section)
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        # EventBridge API destinations accept HTTPS endpoints only.
        raise ConfigError(section.key("url"), url, "must be an https:// URL, e.g. https://crm.example.com/hooks/deployments")
    api_key = API_KEY.read(section)
    key = section.key("apiKey")
    if not any(key == secret or key.startswith((f"{secret}.", f"{secret}[")) for secret in secret_keys):
        raise ConfigError(
            section.key("apiKey"), "(plain text)", f"must be a secret: `pulumi config set --secret --path {_path(section)}.apiKey …`"
        )
    destination = Destination(
        name=name,
        url=url,
        header_name=HEADER_NAME.read(section),
        api_key=api_key,
        detail_types=DESTINATION_DETAIL_TYPES.read(section),
        invocations_per_second=INVOCATIONS_PER_SECOND.read(section),
    )
    section.finish()
    return destination


def _path(section: Section) -> str:
    return section.path.partition(":")[2]


def _strategy(section: Section, basics: Basics) -> RolloutStrategy:
    strategy = RolloutStrategy(
        growth_type=GROWTH_TYPE.read(section),
        growth_factor=GROWTH_FACTOR.read(section),
        duration_minutes=DURATION_MINUTES.read(section),
        final_bake_time_minutes=BAKE_MINUTES.read(section, production=basics.is_production),
    )
    if basics.is_production and strategy.final_bake_time_minutes == 0:
        raise refuse_in_production(
            section.key("finalBakeTimeMinutes"), 0, "production watches the alarm after a flag reaches everyone: at least 1 minute"
        )
    section.finish()
    return strategy


def parse_integrations(section: Section, basics: Basics, secret_keys: frozenset[str]) -> IntegrationsSettings:
    """`secret_keys`: the full keys set with `--secret` (an API key must be under one of them)."""
    retention, alarm_types = _events(EVENTS.open(section), basics)
    listeners = DESTINATIONS.open(section)
    destinations = [_destination(listeners.section(name, required=True), name, secret_keys) for name in listeners.names()]
    listeners.finish()
    flags = FEATURE_FLAGS.open(section)
    strategy = _strategy(STRATEGY.open(flags), basics)
    flags.finish()
    section.finish()
    return IntegrationsSettings(retention, alarm_types, destinations, strategy)
