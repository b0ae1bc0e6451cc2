"""CDN settings: the static-assets subdomain, the price class and the access logs.

The distribution serves ``<subdomain>.<domain>`` from a private bucket and forwards the API
paths to the load balancer. Price classes are CloudFront's ``PriceClass`` values (the test
suite checks this tuple against botocore's API model; the runtime does not need botocore).
"""

from __future__ import annotations

from dataclasses import dataclass

from config.declare import PerEnvironment, boolean, computed, section, string, strings
from config.network import log_retention
from config.reading import parser
from config.tls_hops import VIEWER_POLICY_VERSIONS

# CloudFront PriceClass enum minus "None", which belongs to flat-rate pricing plans.
PRICE_CLASSES = ("PriceClass_100", "PriceClass_200", "PriceClass_All")
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_PATH_PATTERN = r"/[A-Za-z0-9_\-./*]{0,254}"
# Viewers' TLS: the guide asks for TLS 1.3 minimum on every public connection.
TLS13_VIEWER_POLICY = "TLSv1.3_2025"


@dataclass(frozen=True)
class CdnLogging:
    enabled: bool = boolean(
        "CloudFront access logs",
        default=True,
        choices=PerEnvironment((True,), (True, False)),
        why="production keeps CloudFront access logs",
    )
    retention_days: int = log_retention("the CloudFront access logs")


@dataclass(frozen=True)
class CdnSettings:
    subdomain: str = string(
        "the static assets' host: `<subdomain>.<domain>`",
        default="static",
        pattern=_LABEL,
        meaning="must be one lower-case DNS label, e.g. static",
    )
    minimum_protocol_version: str = string(
        "the oldest TLS viewers may use (CloudFront's security policy for SNI certificates)",
        default=TLS13_VIEWER_POLICY,
        choices=PerEnvironment((TLS13_VIEWER_POLICY,), tuple(VIEWER_POLICY_VERSIONS)),
        why="production viewers use TLS 1.3 only",
    )
    price_class: str = string(
        "which CloudFront edge locations serve the assets (fewer cost less)",
        default=PerEnvironment("PriceClass_All", "PriceClass_100"),
        choices=PRICE_CLASSES,
    )
    api_paths: list[str] = strings(
        "path patterns CloudFront forwards to the load balancer instead of the bucket",
        default=["/api/*", "/webhooks/*"],
        item_pattern=_PATH_PATTERN,
        item_meaning="must be a CloudFront path pattern starting with /, e.g. /api/*",
        distinct="patterns",
    )
    logging: CdnLogging = section(CdnLogging, "CloudFront access logs")
    static_domain: str = computed(lambda reading: f"{reading['subdomain']}.{reading.basics.domain}")


parse_cdn = parser(CdnSettings)
