"""The shape of a cost report, as `preflight cost` prints it and the `costEstimate` output holds it."""

from __future__ import annotations

from typing import NotRequired, TypedDict


class Component(TypedDict):
    name: str
    unit: str
    quantity: float
    unitPrice: float
    monthly: float


class ResourceCost(TypedDict):
    urn: str
    type: str
    name: str
    monthly: float
    components: list[Component]


class Unpriced(TypedDict):
    urn: str
    type: str
    reason: str


class CostReport(TypedDict):
    currency: str
    region: str
    monthly: float
    resources: list[ResourceCost]
    unpriced: list[Unpriced]
    assumptions: dict[str, dict[str, float | str]]
    byComponent: dict[str, float]
    notes: list[str]
    floor: float  # every autoscaler at its minimum
    ceiling: float  # every autoscaler at its limit
    withCommitments: NotRequired[float]  # the stack's costCommitments applied; list prices stay the headline
