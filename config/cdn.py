"""Cdn settings (filled in by the issue that builds components/cdn)."""

from __future__ import annotations

from dataclasses import dataclass

from config.basics import Basics
from config.reader import Section


@dataclass(frozen=True)
class CdnSettings:
    """No settings yet: every key under this section is refused as unknown."""


def parse_cdn(section: Section, basics: Basics) -> CdnSettings:
    section.finish()
    return CdnSettings()
