"""A plan document (or `pulumi preview --json`) as a Terraform plan JSON document.

Each AWS resource appears under its Terraform type with its arguments in Terraform's names and
shapes (terraform_names.json, built by names_build.py from the provider's bridge metadata and
the installed SDK): single nested blocks become one-element lists, repeated blocks keep their
singular Terraform name, maps stay maps and policy documents become JSON strings.

References between resources go in the plan's `configuration` section, as Terraform writes them
for `bucket = aws_s3_bucket.logs.id`: a top-level argument refers to a resource the Pulumi engine
recorded as a dependency when its value carries that resource's id or physical name (a bucket
name, a VPC id, an ARN that ends in the auto-name). That is what lets checkov's graph checks
connect a bucket to its public-access block, a VPC to its flow log and a load balancer or a
distribution to its web ACL.

Resources of other providers (Kubernetes, random, tls) and component resources are left out:
checkov judges the Kubernetes objects through its own framework (tests/test_k8s_schema.py).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from documents.reader import Document, Record

NAMES_FILE = Path(__file__).with_name("terraform_names.json")
FORMAT_VERSION = "1.2"
TERRAFORM_VERSION = "1.9.0"
Fields = dict[str, Any]


@cache
def terraform_names() -> dict[str, Any]:
    names: dict[str, Any] = json.loads(NAMES_FILE.read_text())
    return names


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def convert_value(value: dict[str, Any], fields: Fields) -> dict[str, Any]:
    """Pulumi inputs (camelCase, flattened blocks) → Terraform arguments."""
    converted: dict[str, Any] = {}
    for key, item in value.items():
        spec = fields.get(key, {"name": _snake(key), "shape": "value"})
        shape, nested = spec["shape"], spec.get("fields", {})
        if shape == "object" and isinstance(item, dict):
            item = [convert_value(item, nested)]
        elif shape == "blocks" and isinstance(item, list):
            item = [convert_value(block, nested) if isinstance(block, dict) else block for block in item]
        elif shape == "json" and isinstance(item, (dict, list)):
            item = json.dumps(item)
        converted[spec["name"]] = item
    return converted


def _address_names(records: list[Record]) -> dict[str, str]:
    """A Terraform resource name per URN, unique within its type."""
    taken: set[tuple[str, str]] = set()
    names: dict[str, str] = {}
    for record in records:
        base = re.sub(r"[^A-Za-z0-9_]", "_", record["name"]) or "resource"
        if base[0].isdigit():
            base = "r_" + base
        name, counter = base, 2
        while (record["type"], name) in taken:
            name, counter = f"{base}_{counter}", counter + 1
        taken.add((record["type"], name))
        names[record["urn"]] = name
    return names


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _refers_to(value: Any, target: Record, target_id: str | None) -> bool:
    for text in _strings(value):
        if target_id and (text == target_id or text.endswith((f"/{target_id}", f":{target_id}"))):
            return True
        # Auto-names are the logical name plus a random suffix, and ARNs end in the physical name.
        if re.search(rf"(^|[/:]){re.escape(target['name'])}-[0-9a-f]{{7,8}}($|/)", text):
            return True
        # A name given explicitly (an Aurora cluster identifier, a web ACL's name) stands in its ARN.
        for physical in _physical_names(target):
            if re.search(rf"(^|[/:]){re.escape(physical)}($|/)", text):
                return True
    return False


# Inputs that hold a resource's own physical name, which its ARN carries.
_PHYSICAL_NAME_INPUTS = ("clusterIdentifier", "identifier", "name")


def _physical_names(target: Record) -> list[str]:
    inputs = target.get("inputs") or {}
    names = [inputs.get(key) for key in _PHYSICAL_NAME_INPUTS]
    return [name for name in names if isinstance(name, str) and len(name) >= 3]


def terraform_plan(document: Document, raw: dict[str, Any]) -> dict[str, Any]:
    """The Terraform plan JSON for `document`; `raw` is the JSON it was read from (for dependencies and ids)."""
    table = terraform_names()["resources"]
    extra = _raw_entries(raw)
    records = [r for r in document.records if r["type"] in table and r.get("custom", True)]
    names = _address_names(records)
    addresses = {r["urn"]: f"{table[r['type']]['terraform_type']}.{names[r['urn']]}" for r in records}
    by_urn = {r["urn"]: r for r in records}
    planned, changes, configured = [], [], []
    for record in records:
        entry = table[record["type"]]
        tf_type, name = entry["terraform_type"], names[record["urn"]]
        values = convert_value(record["inputs"], entry["fields"])
        base = {
            "address": addresses[record["urn"]],
            "mode": "managed",
            "type": tf_type,
            "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
        }
        planned.append({**base, "schema_version": 0, "values": values, "sensitive_values": {}})
        changes.append({**base, "change": {"actions": ["create"], "before": None, "after": values, "after_unknown": {}}})
        expressions: dict[str, Any] = {}
        for dependency in extra.get(record["urn"], {}).get("dependencies", []):
            target = by_urn.get(dependency)
            if target is None:
                continue
            target_id = extra.get(dependency, {}).get("id")
            for key, item in record["inputs"].items():
                if _refers_to(item, target, target_id):
                    tf_key = entry["fields"].get(key, {}).get("name", _snake(key))
                    references = expressions.setdefault(tf_key, {"references": []})["references"]
                    references += [f"{addresses[dependency]}.id", addresses[dependency]]
        configured.append({**base, "provider_config_key": "aws", "expressions": expressions, "schema_version": 0})
    return {
        "format_version": FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}},
            "root_module": {"resources": configured},
        },
    }


def _raw_entries(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """URN → {dependencies, id} from a plan document, a preview's new states or a stack export."""
    if "steps" in raw:
        states = [s.get("newState") for s in raw.get("steps") or [] if isinstance(s, dict)]
    elif "deployment" in raw:
        states = (raw.get("deployment") or {}).get("resources") or []
    else:
        states = raw.get("resources") or []
    found: dict[str, dict[str, Any]] = {}
    for state in states:
        if isinstance(state, dict) and isinstance(state.get("urn"), str):
            dependencies = state.get("dependencies") or []
            found[state["urn"]] = {"dependencies": [d for d in dependencies if isinstance(d, str)], "id": state.get("id") or None}
    return found
