"""A small evaluator of the CloudWatch alarm semantics the SLO alarms use, run on synthetic metric data.

It reads alarm definitions as the program registered them (a MetricAlarm's `metricQueries`,
`comparisonOperator`, `threshold`, `evaluationPeriods`, `datapointsToAlarm`, `treatMissingData`;
a CompositeAlarm's `alarmRule`) and decides each alarm's state at a given minute. Only the subset
the SLO alarms use is implemented, each part as CloudWatch documents it:

- statistics over a period (CloudWatch User Guide, "CloudWatch statistics definitions"): Sum,
  Average, SampleCount, and percentile rank `PR(:t)` / `PR(a:b)`, "the percentage of values that
  meet a fixed threshold", lower bound exclusive, upper bound inclusive; a period without samples
  has no data point;
- metric math ("Using metric math", Basic arithmetic functions): + - * / between numbers and time
  series; "Missing values in a time series are treated as 0"; "If the value of a data point causes
  a function to attempt to divide by zero, the data point is dropped";
- evaluation ("Alarm evaluation window"): the default sliding window of `period` x
  `evaluationPeriods` ending at the evaluation time; ALARM when at least `datapointsToAlarm` of
  those data points breach; `treatMissingData` notBreaching / breaching for periods without a point;
- composite rules: `ALARM("name")` joined by AND / OR.

Anything else (other statistics, functions, `missing`/`ignore` with no data at all) raises, so a
definition outside the subset cannot pass a test by being misread.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# (namespace, metric name, dimensions as a sorted tuple of pairs) → minute → raw samples published that minute.
MetricKey = tuple[str, str, tuple[tuple[str, str], ...]]
Data = Mapping[MetricKey, Mapping[int, Sequence[float]]]
Series = dict[int, float]  # period start (minute) → value
Value = float | Series

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "GreaterThanThreshold": lambda v, t: v > t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}


def metric_key(namespace: str, name: str, dimensions: Mapping[str, str]) -> MetricKey:
    return namespace, name, tuple(sorted(dimensions.items()))


def statistic(stat: str, samples: Sequence[float]) -> float | None:
    if not samples:
        return None
    if stat == "Sum":
        return float(sum(samples))
    if stat == "Average":
        return sum(samples) / len(samples)
    if stat == "SampleCount":
        return float(len(samples))
    found = re.fullmatch(r"PR\(([0-9.]*):([0-9.]*)\)", stat)
    if found:
        low = float(found.group(1)) if found.group(1) else float("-inf")
        high = float(found.group(2)) if found.group(2) else float("inf")
        return 100.0 * sum(1 for v in samples if low < v <= high) / len(samples)
    raise NotImplementedError(f"statistic {stat!r} is outside the evaluated subset")


# ── metric math: a recursive-descent parser of + - * / ( ), numbers and query ids ──────────────

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|([a-z][A-Za-z0-9_]*)|(.))")


def _tokens(expression: str) -> list[str]:
    tokens = []
    for number, name, other in _TOKEN.findall(expression):
        token = number or name or other
        if token.strip():
            tokens.append(token)
    return tokens


def _combine(a: Value, b: Value, op: str) -> Value:
    def apply(x: float, y: float) -> float | None:
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        return None if y == 0 else x / y  # dropped, as CloudWatch drops a division by zero

    if isinstance(a, dict) or isinstance(b, dict):
        sa = a if isinstance(a, dict) else None
        sb = b if isinstance(b, dict) else None
        stamps = set(sa or {}) | set(sb or {})
        out: Series = {}
        for stamp in stamps:
            x = sa.get(stamp, 0.0) if sa is not None else float(a)  # type: ignore[arg-type]
            y = sb.get(stamp, 0.0) if sb is not None else float(b)  # type: ignore[arg-type]
            result = apply(x, y)
            if result is not None:
                out[stamp] = result
        return out
    result = apply(float(a), float(b))
    if result is None:
        raise ZeroDivisionError("scalar division by zero")
    return result


def evaluate_expression(expression: str, variables: Mapping[str, Series]) -> Value:
    tokens = _tokens(expression)
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        token = tokens[position]
        position += 1
        return token

    def atom() -> Value:
        token = take()
        if token == "(":
            value = additive()
            if take() != ")":
                raise ValueError(f"unbalanced parentheses in {expression!r}")
            return value
        if token == "-":
            return _combine(0.0, atom(), "-")
        if re.fullmatch(r"\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", token):
            return float(token)
        if token in variables:
            return dict(variables[token])
        raise NotImplementedError(f"{token!r} in {expression!r} is outside the evaluated subset")

    def multiplicative() -> Value:
        value = atom()
        while peek() in ("*", "/"):
            op = take()
            value = _combine(value, atom(), op)
        return value

    def additive() -> Value:
        value = multiplicative()
        while peek() in ("+", "-"):
            op = take()
            value = _combine(value, multiplicative(), op)
        return value

    result = additive()
    if position != len(tokens):
        raise ValueError(f"unparsed tail in {expression!r}: {tokens[position:]}")
    return result


# ── alarms ─────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class MetricAlarmDefinition:
    name: str
    queries: tuple[Mapping[str, Any], ...]
    comparison: str
    threshold: float
    evaluation_periods: int
    datapoints_to_alarm: int
    treat_missing: str

    @classmethod
    def from_inputs(cls, inputs: Mapping[str, Any]) -> MetricAlarmDefinition:
        periods = int(inputs["evaluationPeriods"])
        return cls(
            name=str(inputs["name"]),
            queries=tuple(inputs["metricQueries"]),
            comparison=str(inputs["comparisonOperator"]),
            threshold=float(inputs["threshold"]),
            evaluation_periods=periods,
            datapoints_to_alarm=int(inputs.get("datapointsToAlarm") or periods),
            treat_missing=str(inputs.get("treatMissingData") or "missing"),
        )

    @property
    def period_minutes(self) -> int:
        periods = {int(q["metric"]["period"]) for q in self.queries if q.get("metric")}
        if len(periods) != 1:
            raise NotImplementedError(f"{self.name}: queries with different periods are outside the evaluated subset")
        (seconds,) = periods
        if seconds % 60:
            raise NotImplementedError(f"{self.name}: sub-minute periods are outside the evaluated subset")
        return seconds // 60

    def datapoints(self, data: Data, minute: int) -> list[float | None]:
        """The evaluation window's data points, newest first, for an evaluation at `minute` (exclusive)."""
        span = self.period_minutes
        values: list[float | None] = []
        for k in range(1, self.evaluation_periods + 1):
            start = minute - k * span
            variables: dict[str, Series] = {}
            for query in self.queries:
                metric = query.get("metric")
                if not metric:
                    continue
                key = metric_key(metric["namespace"], metric["metricName"], metric.get("dimensions") or {})
                samples = [v for m in range(start, start + span) for v in data.get(key, {}).get(m, ())]
                point = statistic(metric["stat"], samples)
                variables[query["id"]] = {} if point is None else {start: point}
            (returned,) = [q for q in self.queries if q.get("returnData")]
            if returned.get("metric"):
                result: Value = variables[returned["id"]]
            else:
                result = evaluate_expression(returned["expression"], variables)
            if not isinstance(result, dict):
                raise NotImplementedError(f"{self.name}: a scalar result is outside the evaluated subset")
            values.append(result.get(start))
        return values

    def state(self, data: Data, minute: int) -> str:
        compare = _COMPARE[self.comparison]
        points = self.datapoints(data, minute)
        if all(p is None for p in points) and self.treat_missing not in ("notBreaching", "breaching"):
            raise NotImplementedError(f"{self.name}: treatMissingData {self.treat_missing!r} without data is outside the subset")
        breaching = 0
        for point in points:
            if point is None:
                breaching += self.treat_missing == "breaching"
            else:
                breaching += compare(point, self.threshold)
        return "ALARM" if breaching >= self.datapoints_to_alarm else "OK"


def composite_state(rule: str, states: Mapping[str, str]) -> str:
    """`ALARM("a") AND ALARM("b")` or `... OR ...` (not both in one rule: outside the subset)."""
    names = re.findall(r'ALARM\("([^"]+)"\)', rule)
    joiners = set(re.findall(r"\)\s+(AND|OR)\s+ALARM", rule))
    if len(joiners) > 1 or re.sub(r'ALARM\("[^"]+"\)|\s+(AND|OR)\s+', "", rule).strip():
        raise NotImplementedError(f"rule {rule!r} is outside the evaluated subset")
    hits = [states[name] == "ALARM" for name in names]
    fired = all(hits) if joiners == {"AND"} or len(names) == 1 else any(hits)
    return "ALARM" if fired else "OK"


def states_at(alarms: Iterable[MetricAlarmDefinition], data: Data, minute: int) -> dict[str, str]:
    return {alarm.name: alarm.state(data, minute) for alarm in alarms}
