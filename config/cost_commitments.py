"""Commitment discounts the stack's owner has bought (or plans to): a second column, never the headline.

Percentages off the on-demand rate of instance hours only (storage, requests and data are not
discounted by these products). Where the committed stack files' figures come from is in docs/cost.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from config.declare import OPTIONAL, integer, key_path, number


def _discount(description: str) -> Any:
    return number(description, default=OPTIONAL, minimum=0, maximum=72)


@dataclass(frozen=True)
class CostCommitments:
    compute_savings_plan_percent: float | None = _discount("Compute Savings Plan discount on EC2 node hours")
    rds_reserved_percent: float | None = _discount("Aurora reserved-instance discount on DB instance hours")
    elasticache_reserved_percent: float | None = _discount("ElastiCache reserved-node discount on cache node hours")
    term_years: int = integer("the commitments' term", default=1, choices=(1, 3))

    @property
    def percents(self) -> dict[str, float]:
        """The discounts as the pricer takes them (the config's key names), unset ones left out."""
        return {
            key_path(CostCommitments, name): value
            for name in ("compute_savings_plan_percent", "rds_reserved_percent", "elasticache_reserved_percent")
            if (value := getattr(self, name)) is not None
        }
