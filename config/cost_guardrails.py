"""Cost guardrails: the monthly figure and the increase a pull request may reach before it fails.

``preflight diff`` checks all three against the base branch's plan; the CrossGuard policy
``cost-guardrails`` checks ``maxMonthlyUsd`` (a preview has no base). A resource the catalogue
cannot price leaves the limits unchecked: ``unpriced: refuse`` (the default) fails the plan then,
``unpriced: warn`` checks the limits on the priced part and says so. A pull request labelled
``cost-approved`` passes the workflow anyway, with the breach reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.declare import OPTIONAL, number, string


@dataclass(frozen=True)
class CostGuardrailSettings:
    max_monthly_usd: float | None = number("the most the stack may cost per month at list prices (USD)", default=OPTIONAL, minimum=0)
    max_increase_usd: float | None = number("the most one change may add to the monthly figure (USD)", default=OPTIONAL, minimum=0)
    max_increase_percent: float | None = number(
        "the most one change may add to the monthly figure, in percent of the base", default=OPTIONAL, minimum=0
    )
    unpriced: str = string(
        "when a limit is set and a resource cannot be priced (a region or type without prices): `refuse` fails the plan, "
        "since the limits cannot be checked; `warn` checks them on the priced part and says so",
        default="refuse",
        choices=("refuse", "warn"),
    )
