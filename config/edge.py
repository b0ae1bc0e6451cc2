"""Edge settings (filled in by the issue that builds components/edge)."""

from __future__ import annotations

from dataclasses import dataclass

from config.basics import Basics
from config.reader import Section


@dataclass(frozen=True)
class EdgeSettings:
    """No settings yet: every key under this section is refused as unknown."""


def parse_edge(section: Section, basics: Basics) -> EdgeSettings:
    section.finish()
    return EdgeSettings()
