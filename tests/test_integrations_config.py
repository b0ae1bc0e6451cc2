"""Guardrails of the integrations config: each rule refuses a bad value in one line, and accepts a good one.

The config step alone reads a stack config the test wrote (config_stacks).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from config_edits import Edit
from config_edits import set_key as _set
from config_stacks import edited, load, refused

from config.declare import declaration
from config.integrations import DESTINATION_NAME_MAX, MAX_DEPLOYMENT_MINUTES, EventSettings, IntegrationsSettings, RolloutStrategy
from config.reader import Section
from config.reading import read

SECRET = {"secure": "v1:c2VjcmV0"}
CRM = "integrations.destinations.crm"


def _listener(**fields: Any) -> Edit:
    return _set(CRM, {"url": SECRET, "apiKey": SECRET, **fields})


REJECTS = [
    # (stack, edit, key named in the message, words of what is allowed)
    ("production", _listener(url="http://crm.example.com/hooks"), f"{CRM}.url", "must be an https:// URL"),
    ("production", _listener(url="crm.example.com/hooks"), f"{CRM}.url", "must be an https:// URL"),
    ("production", _set("integrations.featureFlags.strategy.growthFactor", 120), "strategy.growthFactor", "between 1 and 100"),
    (
        "production",
        _set("integrations.featureFlags.strategy.finalBakeTimeMinutes", 0),
        "strategy.finalBakeTimeMinutes",
        "(environment: production)",
    ),
    ("production", _set("integrations.featureFlags.strategy.growthType", "STEP"), "strategy.growthType", "LINEAR"),
    (
        "production",
        _set("integrations.featureFlags.strategy.durationMinutes", MAX_DEPLOYMENT_MINUTES + 1),
        "strategy.durationMinutes",
        f"between 0 and {MAX_DEPLOYMENT_MINUTES}",
    ),
    ("production", _set("integrations.events.archiveRetentionDays", 0), "events.archiveRetentionDays", "between 1 and 3650"),
    ("production", _set("integrations.events.alarmTopicDetailTypes", ["Deployed"]), "alarmTopicDetailTypes", "Deployment Failed"),
    ("production", _listener(detailTypes=["Deploy Started"]), f"{CRM}.detailTypes", "Deployment Started"),
    ("production", _listener(invocationsPerSecond=0), f"{CRM}.invocationsPerSecond", "between 1 and 300"),
    (
        "production",
        _set("integrations.destinations.crm hub", {"url": SECRET, "apiKey": SECRET}),
        "destinations.crm hub",
        f"1-{DESTINATION_NAME_MAX} letters",
    ),
    (
        "production",
        _set("integrations.destinations." + "x" * (DESTINATION_NAME_MAX + 1), {"url": SECRET, "apiKey": SECRET}),
        "destinations." + "x" * (DESTINATION_NAME_MAX + 1),
        "at most 64 characters",
    ),
    # The engine marks the whole `integrations` object secret when any value in it is: a key in plain
    # text is caught when nothing else there is secret.
    ("production", _set(CRM, {"url": "https://crm.example.com/hooks", "apiKey": "plain-key"}), f"{CRM}.apiKey", "must be a secret"),
    ("production", _listener(token=SECRET), f"{CRM}.token", "unknown"),
]


@pytest.mark.parametrize(("stack", "edit", "key", "allowed"), REJECTS, ids=[f"{r[2]}-{i}" for i, r in enumerate(REJECTS)])
def test_a_bad_value_is_refused_in_one_line(tmp_path: Path, stack: str, edit: Edit, key: str, allowed: str) -> None:
    message = refused(edited(stack, edit), tmp_path)
    assert key in message and allowed in message, message


def test_a_secret_listener_and_a_quick_staging_rollout_are_accepted(tmp_path: Path) -> None:
    settings = load(edited("production", _listener(), _set("integrations.featureFlags.strategy.growthType", "EXPONENTIAL")), tmp_path)
    (crm,) = settings.integrations.destinations
    assert (crm.name, crm.header_name, crm.invocations_per_second) == ("crm", "Authorization", 1)
    assert settings.integrations.feature_flags.strategy.growth_type == "EXPONENTIAL"
    staging = load(edited("staging", _set("integrations.featureFlags.strategy.finalBakeTimeMinutes", 0)), tmp_path)
    assert staging.integrations.feature_flags.strategy.final_bake_time_minutes == 0


def test_a_destination_keeps_its_name_as_written() -> None:
    listener = {"url": "https://status.example.test/hooks", "apiKey": "k"}
    section = Section("email-platform:integrations", {"destinations": {"status.page": listener}})
    settings = read(IntegrationsSettings, section, production=True, secret_keys=frozenset({"email-platform:integrations"}))
    assert [d.name for d in settings.destinations] == ["status.page"]


def _default(cls: type, field: str, production: bool) -> Any:
    return declaration(cls, field).default.pick(production)  # type: ignore[union-attr]


def test_defaults_keep_a_year_of_events_and_watch_ten_minutes_in_production(tmp_path: Path) -> None:
    production = load(edited("production"), tmp_path).integrations
    assert production.events.archive_retention_days == _default(EventSettings, "archive_retention_days", True) == 365
    assert production.feature_flags.strategy.final_bake_time_minutes == _default(RolloutStrategy, "final_bake_time_minutes", True) == 10
    assert production.events.alarm_topic_detail_types == ["Deployment Failed", "Rolled Back"]
    staging = load(edited("staging"), tmp_path).integrations
    assert (staging.events.archive_retention_days, staging.feature_flags.strategy.final_bake_time_minutes) == (30, 0)
