"""Which input changes make a provider replace a resource: the providers' own schema, as committed data.

`preflight/data/force_new.json` is written by `python -m preflight.force_new_extract` from the sources
of the pinned providers (terraform-provider-aws for pulumi-aws, pulumi-kubernetes' own table,
terraform-provider-tls and -random); it records the versions and commits it read.
tests/test_force_new_data.py fails when requirements.txt moves a pin without regenerating it, and when
the program declares a type the file does not cover.

Paths are Pulumi property paths (`vpcConfig.subnetIds`); a list on the way is looked through, so a
path names the field in every element. `replaceIf` paths replace only under a condition the
provider evaluates (e.g. `customdiff.ForceNewIfChange`): a change there is reported as "may replace".
An absent value, None, `[]` and `{}` all read as not set. Documents carry secrets as `"[secret]"`, so a
change of a secret input that replaces the resource is not seen here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "force_new.json"


@cache
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def _absent(value: Any) -> bool:
    """Not set: None, an empty list and an empty object read alike (the provider plans no change between them)."""
    return value is None or (isinstance(value, (list, Mapping)) and not value)


def _at(value: Any, parts: list[str]) -> list[Any]:
    """Every value at `parts` below `value`, looking through lists; None where nothing is set."""
    if _absent(value):
        return [None]
    if isinstance(value, list):
        return [found for item in value for found in _at(item, parts)]
    if not parts:
        return [value]
    if not isinstance(value, Mapping):
        return [None]
    return _at(value.get(parts[0]), parts[1:])


def differs(old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> bool:
    parts = path.split(".")
    return _at(old, parts) != _at(new, parts)


def _changed(type_: str, key: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    entry = schema()["types"].get(type_) or {}
    paths = entry.get(key) or ()
    hit = [p for p in paths if differs(old, new, p)]
    # Report the shortest path of each change (a block and its fields change together).
    return tuple(p for p in hit if not any(p != q and p.startswith(f"{q}.") for q in hit))


def replacing(type_: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    """The replace-on-change paths whose values differ between two inputs of one resource."""
    return _changed(type_, "replaceOn", old, new)


def maybe_replacing(type_: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    """The conditional replace paths whose values differ (the provider decides at preview time)."""
    return _changed(type_, "replaceIf", old, new)


def covered(type_: str) -> bool:
    data = schema()
    return type_ in data["types"] or type_ in data["notExtracted"]
