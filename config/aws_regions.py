"""The AWS regions a stack may name, their zones, and the second region each one pairs with.

``AWS_REGIONS`` is the region list of botocore's endpoint data (``botocore/data/endpoints.json``,
partitions ``aws``, ``aws-cn`` and ``aws-us-gov``), copied here because the program does not
ship botocore; a test compares the two, so a new region is one line and a test failure away.

Zones: AWS names a region's Availability Zones by the region code and a letter, and "each Region
has at least three Availability Zones" (AWS, "AWS Availability Zones", global infrastructure
guide). In the oldest regions the letters are mapped per account for accounts created before
November 2025 (same page), so the zones are always one of the values to confirm with
``aws ec2 describe-availability-zones --region <region>``. ``ZONE_LETTERS`` lists the regions known to
offer other letters than a, b, c (each with its source).

``PARTNERS``: the region that receives a region's backup copies and runs its second uptime
canary, chosen in the same jurisdiction: EU regions pair within the EU, London with Ireland
(UK data stays in Europe rather than crossing to the US), US regions within the US, and so on.
Where a country has one region, the nearest region is named and ``same_jurisdiction`` is False:
``preflight new-stack`` then lists the choice among the values to confirm.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

AWS_REGIONS: dict[str, str] = {
    "af-south-1": "Africa (Cape Town)",
    "ap-east-1": "Asia Pacific (Hong Kong)",
    "ap-east-2": "Asia Pacific (Taipei)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-northeast-2": "Asia Pacific (Seoul)",
    "ap-northeast-3": "Asia Pacific (Osaka)",
    "ap-south-1": "Asia Pacific (Mumbai)",
    "ap-south-2": "Asia Pacific (Hyderabad)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
    "ap-southeast-3": "Asia Pacific (Jakarta)",
    "ap-southeast-4": "Asia Pacific (Melbourne)",
    "ap-southeast-5": "Asia Pacific (Malaysia)",
    "ap-southeast-6": "Asia Pacific (New Zealand)",
    "ap-southeast-7": "Asia Pacific (Thailand)",
    "ca-central-1": "Canada (Central)",
    "ca-west-1": "Canada West (Calgary)",
    "eu-central-1": "Europe (Frankfurt)",
    "eu-central-2": "Europe (Zurich)",
    "eu-north-1": "Europe (Stockholm)",
    "eu-south-1": "Europe (Milan)",
    "eu-south-2": "Europe (Spain)",
    "eu-west-1": "Europe (Ireland)",
    "eu-west-2": "Europe (London)",
    "eu-west-3": "Europe (Paris)",
    "il-central-1": "Israel (Tel Aviv)",
    "me-central-1": "Middle East (UAE)",
    "me-south-1": "Middle East (Bahrain)",
    "mx-central-1": "Mexico (Central)",
    "sa-east-1": "South America (Sao Paulo)",
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "cn-north-1": "China (Beijing)",
    "cn-northwest-1": "China (Ningxia)",
    "us-gov-east-1": "AWS GovCloud (US-East)",
    "us-gov-west-1": "AWS GovCloud (US-West)",
}


@dataclass(frozen=True)
class Partner:
    region: str
    jurisdiction: str  # where the data stays: "EU", "US", "Europe (UK → EU)", ...
    same_jurisdiction: bool = True


def _pair(a: str, b: str, jurisdiction: str) -> dict[str, Partner]:
    return {a: Partner(b, jurisdiction), b: Partner(a, jurisdiction)}


PARTNERS: dict[str, Partner] = {
    # The EU: copies and canaries stay inside it.
    **_pair("eu-west-1", "eu-central-1", "EU"),
    "eu-west-3": Partner("eu-central-1", "EU"),
    "eu-north-1": Partner("eu-west-1", "EU"),
    "eu-south-1": Partner("eu-central-1", "EU"),
    "eu-south-2": Partner("eu-west-1", "EU"),
    # The UK has one region: its pair is the nearest EU region (Ireland), never the US.
    "eu-west-2": Partner("eu-west-1", "UK → EU"),
    # Switzerland has one region: Frankfurt, the nearest; not the same jurisdiction.
    "eu-central-2": Partner("eu-central-1", "Switzerland → EU", same_jurisdiction=False),
    # The US: within the US, east with west.
    **_pair("us-east-1", "us-west-2", "US"),
    "us-east-2": Partner("us-west-2", "US"),
    "us-west-1": Partner("us-west-2", "US"),
    **_pair("us-gov-east-1", "us-gov-west-1", "US (GovCloud)"),
    # Countries with two regions.
    **_pair("ca-central-1", "ca-west-1", "Canada"),
    **_pair("ap-northeast-1", "ap-northeast-3", "Japan"),
    **_pair("ap-southeast-2", "ap-southeast-4", "Australia"),
    **_pair("ap-south-1", "ap-south-2", "India"),
    **_pair("cn-north-1", "cn-northwest-1", "China"),
    # One region in the country: the nearest region, to confirm against your data-residency rules.
    "ap-southeast-6": Partner("ap-southeast-2", "New Zealand → Australia", same_jurisdiction=False),
    "ap-northeast-2": Partner("ap-northeast-1", "South Korea → Japan", same_jurisdiction=False),
    "ap-east-1": Partner("ap-southeast-1", "Hong Kong → Singapore", same_jurisdiction=False),
    "ap-east-2": Partner("ap-northeast-1", "Taiwan → Japan", same_jurisdiction=False),
    "ap-southeast-1": Partner("ap-southeast-5", "Singapore → Malaysia", same_jurisdiction=False),
    "ap-southeast-3": Partner("ap-southeast-1", "Indonesia → Singapore", same_jurisdiction=False),
    "ap-southeast-5": Partner("ap-southeast-1", "Malaysia → Singapore", same_jurisdiction=False),
    "ap-southeast-7": Partner("ap-southeast-1", "Thailand → Singapore", same_jurisdiction=False),
    "sa-east-1": Partner("us-east-1", "Brazil → US", same_jurisdiction=False),
    "mx-central-1": Partner("us-east-2", "Mexico → US", same_jurisdiction=False),
    "af-south-1": Partner("eu-west-1", "South Africa → EU", same_jurisdiction=False),
    "me-central-1": Partner("me-south-1", "UAE → Bahrain", same_jurisdiction=False),
    "me-south-1": Partner("me-central-1", "Bahrain → UAE", same_jurisdiction=False),
    "il-central-1": Partner("eu-central-1", "Israel → EU", same_jurisdiction=False),
}


@dataclass(frozen=True)
class ZoneLetters:
    """Where a region's zones are not the letters a, b, c: the letters to write, why, and the source."""

    letters: str
    why: str
    source: str
    zones_per_account: int | None = None  # fewer than three: production's three zones cannot be had


# The regions whose first letters are known not to be the zones an account gets. Every other region
# gets a, b, c; all are confirmed per account (new-stack says so) because the letters are mapped per
# account in the oldest regions ("AWS Availability Zones", global infrastructure guide).
ZONE_LETTERS: dict[str, ZoneLetters] = {
    "ca-central-1": ZoneLetters(
        "abd",
        "the region's third zone opened as ca-central-1d; there is no ca-central-1c",
        'kubernetes/kops pull request 9064 ("AWS announced a third AZ in ca-central-1, which is showing up as '
        "'ca-central-1d'\"), secondary: confirm with describe-availability-zones",
    ),
    "ap-northeast-1": ZoneLetters(
        "acd",
        "ap-northeast-1b is offered only to older accounts; newer ones get a, c and d",
        "moto's zone table for ap-northeast-1 (1a, 1c, 1d; quoted in localstack/localstack pull request 10563), "
        "secondary: confirm with describe-availability-zones",
    ),
    "us-west-1": ZoneLetters(
        "abc",
        "an account gets two of the region's zones, and which letters varies by account",
        'AWS, "AZ IDs" (global infrastructure guide: US West (N. California) is among the regions that map zones per '
        'account); two zones per account: a published per-region count (qiita.com/MH35JP, "us-west-1 | 2"), secondary',
        zones_per_account=2,
    ),
}


def zones(region: str, count: int) -> list[str]:
    """``count`` zone codes of a region (region code + letter), the known exceptions' letters first; to confirm per account."""
    known = ZONE_LETTERS.get(region)
    letters = known.letters if known is not None else "abcdef"
    return [f"{region}{letter}" for letter in letters[:count]]


def closest_region(name: str) -> str | None:
    """The known region a mistyped one most resembles (``eu-west-9`` -> ``eu-west-1``)."""
    close = difflib.get_close_matches(name, list(AWS_REGIONS), n=1, cutoff=0.8)
    return close[0] if close else None
