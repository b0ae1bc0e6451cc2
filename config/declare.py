"""One declaration per stack-config key: the parsers read through it, the config reference (docs/config-reference.md) is rendered from it.

A ``Key`` states the name as written in the stack file, the type, the default (or ``REQUIRED``),
the bounds, allowed values or pattern, and a one-line description. A ``Group`` is a config
object (``database``, ``readReplicaScaling``) and lists its keys and nested groups in the
order the reference shows them.

Some defaults and bounds are not fixed:

- ``PerEnvironment(production, other)``: stricter in production (``365`` days of logs vs ``30``);
  the parser passes ``production=`` when it reads such a key.
- ``Derived("text")``: follows from another value (``desiredSize`` defaults to ``minSize``); the
  parser passes the value when it reads the key, and ``text`` (Markdown) is what the reference shows.

A parser cannot override a fixed default or bound, so the reference never disagrees with what
the program enforces. Rules that span keys (production needs X, a window must not overlap
another) stay as code beside the parser; ``rule`` says them in words for the reference.

Adding a key: declare it next to its section's parser (``config/<section>.py``), list it in that
section's ``Group``, read it with ``KEY.read(section)``, and run ``make docs``.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar, cast

from config.reader import REQUIRED, CrossFieldError, Section

__all__ = [
    "OPTIONAL",
    "REQUIRED",
    "Derived",
    "Group",
    "Key",
    "PerEnvironment",
    "boolean",
    "cidr",
    "integer",
    "number",
    "optional_string",
    "quantity",
    "string",
    "string_map",
    "strings",
]

T = TypeVar("T")
V = TypeVar("V")

Kind = Literal["string", "whole number", "number", "true/false", "list of strings", "map of strings", "IPv4 CIDR", "quantity"]


@dataclass(frozen=True)
class PerEnvironment(Generic[V]):
    """A default or bound that differs in production (``production``) from staging and development (``other``)."""

    production: V
    other: V

    def pick(self, production: bool) -> V:
        return self.production if production else self.other


@dataclass(frozen=True)
class Derived:
    """A default, bound or list of allowed values that the parser computes from other values.

    ``text`` is Markdown for the reference, e.g. ``Derived("`minSize`")``. ``key`` names the sibling
    key a derived bound comes from, so that a value past it is refused naming both keys.
    """

    text: str
    key: str = ""


class _Optional:
    def __repr__(self) -> str:
        return "OPTIONAL"


# The default of a key that may stay unset (the parser gets None).
OPTIONAL: Any = _Optional()


class _Declared:
    def __repr__(self) -> str:
        return "(as declared)"


_AS_DECLARED: Any = _Declared()


@dataclass(frozen=True)
class Key(Generic[T]):
    """One stack-config key. Read it with ``KEY.read(section)``."""

    name: str
    kind: Kind
    description: str
    default: Any = REQUIRED
    minimum: Any = None
    maximum: Any = None
    choices: Any = None  # allowed values (of each item, for a list)
    pattern: str | None = None
    # What `choices` or `pattern` mean in words: the error says this instead of the raw list or pattern.
    meaning: str = ""
    min_items: int = 0
    # Rules the parser enforces beyond the above, in words, for the reference (not checked here).
    rule: str = ""

    def __post_init__(self) -> None:
        if self.pattern is not None and not self.meaning:
            raise ValueError(f"{self.name}: a pattern needs its meaning in words (the error and the reference show it)")
        if "\n" in self.description or not self.description:
            raise ValueError(f"{self.name}: the description is one line")

    def named(self, name: str) -> Key[T]:
        """The same declaration for a key whose name is data (a resource type's usage figure)."""
        return dataclasses.replace(self, name=name)

    def read(
        self,
        section: Section,
        *,
        production: bool | None = None,
        default: Any = _AS_DECLARED,
        minimum: Any = _AS_DECLARED,
        maximum: Any = _AS_DECLARED,
        choices: Any = _AS_DECLARED,
    ) -> T:
        """The checked value; ConfigError (key, value, what is allowed) when it is refused.

        ``production`` is needed for keys with a ``PerEnvironment`` default or bound; the other
        arguments only for what the declaration marks ``Derived``.
        """
        value_default = self._resolve("default", self.default, default, production)
        if value_default is OPTIONAL and section.raw(self.name, None) is None:
            return cast(T, None)
        low = self._resolve("minimum", self.minimum, minimum, production)
        high = self._resolve("maximum", self.maximum, maximum, production)
        allowed = self._resolve("choices", self.choices, choices, production)
        if value_default is OPTIONAL:
            value_default = REQUIRED  # it is set: read it as a required key
        low_from, high_from = _sibling(self.minimum), _sibling(self.maximum)
        value = _read(section, self, value_default, None if low_from else low, None if high_from else high, allowed)
        if low_from and low is not None and value < low:
            raise CrossFieldError(section.key(self.name), value, "below", section.key(low_from), low)
        if high_from and high is not None and value > high:
            raise CrossFieldError(section.key(self.name), value, "above", section.key(high_from), high)
        return cast(T, value)

    def read_value(self, full_key: str, value: Any) -> T:
        """Check a value that does not come inside a config object (the provider's ``aws:region``)."""
        path, separator, name = full_key.rpartition(":")
        if name != self.name:
            raise ValueError(f"{full_key} is not the key {self.name}")
        return self.read(Section(path, {name: value}, separator=separator))

    def _resolve(self, what: str, declared: Any, given: Any, production: bool | None) -> Any:
        if isinstance(declared, Derived):
            if given is _AS_DECLARED:
                raise TypeError(f"{self.name}: the {what} is derived ({declared.text}); the parser must pass it")
            return given
        if given is not _AS_DECLARED:
            raise TypeError(f"{self.name}: the {what} is declared ({declared!r}); change the declaration, not the call")
        if isinstance(declared, PerEnvironment):
            if production is None:
                raise TypeError(f"{self.name}: the {what} depends on the environment; pass production=")
            return declared.pick(production)
        return declared


def _sibling(bound: Any) -> str:
    """The sibling key a derived bound comes from ("" when it is fixed or not a sibling's value)."""
    return bound.key if isinstance(bound, Derived) else ""


def _read(section: Section, key: Key[Any], default: Any, low: Any, high: Any, allowed: Any) -> Any:
    name, kind = key.name, key.kind
    if kind == "string":
        return section.string(name, default, choices=allowed, pattern=key.pattern, meaning=key.meaning)
    if kind == "whole number":
        return section.integer(name, default, minimum=low, maximum=high, choices=allowed, meaning=key.meaning)
    if kind == "number":
        return section.number(name, default, minimum=low, maximum=high)
    if kind == "true/false":
        return section.boolean(name, default)
    if kind == "list of strings":
        return section.strings(name, default, choices=allowed, min_items=key.min_items)
    if kind == "map of strings":
        return section.string_map(name, default)
    if kind == "IPv4 CIDR":
        return section.cidr(name, default)
    return section.quantity(name, default, pattern=key.pattern, meaning=key.meaning)


@dataclass(frozen=True)
class Group:
    """A config object: its keys and nested objects, in the order the reference lists them."""

    name: str
    description: str
    entries: tuple[Key[Any] | Group, ...]
    required: bool = False
    rule: str = ""
    # How the object's keys join its name in a full key: "." except the provider's "aws:region".
    separator: str = "."

    def open(self, parent: Section) -> Section:
        return parent.section(self.name, required=self.required)

    def walk(self, prefix: str = "") -> Iterator[tuple[str, Key[Any] | Group]]:
        """Every key and nested group below this one, with its path relative to this group."""
        for entry in self.entries:
            path = f"{prefix}{entry.name}"
            yield path, entry
            if isinstance(entry, Group):
                yield from entry.walk(path + entry.separator)


def string(name: str, description: str, **declared: Any) -> Key[str]:
    return Key(name, "string", description, **declared)


def optional_string(name: str, description: str, **declared: Any) -> Key[str | None]:
    return Key(name, "string", description, default=OPTIONAL, **declared)


def integer(name: str, description: str, **declared: Any) -> Key[int]:
    return Key(name, "whole number", description, **declared)


def number(name: str, description: str, **declared: Any) -> Key[float]:
    return Key(name, "number", description, **declared)


def boolean(name: str, description: str, **declared: Any) -> Key[bool]:
    return Key(name, "true/false", description, **declared)


def strings(name: str, description: str, **declared: Any) -> Key[list[str]]:
    return Key(name, "list of strings", description, **declared)


def string_map(name: str, description: str, **declared: Any) -> Key[dict[str, str]]:
    return Key(name, "map of strings", description, **declared)


def cidr(name: str, description: str, **declared: Any) -> Key[ipaddress.IPv4Network]:
    return Key(name, "IPv4 CIDR", description, **declared)


def quantity(name: str, description: str, **declared: Any) -> Key[str]:
    return Key(name, "quantity", description, **declared)
