"""Edits of a stack file's config mapping, for the guardrail tests.

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
    node = config[key]
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


def assert_refused_before_any_resource(run_stack_with: Callable[..., Any], stack: str, edit: Edit, key: str, allowed: str) -> None:
    """The program stops on the edited stack file with one line naming the key and what is allowed,
    and nothing but the root stack has registered: no provider, no component, no resource."""
    import pytest

    from config import ConfigError
    from preflight.mocks import EmailPlatformMocks
    from preflight.recorder import RecordingMonitor

    monitor = RecordingMonitor(EmailPlatformMocks())
    with pytest.raises(ConfigError) as raised:
        run_stack_with(stack, edit, monitor=monitor)
    message = str(raised.value)
    assert key in message
    assert allowed in message
    assert "\n" not in message
    assert [r.type for r in monitor.recorded] in ([], ["pulumi:pulumi:Stack"])
