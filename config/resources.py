"""Each pod's Kubernetes resources: requests and limits as Kubernetes quantities, compared in their units."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from config.declare import Check, quantity, section
from config.reader import ConfigError
from config.reading import At

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


def _cpu(description: str, default: str, *checks: Check) -> Any:
    return quantity(description, default=default, pattern=_CPU.pattern, meaning=_CPU_MEANING, checks=checks)


def _memory(description: str, default: str, *checks: Check) -> Any:
    return quantity(description, default=default, pattern=_MEMORY.pattern, meaning=_MEMORY_MEANING, checks=checks)


def _cpu_request(cpu: str, at: At) -> None:
    """more than 0, at most `limits.cpu`"""
    if cpu_millicores(at.key, cpu) <= 0:
        raise at.refuse(cpu, "must be more than zero (the HPA's CPU target is a share of it)")
    limit = at.reading.parent["limits"].cpu
    if cpu_millicores(at.key, cpu) > cpu_millicores(at.key, limit):
        raise at.refuse(cpu, f"must not exceed limits.cpu ({limit})")


def _memory_request(memory: str, at: At) -> None:
    """more than 0, at most `limits.memory`"""
    if memory_bytes(at.key, memory) <= 0:
        raise at.refuse(memory, "must be more than zero (the HPA's memory target is a share of it)")
    limit = at.reading.parent["limits"].memory
    if memory_bytes(at.key, memory) > memory_bytes(at.key, limit):
        raise at.refuse(memory, f"must not exceed limits.memory ({limit})")


@dataclass(frozen=True)
class Requests:
    """What the scheduler reserves per pod (Kubernetes quantities as written, e.g. "500m", "1Gi")."""

    cpu: str = _cpu("CPU each pod requests; the autoscaler's CPU target is a share of it", "500m", _cpu_request)
    memory: str = _memory("memory each pod requests; the autoscaler's memory target is a share of it", "1Gi", _memory_request)


@dataclass(frozen=True)
class Limits:
    cpu: str = _cpu("CPU each pod may use", "2")
    memory: str = _memory("memory each pod may use", "2Gi")


@dataclass(frozen=True)
class Resources:
    """Each pod's Kubernetes resources; requests never exceed limits."""

    requests: Requests = section(Requests, "what the scheduler reserves per pod")
    limits: Limits = section(Limits, "the most a pod may use")
