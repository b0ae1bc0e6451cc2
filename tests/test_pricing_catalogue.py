"""The catalogue prices everything the stack config accepts, in every supported region, and says how."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from config.database import AURORA_INSTANCE_CLASSES
from config.instance_types import NODE_INSTANCE_TYPES
from config.redis import ELASTICACHE_NODE_TYPES
from pricing import price_resources
from pricing.catalogue import CATALOGUE, REGIONS, US_EAST_1, find_price, region_independent
from pricing.regions import REGION_INDEPENDENT, SAME_EVERYWHERE

PREFIX = "urn:pulumi:production::email-platform::"
SUPPORTED = ("us-east-1", *REGIONS)


def accepted_keys() -> list[str]:
    keys = [f"ec2.instance.{name}" for name in NODE_INSTANCE_TYPES]
    keys += [f"aurora-postgresql.{config}.{name}" for name in AURORA_INSTANCE_CLASSES for config in ("standard", "iopt1")]
    keys += [f"elasticache.{engine}.{name}" for name in ELASTICACHE_NODE_TYPES for engine in ("redis", "valkey")]
    return keys


def test_the_four_regions_are_supported() -> None:
    assert {"us-east-1", "us-west-2", "eu-west-1", "eu-central-1"} <= set(SUPPORTED)


@pytest.mark.parametrize("region", SUPPORTED)
def test_every_accepted_instance_type_class_and_node_type_has_a_dated_sourced_price(region: str) -> None:
    missing = [key for key in accepted_keys() if find_price(region, key) is None]
    assert missing == []
    for key in accepted_keys():
        price = find_price(region, key)
        assert price is not None and price.amount > 0 and price.source and re.fullmatch(r"2026-\d\d(-\d\d)?", price.date), key


@pytest.mark.parametrize("region", [r for r in SUPPORTED if r != "us-east-1"])
def test_every_us_east_1_entry_has_a_price_in_each_region_by_a_stated_method(region: str) -> None:
    assert set(CATALOGUE[region]) == set(US_EAST_1)
    for key, price in CATALOGUE[region].items():
        read_there = region in price.source or "regional ratio" in price.source
        # The us-east-1 figure is reused only where a source says the price does not vary by region,
        # or the region's table says why it takes it (and the price is then marked by its basis).
        stated = [*SAME_EVERYWHERE.values(), *REGION_INDEPENDENT.values()]
        stated += [why for why, _ in (REGIONS[region].same or {}).values()]
        same_everywhere = any(why in price.source for why in stated) and price.amount == US_EAST_1[key].amount
        assert read_there or same_everywhere, key


def test_regional_ratio_comes_from_its_reference_price() -> None:
    eu = find_price("eu-west-1", "ec2.instance.m6i.large")
    assert eu is not None and eu.amount == Decimal("0.107")
    assert find_price("eu-central-1", "ec2.instance.m6i.large").amount == Decimal("0.115")  # type: ignore[union-attr]


def test_sizes_scale_from_the_large_price() -> None:
    assert find_price("us-east-1", "ec2.instance.m7i.4xlarge").amount == Decimal("0.8064")  # type: ignore[union-attr]
    assert find_price("us-east-1", "aurora-postgresql.standard.db.r7g.xlarge").amount == Decimal("0.552")  # type: ignore[union-attr]


def test_a_region_without_prices_is_unpriced_not_us_east_1() -> None:
    assert find_price("ap-south-1", "nat.hour") is None
    report = price_resources([_nat("nat")], "ap-south-1")
    assert report["monthly"] == 0 and [u["reason"] for u in report["unpriced"]] == [
        "no prices for region ap-south-1 (import them: python -m preflight prices import --region ap-south-1)"
    ]
    assert any("no prices for ap-south-1" in note and "prices import --region ap-south-1" in note for note in report["notes"])


@pytest.mark.parametrize("key", ["eks.cluster.standard", "eks.cluster.extended", "kms.key", "route53.zone", "cloudfront.transfer.gb"])
def test_region_independent_prices_apply_in_a_region_without_a_table(key: str) -> None:
    assert "ap-south-2" not in SUPPORTED
    price = find_price("ap-south-2", key)
    assert price is not None and price.amount == US_EAST_1[key].amount and any(why in price.source for why in REGION_INDEPENDENT.values())


def test_a_regional_price_is_not_taken_as_region_independent() -> None:
    assert [key for key in US_EAST_1 if key.startswith(("nat.", "ec2.", "ebs.", "alb.")) and region_independent(key)] == []


def _nat(name: str, provider: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"urn": f"{PREFIX}aws:ec2/natGateway:NatGateway::{name}", "type": "aws:ec2/natGateway:NatGateway"}
    return {**record, "name": name, "inputs": {}, "provider": provider}


def test_each_resource_is_priced_in_its_providers_region() -> None:
    provider_urn = f"{PREFIX}pulumi:providers:aws::us-east-1"
    provider = {"urn": provider_urn, "type": "pulumi:providers:aws", "name": "us-east-1", "inputs": {"region": "us-east-1"}}
    records = [provider, _nat("here"), _nat("there", f"{provider_urn}::some-id")]
    report = price_resources(records, "eu-west-1")
    by_name = {r["name"]: r["monthly"] for r in report["resources"]}
    assert by_name == {"here": 35.04, "there": 32.85}  # 0.048 x 730 in eu-west-1; 0.045 x 730 in us-east-1
    assert report["unpriced"] == []


def _instance(klass: str) -> dict[str, Any]:
    type_token = "aws:rds/clusterInstance:ClusterInstance"
    return {"urn": f"{PREFIX}{type_token}::db-1", "type": type_token, "name": "db-1", "inputs": {"instanceClass": klass}}


def test_a_larger_database_class_prices_as_an_increase() -> None:
    small = price_resources([_instance("db.r7g.large")], "us-east-1")
    large = price_resources([_instance("db.r7g.xlarge")], "us-east-1")
    assert large["unpriced"] == [] and large["monthly"] > small["monthly"] > 0


def test_a_partial_total_says_so_in_its_headline() -> None:
    from pricing.render import markdown_report, text_report

    report = price_resources([_nat("nat"), _instance("db.unknown.large")], "us-east-1")
    assert "— partial: 1 resource unpriced" in text_report("t", report, "none").splitlines()[0]
    assert "partial: 1 resource unpriced" in markdown_report("t", report, "none").splitlines()[0]
    whole = price_resources([_nat("nat")], "us-east-1")
    assert "partial" not in text_report("t", whole, "none").splitlines()[0]
