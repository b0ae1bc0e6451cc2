"""One row of the mapping table (`policy/aws_api/mappings.py`), and the reasons rows of every area share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Why a property has no API member, or why the provider fills a required member in itself.
PROVIDER_ONLY = "provider-only option: it changes what the provider does, and no API call carries it"
WAITS = "the provider waits on it; no API call carries it"
NAMED = "the provider generates it from the resource name when the program leaves it out"


@dataclass(frozen=True)
class ApiMapping:
    service: str
    operation: str
    root: str = ""
    members: Mapping[str, str] = field(default_factory=dict)
    not_api: Mapping[str, str] = field(default_factory=dict)
    supplied: Mapping[str, str] = field(default_factory=dict)
