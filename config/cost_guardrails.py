"""Cost guardrails: the monthly figure and the increase a pull request may reach before it fails.

``preflight diff`` checks all three against the base branch's plan; the CrossGuard policy
``cost-guardrails`` checks ``maxMonthlyUsd`` (a preview has no base) and refuses a preview it
cannot price in full. A pull request labelled ``cost-approved`` passes the workflow anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.declare import OPTIONAL, Group, number
from config.reader import Section

MAX_MONTHLY_USD = number("maxMonthlyUsd", "the most the stack may cost per month at list prices (USD)", default=OPTIONAL, minimum=0)
MAX_INCREASE_USD = number("maxIncreaseUsd", "the most one change may add to the monthly figure (USD)", default=OPTIONAL, minimum=0)
MAX_INCREASE_PERCENT = number(
    "maxIncreasePercent", "the most one change may add to the monthly figure, in percent of the base", default=OPTIONAL, minimum=0
)
COST_GUARDRAILS = Group(
    "costGuardrails",
    "limits on the monthly estimate that fail a pull request (label `cost-approved` to accept a breach)",
    (MAX_MONTHLY_USD, MAX_INCREASE_USD, MAX_INCREASE_PERCENT),
)


@dataclass(frozen=True)
class CostGuardrailSettings:
    max_monthly_usd: float | None = None
    max_increase_usd: float | None = None
    max_increase_percent: float | None = None


def parse_cost_guardrails(section: Section) -> CostGuardrailSettings:
    settings = CostGuardrailSettings(MAX_MONTHLY_USD.read(section), MAX_INCREASE_USD.read(section), MAX_INCREASE_PERCENT.read(section))
    section.finish()
    return settings
