"""Property paths: as the program's inputs spell them (`rules[0].name`), as the mapping table writes
them (`rules.name`), and the segments of an override (`Attributes{routing.http2.enabled}.Value`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any


def leaves(value: Any, path: str) -> list[str]:
    """The paths of every scalar inside a value (map keys included in the path)."""
    if isinstance(value, Mapping):
        return [leaf for key, item in value.items() for leaf in leaves(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in leaves(item, f"{path}[{index}]")]
    return [path]


def segments(path: str) -> list[str]:
    """`Attributes{routing.http2.enabled}.Value` → [`Attributes{routing.http2.enabled}`, `Value`]."""
    return re.findall(r"[^.{]+(?:\{[^}]*\})?", path)


def mapping_key(path: str) -> str:
    """A display path (`rules[0].name`) as the mapping writes it (`rules.name`)."""
    out, depth = [], 0
    for char in path:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)


def values_at(value: Any, key_path: str, path: str = "") -> list[tuple[str, Any]]:
    """(display path, value) of every value at a mapping-style path (`rules.name`), through lists."""
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in values_at(item, key_path, f"{path}[{index}]")]
    if not key_path:
        return [(path, value)]
    if not isinstance(value, Mapping):
        return []
    head, _, rest = key_path.partition(".")
    if head not in value:
        return []
    return values_at(value[head], rest, f"{path}.{head}" if path else head)
