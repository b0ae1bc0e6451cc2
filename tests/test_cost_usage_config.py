"""costUsage: only figures the pricer reads are accepted, so a typo cannot price as zero."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from config_edits import set_key
from config_stacks import edited, load, refused

from config.cost_usage import USAGE_FIGURES
from pricing import price_resources

# A record the pricer can price for each type (the smallest inputs it needs).
_INPUTS: dict[str, dict[str, Any]] = {
    "aws:lb/loadBalancer:LoadBalancer": {"loadBalancerType": "application"},
    "aws:rds/cluster:Cluster": {"engine": "aurora-postgresql"},
    "aws:cloudfront/distribution:Distribution": {"priceClass": "PriceClass_All"},
    "aws:ec2/vpcEndpoint:VpcEndpoint": {"vpcEndpointType": "Interface", "subnetIds": ["subnet-a"]},
    "aws:ec2/flowLog:FlowLog": {"logDestinationType": "cloud-watch-logs"},
    "aws:backup/plan:Plan": {"rules": [{"copyActions": [{"destinationVaultArn": "arn:aws:backup:us-west-2:1:backup-vault:v"}]}]},
    "aws:rds/clusterInstance:ClusterInstance": {"instanceClass": "db.r7g.large", "monitoringInterval": 60},
}


@pytest.mark.parametrize(("type_token", "figure"), [(t, f) for t, figures in USAGE_FIGURES.items() for f in figures])
def test_every_accepted_figure_changes_the_price(type_token: str, figure: str) -> None:
    record = {
        "urn": f"urn:pulumi:s::email-platform::{type_token}::r",
        "type": type_token,
        "name": "r",
        "inputs": _INPUTS.get(type_token, {}),
    }
    without = price_resources([record], "us-east-1", {})["monthly"]
    with_usage = price_resources([record], "us-east-1", {type_token: {figure: 1_000_000_000}})["monthly"]
    assert with_usage > without


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            set_key("costUsage", {"aws:rds/cluster:Cluster": {"storage_gbb": 10}}),
            r"costUsage\.aws:rds/cluster:Cluster\.storage_gbb = 'storage_gbb': did you mean 'storage_gb'",
        ),
        (set_key("costUsage", {"cluster-nodes": {"storage_gb": 10}}), r"costUsage\.cluster-nodes: unknown key; known keys: aws:"),
        (set_key("costUsage", {"aws:rds/clustr:Cluster": {"storage_gb": 10}}), r"did you mean 'aws:rds/cluster:Cluster'\?"),
        (set_key("costUsage", {"aws:ec2/natGateway:NatGateway": {"monthly_data_processed_gb": -1}}), r"at least 0"),
        (set_key("costUsage", {"aws:ec2/natGateway:NatGateway": {"monthly_data_processed_gb": float("nan")}}), r"finite"),
        (set_key("costGuardrails", {"maxMonthlyUsd": -5}), r"costGuardrails\.maxMonthlyUsd = -5: .*at least 0"),
        (set_key("costGuardrails", {"maxIncreasePercent": "ten"}), r"costGuardrails\.maxIncreasePercent = 'ten'"),
        (set_key("costGuardrails", {"maxIncrease": 10}), r"costGuardrails\.maxIncrease"),
    ],
)
def test_bad_usage_is_refused_in_one_line(tmp_path: Path, edit: Any, message: str) -> None:
    assert re.search(message, refused(edited("production", edit), tmp_path))


def test_usage_figures_and_cost_guardrails_are_read(tmp_path: Path) -> None:
    usage = set_key("costUsage", {"aws:rds/cluster:Cluster": {"storage_gb": 250}})
    stack = load(edited("production", usage, set_key("costGuardrails", {"maxMonthlyUsd": 3000, "maxIncreasePercent": 10})), tmp_path)
    assert stack.cost_usage.by_type == {"aws:rds/cluster:Cluster": {"storage_gb": 250}}
    assert (stack.cost_guardrails.max_monthly_usd, stack.cost_guardrails.max_increase_usd) == (3000, None)
    assert stack.cost_guardrails.max_increase_percent == 10
