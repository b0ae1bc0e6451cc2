"""Cost guardrails: the monthly figure and the increase a pull request may reach before it fails.

``preflight diff`` checks all three against the base branch's plan; the CrossGuard policy
``cost-guardrails`` checks ``maxMonthlyUsd`` (a preview has no base). A resource the catalogue
cannot price leaves the limits unchecked: ``unpriced: refuse`` (the default) fails the plan then,
``unpriced: warn`` checks the limits on the priced part and says so. A pull request labelled
``cost-approved`` passes the workflow anyway, with the breach reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.declare import OPTIONAL, Group, number, string
from config.reader import Section

MAX_MONTHLY_USD = number("maxMonthlyUsd", "the most the stack may cost per month at list prices (USD)", default=OPTIONAL, minimum=0)
MAX_INCREASE_USD = number("maxIncreaseUsd", "the most one change may add to the monthly figure (USD)", default=OPTIONAL, minimum=0)
MAX_INCREASE_PERCENT = number(
    "maxIncreasePercent", "the most one change may add to the monthly figure, in percent of the base", default=OPTIONAL, minimum=0
)
UNPRICED = string(
    "unpriced",
    "when a limit is set and a resource cannot be priced (a region or type without prices): `refuse` fails the plan, "
    "since the limits cannot be checked; `warn` checks them on the priced part and says so",
    default="refuse",
    choices=("refuse", "warn"),
)
COST_GUARDRAILS = Group(
    "costGuardrails",
    "limits on the monthly estimate that fail a pull request (label `cost-approved` to accept a breach)",
    (MAX_MONTHLY_USD, MAX_INCREASE_USD, MAX_INCREASE_PERCENT, UNPRICED),
)


@dataclass(frozen=True)
class CostGuardrailSettings:
    max_monthly_usd: float | None = None
    max_increase_usd: float | None = None
    max_increase_percent: float | None = None
    unpriced: str = "refuse"


def parse_cost_guardrails(section: Section) -> CostGuardrailSettings:
    settings = CostGuardrailSettings(
        MAX_MONTHLY_USD.read(section), MAX_INCREASE_USD.read(section), MAX_INCREASE_PERCENT.read(section), UNPRICED.read(section)
    )
    section.finish()
    return settings
