"""Stack-wide settings: which environment this is, its domain, region and cost tags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from config.aws_regions import AWS_REGIONS, closest_region
from config.declare import computed, section, string, string_map
from config.reader import PROJECT, ConfigError, Section
from config.reading import At, Reading, read

Environment = Literal["production", "staging", "development"]
ENVIRONMENTS: tuple[Environment, ...] = ("production", "staging", "development")

# RFC 1035 host names: labels of letters, digits and inner hyphens, at least two labels.
_DNS_NAME = r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
_REGION = r"[a-z]{2}(-gov)?-[a-z]+-\d"
_TAG_VALUE = r"[\w .:/=+\-@]{1,256}"
_TAG_MEANING = "must be a tag value (1-256 letters, digits, spaces, _.:/=+-@)"
RESERVED_TAGS = ("Project", "Environment", "ManagedBy", "Owner", "CostCenter")


def an_aws_region(region: str, at: At) -> None:
    """a region of botocore's endpoint data (`config/aws_regions.py`)"""
    if region not in AWS_REGIONS:
        close = closest_region(region)
        hint = f"did you mean {close}? " if close else ""
        raise at.refuse(region, f"not an AWS region; {hint}(the regions of botocore's endpoint data, config/aws_regions.py)")


@dataclass(frozen=True)
class AwsProvider:
    """The AWS provider's settings this program reads (`aws:<key>`)."""

    region: str = string(
        "the AWS region the stack deploys to (the provider's own key)",
        pattern=_REGION,
        meaning="must be an AWS region name such as us-east-1",
        checks=(an_aws_region,),
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


def _not_reserved(extra: dict[str, str], at: At) -> None:
    """not `Project`, `Environment`, `ManagedBy`, `Owner`, `CostCenter` or a name starting with `aws:`"""
    for name in extra:
        if name.lower().startswith("aws:") or name in RESERVED_TAGS:
            raise ConfigError(f"{at.key}.{name}", name, "reserved tag name; use owner/costCenter or another name")


@dataclass(frozen=True)
class Tags:
    owner: str = string("who runs the stack: the Owner tag on every AWS resource", pattern=_TAG_VALUE, meaning=_TAG_MEANING)
    cost_center: str = string("who pays: the CostCenter tag on every AWS resource", pattern=_TAG_VALUE, meaning=_TAG_MEANING)
    extra: dict[str, str] = string_map("more tags on every AWS resource", default={}, checks=(_not_reserved,))


def _given(reading: Reading) -> None:
    raise TypeError("read Basics with read_basics(), which is given the region")


@dataclass(frozen=True)
class Basics:
    """Stack-wide settings: which environment this is, its domain, region and cost tags."""

    environment: Environment = string("which environment this stack is; production applies the stricter rules", choices=ENVIRONMENTS)
    region: str = computed(_given)
    domain: str = string(
        "the app's public host name; the API answers on it, static assets on a subdomain",
        pattern=_DNS_NAME,
        meaning="must be a lower-case DNS name with at least two labels, e.g. mail.example.com",
    )
    tags: Tags = section(Tags, "cost-allocation tags", required=True)

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
            **self.tags.extra,
            "Project": PROJECT,
            "Environment": self.environment,
            "ManagedBy": "pulumi",
            "Owner": self.tags.owner,
            "CostCenter": self.tags.cost_center,
        }


def read_region(region: Any) -> str:
    """`aws:region`, checked (the provider's own key, outside this project's namespace)."""
    provider: AwsProvider = read(AwsProvider, Section("aws", {"region": region}, separator=":"), production=False)
    return provider.region


def read_basics(root: Section, region: str) -> Basics:
    """The stack-wide keys of the project's root object (the root is finished once every section is read)."""
    return read(Basics, root, production=False, given={"region": region}, finish=False)
