"""Reading a config object into its settings dataclass, checking each key against its declaration (config.declare).

A key's value is read when the dataclass is built or when another key's default, bound or check
first asks for it (``reading["min_size"]``), so the order of the fields is the reference's, not
the order the values depend on each other. Every refusal is one ConfigError: the key, the value as
written, what is allowed; ``(environment: production)`` when only production's stricter rule refuses it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from config.declare import (
    OPTIONAL,
    REQUIRED,
    Computed,
    Declared,
    Derived,
    Entries,
    Inherited,
    Key,
    Kind,
    Nested,
    PerEnvironment,
    When,
    declared_fields,
    path_of,
)
from config.reader import UNSHOWN, ConfigError, CrossFieldError, Section, did_you_mean

__all__ = ["At", "Reading", "parser", "read"]

S = TypeVar("S")


@dataclass(frozen=True)
class _Environment:
    production: bool
    basics: Any  # config.basics.Basics (None while the basics themselves are read)
    secret_keys: frozenset[str]


@dataclass(frozen=True)
class _Entries:
    """An object whose keys are data: its entries are read as loose keys."""


class Reading:
    """One config object being read: its values so far (a sibling is read when first asked for)."""

    def __init__(
        self,
        cls: type,
        section: Section,
        environment: _Environment,
        parent: Reading | None,
        refine: Mapping[str, Mapping[str, Any]],
        name: str = "",
    ):
        self.cls = cls
        # The object's own key in its parent (`blue`, a destination's name): its dataclass may keep it.
        self.name = name
        self.section = section
        self.environment = environment
        self._parent = parent
        self._refine = refine
        self._values: dict[str, Any] = {}
        self._declared = {d.field: d for d in declared_fields(cls)}

    @property
    def production(self) -> bool:
        return self.environment.production

    @property
    def basics(self) -> Any:
        return self.environment.basics

    @property
    def parent(self) -> Reading:
        """The object this one sits in."""
        if self._parent is None:
            raise TypeError(f"{self.cls.__name__} is read alone here: nothing encloses it")
        return self._parent

    def __getitem__(self, field_name: str) -> Any:
        if field_name not in self._values:
            self._values[field_name] = self._read(self._declared[field_name])
        return self._values[field_name]

    def key(self, field_name: str, *inner: str) -> str:
        """The full key of a field of this object (``email-platform:redis.snapshotWindow``), or of a
        field of the object that field holds (``key("blue", "weight")``)."""
        declared = self._declared[field_name]
        return ".".join([self.section.key(declared.name), *path_of(declared, *inner)])

    def _read(self, declared: Declared) -> Any:
        declaration = declared.declaration
        if isinstance(declaration, Computed):
            return declaration.compute(self)
        if isinstance(declaration, Inherited):
            declaration = declaration.resolve(declared.field, self.parent.cls)
        if isinstance(declaration, Key):
            refined = dataclasses.replace(declaration, name=declared.name, **self._refine.get(declared.field, {}))
            return _read_key(self, declared.field, refined)
        if isinstance(declaration, Entries):
            return _read_entries(self, declared.name, declaration)
        return _read_nested(self, declared, declaration)

    def build(self) -> Any:
        """The dataclass, every field read, and the rules over the whole object (``RULES``) checked.

        A key the object no longer has (``MOVED``: name → where its setting lives now) is refused
        saying where to go."""
        for name, where in getattr(self.cls, "MOVED", {}).items():
            if self.section.has(name):
                raise ConfigError(self.section.key(name), self.section.raw(name, None), f"no longer a setting: {where}")
        for name in self._declared:
            self[name]
        built = self.cls(**self._values)
        for check in getattr(self.cls, "RULES", ()):
            check(built, self)
        return built

    def given(self, values: Mapping[str, Any]) -> None:
        self._values.update(values)

    def holds(self, condition: When) -> bool:
        return bool(self[condition.field] == condition.value)


@dataclass(frozen=True)
class At:
    """Where a check runs: the key being checked within its object."""

    reading: Reading
    key: str

    @property
    def production(self) -> bool:
        return self.reading.production

    @property
    def basics(self) -> Any:
        return self.reading.basics

    def refuse(self, value: Any, allowed: str, *, item: int | None = None) -> ConfigError:
        """The error for this key (or one item of it); raise the result."""
        return ConfigError(self.key if item is None else f"{self.key}[{item}]", value, allowed)

    def refuse_in_production(self, value: Any, allowed: str, *, item: int | None = None) -> ConfigError:
        """The error for a rule that holds because `environment` is production."""
        return self.refuse(value, f"{allowed} (environment: production)", item=item)


def read(
    cls: type[S],
    section: Section,
    *,
    production: bool,
    basics: Any = None,
    secret_keys: frozenset[str] = frozenset(),
    given: Mapping[str, Any] | None = None,
    finish: bool = True,
) -> S:
    """The settings dataclass ``cls`` read from one config object; ConfigError for the first refused value.

    ``given``: values of computed fields known beforehand; ``finish=False`` leaves the unknown-key
    check of ``section`` to the caller (the root object, whose keys several classes read).
    """
    reading = Reading(cls, section, _Environment(production, basics, secret_keys), None, {})
    reading.given(given or {})
    settings: S = reading.build()
    if finish:
        section.finish()
    return settings


def parser(cls: type[S]) -> Callable[[Section, Any], S]:
    """``parse(section, basics)`` for one stack-config object: what load_stack_config does for it, alone."""

    def parse(section: Section, basics: Any) -> S:
        return read(cls, section, production=basics.is_production, basics=basics)

    return parse


def _resolve(value: Any, reading: Reading) -> Any:
    if isinstance(value, Derived):
        return value.compute(reading)
    if isinstance(value, PerEnvironment):
        return value.pick(reading.production)
    return value


def _stricter_here(declared: Any, reading: Reading) -> bool:
    """Whether a refusal by this bound holds because the stack is production."""
    return isinstance(declared, PerEnvironment) and reading.production and declared.production != declared.other


def _read_key(reading: Reading, field_name: str, key: Key) -> Any:
    section, name = reading.section, key.name
    at = At(reading, section.key(name))
    if key.only_with is not None and not reading.holds(key.only_with):
        if section.has(name):
            why = f" ({key.only_with.why})" if key.only_with.why else ""
            raw = section.raw(name, None)
            raise ConfigError(at.key, "…" if isinstance(raw, (Mapping, list)) else raw, f"only with {key.only_with.text()}{why}")
        section.known(name)
        return key.only_with.otherwise
    default = _resolve(key.default, reading)
    if default is OPTIONAL and section.raw(name, None) is None:
        return None
    if default is REQUIRED and _stricter_here(key.default, reading) and section.raw(name, None) is None:
        raise at.refuse_in_production(REQUIRED, f"this key is required{_why(key)}")
    value = _typed(section, name, key.kind, REQUIRED if default is OPTIONAL else default, key.only_with)
    _check_bounds(at, key, value)
    _check_allowed(at, key, value)
    for check in key.checks:
        check(value, at)
    return key.convert(value, at) if key.convert is not None else value


def _typed(section: Section, name: str, kind: Kind, default: Any, only_with: When | None) -> Any:
    if default is REQUIRED and only_with is not None and section.raw(name, None) is None:
        raise ConfigError(section.key(name), REQUIRED, f"this key is required with {only_with.text()}")
    if kind == "string":
        return section.string(name, default)
    if kind == "whole number":
        return section.integer(name, default)
    if kind == "number":
        return section.number(name, default)
    if kind == "true/false":
        return section.boolean(name, default)
    if kind == "list of strings":
        return section.strings(name, default)
    if kind == "map of strings":
        return section.string_map(name, default)
    if kind == "map of numbers":
        numbers = section.section(name)
        return {entry: numbers.number(entry) for entry in numbers.names()}
    if kind == "IPv4 CIDR":
        return section.cidr(name, default)
    return section.quantity(name, default)


def _why(key: Key) -> str:
    return f": {key.why}" if key.why else ""


def _check_bounds(at: At, key: Key, value: Any) -> None:
    low, high = _resolve(key.minimum, at.reading), _resolve(key.maximum, at.reading)
    for bound, is_minimum in ((key.minimum, True), (key.maximum, False)):
        if not (isinstance(bound, Derived) and bound.sibling):
            continue
        limit = low if is_minimum else high
        if value < limit if is_minimum else value > limit:
            relation = "below" if is_minimum else "above"
        elif bound.strict and value == limit:
            relation = "not above" if is_minimum else "not below"
        else:
            low, high = (None, high) if is_minimum else (low, None)
            continue
        raise CrossFieldError(at.key, value, relation, at.reading.key(bound.sibling), limit)
    if (low is None or value >= low) and (high is None or value <= high):
        return
    if low is not None and high is not None:
        allowed = f"must be between {low} and {high}"
    elif low is not None:
        allowed = f"must be at least {low}"
    else:
        allowed = f"must be at most {high}"
    if _stricter_here(key.minimum if low is not None and value < low else key.maximum, at.reading):
        raise at.refuse_in_production(value, allowed + _why(key))
    raise at.refuse(value, allowed)


def _allowed_text(choices: Sequence[Any], meaning: str) -> str:
    if meaning:
        return meaning
    if all(isinstance(choice, bool) for choice in choices) and len(choices) == 1:
        return f"must be {str(choices[0]).lower()}"
    return "allowed: " + ", ".join(map(str, choices))


def _check_allowed(at: At, key: Key, value: Any) -> None:
    choices = _resolve(key.choices, at.reading)
    production_only = _stricter_here(key.choices, at.reading)
    meaning = "" if production_only else key.meaning

    def refuse(refused: Any, allowed: str, item: int | None = None) -> ConfigError:
        if production_only:
            return at.refuse_in_production(refused, allowed + _why(key), item=item)
        return at.refuse(refused, allowed, item=item)

    if key.kind == "list of strings":
        if len(value) < key.min_items:
            raise at.refuse(value, f"needs at least {key.min_items} item(s)")
        for index, item in enumerate(value):
            if choices is not None and item not in choices:
                raise refuse(item, _allowed_text(choices, meaning), index)
            if key.item_pattern is not None and not re.fullmatch(key.item_pattern, item):
                raise at.refuse(item, key.item_meaning, item=index)
        if key.distinct and len(set(value)) != len(value):
            raise at.refuse(value, f"{key.distinct} must be distinct")
        return
    if choices is not None and value not in choices:
        raise refuse(value, _allowed_text(choices, meaning))
    if key.pattern is not None and isinstance(value, str) and not re.fullmatch(key.pattern, value):
        raise at.refuse(value, key.meaning)


def _read_nested(reading: Reading, declared: Declared, nested: Nested) -> Any:
    parent = reading.section
    if nested.inline:
        return Reading(nested.cls, parent, reading.environment, reading, nested.refine).build()
    name = declared.name
    if nested.only_with is not None and not reading.holds(nested.only_with):
        if parent.has(name):
            why = f" ({nested.only_with.why})" if nested.only_with.why else ""
            raise ConfigError(parent.key(name), "…", f"only with {nested.only_with.text()}{why}")
        parent.known(name)
        return nested.only_with.otherwise
    if nested.required and nested.only_with is not None and not parent.has(name):
        raise ConfigError(parent.key(name), REQUIRED, f"this key is required with {nested.only_with.text()}")
    section = parent.section(name, required=nested.required)
    value = Reading(nested.cls, section, reading.environment, reading, nested.refine, name).build()
    section.finish()
    return value


def _read_entries(reading: Reading, name: str, declared: Entries) -> Any:
    section = reading.section.section(name)
    at = At(reading, section.path)
    names = _resolve(declared.names, reading)
    found: dict[str, Any] = {}
    for entry in section.names():
        if names is not None and entry not in names:
            raw = section.raw(entry, None)
            if isinstance(declared.names, Derived) and declared.names.sibling:
                listed_in = reading.key(declared.names.sibling).rsplit(".", 1)[-1]
                allowed = f"is not one of {listed_in}: {', '.join(names)}"
            else:
                allowed = f"unknown key; {did_you_mean(entry, list(names))}"
            raise ConfigError(section.key(entry), UNSHOWN if isinstance(raw, (Mapping, list)) else raw, allowed)
        if declared.name_pattern is not None and not re.fullmatch(declared.name_pattern, entry):
            raise ConfigError(section.key(entry), entry, declared.name_meaning)
        if isinstance(declared.of, Key):
            found[entry] = _read_key(_reading_of(section, reading), entry, dataclasses.replace(declared.of, name=entry))
        else:
            child = Reading(declared.of.cls, section.section(entry, required=True), reading.environment, reading, declared.of.refine, entry)
            found[entry] = child.build()
            child.section.finish()
    section.finish()
    return declared.convert(found, at) if declared.convert is not None else found


def _reading_of(section: Section, parent: Reading) -> Reading:
    """A reading of loose keys in ``section`` (entries whose names are data) within ``parent``'s environment."""
    return Reading(_Entries, section, parent.environment, parent, {})
