"""Read the three documents a reviewer may hand us into one list of resource records.

A record is a plain dict: ``urn``, ``type``, ``name``, ``inputs`` (camelCase, as the engine
sees them) plus ``parent``, ``custom``, ``protect``, ``provider``, ``id``, ``aliases``,
``dependencies``, ``propertyDependencies``, ``op`` and, when the resource's provider names one,
``region``. The three kinds are

- the offline plan document (``version: 1``, written by ``preflight/document.py``);
- ``pulumi preview --json`` (its steps' new states; deleted resources are kept apart);
- ``pulumi stack export`` (``version: 3``).

Secrets are replaced by ``"[secret]"`` whichever way they were written: pricing never needs
them, the policies treat them as present, and the diff must not show them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT = "email-platform"
SECRET = "[secret]"
# How the engine marks values in serialized state (`pulumi preview --json`, stack exports): the
# SDK's `rpc._special_sig_key` and `rpc.UNKNOWN` (tests/test_runner_sdk_assumptions.py holds both).
SECRET_SIG = "4dabf18193072939515e22adb298388d"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

# Preview ops (the engine's step ops: pulumi/pulumi sdk/go/common/apitype, `OpType`; "discard" is
# OpReadDiscard): whose new state exists after the update, which only read, which remove.
_LIVE_OPS = {"same", "create", "update", "replace", "create-replacement", "import", "import-replacement", "refresh"}
_READ_OPS = {"read", "read-replacement"}
_GONE_OPS = {"delete", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace"}

Record = dict[str, Any]


class DocumentError(ValueError):
    """A document we cannot read; its message is one line, fit for ``error: ...``."""


@dataclass
class Document:
    kind: str  # "plan" | "preview" | "export"
    path: str
    project: str
    stack: str
    region: str | None
    records: list[Record] = field(default_factory=list)
    # The stack config the document carries, as written (plans and previews; exports carry none).
    config: dict[str, Any] = field(default_factory=dict)
    # Preview only: the op each URN's step carries, including deletes.
    ops: dict[str, str] = field(default_factory=dict)
    # Preview only: records of resources the preview deletes (from their old state).
    deleted: list[Record] = field(default_factory=list)
    # Preview only: resources the program reads (`.get`) but does not manage.
    reads: list[Record] = field(default_factory=list)

    def config_value(self, key: str) -> Any:
        """The document's value of stack config ``key`` (previews may wrap it as {"value": …, "secret": …})."""
        return plain_config_value(self.config.get(key))

    @property
    def environment(self) -> str | None:
        """The stack's ``environment`` config, when the document carries config."""
        value = self.config_value(f"{PROJECT}:environment")
        return value if isinstance(value, str) and value else None


def plain_config_value(value: Any) -> Any:
    """A config value as previews write it (``{"value": …, "secret": false}``) or as given."""
    if isinstance(value, dict) and "value" in value and "secret" in value:
        return value["value"]
    return value


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


def _urns(raw: Mapping[str, Any], key: str, path: str) -> list[str]:
    value = raw.get(key)
    if value is not None and not isinstance(value, list):
        raise DocumentError(f"{path}: resource {raw['urn']}: '{key}' is {type(value).__name__}, expected a list of URNs")
    return [u for u in value or [] if isinstance(u, str)]


def _property_dependencies(raw: Mapping[str, Any]) -> dict[str, list[str]]:
    deps = raw.get("propertyDependencies")
    if not isinstance(deps, Mapping):
        return {}
    return {str(k): [str(u) for u in v] for k, v in deps.items() if isinstance(v, list)}


def _record(raw: Any, index: int, path: str, *, op: str = "") -> Record:
    """One resource of the document at ``path``; a ``DocumentError`` naming the file and the resource."""
    urn = raw.get("urn") if isinstance(raw, Mapping) else None
    if not isinstance(urn, str):
        raise DocumentError(f"{path}: resource #{index} has no 'urn'")
    try:
        _, _, type_from_urn, name = urn_parts(urn)
    except DocumentError as exc:
        raise DocumentError(f"{path}: resource #{index}: {exc}") from exc
    inputs = raw.get("inputs")
    checked = (("type", raw.get("type"), str), ("name", raw.get("name"), str), ("inputs", inputs, dict))
    for key, value, wanted in (*checked, ("parent", raw.get("parent"), str), ("provider", raw.get("provider"), str)):
        if value is not None and not isinstance(value, wanted):
            expected = "a string" if wanted is str else "an object"
            raise DocumentError(f"{path}: resource {urn}: '{key}' is {type(value).__name__}, expected {expected}")
    if raw.get("parent"):
        try:
            urn_parts(raw["parent"])
        except DocumentError as exc:
            raise DocumentError(f"{path}: resource {urn}: 'parent' is {exc}") from exc
    outputs = raw.get("outputs") if isinstance(raw.get("outputs"), Mapping) else {}
    return {
        "urn": urn,
        "type": raw.get("type") or type_from_urn,
        "name": raw.get("name") or name,
        "inputs": scrub(inputs) if isinstance(inputs, dict) else {},
        "aliases": _urns(raw, "aliases", path),
        "parent": raw.get("parent") or None,
        "custom": bool(raw.get("custom", True)),
        "protect": bool(raw.get("protect", False)),
        "provider": raw.get("provider") or None,
        "id": str(raw.get("id") or outputs.get("id") or ""),
        "dependencies": _urns(raw, "dependencies", path),
        # The program's own replaceOnChanges option (property paths, "*" for every input).
        "replaceOnChanges": [p for p in raw.get("replaceOnChanges") or [] if isinstance(p, str)]
        if isinstance(raw.get("replaceOnChanges"), list)
        else [],
        "propertyDependencies": _property_dependencies(raw),
        "op": op,
    }


def _records(raws: list[Any], path: str, *, skip: Any = None) -> list[Record]:
    return [_record(raw, index, path) for index, raw in enumerate(raws) if not (skip and skip(raw))]


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


def _config(data: Mapping[str, Any]) -> dict[str, Any]:
    config = data.get("config")
    return config if isinstance(config, dict) else {}


def _region(config: Mapping[str, Any], path: str) -> str | None:
    region = plain_config_value(config.get("aws:region"))
    if region is not None and not isinstance(region, str):
        raise DocumentError(f"{path}: config aws:region is {type(region).__name__}, expected a string")
    return region or None


def _plan(data: dict[str, Any], path: str) -> Document:
    _check_project(str(data.get("project")), path)
    resources = data.get("resources")
    if not isinstance(resources, list):
        raise DocumentError(f"{path}: plan document has no resources list")
    records = _records(resources, path)
    stack = data.get("stack")
    if stack is not None and not isinstance(stack, str):
        raise DocumentError(f"{path}: 'stack' is {type(stack).__name__}, expected a string")
    from_urns, _ = _stack_and_project(records, path)
    config = _config(data)
    return Document("plan", path, PROJECT, stack or from_urns, _region(config, path), records, config)


def _preview(data: dict[str, Any], path: str) -> Document:
    steps = data["steps"]
    if not isinstance(steps, list):
        raise DocumentError(f"{path}: preview steps is not a list")
    records: list[Record] = []
    deleted: list[Record] = []
    reads: list[Record] = []
    ops: dict[str, str] = {}
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            continue
        op = str(step.get("op", ""))
        ops[str(step.get("urn", ""))] = op
        new, old = step.get("newState"), step.get("oldState")
        # A state may leave out its URN when the step names it.
        if op in _LIVE_OPS and isinstance(new, dict):
            records.append(_record({"urn": step.get("urn"), **new}, index, path, op=op))
        elif op in _READ_OPS and isinstance(new, dict):
            reads.append(_record({"urn": step.get("urn"), **new}, index, path, op=op))
        elif op.startswith("delete") and isinstance(old, dict):
            deleted.append(_record({"urn": step.get("urn"), **old}, index, path, op=op))
        elif op not in _LIVE_OPS | _READ_OPS | _GONE_OPS:
            raise DocumentError(f"{path}: unknown preview step op {op!r}")
    stack, _ = _stack_and_project(records + reads + deleted, path)
    config = _config(data)
    return Document("preview", path, PROJECT, stack, _region(config, path), records, config, ops, deleted, reads)


def _export(data: dict[str, Any], path: str) -> Document:
    deployment = data.get("deployment")
    if not isinstance(deployment, dict):
        raise DocumentError(f"{path}: stack export has no deployment")
    resources = deployment.get("resources") or []
    if not isinstance(resources, list):
        raise DocumentError(f"{path}: stack export resources is not a list")
    records = _records(resources, path, skip=lambda raw: isinstance(raw, dict) and raw.get("delete"))
    stack, _ = _stack_and_project(records, path)
    return Document("export", path, PROJECT, stack, None, records)


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
        raise DocumentError(f"{path}: not a plan document (no 'version'), `pulumi preview --json` (no 'steps') or `pulumi stack export`")
    _resolve_regions(doc.records)
    if doc.region is None:
        doc.region = next((r["region"] for r in doc.records if "region" in r), None)
    return doc


def read_json(path: str | Path, what: str = "document") -> Any:
    """The JSON value in the file at ``path``; a ``DocumentError`` naming ``what`` when it cannot be read."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DocumentError(f"cannot read {what} {path} ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{path}: not UTF-8 text") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"{path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc


def load_document(path: str) -> Document:
    return parse_document(read_json(path), path)
