"""The version-1 plan document (docs/ARCHITECTURE.md): what `make plan JSON=…` writes.

Every secret is "[secret]" wherever it appears: config values marked secret, inputs and
outputs that the SDK sent wrapped as secrets.
"""

from __future__ import annotations

import json
from typing import Any

from config import PROJECT
from preflight.recorder import SECRET
from preflight.runner import Run

VERSION = 1


def config_section(run: Run) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    for key, value in sorted(run.stack_file.config.items()):
        if key in run.stack_file.secret_keys:
            shown[key] = SECRET
        else:
            shown[key] = _structured(value)
    return shown


def _structured(value: Any) -> Any:
    """Structured config travels as JSON text; anything else (e.g. `aws:profile: "[prod"`) is shown as given."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def resource_entry(resource: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "urn": resource.urn,
        "type": resource.type,
        "name": resource.name,
        "parent": resource.parent,
        "custom": resource.custom,
        "protect": resource.protect,
        "provider": resource.provider,
        "id": resource.id,
        "inputs": resource.inputs,
    }
    if resource.aliases:
        entry["aliases"] = resource.aliases
    if resource.dependencies:
        entry["dependencies"] = resource.dependencies
    if resource.retain_on_delete:
        entry["retainOnDelete"] = True
    if resource.replace_on_changes:
        entry["replaceOnChanges"] = list(resource.replace_on_changes)
    return entry


def build_document(run: Run, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "version": VERSION,
        "project": PROJECT,
        "stack": run.stack,
        "config": config_section(run),
        "resources": [resource_entry(r) for r in run.resources],
        "outputs": run.outputs,
        "secretsToSet": sorted(run.stack_file.placeholders),
    }
    document.update(extra or {})
    return document
