"""Stack-wide settings: which environment this is, its domain, region and cost tags."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from config.reader import PROJECT, ConfigError, Section

Environment = Literal["production", "staging", "development"]
ENVIRONMENTS: tuple[Environment, ...] = ("production", "staging", "development")

# RFC 1035 host names: labels of letters, digits and inner hyphens, at least two labels.
_DNS_NAME = r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
_REGION = r"[a-z]{2}(-gov)?-[a-z]+-\d"
_TAG_VALUE = r"[\w .:/=+\-@]{1,256}"


@dataclass(frozen=True)
class Basics:
    environment: Environment
    region: str
    domain: str
    owner: str
    cost_center: str
    extra_tags: dict[str, str]

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def name_prefix(self) -> str:
        """Prefix for AWS names that must be fixed (cluster, log groups): project and environment."""
        return f"{PROJECT}-{self.environment}"

    @property
    def default_tags(self) -> dict[str, str]:
        """Cost-allocation tags that every taggable AWS resource carries (provider default tags)."""
        return {
            **self.extra_tags,
            "Project": PROJECT,
            "Environment": self.environment,
            "ManagedBy": "pulumi",
            "Owner": self.owner,
            "CostCenter": self.cost_center,
        }


def parse_basics(root: Section, region: str, region_key: str) -> Basics:
    environment: Environment = root.string("environment", choices=ENVIRONMENTS)  # type: ignore[assignment]
    if not re.fullmatch(_REGION, region):
        raise ConfigError(region_key, region, "must be an AWS region name such as us-east-1")
    domain = root.string(
        "domain",
        pattern=_DNS_NAME,
        meaning="must be a lower-case DNS name with at least two labels, e.g. mail.example.com",
    )
    tags = root.section("tags", required=True)
    owner = tags.string("owner", pattern=_TAG_VALUE, meaning="must be a tag value (1-256 letters, digits, spaces, _.:/=+-@)")
    cost_center = tags.string("costCenter", pattern=_TAG_VALUE, meaning="must be a tag value (1-256 letters, digits, spaces, _.:/=+-@)")
    extra = tags.string_map("extra", {})
    for key in extra:
        if key.lower().startswith("aws:") or key in ("Project", "Environment", "ManagedBy", "Owner", "CostCenter"):
            raise ConfigError(tags.key(f"extra.{key}"), key, "reserved tag name; use owner/costCenter or another name")
    tags.finish()
    return Basics(environment, region, domain, owner, cost_center, extra)
