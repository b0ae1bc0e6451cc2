"""Read the three documents a reviewer may hand us into one list of resource records.

A record is a plain dict: ``urn``, ``type``, ``name``, ``inputs`` (camelCase, as the engine
sees them) plus ``parent``, ``custom``, ``protect``, ``provider``, ``op`` and, when the
resource's provider names one, ``region``. The three kinds are

- the offline plan document (``version: 1``, ``preflight/document.py``);
- ``pulumi preview --json`` (its steps' new states; deleted resources are not in the result);
- ``pulumi stack export`` (``version: 3``).

Secrets are replaced by ``"[secret]"`` whichever way they were written: pricing never needs
them, and the diff must not show them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT = "email-platform"
SECRET = "[secret]"
SECRET_SIG = "4dabf18193072939515e22adb298388d"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's placeholder for unknown values
USAGE_CONFIG_KEY = f"{PROJECT}:costUsage"
GUARDRAILS_KEY = f"{PROJECT}:costGuardrails"

# Preview ops whose new state exists after the update; the others remove or only read.
_LIVE_OPS = {"same", "create", "update", "replace", "create-replacement", "import", "import-replacement", "refresh"}
_GONE_OPS = {"delete", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace", "read", "read-replacement"}

Record = dict[str, Any]
Usage = dict[str, dict[str, float]]


class DocumentError(ValueError):
    """A document we cannot read; its message is one line, fit for ``error: ...``."""


@dataclass
class Document:
    kind: str  # "plan" | "preview" | "export"
    path: str
    project: str
    stack: str
    region: str | None
    usage: Usage | None
    records: list[Record] = field(default_factory=list)
    # Preview only: the op each URN's step carries, including deletes.
    ops: dict[str, str] = field(default_factory=dict)
    # Preview only: records of resources the preview deletes (from their old state).
    deleted: list[Record] = field(default_factory=list)
    # The stack's `costGuardrails` config as written (plans and previews carry config; exports do not).
    guardrails: Any = None
    environment: str | None = None  # the stack's `environment` config, when the document carries config
    commitments: Any = None  # the stack's `costCommitments` config as written


def scrub(value: Any) -> Any:
    """Replace every secret by ``"[secret]"`` and drop engine bookkeeping keys."""
    if isinstance(value, dict):
        if SECRET_SIG in value:
            return SECRET
        return {k: scrub(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def urn_parts(urn: str) -> tuple[str, str, str, str]:
    """``urn:pulumi:<stack>::<project>::<type chain>::<name>`` -> (stack, project, type, name)."""
    if not urn.startswith("urn:pulumi:"):
        raise DocumentError(f"not a Pulumi URN: {urn[:80]!r}")
    body = urn[len("urn:pulumi:") :]
    pieces = body.split("::", 3)
    if len(pieces) != 4:
        raise DocumentError(f"not a Pulumi URN: {urn[:80]!r}")
    stack, project, chain, name = pieces
    return stack, project, chain.rsplit("$", 1)[-1], name


def _record(raw: dict[str, Any], *, op: str = "") -> Record:
    urn = raw.get("urn")
    if not isinstance(urn, str):
        raise DocumentError("a resource has no urn")
    _, _, type_from_urn, name = urn_parts(urn)
    inputs = raw.get("inputs")
    for key, value, wanted in (("type", raw.get("type"), str), ("name", raw.get("name"), str), ("inputs", inputs, dict)):
        if value is not None and not isinstance(value, wanted):
            expected = "a string" if wanted is str else "an object"
            raise DocumentError(f"resource {urn}: '{key}' is {type(value).__name__}, expected {expected}")
    aliases = raw.get("aliases")
    if aliases is not None and not isinstance(aliases, list):
        raise DocumentError(f"resource {urn}: 'aliases' is {type(aliases).__name__}, expected a list of URNs")
    return {
        "urn": urn,
        "type": raw.get("type") or type_from_urn,
        "name": raw.get("name") or name,
        "inputs": scrub(inputs) if isinstance(inputs, dict) else {},
        "aliases": [a for a in aliases or [] if isinstance(a, str)],
        "parent": raw.get("parent") or None,
        "custom": bool(raw.get("custom", True)),
        "protect": bool(raw.get("protect", False)),
        "provider": raw.get("provider") or None,
        "op": op,
    }


def _check_project(project: str, path: str) -> None:
    if project != PROJECT:
        raise DocumentError(f"{path}: project is {project!r}, expected {PROJECT!r}")


def _stack_and_project(records: list[Record], path: str) -> tuple[str, str]:
    if not records:
        return "", PROJECT
    stack, project, _, _ = urn_parts(records[0]["urn"])
    for record in records:
        other_stack, other_project, _, _ = urn_parts(record["urn"])
        _check_project(other_project, path)
        if other_stack != stack:
            raise DocumentError(f"{path}: resources of two stacks ({stack!r}, {other_stack!r}) in one document")
    return stack, project


def _usage_from_config(config: Any) -> Usage | None:
    if not isinstance(config, dict) or USAGE_CONFIG_KEY not in config:
        return None
    value = config[USAGE_CONFIG_KEY]
    if isinstance(value, str):  # structured config travels as a JSON string in previews
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise DocumentError(f"config {USAGE_CONFIG_KEY} is not a JSON object") from exc
    return check_usage(value, USAGE_CONFIG_KEY)


def check_usage(value: Any, where: str) -> Usage:
    if not isinstance(value, dict):
        raise DocumentError(f"{where}: usage must map resource types to figures")
    usage: Usage = {}
    for key, figures in value.items():
        if not isinstance(figures, dict):
            raise DocumentError(f"{where}: usage for {key} must be a mapping of figures")
        usage[str(key)] = {}
        for name, number in figures.items():
            if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number) or number < 0:
                raise DocumentError(f"{where}: usage {key}.{name} = {number!r} is not a number >= 0")
            usage[str(key)][str(name)] = float(number)
    return usage


def provider_regions(records: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """URN -> region of every AWS provider resource that names one."""
    return {
        r["urn"]: r["inputs"]["region"]
        for r in records
        if str(r["type"]).startswith("pulumi:providers:aws") and isinstance((r.get("inputs") or {}).get("region"), str)
    }


def region_of_provider(record: Mapping[str, Any], regions: Mapping[str, str]) -> str | None:
    """The region of the record's explicit provider (a reference is ``URN::id`` or a bare URN)."""
    ref = record.get("provider")
    if isinstance(ref, str):
        return regions.get(ref) or regions.get(ref.rsplit("::", 1)[0])
    return None


def _resolve_regions(records: list[Record]) -> None:
    """Give each record the region of its explicit provider, when that provider names one."""
    regions = provider_regions(records)
    for record in records:
        region = region_of_provider(record, regions)
        if region:
            record["region"] = region


def _plan(data: dict[str, Any], path: str) -> Document:
    _check_project(str(data.get("project")), path)
    resources = data.get("resources")
    if not isinstance(resources, list):
        raise DocumentError(f"{path}: plan document has no resources list")
    records = [_record(r) for r in resources if isinstance(r, dict)]
    stack = data.get("stack")
    if stack is not None and not isinstance(stack, str):
        raise DocumentError(f"{path}: 'stack' is {type(stack).__name__}, expected a string")
    stack = stack or _stack_and_project(records, path)[0]
    _stack_and_project(records, path)
    config = data.get("config") or {}
    region = _region(config.get("aws:region") if isinstance(config, dict) else None, path)
    doc = Document("plan", path, PROJECT, stack, region, _usage_from_config(config), records)
    doc.guardrails = config.get(GUARDRAILS_KEY) if isinstance(config, dict) else None
    doc.environment = _environment(config)
    doc.commitments = _config_value(config, "costCommitments")
    return doc


def _config_value(config: Any, key: str) -> Any:
    value = config.get(f"{PROJECT}:{key}") if isinstance(config, dict) else None
    return value.get("value") if isinstance(value, dict) and "secret" in value and "value" in value else value


def _environment(config: Any) -> str | None:
    value = config.get(f"{PROJECT}:environment") if isinstance(config, dict) else None
    if isinstance(value, dict):
        value = value.get("value")
    return value if isinstance(value, str) and value else None


def _region(region: Any, path: str) -> str | None:
    if region is not None and not isinstance(region, str):
        raise DocumentError(f"{path}: config aws:region is {type(region).__name__}, expected a string")
    return region or None


def _preview(data: dict[str, Any], path: str) -> Document:
    steps = data["steps"]
    if not isinstance(steps, list):
        raise DocumentError(f"{path}: preview steps is not a list")
    records: list[Record] = []
    deleted: list[Record] = []
    ops: dict[str, str] = {}
    for step in steps:
        if not isinstance(step, dict):
            continue
        op = str(step.get("op", ""))
        urn = str(step.get("urn", ""))
        ops[urn] = op
        if op in _LIVE_OPS and isinstance(step.get("newState"), dict):
            records.append(_record(step["newState"], op=op))
        elif op in _GONE_OPS and op.startswith("delete") and isinstance(step.get("oldState"), dict):
            deleted.append(_record(step["oldState"], op=op))
        elif op not in _LIVE_OPS | _GONE_OPS:
            raise DocumentError(f"{path}: unknown preview step op {op!r}")
    stack, _ = _stack_and_project(records + deleted, path)
    config = data.get("config") or {}
    region = config.get("aws:region") if isinstance(config, dict) else None
    if isinstance(region, dict):  # {"value": ..., "secret": false} in some CLI versions
        region = region.get("value")
    region = _region(region, path)
    doc = Document("preview", path, PROJECT, stack, region, _usage_from_config(config), records, ops, deleted)
    doc.guardrails = config.get(GUARDRAILS_KEY) if isinstance(config, dict) else None
    if isinstance(doc.guardrails, dict) and "value" in doc.guardrails:  # {"value": ..., "secret": false}
        doc.guardrails = doc.guardrails["value"]
    doc.environment = _environment(config)
    doc.commitments = _config_value(config, "costCommitments")
    return doc


def _export(data: dict[str, Any], path: str) -> Document:
    deployment = data.get("deployment")
    if not isinstance(deployment, dict):
        raise DocumentError(f"{path}: stack export has no deployment")
    resources = deployment.get("resources") or []
    if not isinstance(resources, list):
        raise DocumentError(f"{path}: stack export resources is not a list")
    records = [_record(r) for r in resources if isinstance(r, dict) and not r.get("delete")]
    stack, _ = _stack_and_project(records, path)
    return Document("export", path, PROJECT, stack, None, None, records)


def parse_document(data: Any, path: str = "<document>") -> Document:
    """Recognise the kind of ``data`` and read it; raise ``DocumentError`` otherwise."""
    if not isinstance(data, dict):
        raise DocumentError(f"{path}: expected a JSON object")
    if "steps" in data:
        doc = _preview(data, path)
    elif data.get("version") == 1 and "resources" in data:
        doc = _plan(data, path)
    elif data.get("version") == 3 and "deployment" in data:
        doc = _export(data, path)
    elif "version" in data:
        raise DocumentError(f"{path}: unknown document version {data['version']!r} (plan is 1, stack export is 3)")
    else:
        raise DocumentError(f"{path}: not a plan document, `pulumi preview --json` or `pulumi stack export`")
    _resolve_regions(doc.records)
    if doc.region is None:
        doc.region = next((r["region"] for r in doc.records if "region" in r), None)
    return doc


def load_document(path: str) -> Document:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{path}: not UTF-8 text") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"{path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    return parse_document(data, path)
