"""Read a committed Pulumi.<stack>.yaml the way the engine would hand it to the program.

Secrets that are not set yet (or are encrypted and cannot be read offline) get a
placeholder, marked secret, so that the program runs as it would with them set; the plan
lists them as still to set.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from config import PROJECT, required_secret_keys
from config.written import use_stack_file
from preflight.stacks import discover

ROOT = Path(__file__).resolve().parent.parent
# The top-level keys of a stack file (ProjectStack in pulumi/pulumi sdk/go/common/workspace/project.go).
STACK_FILE_KEYS = ("config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt")
# libyaml's safe loader when PyYAML was built with it (about 4x faster on a stack file); the pure
# Python one otherwise, and for the message when a file does not parse.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StackFileError(Exception):
    """A stack file that cannot be read; the message is one line for the user."""


@dataclass
class StackFile:
    stack: str
    path: Path
    config: dict[str, str]
    secret_keys: list[str]
    placeholders: dict[str, str] = field(default_factory=dict)  # full key -> why it is a placeholder

    @property
    def region(self) -> str:
        return self.config.get("aws:region", "us-east-1")


def placeholder_value(full_key: str) -> str:
    return f"preflight-placeholder-{full_key.replace(':', '-')}"


def _engine_form(value: Any) -> str:
    """The engine passes scalars as strings and objects/lists as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return "" if value is None else str(value)


def load_stack_file(stack: str, root: Path = ROOT, path: Path | None = None) -> StackFile:
    path = path or root / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        known = discover(root)
        raise StackFileError(f"no stack file {path.name}; stacks here: {', '.join(known) or 'none'}")
    try:
        document = _parse(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError) as error:
        raise StackFileError(f"cannot read {path.name}: {getattr(error, 'strerror', None) or 'not UTF-8 text'}") from None
    except yaml.YAMLError as error:
        raise StackFileError(yaml_error(path.name, error)) from None
    if not isinstance(document, dict) or not isinstance(document.get("config", {}), dict):
        raise StackFileError(f"{path.name}: expected a mapping with a 'config:' mapping")
    for key in document:
        if key not in STACK_FILE_KEYS:
            close = difflib.get_close_matches(str(key), STACK_FILE_KEYS, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}:?" if close else f"a stack file holds {', '.join(STACK_FILE_KEYS)}"
            raise StackFileError(f"{path.name}: unknown top-level key {key}:; {hint}")
    use_stack_file(path)

    environments = _esc_environments(document.get("environment"), path.name)
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    placeholders: dict[str, str] = {}
    for key, value in (document.get("config") or {}).items():
        if not isinstance(key, str):
            raise StackFileError(f"{path.name}: config key {key!r} is not a string (quote it)")
        full_key = key if ":" in key else f"{PROJECT}:{key}"
        if _is_secure(value):
            config[full_key] = placeholder_value(full_key)
            secret_keys.append(full_key)
            placeholders[full_key] = "encrypted in the stack file (not readable offline)"
            continue
        opened, nested_secrets = _open_nested_secrets(value, full_key)
        if nested_secrets:
            # `pulumi config set --secret --path key.a[0]` encrypts one value inside an object;
            # the engine then marks the whole key secret. Offline, each gets a placeholder.
            secret_keys.append(full_key)
            for path_in_key in nested_secrets:
                placeholders[path_in_key] = "encrypted in the stack file (not readable offline)"
        config[full_key] = _engine_form(opened)

    raw = {k.split(":", 1)[1]: _decoded(v) for k, v in config.items() if k.startswith(f"{PROJECT}:")}
    for short in required_secret_keys(raw):
        full_key = f"{PROJECT}:{short}"
        if full_key not in config:
            config[full_key] = placeholder_value(full_key)
            secret_keys.append(full_key)
            placeholders[full_key] = f"not set: pulumi config set --secret {short} --stack {stack}"
            if environments:
                # Pulumi ESC resolves the imported environments only when the engine runs: a value
                # they provide is a placeholder offline, like an unset secret.
                placeholders[full_key] = f"from Pulumi ESC ({', '.join(environments)}) if it provides it; not readable offline"
    return StackFile(stack, path, config, secret_keys, placeholders)


def _parse(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return yaml.safe_load(text)  # raises again, with PyYAML's own line, column and reason


def yaml_error(name: str, error: yaml.YAMLError) -> str:
    """One line: where the YAML breaks (line and column, counted from 1) and PyYAML's reason."""
    mark = getattr(error, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(error, "problem", None)
    context = getattr(error, "context", None)
    reason = "; ".join(str(part) for part in (problem, context) if part)
    return f"{name} is not valid YAML{where}" + (f": {reason}" if reason else "")


def _esc_environments(value: Any, file_name: str) -> list[str]:
    """The ESC environments a stack file imports (`environment: [project/env, …]`)."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(name, str) and name for name in value):
        raise StackFileError(f"{file_name}: 'environment' must list Pulumi ESC environment names, e.g. [email-platform/production]")
    return list(value)


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def _open_nested_secrets(value: Any, path: str) -> tuple[Any, list[str]]:
    """The value with every nested `{secure: …}` replaced by a placeholder, and where they were."""
    found: list[str] = []

    def walk(node: Any, where: str) -> Any:
        if _is_secure(node):
            found.append(where)
            # Nested secrets are nearly always URLs with a token (webhooks): a URL-shaped
            # placeholder passes the same validation the real value will.
            return f"https://{placeholder_value(where).replace('.', '-').replace('[', '-').replace(']', '')}.invalid/"
        if isinstance(node, dict):
            return {k: walk(v, f"{where}.{k}") for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, f"{where}[{i}]") for i, v in enumerate(node)]
        return node

    return walk(value, path), found


def _decoded(value: str) -> Any:
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value
