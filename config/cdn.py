"""CDN settings: the static-assets subdomain, the price class and the access logs.

The distribution serves ``<subdomain>.<domain>`` from a private bucket and forwards the API
paths to the load balancer. Price classes are CloudFront's ``PriceClass`` values (the test
suite checks this tuple against botocore's API model; the runtime does not need botocore).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from config.basics import Basics
from config.network import log_retention
from config.reader import ConfigError, Section

# CloudFront PriceClass enum minus "None", which belongs to flat-rate pricing plans.
PRICE_CLASSES = ("PriceClass_100", "PriceClass_200", "PriceClass_All")
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_PATH_PATTERN = r"/[A-Za-z0-9_\-./*]{0,254}"


@dataclass(frozen=True)
class CdnSettings:
    static_domain: str
    price_class: str
    api_paths: list[str]
    logging_enabled: bool
    log_retention_days: int


def parse_cdn(section: Section, basics: Basics) -> CdnSettings:
    subdomain = section.string("subdomain", "static", pattern=_LABEL, meaning="must be one lower-case DNS label, e.g. static")
    price_class = section.string("priceClass", "PriceClass_All" if basics.is_production else "PriceClass_100", choices=PRICE_CLASSES)
    api_paths = section.strings("apiPaths", ["/api/*", "/webhooks/*"])
    for index, path in enumerate(api_paths):
        if not re.fullmatch(_PATH_PATTERN, path):
            raise ConfigError(f"{section.key('apiPaths')}[{index}]", path, "must be a CloudFront path pattern starting with /, e.g. /api/*")
    if len(set(api_paths)) != len(api_paths):
        raise ConfigError(section.key("apiPaths"), api_paths, "patterns must be distinct")
    logging = section.section("logging")
    enabled = logging.boolean("enabled", True)
    if basics.is_production and not enabled:
        raise ConfigError(logging.key("enabled"), enabled, "production keeps CloudFront access logs")
    retention = log_retention(logging, "retentionDays", 365 if basics.is_production else 30)
    logging.finish()
    section.finish()
    return CdnSettings(f"{subdomain}.{basics.domain}", price_class, api_paths, enabled, retention)
