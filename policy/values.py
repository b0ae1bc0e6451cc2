"""Seeing values: what the engine (or a plan document) hands a policy, as plain data.

The engine hands policies proxies that raise on any unknown value, and serialized state marks
secrets with a signature object; `normalize` reads through both once, so every policy sees plain
dicts and lists with `UNKNOWN` and `SECRET` in their place. The small readers below treat those two
as "present, compliant": a policy never trips on a value it cannot see.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
)

from documents.reader import SECRET, SECRET_SIG


class _Unknown:
    """A value the engine does not know yet (preview). Compliant wherever it appears."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()

_UNKNOWN_SENTINELS = frozenset(
    {
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_STRING_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_OBJECT_VALUE,
    }
)
# How the engine marks a secret inside serialized state (`pulumi preview --json`, stack exports):
# the signature key (documents/reader.py) holding the SDK's `rpc._special_secret_sig`.
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def _raw(container: Any) -> Any:
    """The plain container behind a pulumi_policy unknown-checking proxy (or the container itself)."""
    try:
        return container["__target"]
    except (KeyError, TypeError, IndexError):
        return container


# How preflight's recording mocks write a value they do not know.
_PLAN_UNKNOWN = "[unknown]"


def normalize(value: Any) -> Any:
    """Plain dicts and lists with `UNKNOWN` for unknowns and `"[secret]"` for serialized secrets.

    The engine hands policies proxies that raise on any unknown value; reading through them here,
    once, lets every policy treat an unknown as "present, compliant" instead of failing the preview.
    """
    if isinstance(value, str):
        return UNKNOWN if value in _UNKNOWN_SENTINELS or value == _PLAN_UNKNOWN else value
    if isinstance(value, Mapping):
        inner = _raw(value)
        if inner.get(SECRET_SIG) == _SECRET_SIG:
            return SECRET
        return {str(key): normalize(inner[key]) for key in inner}
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        inner = _raw(value)
        return [normalize(item) for item in inner]
    return value


def get(props: Any, path: str) -> Any:
    """`props["a"]["b"]`, written `"a.b"`; None when absent, UNKNOWN when any step is unknown."""
    current = props
    for part in path.split("."):
        if current is UNKNOWN:
            return UNKNOWN
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current


def is_true(value: Any) -> bool:
    """True, `"true"` (launch templates take strings) or unknown."""
    return value is UNKNOWN or value is True or (isinstance(value, str) and value.lower() == "true")


def is_set(value: Any) -> bool:
    """A value is there (secrets and unknowns included)."""
    return value is UNKNOWN or (value is not None and value != "" and value != [] and value != {})


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def at_least(value: Any, minimum: float) -> bool:
    if value is UNKNOWN:
        return True
    parsed = number(value)
    return parsed is not None and parsed >= minimum
