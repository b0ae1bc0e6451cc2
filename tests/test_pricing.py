"""The pricer on hand-written records: each expected figure is worked out by hand in the test."""

from __future__ import annotations

import re
from typing import Any

import pytest

from documents.reader import UNKNOWN
from pricing import price_resources
from pricing.catalogue import CATALOGUE
from pricing.free_types import FREE_TYPES
from pricing.services import PRICERS

PREFIX = "urn:pulumi:production::email-platform::"


def rec(type_token: str, name: str, inputs: dict[str, Any], parent: str | None = None) -> dict[str, Any]:
    return {"urn": f"{PREFIX}{type_token}::{name}", "type": type_token, "name": name, "inputs": inputs, "parent": parent}


def node_group(desired: int = 3, instance: str = "m6i.xlarge", **extra: Any) -> list[dict[str, Any]]:
    parent = f"{PREFIX}email:cluster:Cluster::cluster"
    return [
        {"urn": parent, "type": "email:cluster:Cluster", "name": "cluster", "inputs": {}, "custom": False},
        rec(
            "aws:ec2/launchTemplate:LaunchTemplate",
            "nodes-lt",
            {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"volumeSize": 100, "volumeType": "gp3"}}]},
            parent,
        ),
        rec(
            "aws:eks/nodeGroup:NodeGroup",
            "nodes",
            {"instanceTypes": [instance], "scalingConfig": {"desiredSize": desired, "maxSize": 9}, **extra},
            parent,
        ),
    ]


def only(report: Any, name: str) -> Any:
    [resource] = [r for r in report["resources"] if r["name"] == name]
    return resource


def test_node_group_is_instances_plus_root_volumes_to_the_cent() -> None:
    report = price_resources(node_group(), "us-east-1")
    nodes = only(report, "nodes")
    # 3 x 0.192 x 730 = 420.48; 3 x 100 GiB x 0.08 = 24.00
    assert [c["monthly"] for c in nodes["components"]] == [420.48, 24.00]
    assert nodes["monthly"] == 444.48
    assert report["monthly"] == 444.48
    assert report["byComponent"] == {"cluster": 444.48}


def test_aurora_instances_storage_and_io_with_usage_to_the_cent() -> None:
    parent = f"{PREFIX}email:data:Database::db"
    records = [
        rec("aws:rds/cluster:Cluster", "db", {"engine": "aurora-postgresql", "clusterIdentifier": "db1"}, parent),
        *[
            rec(
                "aws:rds/clusterInstance:ClusterInstance",
                f"db-{i}",
                {"engine": "aurora-postgresql", "instanceClass": "db.r6g.large"},
                parent,
            )
            for i in (1, 2)
        ],
    ]
    usage = {"aws:rds/cluster:Cluster": {"storage_gb": 100, "monthly_io_requests": 50_000_000}}
    report = price_resources(records, "us-east-1", usage)
    # 2 x 0.26 x 730 = 379.60; 100 GB x 0.10 = 10.00; 50 M x 0.20 = 10.00
    assert only(report, "db-1")["monthly"] == 189.80
    assert [c["monthly"] for c in only(report, "db")["components"]] == [10.00, 10.00]
    assert report["monthly"] == 399.60
    assert report["assumptions"]["aws:rds/cluster:Cluster"] == {"storage_gb": 100, "monthly_io_requests": 50_000_000}


def test_aurora_io_optimized_has_no_io_charge_and_dearer_instances() -> None:
    records = [
        rec("aws:rds/cluster:Cluster", "db", {"engine": "aurora-postgresql", "storageType": "aurora-iopt1", "clusterIdentifier": "db1"}),
        rec("aws:rds/clusterInstance:ClusterInstance", "db-1", {"clusterIdentifier": "db1", "instanceClass": "db.r6g.large"}),
    ]
    report = price_resources(records, "us-east-1", {"aws:rds/cluster:Cluster": {"storage_gb": 100}})
    # storage 100 x 0.225 = 22.50; instance 0.26 x 1.3 = 0.338 x 730 = 246.74
    assert [c["name"] for c in only(report, "db")["components"]] == ["storage (I/O-Optimized)"]
    assert only(report, "db")["monthly"] == 22.50
    assert only(report, "db-1")["monthly"] == 246.74


def test_nat_gateway_with_data_processed_to_the_cent() -> None:
    nat = rec("aws:ec2/natGateway:NatGateway", "nat", {})
    report = price_resources([nat], "us-east-1", {"aws:ec2/natGateway:NatGateway": {"monthly_data_processed_gb": 500}})
    # 0.045 x 730 = 32.85; 0.045 x 500 = 22.50
    assert report["monthly"] == 55.35


def test_missing_usage_prices_zero_and_says_not_set() -> None:
    report = price_resources([rec("aws:ec2/natGateway:NatGateway", "nat", {})], "us-east-1")
    assert report["monthly"] == 32.85
    assert report["assumptions"] == {"aws:ec2/natGateway:NatGateway": {"monthly_data_processed_gb": "not set"}}


def test_usage_for_one_resource_by_name_overrides_its_type() -> None:
    records = [rec("aws:ec2/natGateway:NatGateway", "nat-a", {}), rec("aws:ec2/natGateway:NatGateway", "nat-b", {})]
    usage = {"aws:ec2/natGateway:NatGateway": {"monthly_data_processed_gb": 100}, "nat-b": {"monthly_data_processed_gb": 0}}
    report = price_resources(records, "us-east-1", usage)
    assert only(report, "nat-a")["monthly"] == 37.35  # 32.85 + 4.50
    assert only(report, "nat-b")["monthly"] == 32.85


def test_unknown_type_is_listed_unpriced_not_dropped() -> None:
    report = price_resources([rec("aws:kinesis/stream:Stream", "q", {})], "us-east-1")
    assert report["monthly"] == 0
    assert report["unpriced"] == [
        {"urn": f"{PREFIX}aws:kinesis/stream:Stream::q", "type": "aws:kinesis/stream:Stream", "reason": "no pricing rule for this type"}
    ]


def test_region_without_prices_lists_every_regional_resource_and_names_the_importer() -> None:
    report = price_resources([rec("aws:ec2/natGateway:NatGateway", "nat", {}), rec("aws:ec2/vpc:Vpc", "vpc", {})], "ap-south-2")
    assert report["resources"] == []
    assert [(u["type"], u["reason"]) for u in report["unpriced"]] == [
        (
            "aws:ec2/natGateway:NatGateway",
            "no prices for region ap-south-2 (import them: python -m preflight prices import --region ap-south-2)",
        )
    ]


def test_instance_class_without_price_is_unpriced_with_its_name() -> None:
    report = price_resources(node_group(instance="x2iedn.32xlarge"), "us-east-1")
    assert report["unpriced"][0]["reason"] == "no price for EC2 instance type x2iedn.32xlarge in us-east-1"


def test_free_types_and_components_cost_nothing_and_are_not_unpriced() -> None:
    records = [rec(t, f"r{i}", {}) for i, t in enumerate(sorted(FREE_TYPES))]
    records += [rec("kubernetes:apps/v1:Deployment", "app", {}), rec("random:index/randomPassword:RandomPassword", "pw", {})]
    records.append({**rec("email:network:Network", "network", {}), "custom": False})
    report = price_resources(records, "us-east-1")
    assert report["unpriced"] == [] and report["resources"] == []


def test_no_type_is_both_free_and_priced() -> None:
    assert not FREE_TYPES & set(PRICERS)


def test_every_catalogue_price_is_dated_and_sourced() -> None:
    for prices in CATALOGUE.values():
        for key, price in prices.items():
            assert re.fullmatch(r"2026-\d\d(-\d\d)?", price.date) and price.source, key


def test_eks_version_past_standard_support_costs_extended_support() -> None:
    old = price_resources([rec("aws:eks/cluster:Cluster", "eks", {"version": "1.31"})], "us-east-1")
    assert old["monthly"] == 438.00  # 0.60 x 730
    policy = {"version": "1.31", "upgradePolicy": {"supportType": "STANDARD"}}
    assert price_resources([rec("aws:eks/cluster:Cluster", "eks", policy)], "us-east-1")["monthly"] == 73.00


def test_cache_nodes_are_shards_times_one_plus_replicas_and_valkey_is_cheaper() -> None:
    inputs = {"engine": "valkey", "nodeType": "cache.r7g.large", "numNodeGroups": 2, "replicasPerNodeGroup": 1}
    report = price_resources([rec("aws:elasticache/replicationGroup:ReplicationGroup", "cache", inputs)], "us-east-1")
    # 4 nodes x 0.219 x 0.8 = 0.1752 x 730 = 511.584 -> 511.58
    assert report["monthly"] == 511.58


def test_internet_facing_alb_pays_for_a_public_ipv4_per_subnet() -> None:
    inputs = {"loadBalancerType": "application", "subnets": ["a", "b", "c"]}
    report = price_resources([rec("aws:lb/loadBalancer:LoadBalancer", "alb", inputs)], "us-east-1", {"alb": {"lcu_hours": 1000}})
    # 0.0225 x 730 = 16.425 -> 16.43 (half up); 1000 x 0.008 = 8.00; 3 x 0.005 x 730 = 10.95
    assert [c["monthly"] for c in only(report, "alb")["components"]] == [16.43, 8.00, 10.95]


def test_values_unknown_until_apply_are_unpriced_not_zero() -> None:
    report = price_resources(node_group(desired=UNKNOWN), "us-east-1")  # type: ignore[arg-type]
    assert report["unpriced"][0]["reason"] == "scalingConfig.desiredSize is unknown until apply"


def test_spot_node_group_is_unpriced() -> None:
    report = price_resources(node_group(capacityType="SPOT"), "us-east-1")
    assert report["unpriced"][0]["reason"] == "SPOT capacity has no fixed price"


@pytest.mark.parametrize(
    ("type_token", "inputs", "usage", "monthly"),
    [
        (
            "aws:cloudfront/distribution:Distribution",
            {},
            {"monthly_data_transfer_to_internet_gb": 1000, "monthly_https_requests": 10_000_000},
            95.00,
        ),
        ("aws:s3/bucket:Bucket", {}, {"storage_gb": 100}, 2.30),
        ("aws:kms/key:Key", {}, {}, 1.00),
        ("aws:route53/zone:Zone", {}, {}, 0.50),
        ("aws:route53/healthCheck:HealthCheck", {"type": "HTTPS"}, {}, 1.50),
        ("aws:cloudwatch/metricAlarm:MetricAlarm", {"period": 60}, {}, 0.10),
        ("aws:cloudwatch/compositeAlarm:CompositeAlarm", {}, {}, 0.50),
        ("aws:cloudwatch/dashboard:Dashboard", {}, {}, 3.00),
        ("aws:cloudwatch/logGroup:LogGroup", {}, {"monthly_data_ingested_gb": 10, "storage_gb": 100}, 8.00),
        ("aws:wafv2/webAcl:WebAcl", {"rules": [{}, {}, {}]}, {"monthly_requests": 10_000_000}, 14.00),
        ("aws:secretsmanager/secret:Secret", {}, {}, 0.40),
        ("aws:ec2/eip:Eip", {}, {}, 3.65),
        ("aws:ec2/flowLog:FlowLog", {}, {"monthly_data_ingested_gb": 20}, 10.00),
        # 730 h x 60 / 5 = 8,760 runs at $0.0012; hourly: 730 runs.
        ("aws:synthetics/canary:Canary", {"schedule": {"expression": "rate(5 minutes)"}}, {}, 10.51),
        ("aws:synthetics/canary:Canary", {"schedule": {"expression": "rate(1 hour)"}}, {}, 0.88),
    ],
)
def test_other_billable_types(type_token: str, inputs: dict[str, Any], usage: dict[str, float], monthly: float) -> None:
    report = price_resources([rec(type_token, "x", inputs)], "us-east-1", {type_token: usage})
    assert report["unpriced"] == []
    assert report["monthly"] == monthly


def test_a_canary_schedule_the_pricer_cannot_read_is_unpriced_not_zero() -> None:
    report = price_resources([rec("aws:synthetics/canary:Canary", "x", {"schedule": {"expression": "cron(0 * * * ? *)"}})], "us-east-1", {})
    assert [u["reason"] for u in report["unpriced"]] == ["schedule 'cron(0 * * * ? *)' is not rate(N minutes|hours)"]
