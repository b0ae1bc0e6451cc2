"""SLO config: the guide's figures by default, production never looser, one clear line for a bad value;
and the canaries' whole-run budgets, derived per region and overridable within their floor and ceiling."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from config_edits import set_key
from config_stacks import edited, load, refused
from monitoring_build import ALARM, build, objectives, settings

from config.basics import Basics, Tags
from config.canaries import (
    BUDGET_CEILING_MILLISECONDS,
    BUDGET_FLOOR_MILLISECONDS,
    HEADROOM,
    NEAR_ROUND_TRIPS,
    NEAR_RTT_MILLISECONDS,
    ORIGIN_ROUND_TRIPS,
    RTT_MILLISECONDS,
    RUN_OVERHEAD_MILLISECONDS,
    derived_budget_milliseconds,
    distance,
)
from config.reader import ConfigError, Section
from config.slo import (
    GUIDE_AVAILABILITY_PERCENT,
    GUIDE_AVERAGE_MILLISECONDS,
    GUIDE_DELIVERY_PERCENT,
    MAX_OBJECTIVE_PERCENT,
    SloSettings,
    parse_slo,
)
from preflight.recorder import RecordingMonitor

KEY = "email-platform:slo"


def _parse(environment: str, raw: dict[str, Any]) -> SloSettings:
    basics = Basics(environment, "us-east-1", "mail.example.com", Tags("o", "c", {}))  # type: ignore[arg-type]
    return parse_slo(Section(KEY, raw), basics)


def test_the_defaults_are_the_guides_figures_over_30_days() -> None:
    slo = _parse("production", {})
    assert slo.window_days == 30
    assert slo.availability.percent == GUIDE_AVAILABILITY_PERCENT
    assert slo.latency.average_milliseconds == GUIDE_AVERAGE_MILLISECONDS
    assert slo.latency.threshold_milliseconds == slo.latency.average_milliseconds, "fast means within the average's figure"
    assert slo.delivery.percent == GUIDE_DELIVERY_PERCENT
    assert math.isclose(slo.availability.budget, 1 - GUIDE_AVAILABILITY_PERCENT / 100)


LOOSER = [
    ({"availability": {"objectivePercent": 99.5}}, "slo.availability.objectivePercent", f"between {GUIDE_AVAILABILITY_PERCENT}"),
    ({"delivery": {"objectivePercent": 98}}, "slo.delivery.objectivePercent", f"between {GUIDE_DELIVERY_PERCENT}"),
    ({"latency": {"averageMilliseconds": 250}}, "slo.latency.averageMilliseconds", f"and {GUIDE_AVERAGE_MILLISECONDS}"),
]


@pytest.mark.parametrize(("raw", "key", "allowed"), LOOSER)
def test_production_cannot_promise_less_than_the_guide_and_staging_may(raw: dict[str, Any], key: str, allowed: str) -> None:
    with pytest.raises(ConfigError) as raised:
        _parse("production", raw)
    message = str(raised.value)
    assert message.startswith(f"invalid stack config: email-platform:{key} = ") and allowed in message
    assert "\n" not in message
    _parse("staging", raw)


@pytest.mark.parametrize(
    ("raw", "key", "allowed"),
    [
        ({"availability": {"objectivePercent": 100}}, "slo.availability.objectivePercent", f"and {MAX_OBJECTIVE_PERCENT}"),
        ({"windowDays": 90}, "slo.windowDays", "between 1 and 63"),
        ({"latency": {"objectivePercent": 20}}, "slo.latency.objectivePercent", "between 50"),
        ({"tickets": {"emails": ["tickets"]}}, "slo.tickets.emails[0]", "email address"),
        ({"tickets": {"webhooks": ["http://desk.example.com"]}}, "slo.tickets.webhooks[0]", "https:// URL"),
        ({"availabilty": {}}, "slo.availabilty", "did you mean 'availability'"),
    ],
)
def test_a_bad_slo_value_is_one_line(raw: dict[str, Any], key: str, allowed: str) -> None:
    with pytest.raises(ConfigError) as raised:
        _parse("staging", raw)
    assert str(raised.value).startswith(f"invalid stack config: email-platform:{key}") and allowed in str(raised.value)


def test_the_whole_loader_refuses_a_looser_production_objective(tmp_path: Path) -> None:
    looser = set_key("slo.availability.objectivePercent", 99.0)
    assert refused(edited("production", looser), tmp_path).startswith(
        "invalid stack config: email-platform:slo.availability.objectivePercent = 99.0: "
    )
    assert load(edited("staging", looser), tmp_path).slo.availability.percent == 99.0


# ── the canaries' whole-run budgets ──────────────────────────────────────────────────────────


@pytest.mark.parametrize(("canary", "stack"), [("us-east-1", "us-east-1"), ("us-west-2", "us-east-1"), ("ap-southeast-2", "eu-west-1")])
def test_a_canarys_budget_adds_up_its_runs_steps_for_its_distance(canary: str, stack: str) -> None:
    rtt = RTT_MILLISECONDS[distance(canary, stack)]
    run = RUN_OVERHEAD_MILLISECONDS + NEAR_ROUND_TRIPS * NEAR_RTT_MILLISECONDS + ORIGIN_ROUND_TRIPS * rtt + GUIDE_AVERAGE_MILLISECONDS
    expected = min(max(math.ceil(run * HEADROOM / 100) * 100, BUDGET_FLOOR_MILLISECONDS), BUDGET_CEILING_MILLISECONDS)
    assert derived_budget_milliseconds(canary, stack) == expected
    assert derived_budget_milliseconds(canary, stack) > GUIDE_AVERAGE_MILLISECONDS, "a whole run is never the server's time"
    assert distance("us-east-1", "us-east-1") == "same region" and distance("us-west-2", "us-east-1") == "same area"
    assert distance("ap-southeast-2", "eu-west-1") == "elsewhere"


def test_no_canary_alarm_holds_a_run_to_the_servers_figure(pulumi_mocks: RecordingMonitor) -> None:
    """Every Duration alarm's threshold is its region's whole-run budget, never the latency objective."""
    regions = ["us-east-1", "us-west-2", "ap-southeast-2"]
    slo = objectives()
    built = build(pulumi_mocks, settings(canaryRegions=regions), slo=slo)
    durations = [a for a in built.of_type(ALARM) if a.inputs.get("metricName") == "Duration"]
    assert len(durations) == len(regions)
    average = slo.latency.average_milliseconds
    for alarm in durations:
        assert alarm.inputs["threshold"] not in (average, average / 1000), alarm.name
        assert BUDGET_FLOOR_MILLISECONDS <= alarm.inputs["threshold"] <= BUDGET_CEILING_MILLISECONDS, alarm.name
