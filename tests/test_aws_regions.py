"""The region table config/aws_regions.py holds, against botocore's endpoint data, and the pairs
that keep backup copies and canaries in the region's jurisdiction."""

from __future__ import annotations

import json
from pathlib import Path

import botocore

from config.aws_regions import AWS_REGIONS, PARTNERS, ZONE_LETTERS, zones
from preflight.new_stack_command import placeholders

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
EU = {"eu-west-1", "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2"}  # EU member states' regions


def _botocore_regions() -> dict[str, str]:
    data = json.loads((Path(botocore.__file__).parent / "data" / "endpoints.json").read_text())
    return {
        region: info.get("description", "")
        for partition in data["partitions"]
        if partition["partition"] in PARTITIONS
        for region, info in partition["regions"].items()
    }


def test_the_region_table_is_botocores() -> None:
    assert AWS_REGIONS == _botocore_regions()


def test_every_region_has_a_partner_that_is_another_known_region() -> None:
    assert set(PARTNERS) == set(AWS_REGIONS)
    for region, partner in PARTNERS.items():
        assert partner.region in AWS_REGIONS and partner.region != region, region


def test_eu_data_stays_in_the_eu_uk_goes_to_the_eu_and_us_stays_in_the_us() -> None:
    for region in EU:
        assert PARTNERS[region].region in EU and PARTNERS[region].same_jurisdiction, region
    assert PARTNERS["eu-west-2"].region in EU
    for region in ("us-east-1", "us-east-2", "us-west-1", "us-west-2"):
        assert PARTNERS[region].region.startswith("us-") and not PARTNERS[region].region.startswith("us-gov"), region
    for region, partition in (("us-gov-east-1", "us-gov-"), ("us-gov-west-1", "us-gov-"), ("cn-north-1", "cn-"), ("cn-northwest-1", "cn-")):
        assert PARTNERS[region].region.startswith(partition), region  # inside its own partition


def test_zones_are_the_region_code_and_a_letter() -> None:
    assert zones("eu-west-2", 3) == ["eu-west-2a", "eu-west-2b", "eu-west-2c"]


def test_regions_known_to_offer_other_letters_get_those_letters_with_a_source() -> None:
    for region, known in ZONE_LETTERS.items():
        assert region in AWS_REGIONS and known.why and known.source, region
        assert zones(region, 3) == [f"{region}{letter}" for letter in known.letters[:3]]
    assert zones("ca-central-1", 3)[-1] == "ca-central-1d"  # there is no ca-central-1c
    assert "ap-northeast-1b" not in zones("ap-northeast-1", 3)


def test_new_stack_says_when_a_region_offers_an_account_fewer_zones_than_the_environment_needs() -> None:
    two = next(region for region, known in ZONE_LETTERS.items() if known.zones_per_account == 2)
    production = placeholders("x", two, "production", None)[0]
    assert production.startswith("zones: ") and ZONE_LETTERS[two].why in production and "consider another region" in production
    assert "consider another region" not in placeholders("x", two, "staging", None)[0]
    assert ZONE_LETTERS[two].why not in placeholders("x", "eu-west-2", "production", None)[0]
