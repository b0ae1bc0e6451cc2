"""The estimate with commitment discounts: instance hours of the committed services, discounted.

A second figure beside the list-price headline. Only the hour lines a product covers are
discounted: a Compute Savings Plan covers EC2 node hours (not EBS), an Aurora reserved instance
its DB instance hours (not storage or I/O), an ElastiCache reserved node its cache node hours.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from documents.reader import PROJECT, DocumentError
from pricing.report import CostReport

COMMITMENTS_KEY = f"{PROJECT}:costCommitments"
# Config field -> (resource type, first words of the discounted lines).
COVERED: dict[str, tuple[str, str]] = {
    "computeSavingsPlanPercent": ("aws:eks/nodeGroup:NodeGroup", "instance hours"),
    "rdsReservedPercent": ("aws:rds/clusterInstance:ClusterInstance", "instance hours"),
    "elasticacheReservedPercent": ("aws:elasticache/replicationGroup:ReplicationGroup", "cache node hours"),
}


def parse_commitments(value: Any) -> dict[str, float]:
    """``costCommitments`` from a document's config: {field: percent}; {} when absent."""
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise DocumentError(f"{COMMITMENTS_KEY} is not a JSON object") from exc
    if not isinstance(value, Mapping):
        raise DocumentError(f"{COMMITMENTS_KEY} must be an object")
    found = {}
    for key, percent in value.items():
        if key == "termYears":
            continue
        if key not in COVERED or isinstance(percent, bool) or not isinstance(percent, (int, float)) or not 0 <= percent <= 100:
            raise DocumentError(f"{COMMITMENTS_KEY}.{key} = {percent!r}: expected one of {', '.join(COVERED)} with a percent 0-100")
        found[key] = float(percent)
    return found


def with_commitments(report: CostReport, commitments: Mapping[str, float]) -> float:
    """The report's monthly total with each covered hour line discounted."""
    total = Decimal(str(report["monthly"]))
    for field, percent in commitments.items():
        resource_type, line_start = COVERED[field]
        for resource in report["resources"]:
            if resource["type"] != resource_type:
                continue
            for component in resource["components"]:
                if component["name"].startswith(line_start):
                    total -= Decimal(str(component["monthly"])) * Decimal(str(percent)) / 100
    return float(total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
