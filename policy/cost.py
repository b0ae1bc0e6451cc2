"""Cost: the preview's monthly estimate stays under the stack's `costGuardrails.maxMonthlyUsd`.

The same pricer as `make plan`, `preflight cost` and `preflight diff` (the top-level `pricing`
package; `policy/__main__.py` puts the repository root on sys.path), over the resources the
preview would leave. A preview has no base, so the increase limits are `preflight diff`'s; this
policy checks the total and refuses a preview with a resource it cannot price (a value unknown
until apply, a type or class missing from the catalogue): the limit cannot be checked then.
`preflight check` fills `region`, `usage`, `maxMonthlyUsd` and `unpriced` from the plan's stack
config; the pull-request workflow passes them as policy-pack config.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from documents.reader import UNKNOWN as UNKNOWN_IN_DOCUMENTS
from policy.specs import MANDATORY, Config, Resource, StackFinding, StackPolicySpec, schema
from policy.values import UNKNOWN
from pricing import price_resources
from pricing.estimate import parse_usage
from pricing.guardrails import breaches, parse_guardrails

_WHERE = "cost-guardrails config"
COMPONENT_PACKAGES = ("email:",)  # the program's own component resources bill nothing themselves

_COST_CONFIG = schema(
    maxMonthlyUsd={"type": ["number", "null"], "minimum": 0, "default": None, "description": "costGuardrails.maxMonthlyUsd"},
    unpriced={"type": "string", "enum": ["refuse", "warn"], "default": "refuse", "description": "costGuardrails.unpriced"},
    region={"type": "string", "default": "us-east-1", "description": "the stack's aws:region"},
    usage={"type": "object", "default": {}, "description": "the stack's costUsage figures"},
)


def _plain(value: Any) -> Any:
    if value is UNKNOWN:
        return UNKNOWN_IN_DOCUMENTS
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def records(resources: Sequence[Resource]) -> list[dict[str, Any]]:
    """The policy's resources as the pricer's records."""
    return [
        {
            "urn": r.urn,
            "type": r.type,
            "name": r.name,
            "inputs": _plain(dict(r.props)),
            "parent": r.parent or None,
            "provider": r.provider or None,
            "custom": not r.type.startswith(COMPONENT_PACKAGES),
        }
        for r in resources
    ]


def monthly_limit(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """Read by the readers `diff` and `cost` use: a bad setting raises `DocumentError` (`check` exits 2)."""
    limit = config.get("maxMonthlyUsd")
    if limit is None:
        return []
    guardrails = parse_guardrails({"maxMonthlyUsd": limit, "unpriced": config.get("unpriced") or "refuse"}, _WHERE)
    usage = parse_usage(config.get("usage") or {}, f"{_WHERE}.usage") or {}
    report = price_resources(records(resources), str(config["region"]), usage)
    return [(None, f"cost guardrail: {reason}") for reason in breaches(guardrails, report)]


STACK_POLICIES: list[StackPolicySpec] = [
    StackPolicySpec(
        "cost-guardrails",
        "The monthly estimate stays under costGuardrails.maxMonthlyUsd, and every resource can be priced.",
        MANDATORY,
        monthly_limit,
        _COST_CONFIG,
    ),
]
RESOURCE_POLICIES: list[Any] = []
