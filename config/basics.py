"""Stack-wide settings: which environment this is, its domain, region and cost tags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from config.aws_regions import AWS_REGIONS, closest_region
from config.declare import Group, string, string_map
from config.reader import PROJECT, ConfigError, Section

Environment = Literal["production", "staging", "development"]
ENVIRONMENTS: tuple[Environment, ...] = ("production", "staging", "development")

# RFC 1035 host names: labels of letters, digits and inner hyphens, at least two labels.
_DNS_NAME = r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
_REGION = r"[a-z]{2}(-gov)?-[a-z]+-\d"
_TAG_VALUE = r"[\w .:/=+\-@]{1,256}"
_TAG_MEANING = "must be a tag value (1-256 letters, digits, spaces, _.:/=+-@)"
RESERVED_TAGS = ("Project", "Environment", "ManagedBy", "Owner", "CostCenter")

REGION = string(
    "region",
    "the AWS region the stack deploys to (the provider's own key)",
    pattern=_REGION,
    meaning="must be an AWS region name such as us-east-1",
)
# The AWS provider's own config keys (`aws:<key>`, as pulumi_aws's config module declares them): any
# other `aws:` key is a typo the provider would ignore. A test compares this list with pulumi_aws.
AWS_PROVIDER_KEYS: tuple[str, ...] = (
    "accessKey", "allowedAccountIds", "assumeRoleWithWebIdentity", "assumeRoles", "customCaBundle", "defaultTags",
    "ec2MetadataServiceEndpoint", "ec2MetadataServiceEndpointMode", "endpoints", "forbiddenAccountIds", "httpProxy",
    "httpsProxy", "ignoreTags", "insecure", "maxRetries", "noProxy", "profile", "region", "retryMode",
    "s3UsEast1RegionalEndpoint", "s3UsePathStyle", "secretKey", "sharedConfigFiles", "sharedCredentialsFiles",
    "skipCredentialsValidation", "skipMetadataApiCheck", "skipRegionValidation", "skipRequestingAccountId", "stsRegion",
    "tagPolicyCompliance", "token", "tokenBucketRateLimiterCapacity", "useDualstackEndpoint", "useFipsEndpoint",
    "userAgents",
)  # fmt: skip
AWS = Group("aws", "the AWS provider's settings", (REGION,), required=True, separator=":")

ENVIRONMENT = string(
    "environment",
    "which environment this stack is; production applies the stricter rules",
    choices=ENVIRONMENTS,
)
DOMAIN = string(
    "domain",
    "the app's public host name; the API answers on it, static assets on a subdomain",
    pattern=_DNS_NAME,
    meaning="must be a lower-case DNS name with at least two labels, e.g. mail.example.com",
)
OWNER = string("owner", "who runs the stack: the Owner tag on every AWS resource", pattern=_TAG_VALUE, meaning=_TAG_MEANING)
COST_CENTER = string("costCenter", "who pays: the CostCenter tag on every AWS resource", pattern=_TAG_VALUE, meaning=_TAG_MEANING)
EXTRA_TAGS = string_map(
    "extra",
    "more tags on every AWS resource",
    default={},
    rule="reserved: " + ", ".join(f"`{tag}`" for tag in RESERVED_TAGS) + " and names starting with `aws:`",
)
TAGS = Group("tags", "cost-allocation tags", (OWNER, COST_CENTER, EXTRA_TAGS), required=True)
BASICS = Group("", "stack-wide settings", (ENVIRONMENT, DOMAIN, TAGS))


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
    environment: Environment = ENVIRONMENT.read(root)  # type: ignore[assignment]
    REGION.read_value(region_key, region)
    if region not in AWS_REGIONS:
        close = closest_region(region)
        hint = f"did you mean {close}? " if close else ""
        raise ConfigError(region_key, region, f"not an AWS region; {hint}(the regions of botocore's endpoint data, config/aws_regions.py)")
    domain = DOMAIN.read(root)
    tags = TAGS.open(root)
    owner = OWNER.read(tags)
    cost_center = COST_CENTER.read(tags)
    extra = EXTRA_TAGS.read(tags)
    for key in extra:
        if key.lower().startswith("aws:") or key in RESERVED_TAGS:
            raise ConfigError(tags.key(f"extra.{key}"), key, "reserved tag name; use owner/costCenter or another name")
    tags.finish()
    return Basics(environment, region, domain, owner, cost_center, extra)
