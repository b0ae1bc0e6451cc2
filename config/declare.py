"""Each stack-config key is declared once, as a field of the settings dataclass that holds its value.

    @dataclass(frozen=True)
    class RedisSettings:
        snapshot_retention_days: int = integer(
            "days of automatic snapshots", default=PerEnvironment(7, 1), minimum=PerEnvironment(7, 1), maximum=35
        )

The field's name in camelCase is the key's name (``snapshotRetentionDays``; ``name=`` when it is
not); the declaration states its type, default, bounds, allowed values or pattern, description,
and the rules that go beyond those as code (``checks=``: functions whose docstring is the rule in
words). ``read(cls, section, ...)`` builds the dataclass from a config object, checking every
key; ``config.reference`` renders docs/config-reference.md from the same declarations. Nothing
else names the key: the parser, the validator and the reference cannot disagree.

Defaults, bounds and allowed values may be:

- fixed;
- ``PerEnvironment(production, other)``: production's floor or default differs (a refusal then
  says ``(environment: production)``);
- ``Derived(text, compute)``: computed from values read before (``sibling("min_size")`` is
  another key's value, and a refusal names both keys).

A nested config object is a field declared with ``section(...)`` (its own dataclass), or
``inline(...)`` when its keys sit in the enclosing object; ``entries(...)`` is an object whose
keys are data (destinations by name, usage figures by resource type); ``computed(...)`` is a
value that follows from others and is no key at all.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, Literal, TypeVar

from config.reader import REQUIRED, UNSHOWN, ConfigError, CrossFieldError, Section, did_you_mean

__all__ = [
    "OPTIONAL",
    "REQUIRED",
    "Check",
    "Computed",
    "Derived",
    "Entries",
    "Inherited",
    "Key",
    "Nested",
    "PerEnvironment",
    "Reading",
    "When",
    "boolean",
    "camel",
    "cidr",
    "computed",
    "declaration",
    "declared_fields",
    "entries",
    "inherit",
    "inline",
    "integer",
    "key_path",
    "number",
    "parser",
    "quantity",
    "read",
    "rule",
    "section",
    "sibling",
    "string",
    "string_map",
    "strings",
]

V = TypeVar("V")
S = TypeVar("S")

Kind = Literal[
    "string", "whole number", "number", "true/false", "list of strings", "map of strings", "map of numbers", "IPv4 CIDR", "quantity"
]
_DECLARED = "config.declare"


def camel(name: str) -> str:
    """`snapshot_retention_days` → `snapshotRetentionDays`."""
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


@dataclass(frozen=True)
class PerEnvironment(Generic[V]):
    """A default, bound or list of allowed values for production (``production``) and for staging and development (``other``)."""

    production: V
    other: V

    def pick(self, production: bool) -> V:
        return self.production if production else self.other


@dataclass(frozen=True)
class Derived:
    """A default, bound or list of allowed values computed from values read before it.

    ``text`` is Markdown for the reference. ``sibling`` names the field a bound is the value of, so
    that a refusal names both keys; ``strict`` makes that bound exclusive (below it, not up to it).
    """

    text: str
    compute: Callable[[Reading], Any]
    sibling: str = ""
    strict: bool = False


def sibling(field_name: str, *, strict: bool = False) -> Derived:
    """A bound (or default) that is another key of the same object."""
    return Derived(f"`{camel(field_name)}`", lambda reading: reading[field_name], sibling=field_name, strict=strict)


@dataclass(frozen=True)
class When:
    """A key that belongs only with another key's value (``rsaBits`` only with ``algorithm: RSA``).

    Otherwise the key must be left out, and the field holds ``otherwise``.
    """

    field: str
    value: Any
    otherwise: Any = None
    why: str = ""

    def text(self) -> str:
        shown = str(self.value).lower() if isinstance(self.value, bool) else self.value
        return f"{camel(self.field)}: {shown}"


class _Optional:
    def __repr__(self) -> str:
        return "OPTIONAL"


# The default of a key that may stay unset (the field holds None).
OPTIONAL: Any = _Optional()

# A rule beyond bounds, choices and patterns: called with the value and the key's reading; raises
# ConfigError (``at.refuse(...)``). Its docstring is the rule in the reference (``@rule`` sets one
# that names constants).
Check = Callable[[Any, "At"], None]
F = TypeVar("F", bound=Callable[..., Any])


def rule(text: str) -> Callable[[F], F]:
    """The words of a check, for the reference, when they name figures the code also uses."""

    def describe(check: F) -> F:
        check.__doc__ = text
        return check

    return describe


@dataclass(frozen=True)
class Key:
    """One stack-config key (the metadata of its dataclass field)."""

    kind: Kind
    description: str
    default: Any = REQUIRED
    minimum: Any = None
    maximum: Any = None
    choices: Any = None  # allowed values (of each item, for a list)
    pattern: str | None = None
    # What `choices` or `pattern` mean in words: the refusal says this instead of the raw list or pattern.
    meaning: str = ""
    min_items: int = 0
    item_pattern: str | None = None  # every item of a list matches it ...
    item_meaning: str = ""  # ... which the refusal says in these words
    distinct: str = ""  # the items must differ: the plural noun the refusal names ("zones")
    only_with: When | None = None
    checks: tuple[Check, ...] = ()
    # Turns the checked value into what the field holds (a map of grants into access entries).
    convert: Callable[[Any, At], Any] | None = None
    # Why an environment's stricter bound or choice holds: said when it refuses a value.
    why: str = ""
    name: str = ""

    def __post_init__(self) -> None:
        if (self.pattern is not None and not self.meaning) or (self.item_pattern is not None and not self.item_meaning):
            raise ValueError(f"{self.description}: a pattern needs its meaning in words (the refusal and the reference say it)")
        if "\n" in self.description or not self.description:
            raise ValueError(f"{self.description!r}: the description is one line")
        for check in self.checks:
            if not (check.__doc__ or "").strip():
                raise ValueError(f"{self.description}: the check {check.__name__} needs a docstring (the reference shows it)")

    def read(self, section: Section, *, production: bool = False, default: Any = None) -> Any:
        """Check one value outside a settings class (the provider's ``aws:region``, a test's key)."""
        reading = Reading(_Loose, section, _Environment(production, None, frozenset()), None, {})
        key = dataclasses.replace(self, name=self.name or "value", default=self.default if default is None else default)
        return _read_key(reading, "value", key)


@dataclass(frozen=True)
class Nested:
    """A config object of its own dataclass."""

    cls: type
    description: str
    required: bool = False
    only_with: When | None = None
    # Per-use refinements of the object's keys: field → declared attributes (blue's and green's
    # colours differ in their defaults; each objective in its description, default and floor).
    refine: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # Its keys sit in the enclosing object rather than under a key of their own.
    inline: bool = False
    name: str = ""


@dataclass(frozen=True)
class Entries:
    """An object whose keys are data: ``<placeholder>`` in the reference, each entry read by ``of``."""

    of: Key | Nested
    description: str
    placeholder: str
    # The entry names allowed, or a Derived list (the canary regions); None: any name.
    names: Any = None
    name_pattern: str | None = None
    name_meaning: str = ""
    # Turns the entries read (name → value) into what the field holds.
    convert: Callable[[dict[str, Any], At], Any] | None = None
    name: str = ""


@dataclass(frozen=True)
class Inherited:
    """A key of a nested object that refines the enclosing object's key of the same field: the same
    type and rules, that key's value as its default (a colour's own LOG_LEVEL)."""

    description: str
    name: str = ""

    def resolve(self, field_name: str, parent: type) -> Key:
        outer = _declared(parent, field_name)
        if not isinstance(outer.declaration, Key):
            raise TypeError(f"{parent.__name__}.{field_name} is not a key")
        default = Derived(f"`{outer.name}` one level up", lambda reading: reading.parent[field_name])
        return dataclasses.replace(outer.declaration, description=self.description, default=default, name=self.name)


@dataclass(frozen=True)
class Computed:
    """A value that follows from the keys (or the stack's basics); no key of its own."""

    compute: Callable[[Reading], Any]


Declaration = Key | Nested | Entries | Inherited | Computed


def _field(declaration: Declaration) -> Any:
    return dataclasses.field(metadata={_DECLARED: declaration})


def string(description: str, **declared: Any) -> Any:
    return _field(Key("string", description, **declared))


def integer(description: str, **declared: Any) -> Any:
    return _field(Key("whole number", description, **declared))


def number(description: str, **declared: Any) -> Any:
    return _field(Key("number", description, **declared))


def boolean(description: str, **declared: Any) -> Any:
    return _field(Key("true/false", description, **declared))


def strings(description: str, **declared: Any) -> Any:
    return _field(Key("list of strings", description, **declared))


def string_map(description: str, **declared: Any) -> Any:
    return _field(Key("map of strings", description, **declared))


def cidr(description: str, **declared: Any) -> Any:
    return _field(Key("IPv4 CIDR", description, **declared))


def quantity(description: str, **declared: Any) -> Any:
    return _field(Key("quantity", description, **declared))


def section(cls: type, description: str, *, defaults: Mapping[str, Any] | None = None, **declared: Any) -> Any:
    """A config object of its own dataclass; ``defaults``: per-use defaults of its keys (shorthand for ``refine``)."""
    if defaults:
        declared["refine"] = {name: {"default": value} for name, value in defaults.items()}
    return _field(Nested(cls, description, **declared))


def inline(cls: type, **refine: Mapping[str, Any]) -> Any:
    """An object whose keys sit in the enclosing object's section; ``refine``: field → declared attributes."""
    return _field(Nested(cls, "", inline=True, refine=refine))


def entries(of: Key | Nested, description: str, placeholder: str, **declared: Any) -> Any:
    return _field(Entries(of, description, placeholder, **declared))


def inherit(description: str, **declared: Any) -> Any:
    return _field(Inherited(description, **declared))


def computed(compute: Callable[[Reading], Any]) -> Any:
    return _field(Computed(compute))


def key(kind: Kind, description: str, **declared: Any) -> Key:
    """A declaration that is not a field: the value of each entry of an ``entries`` object."""
    return Key(kind, description, **declared)


@dataclass(frozen=True)
class Declared:
    """A field of a settings class with its declaration and its key's name."""

    field: str
    name: str
    declaration: Declaration
    # The settings class the field belongs to (a bound or default that is a sibling names it by its key).
    owner: type | None = None


@cache
def declared_fields(cls: type) -> tuple[Declared, ...]:
    found = []
    for item in dataclasses.fields(cls):
        declaration = item.metadata.get(_DECLARED)
        if declaration is None:
            raise TypeError(f"{cls.__name__}.{item.name} is not declared (string(...), section(...), computed(...) ...)")
        name = "" if isinstance(declaration, Computed) else (declaration.name or camel(item.name))
        found.append(Declared(item.name, name, declaration))
    return tuple(found)


def declaration(cls: type, field_name: str) -> Declaration:
    """What a field of a settings class declares (a test reads a declared default or bound)."""
    return _declared(cls, field_name).declaration


def _declared(cls: type, field_name: str) -> Declared:
    for declared in declared_fields(cls):
        if declared.field == field_name:
            return declared
    raise KeyError(f"{cls.__name__} has no field {field_name}")


def path_of(declared: Declared, *inner: str) -> list[str]:
    """The key names below a nested field, following the field names ``inner``."""
    names = []
    for field_name in inner:
        declaration = declared.declaration
        if not isinstance(declaration, Nested):
            raise TypeError(f"{declared.field} holds no object")
        declared = _declared(declaration.cls, field_name)
        if not (isinstance(declared.declaration, Nested) and declared.declaration.inline):
            names.append(declared.name)
    return names


def key_path(cls: type, field_name: str, *inner: str) -> str:
    """The path of a key below ``cls`` by field names: ``key_path(StackConfig, "app", "shutdown", "pre_stop_seconds")``."""
    declared = _declared(cls, field_name)
    return ".".join([declared.name, *path_of(declared, *inner)])


# ── reading ──────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _Environment:
    production: bool
    basics: Any  # config.basics.Basics (None while the basics themselves are read)
    secret_keys: frozenset[str]


@dataclass(frozen=True)
class _Loose:
    """The class of a key read on its own (``Key.read``)."""


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
        self._declared = {} if cls is _Loose else {d.field: d for d in declared_fields(cls)}

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
            found[entry] = _read_key(reading_of(section, reading), entry, dataclasses.replace(declared.of, name=entry))
        else:
            child = Reading(declared.of.cls, section.section(entry, required=True), reading.environment, reading, declared.of.refine, entry)
            found[entry] = child.build()
            child.section.finish()
    section.finish()
    return declared.convert(found, at) if declared.convert is not None else found


def reading_of(section: Section, parent: Reading) -> Reading:
    """A reading of loose keys in ``section`` (entries whose names are data) within ``parent``'s environment."""
    return Reading(_Loose, section, parent.environment, parent, {})


# ── walking the declarations (the reference, tests) ──────────────────────────────────────────


def walk(
    cls: type, prefix: str = "", refine: Mapping[str, Mapping[str, Any]] | None = None, parent: type | None = None
) -> Iterator[tuple[str, Declared]]:
    """Every key and object below ``cls`` with its path, in declaration order (computed fields left out),
    each key as the object it sits in refines it."""
    for declared in declared_fields(cls):
        declaration = declared.declaration
        if isinstance(declaration, Computed):
            continue
        if isinstance(declaration, Nested) and declaration.inline:
            yield from walk(declaration.cls, prefix, declaration.refine, cls)
            continue
        if isinstance(declaration, Inherited) and parent is not None:
            declaration = declaration.resolve(declared.field, parent)
        if isinstance(declaration, Key):
            declaration = dataclasses.replace(declaration, name=declared.name, **(refine or {}).get(declared.field, {}))
        path = f"{prefix}{declared.name}"
        yield path, Declared(declared.field, declared.name, declaration, cls)
        if isinstance(declaration, Nested):
            yield from walk(declaration.cls, path + ".", declaration.refine, cls)
        elif isinstance(declaration, Entries):
            entry = f"{path}.{declaration.placeholder}"
            yield entry, Declared(declared.field, declaration.placeholder, declaration.of, cls)
            if isinstance(declaration.of, Nested):
                yield from walk(declaration.of.cls, entry + ".", declaration.of.refine, cls)


def checks_text(checks: Sequence[Callable[..., Any]]) -> list[str]:
    """The rules of ``checks`` in words: each function's docstring, first paragraph on one line."""
    return [" ".join((check.__doc__ or "").strip().split("\n\n")[0].split()) for check in checks]
