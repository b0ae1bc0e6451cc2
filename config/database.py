"""Database settings (filled in by the issue that builds components/database)."""

from __future__ import annotations

from dataclasses import dataclass

from config.basics import Basics
from config.reader import Section


@dataclass(frozen=True)
class DatabaseSettings:
    """No settings yet: every key under this section is refused as unknown."""


def parse_database(section: Section, basics: Basics) -> DatabaseSettings:
    section.finish()
    return DatabaseSettings()
