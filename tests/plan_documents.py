"""Small version-1 plan documents made in the tests, and the committed plan from before the engine
and API checks existed (tests/data/plan_production_before_round3.json.gz: the production plan as
`make plan` wrote it, with the duplicate provider and the web ACL description the checks must name).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from preflight.check_command import Violation, check_resources

DATA = Path(__file__).resolve().parent / "data"
STACK = "test"
PREFIX = f"urn:pulumi:{STACK}::email-platform::"
ROOT = f"{PREFIX}pulumi:pulumi:Stack::email-platform-{STACK}"
PROVIDER = f"{PREFIX}pulumi:providers:aws::aws"
REGION = "us-east-1"
TAGS = '{"tags": {"Project": "p", "Environment": "test", "ManagedBy": "pulumi", "Owner": "o", "CostCenter": "c"}}'


@cache
def plan_before_checks() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(gzip.decompress((DATA / "plan_production_before_round3.json.gz").read_bytes()))
    return document


def provider(name: str = "aws", region: str = REGION, **inputs: Any) -> dict[str, Any]:
    return {
        "urn": f"{PREFIX}pulumi:providers:aws::{name}",
        "type": "pulumi:providers:aws",
        "name": name,
        "parent": ROOT,
        "custom": True,
        "provider": None,
        "id": f"{name}-id",
        "inputs": {"region": region, "defaultTags": TAGS, **inputs},
    }


def resource(type_: str, name: str, inputs: Mapping[str, Any], *, via: str = "aws", **extra: Any) -> dict[str, Any]:
    """An AWS resource (or any custom resource) under the stack, created through provider `via`."""
    entry: dict[str, Any] = {
        "urn": f"{PREFIX}{type_}::{name}",
        "type": type_,
        "name": name,
        "parent": ROOT,
        "custom": True,
        "provider": f"{PREFIX}pulumi:providers:aws::{via}::{via}-id",
        "id": f"{name}-id",
        "inputs": dict(inputs),
    }
    entry.update(extra)
    return entry


def document(*resources: dict[str, Any], providers: tuple[dict[str, Any], ...] | None = None) -> dict[str, Any]:
    stack = {"urn": ROOT, "type": "pulumi:pulumi:Stack", "name": f"email-platform-{STACK}", "parent": None, "custom": False, "inputs": {}}
    return {
        "version": 1,
        "project": "email-platform",
        "stack": STACK,
        "config": {"aws:region": REGION},
        "resources": [stack, *(providers if providers is not None else (provider(),)), *resources],
    }


def findings(doc: Mapping[str, Any], policy: str | None = None) -> list[Violation]:
    """What `preflight check` reports on the document (one policy's findings when named)."""
    found = check_resources(doc["resources"], stack_config=doc.get("config") or {})
    return [v for v in found if policy is None or v.policy == policy]
