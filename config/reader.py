"""Typed reading of stack config, with one clear error per bad value.

Every reader method names the full key (``email-platform:cluster.nodeGroup.minSize``), the
value it was given and what is allowed. ``ConfigError`` derives from ``pulumi.RunError``
so that the real engine prints the message alone, without a Python traceback; preflight
prints the same line and exits 2.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from config.written import written

PROJECT = "email-platform"


# Full keys (`email-platform:monitoring`) whose values are secret: an error about any key under
# one of them shows "[secret]" instead of the value (a webhook URL may carry a token).
SECRET_KEYS: set[str] = set()


class ConfigError(pulumi.RunError):
    """A stack config value that the program refuses; the message is the whole story."""

    def __init__(self, key: str, value: Any, allowed: str) -> None:
        self.key = key
        self.value = value
        self.allowed = allowed
        if value is UNSHOWN:
            super().__init__(f"invalid stack config: {key}: {allowed}")
            return
        shown = "[secret]" if _is_secret(key) and value is not _MISSING else _show(value, key)
        super().__init__(f"invalid stack config: {key} = {shown}: {allowed}")


class CrossFieldError(ConfigError):
    """A value that must not be below (or above) another key's value: the message names both."""

    def __init__(self, key: str, value: Any, relation: str, other_key: str, other_value: Any) -> None:
        super().__init__(key, value, "")
        name, other = _last_name(key), _last_name(other_key)
        fix = f"raise {name} or lower {other}" if relation in ("below", "not above") else f"lower {name} or raise {other}"
        self.args = (f"invalid stack config: {key} = {_show(value)} is {relation} {_short(other_key)} = {_show(other_value)}: {fix}",)


def _short(key: str) -> str:
    """`email-platform:cluster.nodeGroup.maxSize` → `nodeGroup.maxSize`: the key with its object."""
    parts = key.replace(":", ".").split(".")
    return ".".join(parts[-2:])


def _last_name(key: str) -> str:
    return key.replace(":", ".").rsplit(".", 1)[-1]


class _Unshown:
    def __repr__(self) -> str:
        return "(not shown)"


# Pass as the value when it would say nothing useful (a whole object under a mistyped key).
UNSHOWN: Any = _Unshown()


def nearest(name: str, known: Sequence[str], fallback: Sequence[str]) -> str:
    """`did you mean db.r7g.large?` for a near miss of a table's entry, else `e.g.` the fallback names."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
    return f"did you mean {close[0]}?" if close else f"e.g. {', '.join(fallback)}"


def did_you_mean(name: str, known: Sequence[str]) -> str:
    """`did you mean 'network'?` or the known keys: the hint for a name that is not declared."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(sorted(known))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _slip_hint(value: Any, wanted: str, key: str = "") -> str:
    """What a YAML slip looks like and how to write it: `16.4` is read as a number, `"14 days"` is text."""
    if wanted == "string" and _is_number(value):
        text = written(key, value) if key else None
        if text is not None and text != str(value):
            # `version: 1.30` arrives as 1.3: show what was written, and how YAML read it.
            return f'; YAML read the unquoted {text} as the number {value}: quote it: "{text}"'
        return f'; YAML read an unquoted number: quote it: "{text or value}"'
    if wanted == "number" and isinstance(value, str):
        digits = re.match(r"\s*-?[\d,_]*\.?\d+", value)
        if digits:
            bare = digits.group().strip().replace(",", "").replace("_", "")
            return f"; write the number alone, without quotes, units or separators: {bare}"
    return ""


def _is_secret(key: str) -> bool:
    return any(key == secret or key.startswith((f"{secret}.", f"{secret}[")) for secret in SECRET_KEYS)


def _show(value: Any, key: str = "") -> str:
    if value is _MISSING:
        return "(not set)"
    if key and _is_number(value):
        as_written = written(key, value)
        if as_written is not None:
            return as_written
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class _Missing:
    def __repr__(self) -> str:
        return "(not set)"


_MISSING: Any = _Missing()
# The default of a key that must be set (a declaration's `default=REQUIRED`).
REQUIRED: Any = _MISSING


class Section:
    """One config object (a top-level key or a nested mapping) read key by key.

    Keys that are read are remembered; ``finish()`` turns every key that was never read
    into an error, because an unknown key in a stack file is nearly always a typo.
    """

    def __init__(self, path: str, data: Any, separator: str = ".") -> None:
        if not isinstance(data, Mapping):
            raise ConfigError(path, data, "must be an object (a mapping of keys to values)")
        self.path = path
        self._separator = separator
        self._data: Mapping[str, Any] = data
        self._read: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}{self._separator}{name}"

    def names(self) -> list[str]:
        """The keys as written, for sections whose keys are data (e.g. resource types)."""
        return list(self._data)

    def has(self, name: str) -> bool:
        return name in self._data

    def raw(self, name: str, default: Any) -> Any:
        """The value as written (the default when absent), remembered as read; checks nothing."""
        self._read.add(name)
        value = self._data.get(name, _MISSING)
        if value is _MISSING or value is None:
            if default is _MISSING:
                raise ConfigError(self.key(name), _MISSING, "this key is required")
            return default
        return value

    def known(self, name: str) -> None:
        """A declared key left out on purpose (it belongs with another setting): not an unknown key."""
        self._read.add(name)

    def string(self, name: str, default: Any = _MISSING) -> str:
        value = self.raw(name, default)
        if not isinstance(value, str):
            raise ConfigError(self.key(name), value, "must be a string" + _slip_hint(value, "string", self.key(name)))
        return value

    def integer(self, name: str, default: Any = _MISSING) -> int:
        value = self.raw(name, default)
        # Top-level scalars reach the program as strings; nested ones as JSON numbers.
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(self.key(name), value, "must be a whole number" + _slip_hint(value, "number"))
        return value

    def number(self, name: str, default: Any = _MISSING) -> float:
        value = self.raw(name, default)
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise ConfigError(self.key(name), value, "must be a number" + _slip_hint(value, "number")) from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(self.key(name), value, "must be a number")
        if not math.isfinite(value):  # NaN and infinity pass no range check, and AWS takes neither
            raise ConfigError(self.key(name), value, "must be a finite number")
        return float(value)

    def boolean(self, name: str, default: Any = _MISSING) -> bool:
        value = self.raw(name, default)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if not isinstance(value, bool):
            raise ConfigError(self.key(name), value, "must be true or false")
        return value

    def strings(self, name: str, default: Any = _MISSING) -> list[str]:
        value = self.raw(name, default)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(self.key(name), value, "must be a list of strings")
        return list(value)

    def string_map(self, name: str, default: Any = _MISSING) -> dict[str, str]:
        value = self.raw(name, default)
        if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise ConfigError(self.key(name), value, "must be a mapping of strings to strings")
        return dict(value)

    def quantity(self, name: str, default: Any = _MISSING) -> str:
        """A Kubernetes quantity ("500m", "2Gi"); a bare YAML number ("2") arrives as a number."""
        value = self.raw(name, default)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ConfigError(self.key(name), value, "must be a Kubernetes quantity, e.g. 500m or 1Gi")
        return value

    def cidr(self, name: str, default: Any = _MISSING) -> ipaddress.IPv4Network:
        value = self.string(name, default)
        try:
            return ipaddress.IPv4Network(value, strict=True)
        except ValueError:
            raise ConfigError(self.key(name), value, "must be an IPv4 network in CIDR notation, e.g. 10.40.0.0/16") from None

    def section(self, name: str, *, required: bool = False) -> Section:
        value = self.raw(name, _MISSING if required else {})
        return Section(self.key(name), value)

    def finish(self) -> None:
        """Refuse keys that were never read: they are typos or settings this program lacks."""
        for name in self._data:
            if name not in self._read:
                value = self._data[name]
                # An object under a mistyped key says nothing the key does not: name the key alone.
                shown = UNSHOWN if isinstance(value, (Mapping, list)) else value
                raise ConfigError(self.key(name), shown, f"unknown key; {did_you_mean(name, list(self._read))}")
