"""Backup, snapshot and maintenance windows in UTC, as RDS and ElastiCache write them.

A daily window is ``hh:mm-hh:mm``, a weekly one ``ddd:hh:mm-ddd:hh:mm``; either may cross
midnight (or the end of the week). AWS refuses a daily window that meets the weekly one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from config.declare import Key, string
from config.reader import ConfigError, Section

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


@dataclass(frozen=True)
class DailyWindow:
    key: Key[str]
    minimum_minutes: int

    def read(self, section: Section) -> tuple[str, Span]:
        """The window as written and its (start, end) minute of the day."""
        text = self.key.read(section)
        h1, m1, h2, m2 = (int(x) for x in re.fullmatch(_DAILY, text).groups())  # type: ignore[union-attr]
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if (end - start) % _DAY_MINUTES < self.minimum_minutes:
            raise ConfigError(section.key(self.key.name), text, f"must last at least {self.minimum_minutes} minutes")
        return text, (start, end)


@dataclass(frozen=True)
class WeeklyWindow:
    key: Key[str]
    minimum_minutes: int = MIN_WEEKLY_MINUTES

    def read(self, section: Section) -> tuple[str, Span]:
        """The window as written and its (start, end) minute of the week."""
        text = self.key.read(section)
        d1, h1, m1, d2, h2, m2 = re.fullmatch(_WEEKLY, text).groups()  # type: ignore[union-attr]
        start = _DAYS.index(d1) * _DAY_MINUTES + int(h1) * 60 + int(m1)
        end = _DAYS.index(d2) * _DAY_MINUTES + int(h2) * 60 + int(m2)
        if (end - start) % _WEEK_MINUTES < self.minimum_minutes:
            raise ConfigError(section.key(self.key.name), text, f"must last at least {self.minimum_minutes} minutes")
        return text, (start, end)


def daily_window(name: str, description: str, default: str, *, minimum_minutes: int) -> DailyWindow:
    return DailyWindow(
        string(
            name,
            description,
            default=default,
            pattern=_DAILY,
            meaning="must be hh:mm-hh:mm in UTC, e.g. 03:00-04:00",
            rule=f"at least {minimum_minutes} minutes",
        ),
        minimum_minutes,
    )


def weekly_window(name: str, description: str, default: str, *, apart_from: str, minimum_minutes: int = MIN_WEEKLY_MINUTES) -> WeeklyWindow:
    return WeeklyWindow(
        string(
            name,
            description,
            default=default,
            pattern=_WEEKLY,
            meaning="must be ddd:hh:mm-ddd:hh:mm in UTC, e.g. sun:05:00-sun:06:00",
            rule=f"at least {minimum_minutes} minutes; must not overlap `{apart_from}`",
        ),
        minimum_minutes,
    )


def _minutes(start: int, end: int, period: int) -> set[int]:
    return {(start + i) % period for i in range((end - start) % period)}


def windows_overlap(daily: Span, weekly: Span) -> bool:
    """Whether a daily window meets a weekly one on any day (AWS refuses overlapping windows)."""
    day_minutes = _minutes(*daily, _DAY_MINUTES)
    return any(minute % _DAY_MINUTES in day_minutes for minute in _minutes(*weekly, _WEEK_MINUTES))
