"""Cost guardrails over one pricer's reports: the limits a change may not cross, and why it did.

``preflight diff`` calls ``compare`` then ``breaches`` with the base; the CrossGuard policy calls
``breaches`` without one (a preview has no base). A resource the head cannot price fails the
guardrails by default (``unpriced: refuse``): the total would otherwise leave it out, and a
change could pass by being unpriceable; ``unpriced: warn`` checks the limits on the priced part
and ``warnings`` says so. A resource priced in the base and unpriced in the head is left out of
both sides of the delta, so it never reads as a saving; the delta is then marked partial.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from documents.reader import PROJECT, Document, DocumentError
from pricing.report import CostReport

GUARDRAILS_CONFIG_KEY = f"{PROJECT}:costGuardrails"
APPROVAL_LABEL = "cost-approved"
_FIELDS = {"maxMonthlyUsd": "max_monthly_usd", "maxIncreaseUsd": "max_increase_usd", "maxIncreasePercent": "max_increase_percent"}
UNPRICED_KEY = "unpriced"
UNPRICED_CHOICES = ("refuse", "warn")
_SHOWN = 3  # contributors named in a reason


@dataclass(frozen=True)
class Guardrails:
    max_monthly_usd: float | None = None
    max_increase_usd: float | None = None
    max_increase_percent: float | None = None
    unpriced: str = "refuse"  # or "warn": what an unpriced resource does when a limit is set

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.max_monthly_usd, self.max_increase_usd, self.max_increase_percent))


def stack_guardrails(doc: Document) -> Guardrails:
    """The guardrails the document's own stack config sets (none when it carries no config)."""
    return parse_guardrails(doc.config_value(GUARDRAILS_CONFIG_KEY))


def parse_guardrails(value: Any, where: str = GUARDRAILS_CONFIG_KEY) -> Guardrails:
    """Read ``costGuardrails`` from a document's config (an object, or its JSON text)."""
    if value is None:
        return Guardrails()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise DocumentError(f"{where} is not a JSON object") from exc
    if not isinstance(value, Mapping):
        raise DocumentError(f"{where} must be an object with {', '.join(_FIELDS)}")
    settings: dict[str, float] = {}
    unpriced = "refuse"
    for key, number in value.items():
        if key == UNPRICED_KEY:
            if number not in UNPRICED_CHOICES:
                raise DocumentError(f"{where}.{key} = {number!r}; allowed: {', '.join(UNPRICED_CHOICES)}")
            unpriced = str(number)
            continue
        if key not in _FIELDS:
            raise DocumentError(f"{where}.{key} is not a guardrail; allowed: {', '.join([*_FIELDS, UNPRICED_KEY])}")
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number) or number < 0:
            raise DocumentError(f"{where}.{key} = {number!r} is not a number >= 0")
        settings[_FIELDS[key]] = float(number)
    return Guardrails(**settings, unpriced=unpriced)


@dataclass
class CostDelta:
    base: float  # the base's total over the resources the head can price (or that it removed)
    head: float
    delta: float
    percent: float | None  # None when the base is 0
    partial: list[str] = field(default_factory=list)  # head resources left out: unpriced
    contributors: list[tuple[str, float]] = field(default_factory=list)  # (name, monthly delta), largest increase first


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def compare(base: CostReport, head: CostReport, renamed_from: Mapping[str, str] | None = None) -> CostDelta:
    """The monthly delta of ``head`` over ``base``; ``renamed_from`` maps a head URN to its base URN."""
    renamed_from = renamed_from or {}
    base_by = {r["urn"]: r["monthly"] for r in base["resources"]}
    head_by = {r["urn"]: r["monthly"] for r in head["resources"]}
    unpriced_head = sorted({u["urn"] for u in head["unpriced"]})
    left_out = {renamed_from.get(urn, urn) for urn in unpriced_head}
    comparable_base = sum(monthly for urn, monthly in base_by.items() if urn not in left_out)
    changes: dict[str, float] = {}
    matched: set[str] = set()
    for urn, monthly in head_by.items():
        old = renamed_from.get(urn, urn)
        matched.add(old)
        changes[urn] = monthly - base_by.get(old, 0.0)
    for urn, monthly in base_by.items():
        if urn not in matched and urn not in left_out:
            changes[urn] = -monthly
    contributors = sorted(((_name(u), round(d, 2)) for u, d in changes.items() if round(d, 2) != 0), key=lambda c: (-c[1], c[0]))
    delta = round(head["monthly"] - comparable_base, 2)
    percent = None if comparable_base == 0 else delta / comparable_base * 100
    return CostDelta(round(comparable_base, 2), head["monthly"], delta, percent, [_name(u) for u in unpriced_head], contributors)


def _largest(items: list[tuple[str, float]], sign: str = "") -> str:
    return ", ".join(f"{name} {sign}${value:,.2f}" for name, value in items[:_SHOWN])


def breaches(guardrails: Guardrails, head: CostReport, delta: CostDelta | None = None) -> list[str]:
    """One line per guardrail crossed; [] when none is set or none is crossed."""
    if not guardrails.any:
        return []
    reasons: list[str] = []
    if head["unpriced"] and guardrails.unpriced == "refuse":
        first = head["unpriced"][0]
        reasons.append(
            f"cannot price {len({u['urn'] for u in head['unpriced']})} resource(s), so the limits cannot be checked "
            f"(e.g. {_name(first['urn'])}: {first['reason']}); costGuardrails.unpriced: warn checks them on the priced part"
        )
    limit = guardrails.max_monthly_usd
    if limit is not None and head["monthly"] > limit:
        biggest = sorted(((r["name"], r["monthly"]) for r in head["resources"]), key=lambda c: (-c[1], c[0]))
        reasons.append(f"monthly ${head['monthly']:,.2f} exceeds maxMonthlyUsd ${limit:,.2f} (largest: {_largest(biggest)})")
    if delta is not None:
        increases = [c for c in delta.contributors if c[1] > 0]
        limit = guardrails.max_increase_usd
        if limit is not None and delta.delta > limit:
            reasons.append(f"increase +${delta.delta:,.2f} exceeds maxIncreaseUsd ${limit:,.2f} (biggest: {_largest(increases, '+')})")
        limit = guardrails.max_increase_percent
        if limit is not None and delta.percent is not None and delta.percent > limit:
            reasons.append(f"increase {delta.percent:+.1f}% exceeds maxIncreasePercent {limit:g}% (biggest: {_largest(increases, '+')})")
    return reasons


def warnings(guardrails: Guardrails, head: CostReport) -> list[str]:
    """What the guardrails let through but must say: limits checked without the unpriced resources."""
    if not guardrails.any or guardrails.unpriced != "warn" or not head["unpriced"]:
        return []
    count = len({u["urn"] for u in head["unpriced"]})
    first = head["unpriced"][0]
    return [
        f"{count} resource(s) unpriced (e.g. {_name(first['urn'])}: {first['reason']}): the limits were checked on the "
        "priced part only (costGuardrails.unpriced: warn)"
    ]
