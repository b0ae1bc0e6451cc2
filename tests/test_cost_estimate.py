"""The `costEstimate` stack output agrees with `preflight cost` over the same stack."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.cost_estimate import CostCollector
from preflight.document import build_document
from preflight.runner import Run
from pricing import load_document, price_resources
from pricing.estimate import estimate

ROOT = Path(__file__).resolve().parent.parent


def _usage(run: Run) -> dict[str, dict[str, float]]:
    return json.loads(run.stack_file.config.get("email-platform:costUsage", "{}"))


def test_cost_estimate_output_equals_the_pricer_over_the_plan(each_stack: Run) -> None:
    estimate = each_stack.outputs["costEstimate"]
    report = price_resources(build_document(each_stack)["resources"], each_stack.stack_file.region, _usage(each_stack))
    assert estimate["monthlyUsd"] == report["monthly"]
    assert estimate["byComponent"] == report["byComponent"]
    assert estimate["monthlyUsd"] > 0
    assert estimate["unpriced"] == []


def test_production_costs_more_than_staging(production: Run, staging: Run) -> None:
    assert production.outputs["costEstimate"]["monthlyUsd"] > staging.outputs["costEstimate"]["monthlyUsd"]


def test_usage_assumptions_from_stack_config_are_shown(each_stack: Run) -> None:
    """Each figure of `costUsage` for a type the stack has is shown as it was configured."""
    usage, shown = _usage(each_stack), each_stack.outputs["costEstimate"]["assumptions"]
    assert [t for t in shown if t in usage]
    assert all(shown[t][figure] == value for t in shown if t in usage for figure, value in usage[t].items())


def test_preflight_cost_on_the_plan_document_prints_the_same_total(production: Run, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(build_document(production)))
    result = subprocess.run([sys.executable, "-m", "preflight", "cost", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    total = production.outputs["costEstimate"]["monthlyUsd"]
    assert f"${total:,.2f} per month" in result.stdout


@pulumi.runtime.test
def test_arguments_are_read_with_engine_names_and_resolved() -> pulumi.Output[None]:
    args = aws.eks.NodeGroupScalingConfigArgs(min_size=3, desired_size=3, max_size=9)
    peer = k8s.networking.v1.NetworkPolicyPeerArgs(ip_block=k8s.networking.v1.IPBlockArgs(cidr="10.0.0.0/8"))
    raw = {
        "scaling_config": args,
        "subnet_ids": [pulumi.Output.from_input("subnet-1")],
        "instance_types": ["m6i.xlarge"],
        "tags": {"cost_center": "x"},
        "ami_type": None,
        "ingress": [k8s.networking.v1.NetworkPolicyIngressRuleArgs(from_=[peer])],  # `from`, a Python keyword
    }
    collector = CostCollector("test")
    collector.see(pulumi.ResourceTransformationArgs(object(), "aws:eks/nodeGroup:NodeGroup", "nodes", raw, pulumi.ResourceOptions()))  # type: ignore[arg-type]

    def check(records: list[dict[str, object]]) -> None:
        assert records[0]["inputs"] == {
            "scalingConfig": {"minSize": 3, "desiredSize": 3, "maxSize": 9},
            "subnetIds": ["subnet-1"],
            "instanceTypes": ["m6i.xlarge"],
            "tags": {"cost_center": "x"},
            "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}],
        }

    return collector.records().apply(check)


def test_a_stack_outside_us_east_1_prices_equally_from_plan_output_and_preflight_cost(production_elsewhere: Run, tmp_path: Path) -> None:
    run = production_elsewhere
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(build_document(run)))
    report, _ = estimate(load_document(str(path)))
    output = run.outputs["costEstimate"]
    assert report["region"] == run.stack_file.region != "us-east-1" and report["unpriced"] == [] and output["unpriced"] == []
    assert output["monthlyUsd"] == report["monthly"] > 0
    # The other regions' resources (CloudFront's alarms and topic in us-east-1, the copy vault, the
    # canaries) keep their own region's prices.
    one_region = price_resources([{**r, "provider": None} for r in json.loads(path.read_text())["resources"]], run.stack_file.region)
    assert one_region["monthly"] != report["monthly"]


def test_cost_estimate_carries_a_consistent_range(each_stack: Run) -> None:
    estimate = each_stack.outputs["costEstimate"]
    assert 0 < estimate["floorUsd"] <= estimate["monthlyUsd"] <= estimate["ceilingUsd"]
    report = price_resources(build_document(each_stack)["resources"], each_stack.stack_file.region, _usage(each_stack))
    assert (estimate["floorUsd"], estimate["ceilingUsd"]) == (report["floor"], report["ceiling"])
    # Production's nodes and Aurora readers may grow, so the ceiling is above the expected figure.
    assert estimate["ceilingUsd"] > estimate["monthlyUsd"]
