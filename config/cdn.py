"""CDN settings: the static-assets subdomain, the price class and the access logs.

The distribution serves ``<subdomain>.<domain>`` from a private bucket and forwards the API
paths to the load balancer. Price classes are CloudFront's ``PriceClass`` values (the test
suite checks this tuple against botocore's API model; the runtime does not need botocore).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from config.basics import Basics
from config.declare import Group, PerEnvironment, boolean, string, strings
from config.network import log_retention_key
from config.reader import ConfigError, Section, refuse_in_production
from config.tls_hops import VIEWER_POLICY_VERSIONS

# CloudFront PriceClass enum minus "None", which belongs to flat-rate pricing plans.
PRICE_CLASSES = ("PriceClass_100", "PriceClass_200", "PriceClass_All")
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_PATH_PATTERN = r"/[A-Za-z0-9_\-./*]{0,254}"
# Viewers' TLS: the guide asks for TLS 1.3 minimum on every public connection.
TLS13_VIEWER_POLICY = "TLSv1.3_2025"


@dataclass(frozen=True)
class CdnSettings:
    static_domain: str
    minimum_protocol_version: str
    price_class: str
    api_paths: list[str]
    logging_enabled: bool
    log_retention_days: int


SUBDOMAIN = string(
    "subdomain",
    "the static assets' host: `<subdomain>.<domain>`",
    default="static",
    pattern=_LABEL,
    meaning="must be one lower-case DNS label, e.g. static",
)
MINIMUM_PROTOCOL_VERSION = string(
    "minimumProtocolVersion",
    "the oldest TLS viewers may use (CloudFront's security policy for SNI certificates)",
    default=TLS13_VIEWER_POLICY,
    choices=tuple(VIEWER_POLICY_VERSIONS),
    rule=f"production: `{TLS13_VIEWER_POLICY}` (TLS 1.3 only)",
)
PRICE_CLASS = string(
    "priceClass",
    "which CloudFront edge locations serve the assets (fewer cost less)",
    default=PerEnvironment("PriceClass_All", "PriceClass_100"),
    choices=PRICE_CLASSES,
)
API_PATHS = strings(
    "apiPaths",
    "path patterns CloudFront forwards to the load balancer instead of the bucket",
    default=["/api/*", "/webhooks/*"],
    rule="distinct CloudFront path patterns starting with `/`",
)
LOGGING_ENABLED = boolean("enabled", "CloudFront access logs", default=True, rule="production keeps them on")
LOGGING_RETENTION_DAYS = log_retention_key("retentionDays", "the CloudFront access logs")
LOGGING = Group("logging", "CloudFront access logs", (LOGGING_ENABLED, LOGGING_RETENTION_DAYS))
CDN = Group(
    "cdn",
    "the CloudFront distribution: the one public entry (static assets, API, webhooks)",
    (SUBDOMAIN, MINIMUM_PROTOCOL_VERSION, PRICE_CLASS, API_PATHS, LOGGING),
)


def parse_cdn(section: Section, basics: Basics) -> CdnSettings:
    subdomain = SUBDOMAIN.read(section)
    minimum_protocol_version = MINIMUM_PROTOCOL_VERSION.read(section)
    if basics.is_production and minimum_protocol_version != TLS13_VIEWER_POLICY:
        raise refuse_in_production(
            section.key("minimumProtocolVersion"), minimum_protocol_version, f"production viewers use TLS 1.3 only: {TLS13_VIEWER_POLICY}"
        )
    price_class = PRICE_CLASS.read(section, production=basics.is_production)
    api_paths = API_PATHS.read(section)
    for index, path in enumerate(api_paths):
        if not re.fullmatch(_PATH_PATTERN, path):
            raise ConfigError(f"{section.key('apiPaths')}[{index}]", path, "must be a CloudFront path pattern starting with /, e.g. /api/*")
    if len(set(api_paths)) != len(api_paths):
        raise ConfigError(section.key("apiPaths"), api_paths, "patterns must be distinct")
    logging = LOGGING.open(section)
    enabled = LOGGING_ENABLED.read(logging)
    if basics.is_production and not enabled:
        raise refuse_in_production(logging.key("enabled"), enabled, "production keeps CloudFront access logs")
    retention = LOGGING_RETENTION_DAYS.read(logging, production=basics.is_production)
    logging.finish()
    section.finish()
    return CdnSettings(f"{subdomain}.{basics.domain}", minimum_protocol_version, price_class, api_paths, enabled, retention)
