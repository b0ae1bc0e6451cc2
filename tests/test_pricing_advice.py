"""`--advise`: cheaper options with their saving and config change, never one that lowers a kept guarantee."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from preflight.cost_command import main as cost_main
from preflight.document import build_document
from preflight.runner import Run
from pricing import parse_document, price_resources
from pricing.advice import GUARANTEES, KEPT, advise
from pricing.estimate import resolve_inputs

PREFIX = "urn:pulumi:production::email-platform::"
LOWERING = sorted(GUARANTEES - {"az-count"})  # az-count: no option trades it yet


def _inputs(run: Run) -> tuple[list[dict[str, Any]], str, Any, str]:
    doc = parse_document(build_document(run))
    region, usage, _ = resolve_inputs(doc)
    return doc.records, region, usage, doc.environment or run.stack


def rec(type_token: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"urn": f"{PREFIX}{type_token}::{name}", "type": type_token, "name": name, "inputs": inputs}


def test_each_advice_on_a_whole_stack_has_a_saving_and_a_config_change(each_stack: Run) -> None:
    records, region, usage, environment = _inputs(each_stack)
    advice = advise(records, region, usage, environment)
    if each_stack.stack == "production":
        assert advice, "the production test stack runs x86 nodes: Graviton is cheaper at the same availability"
    for a in advice:
        assert a.monthly_saving > 0 and a.config_change and a.change


def test_production_advice_lowers_no_guarantee(production: Run) -> None:
    records, region, usage, environment = _inputs(production)
    assert environment == "production" and KEPT["production"] == GUARANTEES
    assert all(not a.lowers for a in advise(records, region, usage, environment))


@pytest.mark.parametrize("guarantee", LOWERING)
def test_removing_a_guarantee_shows_the_advice_that_lowers_it_and_keeping_it_hides_it(production: Run, guarantee: str) -> None:
    records, region, usage, _ = _inputs(production)
    without = advise(records, region, usage, kept=GUARANTEES - {guarantee})
    assert [a.lowers for a in without if a.lowers] == [frozenset({guarantee})]
    assert all(guarantee not in a.lowers for a in advise(records, region, usage, kept=GUARANTEES))


def test_each_saving_is_the_pricers_difference() -> None:
    nodes = rec(
        "aws:eks/nodeGroup:NodeGroup",
        "nodes",
        {"instanceTypes": ["m6i.xlarge"], "scalingConfig": {"minSize": 3, "desiredSize": 3, "maxSize": 3}},
    )
    [graviton] = advise([nodes], "us-east-1")
    swapped = {**nodes, "inputs": {**nodes["inputs"], "instanceTypes": ["m7g.xlarge"]}}
    expected = price_resources([nodes], "us-east-1")["monthly"] - price_resources([swapped], "us-east-1")["monthly"]
    assert graviton.monthly_saving == pytest.approx(expected) == pytest.approx(3 * 730 * (0.192 - 0.1632), abs=0.01)
    assert graviton.config_change == "email-platform:cluster.nodeGroup.instanceTypes: [m7g.xlarge]"


def test_redis_to_valkey_and_gp2_to_gp3_are_advised() -> None:
    cache = rec(
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "cache",
        {"engine": "redis", "nodeType": "cache.r7g.large", "numCacheClusters": 2},
    )
    template = rec(
        "aws:ec2/launchTemplate:LaunchTemplate", "lt", {"blockDeviceMappings": [{"ebs": {"volumeSize": 100, "volumeType": "gp2"}}]}
    )
    nodes = rec("aws:eks/nodeGroup:NodeGroup", "nodes", {"instanceTypes": ["m7g.xlarge"], "scalingConfig": {"desiredSize": 2}})
    by_change = {a.change.split(" (")[0]: a.monthly_saving for a in advise([cache, template, nodes], "us-east-1")}
    assert by_change["Redis OSS -> Valkey"] == pytest.approx(round(2 * 730 * 0.219 * 0.2, 2), abs=0.01)
    assert by_change["root volumes gp2 -> gp3"] == pytest.approx(2 * 100 * (0.10 - 0.08))


def test_aurora_io_optimized_is_advised_above_the_computed_crossover() -> None:
    cluster = rec("aws:rds/cluster:Cluster", "db", {"engine": "aurora-postgresql"})
    instance = rec("aws:rds/clusterInstance:ClusterInstance", "db-1", {"instanceClass": "db.r7g.large"})
    # Crossover: (0.3 x 0.276 x 730 + (0.225 - 0.10) x 100 GB) / $0.20 per million = 364.7M I/O a month.
    below = {"aws:rds/cluster:Cluster": {"storage_gb": 100, "monthly_io_requests": 300_000_000}}
    above = {"aws:rds/cluster:Cluster": {"storage_gb": 100, "monthly_io_requests": 400_000_000}}
    assert not [a for a in advise([cluster, instance], "us-east-1", below) if "Aurora storage" in a.change]
    [switch] = [a for a in advise([cluster, instance], "us-east-1", above) if "Aurora storage" in a.change]
    assert "crossover 365M I/O a month, usage says 400M" in switch.change
    assert switch.monthly_saving == pytest.approx(400 * 0.2 - (0.3 * 0.276 * 730 + 0.125 * 100), abs=0.02)


def test_an_unknown_type_is_never_advised() -> None:
    nodes = rec("aws:eks/nodeGroup:NodeGroup", "nodes", {"instanceTypes": ["x9z.xlarge"], "scalingConfig": {"desiredSize": 2}})
    assert advise([nodes], "us-east-1") == []


def test_advise_on_the_production_plan_names_a_saving(production: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What the command prints; its one-second budget is measured by `make bench` (bench/bench_cost.py), not here."""
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(build_document(production)))
    assert cost_main([str(path), "--advise"]) == 0
    out = capsys.readouterr().out
    assert "Cheaper at the same availability (production):" in out and "saves $" in out


def test_production_is_at_least_a_quarter_below_the_naive_reference(production: Run) -> None:
    from pricing.reference import naive_records, naive_total

    records, region, usage, _ = _inputs(production)
    expected = price_resources(records, region, usage)["monthly"]
    assert expected <= 0.75 * naive_total(records, region, usage)
    nodes = next(r for r in naive_records(records) if r["type"] == "aws:eks/nodeGroup:NodeGroup")
    assert nodes["inputs"]["instanceTypes"][0].startswith("m6i.") and nodes["inputs"]["scalingConfig"]["desiredSize"] == 9
