"""What the API model states about one scalar value: a string's enum, length and pattern, a number's
range, a boolean; and how a value is shown in a finding."""

from __future__ import annotations

from typing import Any

from policy.aws_api.models import Shape
from policy.aws_api.patterns import matches

_SHOWN = 60  # characters of a value shown in a finding


def shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…'"


def scalar_problem(value: Any, target: Shape) -> str | None:
    """Why a scalar does not fit its shape, or None."""
    kind = target["type"]
    if kind == "string":
        return _string_problem(_as_string(value), target)
    if kind in ("integer", "long", "double", "float"):
        return _number_problem(value, target, kind)
    if kind == "boolean" and not _is_boolean(value):
        return "is not a boolean"
    return None


def _is_boolean(value: Any) -> bool:
    return isinstance(value, bool) or (isinstance(value, str) and value.lower() in ("true", "false"))


def _as_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"  # what the provider sends for an API string (attribute values)
    return value if isinstance(value, str) else str(value)


def _string_problem(text: str, target: Shape) -> str | None:
    enum = target.get("enum")
    if enum and text not in enum:
        shown = ", ".join(enum) if len(enum) <= 12 else ", ".join(enum[:12]) + f" … ({len(enum)} values)"
        return f"is not one of {shown}"
    low, high = target.get("min"), target.get("max")
    if low is not None and len(text) < low:
        return f"is {len(text)} characters; at least {low}"
    if high is not None and len(text) > high:
        return f"is {len(text)} characters; at most {high}"
    pattern = target.get("pattern")
    if pattern and not matches(pattern, text):
        return f"does not match the pattern {pattern}"
    return None


def _number_problem(value: Any, target: Shape, kind: str) -> str | None:
    number: float
    if isinstance(value, bool):
        return "is not a number"
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(str(value))
        except ValueError:
            return "is not a number"
    if kind in ("integer", "long") and not number.is_integer():
        return "is not a whole number"
    low, high = target.get("min"), target.get("max")
    if low is not None and number < low:
        return f"is below the minimum {low}"
    if high is not None and number > high:
        return f"is above the maximum {high}"
    return None
