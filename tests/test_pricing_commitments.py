"""costCommitments: only the covered instance hours are discounted; list prices stay the headline."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from config_edits import set_key
from config_stacks import edited, refused

from preflight.runner import Run
from pricing import price_resources
from pricing.commitments import parse_commitments, with_commitments

PREFIX = "urn:pulumi:production::email-platform::"


def test_only_instance_hours_of_covered_services_are_discounted() -> None:
    nodes = {
        "urn": f"{PREFIX}aws:eks/nodeGroup:NodeGroup::nodes",
        "type": "aws:eks/nodeGroup:NodeGroup",
        "name": "nodes",
        "inputs": {"instanceTypes": ["m7g.xlarge"], "scalingConfig": {"desiredSize": 2}, "diskSize": 100},
    }
    report = price_resources([nodes], "us-east-1")
    hours = round(2 * 730 * 0.1632, 2)  # 238.27; the 200 GiB of gp2 ($20.00) are not covered
    assert report["monthly"] == hours + 20.00
    assert with_commitments(report, {"computeSavingsPlanPercent": 27}) == round(hours * 0.73 + 20.00, 2)
    assert with_commitments(report, {"rdsReservedPercent": 30}) == report["monthly"]


def test_the_output_carries_the_second_figure_and_keeps_list_prices_as_headline(production: Run) -> None:
    estimate = production.outputs["costEstimate"]
    assert 0 < estimate["withCommitmentsUsd"] < estimate["monthlyUsd"]


@pytest.mark.parametrize("bad", [{"computeSavingsPlan": 27}, {"rdsReservedPercent": 120}, {"elasticacheReservedPercent": "x"}])
def test_bad_commitments_in_a_document_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="costCommitments"):
        parse_commitments(bad)


@pytest.mark.parametrize(
    ("value", "message"),
    [({"computeSavingsPlanPercent": 90}, r"computeSavingsPlanPercent = 90"), ({"termYears": 2}, r"termYears = 2")],
)
def test_bad_commitments_in_stack_config_are_refused(tmp_path: Path, value: dict[str, Any], message: str) -> None:
    assert re.search(message, refused(edited("production", set_key("costCommitments", value)), tmp_path))
