"""Turn a document into a cost report: pick the region and the usage assumptions, then price.

Usage assumptions come from, in order: the document's own stack config
(``email-platform:costUsage``, present in plan documents and previews), a ``--usage`` file
(a ``Pulumi.<stack>.yaml`` or a plain mapping of type -> figures), or the
``Pulumi.<stack>.yaml`` beside the current directory. A stack export carries no config, so
the last two let it be priced with the same assumptions as the plan of the same stack.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import yaml

from documents.reader import PROJECT, Document, DocumentError
from pricing.commitments import COMMITMENTS_KEY, parse_commitments, with_commitments
from pricing.pricer import price_resources
from pricing.report import CostReport

USAGE_CONFIG_KEY = f"{PROJECT}:costUsage"
NO_USAGE = "none: every usage figure is 0"
Usage = dict[str, dict[str, float]]
# libyaml's safe loader when PyYAML was built with it (about 4x faster on a stack file).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def check_usage(value: Any, where: str) -> Usage:
    """Usage assumptions as the pricer takes them: resource type (or URN) -> figure -> a number >= 0."""
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


def parse_usage(value: Any, where: str = USAGE_CONFIG_KEY) -> Usage | None:
    """``costUsage`` as a stack config carries it (an object, or its JSON text), checked; None when absent."""
    if value is None:
        return None
    if isinstance(value, str):  # structured config travels as a JSON string in previews
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise DocumentError(f"config {where} is not a JSON object") from exc
    return check_usage(value, where)


def stack_usage(doc: Document) -> Usage | None:
    """The usage assumptions the document's own stack config carries (plans and previews), or None."""
    return parse_usage(doc.config_value(USAGE_CONFIG_KEY))


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=_YAML_LOADER)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise DocumentError(f"{path}: cannot read usage file ({type(exc).__name__})") from exc
    if not isinstance(data, dict):
        raise DocumentError(f"{path}: usage file is not a mapping")
    return data


def _from_stack_file(data: dict[str, Any]) -> tuple[Usage | None, str | None]:
    config = data.get("config") or {}
    if not isinstance(config, dict):
        return None, None
    region = config.get("aws:region")
    raw = config.get(USAGE_CONFIG_KEY)
    usage = check_usage(raw, USAGE_CONFIG_KEY) if raw is not None else None
    return usage, region if isinstance(region, str) else None


def resolve_inputs(doc: Document, usage_path: str | None = None, region: str | None = None) -> tuple[str, Usage, str]:
    """(region, usage, where the usage came from)."""
    file_usage: Usage | None = None
    file_region: str | None = None
    source = NO_USAGE
    candidates = [Path(usage_path)] if usage_path else [Path(f"Pulumi.{doc.stack}.yaml")]
    for path in candidates:
        if usage_path is None and not path.is_file():
            continue
        data = _read_mapping(path)
        if "config" in data:
            file_usage, file_region = _from_stack_file(data)
        else:
            file_usage = check_usage(data, str(path))
        if file_usage is not None:
            source = str(path)
    usage: Usage = {}
    own = stack_usage(doc)
    if own is not None:
        usage, source = own, f"{doc.path} (stack config {USAGE_CONFIG_KEY})"
    elif file_usage is not None:
        usage = file_usage
    chosen = region or doc.region or file_region
    if not chosen:
        raise DocumentError(f"{doc.path}: no AWS region in the document; pass --region")
    return chosen, usage, source


def estimate(doc: Document, usage_path: str | None = None, region: str | None = None) -> tuple[CostReport, str]:
    chosen, usage, source = resolve_inputs(doc, usage_path, region)
    report = price_resources(doc.records, chosen, usage)
    commitments = parse_commitments(doc.config_value(COMMITMENTS_KEY))
    if commitments:
        report["withCommitments"] = with_commitments(report, commitments)
    return report, source
