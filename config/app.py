"""App settings (filled in by the issue that builds components/app)."""

from __future__ import annotations

from dataclasses import dataclass

from config.basics import Basics
from config.reader import Section


@dataclass(frozen=True)
class AppSettings:
    """No settings yet: every key under this section is refused as unknown."""


def parse_app(section: Section, basics: Basics) -> AppSettings:
    section.finish()
    return AppSettings()
