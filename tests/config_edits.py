"""Edits of a stack file's config mapping, for the guardrail tests (config_stacks writes the mapping they edit).

A path is `section.key.subkey` under `email-platform:` (or a full key such as `aws:region`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Edit = Callable[[dict[str, Any]], None]


def _walk(config: dict[str, Any], path: str, create: bool) -> tuple[dict[str, Any], str]:
    top, *rest = path.split(".")
    key = top if ":" in top else f"email-platform:{top}"
    if not rest:
        return config, key
    node = config.setdefault(key, {}) if create else config[key]
    for part in rest[:-1]:
        node = node.setdefault(part, {}) if create else node[part]
    return node, rest[-1]


def set_key(path: str, value: Any) -> Edit:
    def edit(config: dict[str, Any]) -> None:
        node, last = _walk(config, path, create=True)
        node[last] = value

    return edit


def delete_key(path: str) -> Edit:
    def edit(config: dict[str, Any]) -> None:
        node, last = _walk(config, path, create=False)
        del node[last]

    return edit


def both(*edits: Edit) -> Edit:
    def edit(config: dict[str, Any]) -> None:
        for one in edits:
            one(config)

    return edit
