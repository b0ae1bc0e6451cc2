"""Numbers as the stack file writes them, for messages about them.

YAML reads an unquoted ``1.30`` as the number 1.3, and the program receives 1.3: a message that
quoted the value back would show something the user never wrote. When a message is about a
number, ``written(key)`` finds the scalar in the stack file and returns its text (``1.30``).

The stack file is ``Pulumi.<stack>.yaml`` beside the program (where the Pulumi CLI runs it), or
the file preflight read (``use_stack_file``). It is parsed only when a message asks, so a stack
without mistakes pays nothing.
"""

from __future__ import annotations

from pathlib import Path

import pulumi
import yaml

PROJECT = "email-platform"
_ROOT = Path(__file__).resolve().parent.parent
_NUMBER_TAGS = ("tag:yaml.org,2002:float", "tag:yaml.org,2002:int")

_stack_file: Path | None = None
_cache: tuple[Path, int, dict[str, str]] | None = None


def use_stack_file(path: Path | None) -> None:
    """The stack file the next config load reads (preflight's, or a test's); None: the default."""
    global _stack_file
    _stack_file = path


def _default_path() -> Path | None:
    try:
        return _ROOT / f"Pulumi.{pulumi.get_stack()}.yaml"
    except Exception:  # no stack: neither the engine nor the mocks run the program
        return None


def _walk(node: yaml.Node, key: str, found: dict[str, str]) -> None:
    if isinstance(node, yaml.ScalarNode):
        if node.tag in _NUMBER_TAGS:
            found[key] = node.value
    elif isinstance(node, yaml.MappingNode):
        for name, value in node.value:
            if isinstance(name, yaml.ScalarNode):
                _walk(value, f"{key}.{name.value}", found)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, f"{key}[{index}]", found)


def numbers_as_written(text: str) -> dict[str, str]:
    """Full config key (``email-platform:cluster.version``) -> the number's text, for every number."""
    root = yaml.compose(text)
    found: dict[str, str] = {}
    if not isinstance(root, yaml.MappingNode):
        return found
    for name, value in root.value:
        if getattr(name, "value", None) != "config" or not isinstance(value, yaml.MappingNode):
            continue
        for key_node, item in value.value:
            key = str(key_node.value)
            _walk(item, key if ":" in key else f"{PROJECT}:{key}", found)
    return found


def written(key: str, value: float | None = None) -> str | None:
    """The text the stack file gives the number at ``key``, or None when it cannot tell. With
    ``value``, only a text that reads as that number: the file on disk may not be what the program
    was handed (a value set by `pulumi config set`, a test's edited copy), and a message must
    never show a value other than the one it refuses."""
    global _cache
    path = _stack_file or _default_path()
    if path is None:
        return None
    try:
        stamp = path.stat().st_mtime_ns
        if _cache is None or _cache[:2] != (path, stamp):
            _cache = (path, stamp, numbers_as_written(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    text = _cache[2].get(key)
    if text is None or value is None:
        return text
    try:
        same = float(text.replace("_", "")) == float(value)
    except ValueError:
        same = False
    return text if same else None
