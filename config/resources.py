"""Each pod's Kubernetes resources: requests and limits as Kubernetes quantities, compared in their units."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from config.declare import Group, quantity
from config.reader import ConfigError, Section

_CPU = re.compile(r"(?P<number>\d+(?:\.\d+)?)(?P<unit>m?)")
_CPU_MEANING = 'must be a CPU quantity such as "500m" or "2"'
_MEMORY = re.compile(r"(?P<number>\d+(?:\.\d+)?)(?P<unit>Ki|Mi|Gi|Ti|k|M|G|T)?")
_MEMORY_MEANING = 'must be a memory quantity such as "512Mi" or "2Gi"'
_MEMORY_UNITS = {
    None: 1,
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
}


@dataclass(frozen=True)
class Resources:
    """Kubernetes quantities as written (e.g. "500m", "1Gi"); requests never exceed limits."""

    cpu_request: str
    memory_request: str
    cpu_limit: str
    memory_limit: str


def cpu_millicores(key: str, value: str) -> Decimal:
    match = _CPU.fullmatch(value)
    if match is None:
        raise ConfigError(key, value, _CPU_MEANING)
    number = Decimal(match["number"])
    return number if match["unit"] == "m" else number * 1000


def memory_bytes(key: str, value: str) -> Decimal:
    match = _MEMORY.fullmatch(value)
    if match is None:
        raise ConfigError(key, value, _MEMORY_MEANING)
    try:
        return Decimal(match["number"]) * _MEMORY_UNITS[match["unit"]]
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimal numbers
        raise ConfigError(key, value, "must be a memory quantity") from None


CPU_REQUEST = quantity(
    "cpu",
    "CPU each pod requests; the autoscaler's CPU target is a share of it",
    default="500m",
    pattern=_CPU.pattern,
    meaning=_CPU_MEANING,
    rule="more than 0, at most `limits.cpu`",
)
MEMORY_REQUEST = quantity(
    "memory",
    "memory each pod requests; the autoscaler's memory target is a share of it",
    default="1Gi",
    pattern=_MEMORY.pattern,
    meaning=_MEMORY_MEANING,
    rule="more than 0, at most `limits.memory`",
)
CPU_LIMIT = quantity("cpu", "CPU each pod may use", default="2", pattern=_CPU.pattern, meaning=_CPU_MEANING)
MEMORY_LIMIT = quantity("memory", "memory each pod may use", default="2Gi", pattern=_MEMORY.pattern, meaning=_MEMORY_MEANING)
REQUESTS = Group("requests", "what the scheduler reserves per pod", (CPU_REQUEST, MEMORY_REQUEST))
LIMITS = Group("limits", "the most a pod may use", (CPU_LIMIT, MEMORY_LIMIT))
RESOURCES = Group("resources", "each pod's Kubernetes resources", (REQUESTS, LIMITS))


def parse_resources(section: Section) -> Resources:
    requests = REQUESTS.open(section)
    limits = LIMITS.open(section)
    cpu_request = CPU_REQUEST.read(requests)
    memory_request = MEMORY_REQUEST.read(requests)
    cpu_limit = CPU_LIMIT.read(limits)
    memory_limit = MEMORY_LIMIT.read(limits)
    requests.finish()
    limits.finish()
    section.finish()
    if cpu_millicores(requests.key("cpu"), cpu_request) <= 0:
        raise ConfigError(requests.key("cpu"), cpu_request, "must be more than zero (the HPA's CPU target is a share of it)")
    if memory_bytes(requests.key("memory"), memory_request) <= 0:
        raise ConfigError(requests.key("memory"), memory_request, "must be more than zero (the HPA's memory target is a share of it)")
    if cpu_millicores(requests.key("cpu"), cpu_request) > cpu_millicores(limits.key("cpu"), cpu_limit):
        raise ConfigError(requests.key("cpu"), cpu_request, f"must not exceed limits.cpu ({cpu_limit})")
    if memory_bytes(requests.key("memory"), memory_request) > memory_bytes(limits.key("memory"), memory_limit):
        raise ConfigError(requests.key("memory"), memory_request, f"must not exceed limits.memory ({memory_limit})")
    return Resources(cpu_request, memory_request, cpu_limit, memory_limit)
