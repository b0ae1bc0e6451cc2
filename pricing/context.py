"""What each service's pricing function works with: a priced line, the per-run context
(catalogue prices for the record's region, usage figures, notes) and checks on input values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from documents.reader import SECRET, UNKNOWN
from pricing.catalogue import HOURS_PER_MONTH, find_price, supported
from pricing.report import Unpriced

CENT = Decimal("0.01")
MILLION = Decimal(1_000_000)
NOT_SET = "not set"


def import_hint(region: str) -> str:
    """How to give the catalogue a region's prices (docs/cost.md)."""
    return f"python -m preflight prices import --region {region}"


class UnpricedError(Exception):
    """This resource (or one of its parts) has no price; the message says why."""


class BadValueError(Exception):
    """A value of the wrong shape (a list that is a string, an infinite count): bad input, not unpriced."""


@dataclass(frozen=True)
class Line:
    name: str
    unit: str
    quantity: Decimal
    price: Decimal

    @property
    def monthly(self) -> Decimal:
        return (self.quantity * self.price).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class PricingContext:
    region: str
    usage: Mapping[str, Mapping[str, float]]
    by_urn: dict[str, Mapping[str, Any]]
    children: dict[str | None, list[Mapping[str, Any]]]
    assumptions: dict[str, dict[str, float | str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    partial: list[Unpriced] = field(default_factory=list)
    # region -> catalogue keys priced from a secondary source (a third-party table, a ratio, an assumption)
    secondary: dict[str, set[str]] = field(default_factory=dict)
    # what Karpenter's NodePools may add at their CPU limits (the range's ceiling, not the total)
    node_pool_ceiling: Decimal = Decimal(0)

    def region_of(self, record: Mapping[str, Any]) -> str:
        """The region of the record's provider, else the stack's."""
        return str(record.get("region") or self.region)

    def price(self, record: Mapping[str, Any], key: str, what: str) -> Decimal:
        region = self.region_of(record)
        found = find_price(region, key)
        if found is None:
            if not supported(region):
                raise UnpricedError(f"no prices for region {region} (import them: {import_hint(region)})")
            raise UnpricedError(f"no price for {what} in {region}")
        if found.secondary:
            self.secondary.setdefault(region, set()).add(key)
        return found.amount

    def figure(self, record: Mapping[str, Any], key: str) -> Decimal:
        """A usage figure: per URN, then per resource name, then per type; unset = 0."""
        for scope in (record["urn"], record["name"], record["type"]):
            figures = self.usage.get(scope)
            if figures is not None and key in figures:
                value = figures[key]
                self.assumptions.setdefault(scope, {})[key] = value
                return Decimal(str(value))
        self.assumptions.setdefault(record["type"], {}).setdefault(key, NOT_SET)
        return Decimal(0)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def unpriced_part(self, record: Mapping[str, Any], reason: str) -> None:
        self.partial.append({"urn": record["urn"], "type": record["type"], "reason": reason})


def known_value(value: Any, what: str) -> Any:
    if value in (UNKNOWN, SECRET):
        raise UnpricedError(f"{what} is unknown until apply")
    return value


def non_negative_number(value: Any, what: str, default: int | None = None) -> Decimal:
    if value is None and default is not None:
        return Decimal(default)
    value = known_value(value, what)
    try:
        number = Decimal(str(value))
    except ArithmeticError as exc:
        raise UnpricedError(f"{what} is not a number: {value!r}") from exc
    if not number.is_finite() or number < 0:
        raise BadValueError(f"{what} = {value!r} is not a finite number >= 0")
    return number


def as_mapping(value: Any, what: str) -> Mapping[str, Any]:
    value = known_value(value, what)
    if not isinstance(value, Mapping):
        raise BadValueError(f"{what} is {type(value).__name__}, expected an object")
    return value


def as_list(value: Any, what: str) -> list[Any]:
    value = known_value(value, what)
    if not isinstance(value, list):
        raise BadValueError(f"{what} is {type(value).__name__}, expected a list")
    return value


def monthly_hours(count: Decimal) -> Decimal:
    return HOURS_PER_MONTH * count


Pricer = Callable[[Mapping[str, Any], PricingContext], list[Line]]
