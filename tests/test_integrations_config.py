"""Guardrails of the integrations config: each rule refuses a bad value before any resource registers, and accepts a good one."""

from __future__ import annotations

from typing import Any

import pytest
from config_edits import Edit, assert_refused_before_any_resource, both
from config_edits import set_key as _set

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
    ("production", _set("integrations.featureFlags.strategy.durationMinutes", 2000), "strategy.durationMinutes", "between 0 and 1440"),
    ("production", _set("integrations.events.archiveRetentionDays", 0), "events.archiveRetentionDays", "between 1 and 3650"),
    ("production", _set("integrations.events.alarmTopicDetailTypes", ["Deployed"]), "alarmTopicDetailTypes", "Deployment Failed"),
    ("production", _listener(detailTypes=["Deploy Started"]), f"{CRM}.detailTypes", "Deployment Started"),
    ("production", _listener(invocationsPerSecond=0), f"{CRM}.invocationsPerSecond", "between 1 and 300"),
    ("production", _set("integrations.destinations.crm hub", {"url": SECRET, "apiKey": SECRET}), "destinations.crm hub", "1-25 letters"),
    (
        "production",
        _set("integrations.destinations." + "x" * 26, {"url": SECRET, "apiKey": SECRET}),
        "destinations." + "x" * 26,
        "at most 64 characters",
    ),
    # The engine marks the whole `integrations` object secret when any value in it is: a key in plain
    # text is caught when nothing else there is secret.
    ("production", _set(CRM, {"url": "https://crm.example.com/hooks", "apiKey": "plain-key"}), f"{CRM}.apiKey", "must be a secret"),
    ("production", _listener(token=SECRET), f"{CRM}.token", "unknown"),
]


@pytest.mark.parametrize(("stack", "edit", "key", "allowed"), REJECTS, ids=[f"{r[2]}-{i}" for i, r in enumerate(REJECTS)])
def test_bad_value_stops_before_any_resource(run_stack_with: Any, stack: str, edit: Edit, key: str, allowed: str) -> None:
    assert_refused_before_any_resource(run_stack_with, stack, edit, key, allowed)


def test_a_secret_listener_and_a_quick_staging_rollout_are_accepted(load_config_with: Any) -> None:
    settings = load_config_with("production", both(_listener(), _set("integrations.featureFlags.strategy.growthType", "EXPONENTIAL")))
    (crm,) = settings.integrations.destinations
    assert (crm.name, crm.header_name, crm.invocations_per_second) == ("crm", "Authorization", 1)
    assert settings.integrations.strategy.growth_type == "EXPONENTIAL"
    staging = load_config_with("staging", _set("integrations.featureFlags.strategy.finalBakeTimeMinutes", 0))
    assert staging.integrations.strategy.final_bake_time_minutes == 0


def test_defaults_keep_a_year_of_events_and_watch_ten_minutes_in_production(load_config_with: Any) -> None:
    def bare(config: dict[str, Any]) -> None:
        config["email-platform:integrations"] = {}

    production = load_config_with("production", bare).integrations
    assert (production.archive_retention_days, production.strategy.final_bake_time_minutes) == (365, 10)
    assert production.alarm_topic_detail_types == ["Deployment Failed", "Rolled Back"]
    staging = load_config_with("staging", bare).integrations
    assert (staging.archive_retention_days, staging.strategy.final_bake_time_minutes) == (30, 0)
