"""Each stack-config key is declared once, as a field of the settings dataclass that holds its value.

    @dataclass(frozen=True)
    class RedisSettings:
        snapshot_retention_days: int = integer(
            "days of automatic snapshots", default=PerEnvironment(7, 1), minimum=PerEnvironment(7, 1), maximum=35
        )

The field's name in camelCase is the key's name (``snapshotRetentionDays``; ``name=`` when it is
not); the declaration states its type, default, bounds, allowed values or pattern, description,
and the rules that go beyond those as code (``checks=``: functions whose docstring is the rule in
words). ``config.reading.read(cls, section, ...)`` builds the dataclass from a config object, checking
every key; ``config.reference`` renders docs/config-reference.md from the same declarations. Nothing
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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from config.reader import REQUIRED

if TYPE_CHECKING:
    from config.reading import At, Reading

__all__ = [
    "DECLARED",
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
    "quantity",
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
# The dataclass field metadata that holds a declaration.
DECLARED = "config.declare"


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
    """A default, bound or list of allowed values computed from other values of the config (read when asked for).

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
    return dataclasses.field(metadata={DECLARED: declaration})


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
        declaration = item.metadata.get(DECLARED)
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
