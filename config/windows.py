"""Backup, snapshot and maintenance windows in UTC, as RDS and ElastiCache write them.

A daily window is ``hh:mm-hh:mm``, a weekly one ``ddd:hh:mm-ddd:hh:mm``; either may cross
midnight (or the end of the week). AWS refuses a daily window that meets the weekly one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from config.declare import Check, camel, rule, string
from config.reading import At

_DAILY = r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)"
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKLY = r"(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)"
_DAY_MINUTES = 24 * 60
_WEEK_MINUTES = 7 * _DAY_MINUTES
# The shortest maintenance window RDS accepts (botocore's rds model, CreateDBCluster
# PreferredMaintenanceWindow: "Must be at least 30 minutes"); ElastiCache wants 60 (its
# CreateReplicationGroup PreferredMaintenanceWindow: "The minimum maintenance window is a
# 60 minute period"), so each weekly window names its own minimum.
MIN_WEEKLY_MINUTES = 30

Span = tuple[int, int]  # start and end minute of the day (daily) or of the week from Monday 00:00 (weekly)


def daily_span(text: str) -> Span:
    """A daily window's (start, end) minute of the day."""
    h1, m1, h2, m2 = (int(x) for x in re.fullmatch(_DAILY, text).groups())  # type: ignore[union-attr]
    return h1 * 60 + m1, h2 * 60 + m2


def weekly_span(text: str) -> Span:
    """A weekly window's (start, end) minute of the week."""
    d1, h1, m1, d2, h2, m2 = re.fullmatch(_WEEKLY, text).groups()  # type: ignore[union-attr]
    return _DAYS.index(d1) * _DAY_MINUTES + int(h1) * 60 + int(m1), _DAYS.index(d2) * _DAY_MINUTES + int(h2) * 60 + int(m2)


def _lasting(minimum_minutes: int, span: Callable[[str], Span], period: int) -> Check:
    @rule(f"at least {minimum_minutes} minutes")
    def lasting(text: str, at: At) -> None:
        start, end = span(text)
        if (end - start) % period < minimum_minutes:
            raise at.refuse(text, f"must last at least {minimum_minutes} minutes")

    return lasting


def daily_window(description: str, default: str, *, minimum_minutes: int) -> Any:
    return string(
        description,
        default=default,
        pattern=_DAILY,
        meaning="must be hh:mm-hh:mm in UTC, e.g. 03:00-04:00",
        checks=(_lasting(minimum_minutes, daily_span, _DAY_MINUTES),),
    )


def weekly_window(description: str, default: str, *, apart_from: str, minimum_minutes: int = MIN_WEEKLY_MINUTES) -> Any:
    """A weekly window that must not meet the daily window of the field ``apart_from`` (AWS refuses that)."""
    what = apart_from.replace("_", " ")

    @rule(f"must not overlap `{camel(apart_from)}`")
    def apart(text: str, at: At) -> None:
        daily = at.reading[apart_from]
        if windows_overlap(daily_span(daily), weekly_span(text)):
            raise at.refuse(text, f"overlaps the {what} ({camel(apart_from)}: {daily})")

    return string(
        description,
        default=default,
        pattern=_WEEKLY,
        meaning="must be ddd:hh:mm-ddd:hh:mm in UTC, e.g. sun:05:00-sun:06:00",
        checks=(_lasting(minimum_minutes, weekly_span, _WEEK_MINUTES), apart),
    )


def _minutes(start: int, end: int, period: int) -> set[int]:
    return {(start + i) % period for i in range((end - start) % period)}


def windows_overlap(daily: Span, weekly: Span) -> bool:
    """Whether a daily window meets a weekly one on any day (AWS refuses overlapping windows)."""
    day_minutes = _minutes(*daily, _DAY_MINUTES)
    return any(minute % _DAY_MINUTES in day_minutes for minute in _minutes(*weekly, _WEEK_MINUTES))
