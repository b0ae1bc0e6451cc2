"""Commitment discounts the stack's owner has bought (or plans to): a second column, never the headline.

Percentages off the on-demand rate of instance hours only (storage, requests and data are not
discounted by these products). Where the committed stack files' figures come from is in docs/cost.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.declare import OPTIONAL, Group, integer, number
from config.reader import Section

COMPUTE_SAVINGS_PLAN = number(
    "computeSavingsPlanPercent", "Compute Savings Plan discount on EC2 node hours", default=OPTIONAL, minimum=0, maximum=72
)
RDS_RESERVED = number(
    "rdsReservedPercent", "Aurora reserved-instance discount on DB instance hours", default=OPTIONAL, minimum=0, maximum=72
)
CACHE_RESERVED = number(
    "elasticacheReservedPercent", "ElastiCache reserved-node discount on cache node hours", default=OPTIONAL, minimum=0, maximum=72
)
TERM_YEARS = integer("termYears", "the commitments' term", default=1, choices=(1, 3))
COST_COMMITMENTS = Group(
    "costCommitments",
    "commitment discounts, priced as a second figure beside the list-price estimate",
    (COMPUTE_SAVINGS_PLAN, RDS_RESERVED, CACHE_RESERVED, TERM_YEARS),
)


@dataclass(frozen=True)
class CostCommitments:
    compute_savings_plan_percent: float | None = None
    rds_reserved_percent: float | None = None
    elasticache_reserved_percent: float | None = None
    term_years: int = 1

    @property
    def percents(self) -> dict[str, float]:
        """The discounts as the pricer takes them (the config's field names), unset ones left out."""
        named = {
            "computeSavingsPlanPercent": self.compute_savings_plan_percent,
            "rdsReservedPercent": self.rds_reserved_percent,
            "elasticacheReservedPercent": self.elasticache_reserved_percent,
        }
        return {name: value for name, value in named.items() if value is not None}


def parse_cost_commitments(section: Section) -> CostCommitments:
    commitments = CostCommitments(
        COMPUTE_SAVINGS_PLAN.read(section), RDS_RESERVED.read(section), CACHE_RESERVED.read(section), TERM_YEARS.read(section)
    )
    section.finish()
    return commitments
