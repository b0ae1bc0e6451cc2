"""Redis settings (filled in by the issue that builds components/redis)."""

from __future__ import annotations

from dataclasses import dataclass

from config.basics import Basics
from config.reader import Section


@dataclass(frozen=True)
class RedisSettings:
    """No settings yet: every key under this section is refused as unknown."""


def parse_redis(section: Section, basics: Basics) -> RedisSettings:
    section.finish()
    return RedisSettings()
