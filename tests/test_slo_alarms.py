"""The SLO burn-rate alarms, evaluated: synthetic traffic through the alarm definitions the program registered.

The Monitoring component is built under the mocks; tests/alarm_evaluator.py reads each registered
MetricAlarm and CompositeAlarm (queries, period, evaluation periods, data points to alarm, missing
data, threshold, comparison; the composite's rule) and decides its state minute by minute on
per-minute data made here. Nothing below restates an expression or a threshold: a change to the
alarms that stops them firing on a 14.4x burn, or makes a blip page, fails here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import botocore.session
import pytest
from alarm_evaluator import Data, MetricAlarmDefinition, composite_state, metric_key, states_at
from monitoring_build import ALARM, ALB, DISTRIBUTION, Built, build, objectives

from components.monitoring.burn_rates import BURN_ALERTS, FAST, SLOW, TICKET
from config import app_metrics
from preflight.recorder import RecordingMonitor
from pricing import price_resources
from pricing.catalogue import find_price

COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
SERIES = ("availability", "availability-edge", "latency", "delivery")
DAY = 24 * 60
PER_MINUTE = 1000.0  # requests (or emails) a minute
LATENCY_SAMPLES = 50  # response times sampled each minute
# Burn rates a hair past a threshold, so float rounding cannot decide a test.
OVER = 1.001


def _build(monitor: RecordingMonitor, region: str = "us-east-1") -> tuple[dict[str, MetricAlarmDefinition], dict[str, str], Built]:
    built = build(monitor, region=region)
    definitions = {a.inputs["name"]: MetricAlarmDefinition.from_inputs(a.inputs) for a in built.of_type(ALARM) if "-slo-" in a.name}
    rules = {c.inputs["alarmName"]: c.inputs["alarmRule"] for c in built.of_type(COMPOSITE) if "-slo-" in c.name}
    return definitions, rules, built


class Slo:
    """One series' alarms as registered, found by the program's naming (`<prefix>-slo-<series>-<alert>-…`)."""

    def __init__(self, series: str, definitions: dict[str, MetricAlarmDefinition], rules: dict[str, str]) -> None:
        self.windows = {name: d for name, d in definitions.items() if re.search(rf"-slo-{re.escape(series)}-(fast|slow|ticket)-", name)}
        self.rules = {name: r for name, r in rules.items() if re.search(rf"-slo-{re.escape(series)}-(fast|slow)-burn$", name)}
        assert self.windows and self.rules, series

    def composite(self, alert: str, data: Data, minute: int) -> str:
        (rule,) = [r for name, r in self.rules.items() if name.endswith(f"-{alert}-burn")]
        return composite_state(rule, states_at(self.windows.values(), data, minute))

    def window(self, alert: str, label: str, data: Data, minute: int) -> str:
        (definition,) = [d for name, d in self.windows.items() if name.endswith(f"-{alert}-{label}")]
        return definition.state(data, minute)

    def ticket(self, data: Data, minute: int) -> str:
        return self.window(TICKET.name, TICKET.long.label, data, minute)


# ── synthetic traffic: the share of bad events per minute, as each series' metrics publish it ──────


Burn = Callable[[int], float]  # minute → burn rate (1 = exactly the budget's pace)


def share(budget: float, burn: float) -> float:
    """The share of a minute's events that are bad at this burn rate (all of them at most)."""
    return min(1.0, budget * burn)


def availability_data(burn: Burn, minutes: int) -> Data:
    """The load balancer's per-minute counts: requests, and target 5xx only in minutes that had some (as ALB publishes)."""
    budget = objectives().availability.budget
    lb = {"LoadBalancer": ALB}
    requests = {m: [PER_MINUTE] for m in range(minutes)}
    errors = {m: [PER_MINUTE * share(budget, burn(m))] for m in range(minutes) if burn(m) > 0}
    return {
        metric_key("AWS/ApplicationELB", "RequestCount", lb): requests,
        metric_key("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", lb): errors,
    }


def edge_data(burn: Burn, minutes: int) -> Data:
    """CloudFront's per-minute 5xx rate (percent of viewer requests)."""
    budget = objectives().availability.budget
    dims = {"DistributionId": DISTRIBUTION, "Region": "Global"}
    return {metric_key("AWS/CloudFront", "5xxErrorRate", dims): {m: [100 * share(budget, burn(m))] for m in range(minutes)}}


def latency_data(burn: Burn, minutes: int) -> Data:
    """Each minute's response times: a share `budget x burn` of them slower than the threshold (whole requests, rounded up)."""
    slo = objectives().latency
    fast, slow = slo.threshold_milliseconds / 2000, slo.threshold_milliseconds / 500
    samples = {}
    for m in range(minutes):
        slow_count = math.ceil(LATENCY_SAMPLES * share(slo.within.budget, burn(m)))
        samples[m] = [slow] * slow_count + [fast] * (LATENCY_SAMPLES - slow_count)
    return {metric_key("AWS/ApplicationELB", "TargetResponseTime", {"LoadBalancer": ALB}): samples}


def delivery_data(burn: Burn, minutes: int) -> Data:
    budget = objectives().delivery.budget
    dims = {app_metrics.ENVIRONMENT_DIMENSION: "production"}
    return {
        metric_key(app_metrics.NAMESPACE, app_metrics.ATTEMPTED, dims): {m: [PER_MINUTE] for m in range(minutes)},
        metric_key(app_metrics.NAMESPACE, app_metrics.DELIVERED, dims): {
            m: [PER_MINUTE * (1 - share(budget, burn(m)))] for m in range(minutes)
        },
    }


MAKERS: dict[str, Callable[[Burn, int], Data]] = {
    "availability": availability_data,
    "availability-edge": edge_data,
    "latency": latency_data,
    "delivery": delivery_data,
}


def steady(rate: float) -> Burn:
    return lambda _: rate


def burst(base: float, rate: float, start: int, length: int) -> Burn:
    return lambda m: rate if start <= m < start + length else base


_REGISTERED: list[tuple[dict[str, MetricAlarmDefinition], dict[str, str], Built]] = []


@pytest.fixture
def registered(pulumi_mocks: RecordingMonitor) -> tuple[dict[str, MetricAlarmDefinition], dict[str, str], Built]:
    """What the component registered, built once per test process (plain records, nothing live)."""
    if not _REGISTERED:
        _REGISTERED.append(_build(pulumi_mocks))
    return _REGISTERED[0]


# ── the workbook's promises, one series at a time ────────────────────────────────────────────


@pytest.mark.parametrize("series", SERIES)
def test_a_fast_burn_for_an_hour_pages_and_stops_soon_after(registered: Any, series: str) -> None:
    definitions, rules, _ = registered
    slo = Slo(series, definitions, rules)
    start, hour = 3 * 60, 60
    data = MAKERS[series](burst(0.2, FAST.factor * OVER, start, hour), start + 2 * hour)
    assert slo.composite("fast", data, start + hour - 10) == "OK", "not yet an hour of burning"
    assert slo.composite("fast", data, start + hour) == "ALARM"
    assert slo.composite("slow", data, start + hour) == "OK", "an hour at 14.4x is 2.4x over six hours"
    # Twice as hot: the hour stays over 14.4x long after the burn stops, the short window lets the page
    # reset within its 5 minutes.
    hotter = MAKERS[series](burst(0.2, 2 * FAST.factor, start, hour), start + 2 * hour)
    assert slo.composite("fast", hotter, start + hour) == "ALARM"
    assert slo.window("fast", FAST.long.label, hotter, start + hour + 5) == "ALARM"
    assert slo.composite("fast", hotter, start + hour + 5) == "OK"


@pytest.mark.parametrize("series", SERIES)
def test_a_five_minute_blip_does_not_page(registered: Any, series: str) -> None:
    definitions, rules, _ = registered
    slo = Slo(series, definitions, rules)
    # 5 minutes at 8x the fast threshold (or every request failing): the short window sees it, the hour
    # averages it away.
    start = 3 * 60
    data = MAKERS[series](burst(0.2, 8 * FAST.factor, start, 5), start + 60)
    assert slo.window("fast", FAST.short.label, data, start + 5) == "ALARM"  # type: ignore[union-attr]
    assert slo.composite("fast", data, start + 5) == "OK"
    assert slo.composite("slow", data, start + 5) == "OK"


@pytest.mark.parametrize("series", SERIES)
def test_six_hours_at_6x_pages_the_slow_burn_but_not_the_fast_one(registered: Any, series: str) -> None:
    definitions, rules, _ = registered
    slo = Slo(series, definitions, rules)
    start, six_hours = 60, 6 * 60
    data = MAKERS[series](burst(0.2, SLOW.factor * OVER * 1.05, start, six_hours), start + six_hours + 60)
    assert slo.composite("slow", data, start + six_hours) == "ALARM"
    assert slo.composite("fast", data, start + six_hours) == "OK"
    assert slo.composite("slow", data, start + six_hours - 60) == "OK", "five hours are not six"


@pytest.mark.parametrize("series", ["availability", "delivery"])
def test_three_days_at_the_budgets_pace_open_a_ticket_and_less_does_not(registered: Any, series: str) -> None:
    definitions, rules, _ = registered
    slo = Slo(series, definitions, rules)
    minutes = 3 * DAY
    assert slo.ticket(MAKERS[series](steady(TICKET.factor * OVER), minutes), minutes) == "ALARM"
    assert slo.ticket(MAKERS[series](steady(0.9), minutes), minutes) == "OK"
    # One bad day among good ones is a slow burn's business, not a ticket's: every day must burn.
    one_bad_day = MAKERS[series](burst(0.5, 2.0, 0, DAY), minutes)
    assert slo.ticket(one_bad_day, minutes) == "OK"
    assert slo.composite("fast", MAKERS[series](steady(TICKET.factor * OVER), minutes), minutes) == "OK"


@pytest.mark.parametrize("series", SERIES)
def test_no_traffic_is_not_a_breach(registered: Any, series: str) -> None:
    definitions, rules, _ = registered
    slo = Slo(series, definitions, rules)
    empty: Data = {}
    assert {slo.composite(alert, empty, 3 * DAY) for alert in ("fast", "slow")} == {"OK"}
    assert slo.ticket(empty, 3 * DAY) == "OK"


def test_every_series_has_every_window_and_the_pairs_join_with_and(registered: Any) -> None:
    definitions, rules, _ = registered
    for series in SERIES:
        slo = Slo(series, definitions, rules)
        labels = {name.rsplit("-", 2)[-2] + "-" + name.rsplit("-", 1)[-1] for name in slo.windows}
        assert labels == {f"{alert.name}-{window.label}" for alert in BURN_ALERTS for window in alert.windows}
        for name, rule in slo.rules.items():
            alert = FAST if name.endswith("-fast-burn") else SLOW
            assert composite_state(rule, {n: "ALARM" for n in slo.windows}) == "ALARM"
            for window in alert.windows:
                (only,) = [n for n in slo.windows if n.endswith(f"-{alert.name}-{window.label}")]
                assert composite_state(rule, {n: "ALARM" if n == only else "OK" for n in slo.windows}) == "OK", name


# ── what CloudWatch accepts, and who hears ─────────────────────────────────────────────────────

_CLOUDWATCH = botocore.session.get_session().get_service_model("cloudwatch")


def test_every_slo_alarm_fits_cloudwatchs_evaluation_limits(registered: Any) -> None:
    """PutMetricAlarm.Period in botocore's cloudwatch model: "Period multiplied by EvaluationPeriods can't be
    more than 604,800 seconds. For alarms with a period of less than one hour (3,600 seconds), the total
    evaluation period can't be longer than one day (86,400 seconds)"; a metric-math alarm queries at most
    10 metrics (CloudWatch User Guide, alarm limits); names fit AlarmName's length."""
    doc = _CLOUDWATCH.operation_model("PutMetricAlarm").input_shape.members["Period"].documentation
    assert "604,800 seconds" in doc and "(86,400 seconds)" in doc
    name_max = _CLOUDWATCH.operation_model("PutMetricAlarm").input_shape.members["AlarmName"].metadata["max"]
    composite_max = _CLOUDWATCH.operation_model("PutCompositeAlarm").input_shape.members["AlarmName"].metadata["max"]
    rule_max = _CLOUDWATCH.operation_model("PutCompositeAlarm").input_shape.members["AlarmRule"].metadata["max"]
    definitions, rules, _ = registered
    assert len(definitions) == len(SERIES) * 5 and len(rules) == len(SERIES) * 2
    for name, definition in definitions.items():
        period = definition.period_minutes * 60
        total = period * definition.evaluation_periods
        assert period <= 86_400 and total <= 604_800, name
        assert period >= 3_600 or total <= 86_400, name
        assert sum(1 for q in definition.queries if q.get("metric")) <= 10, name
        assert len(name) <= name_max, name
    for name, rule in rules.items():
        assert len(name) <= composite_max and len(rule) <= rule_max, name


def test_pairs_page_the_alarm_topic_and_the_ticket_goes_to_the_tickets_topic(registered: Any) -> None:
    _, _, built = registered
    topics = {t.inputs["name"]: t.outputs["arn"] for t in built.of_type("aws:sns/topic:Topic")}
    page, ticket = topics["email-platform-production-alarms"], topics["email-platform-production-slo-tickets"]
    for composite in built.of_type(COMPOSITE):
        if "-slo-" in composite.name:
            assert composite.inputs["alarmActions"] == composite.inputs["okActions"] == [page]
    for alarm in built.of_type(ALARM):
        if "-slo-" in alarm.name:
            expected = [ticket] if alarm.name.endswith(f"-{TICKET.name}-{TICKET.long.label}") else []
            assert alarm.inputs["alarmActions"] == expected, alarm.name
    # With no ticket recipients of its own, the tickets topic reaches the alarm recipients.
    subscribed = {s.inputs["endpoint"] for s in built.of_type("aws:sns/topicSubscription:TopicSubscription") if s.inputs["topic"] == ticket}
    assert subscribed == {"oncall@example.com", "[secret]"}


def test_cloudfronts_series_lives_in_us_east_1(pulumi_mocks: RecordingMonitor) -> None:
    _, _, built = _build(pulumi_mocks, region="eu-west-1")
    for resource in [*built.of_type(ALARM), *built.of_type(COMPOSITE)]:
        if "-slo-availability-edge-" in resource.name:
            assert built.is_east(resource), resource.name
        elif "-slo-" in resource.name:
            assert not built.is_east(resource), resource.name


def test_each_slo_alarm_is_priced_per_metric_it_queries_and_each_composite_as_one(registered: Any) -> None:
    """CloudWatch bills a metric-math alarm per metric in its expression and a composite alarm at its own
    price (aws.amazon.com/cloudwatch/pricing); the catalogue's entries are dated and sourced."""
    _, _, built = registered
    records = [
        {"urn": r.urn, "type": r.type, "name": r.name, "inputs": r.inputs, "parent": None}
        for r in [*built.of_type(ALARM), *built.of_type(COMPOSITE)]
        if "-slo-" in r.name
    ]
    report = price_resources(records, "us-east-1", {})
    assert report["unpriced"] == []
    standard, composite = find_price("us-east-1", "cloudwatch.alarm.standard"), find_price("us-east-1", "cloudwatch.alarm.composite")
    assert standard is not None and composite is not None
    assert "cloudwatch/pricing" in standard.source and standard.date and composite.date
    priced = {entry["urn"]: Decimal(str(entry["monthly"])) for entry in report["resources"]}
    for record in records:
        if record["type"] == ALARM:
            metrics = sum(1 for q in record["inputs"]["metricQueries"] if q.get("metric"))
            assert priced[record["urn"]] == metrics * standard.amount, record["name"]
        else:
            assert priced[record["urn"]] == composite.amount, record["name"]
