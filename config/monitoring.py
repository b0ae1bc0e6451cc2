"""Monitoring settings (filled in by the issue that builds components/monitoring)."""

from __future__ import annotations

from dataclasses import dataclass

from config.basics import Basics
from config.reader import Section


@dataclass(frozen=True)
class MonitoringSettings:
    """No settings yet: every key under this section is refused as unknown."""


def parse_monitoring(section: Section, basics: Basics) -> MonitoringSettings:
    section.finish()
    return MonitoringSettings()
