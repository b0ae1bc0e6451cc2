"""Edge settings: certificates (ACM and the internal CA) and the application load balancer.

The hosted zone is named (and looked up at deploy time unless its id is given too); the
domain and every certificate name must sit inside it. TLS policies come from a table of the ELB policy names
(the elbv2 API model has no enumeration for them) with the lowest TLS version each allows. The
load balancer is internal and reached only by CloudFront through a VPC origin, which speaks TLS
1.2 at most to origins (config.tls_hops): its listener takes a TLS 1.2 + 1.3 policy with AEAD
ciphers only, and a TLS 1.3-only policy, which CloudFront could never reach, is refused.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal

from config.basics import _DNS_NAME
from config.declare import OPTIONAL, Derived, PerEnvironment, When, boolean, computed, integer, rule, section, sibling, string, strings
from config.network import log_retention
from config.reading import At, parser
from config.tls_hops import origin_policy_problem

# ELB security policies for HTTPS listeners (`aws elbv2 describe-ssl-policies`, November 2026),
# with the lowest TLS version each negotiates. TLS 1.3-only first.
SSL_POLICIES: dict[str, str] = {
    "ELBSecurityPolicy-TLS13-1-3-2021-06": "1.3",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09": "1.3",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04": "1.3",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09": "1.3",
    "ELBSecurityPolicy-TLS13-1-2-2021-06": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06": "1.2",
    "ELBSecurityPolicy-TLS-1-2-2017-01": "1.2",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06": "1.2",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10": "1.2",
    "ELBSecurityPolicy-TLS13-1-1-2021-06": "1.1",
    "ELBSecurityPolicy-TLS13-1-0-2021-06": "1.0",
    "ELBSecurityPolicy-2016-08": "1.0",
}
# The two TLS 1.3-only policies the guide names, for any internet-facing listener (the policy pack allows exactly these).
TLS13_POLICIES = ("ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09")
# Behind a CloudFront VPC origin: TLS 1.2 (what CloudFront speaks to origins) and 1.3, ECDHE + AEAD only.
ORIGIN_POLICIES = ("ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09")
DEFAULT_SSL_POLICY = ORIGIN_POLICIES[0]
# CloudFront reaches the load balancer under this name (`origin.<domain>`): its SNI and Host header,
# so the load balancer's certificate and listener rules name it.
ORIGIN_LABEL = "origin"
# The header the per-colour listener rules match; CloudFront never forwards it from viewers.
COLOUR_HEADER = "X-Email-Platform-Colour"

ONE_YEAR_SECONDS = 31_536_000
KeyAlgorithm = Literal["ECDSA", "RSA"]
# ALB access logs: S3 lifecycle days (any whole number), kept at least 90 days in production.
MIN_PRODUCTION_LOG_DAYS = 90
# WAF's rate-based rules count each address over this window (components/edge_firewall/rules.py).
RATE_WINDOW_MINUTES = 5
# The API paths' per-address limit by default: twice the guide's EMAIL_RATE_LIMIT (1,000, read per
# minute per client) over the window (a test holds it to app.emailRateLimit's default).
API_RATE_LIMIT_DEFAULT = 2 * RATE_WINDOW_MINUTES * 1000

_WILDCARD_OR_NAME = r"(\*\.)?" + _DNS_NAME
_ZONE_ID = r"Z[A-Z0-9]{1,31}"
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
RSA_BITS_ALLOWED = (3072, 4096)
MIN_SLOW_START_SECONDS = 30
# An AWS WAF IP set "can hold up to 10,000 IP addresses or IP address ranges", and WAF "supports all
# IPv4 and IPv6 CIDR ranges except for /0" (AWS WAF Developer Guide, "IP set match rule statement").
MAX_IP_SET_ADDRESSES = 10_000


def _in_zone(name: str, zone: str) -> bool:
    bare = name.removeprefix("*.")
    return bare == zone or bare.endswith("." + zone)


def _within_the_ca(cert_validity: int, at: At) -> None:
    """at most `caValidityHours`"""
    ca_validity = at.reading["ca_validity_hours"]
    if cert_validity > ca_validity:
        raise at.refuse(cert_validity, f"must not exceed caValidityHours ({ca_validity})")


def _dns_names_or_labels(names: list[str], at: At) -> None:
    """lower-case DNS names or labels"""
    for index, name in enumerate(names):
        if not re.fullmatch(_WILDCARD_OR_NAME, name) and not re.fullmatch(_LABEL, name):
            raise at.refuse(name, "must be a lower-case DNS name", item=index)


@dataclass(frozen=True)
class InternalCaSettings:
    """The CA that signs the pods' serving certificate (end-to-end TLS from the ALB)."""

    algorithm: KeyAlgorithm = string(
        "the internal CA's and the pods' key algorithm (ECDSA uses curve P256)", default="ECDSA", choices=("ECDSA", "RSA")
    )
    rsa_bits: int = integer(
        "RSA key size",
        default=3072,
        choices=RSA_BITS_ALLOWED,
        meaning=f"allowed: {', '.join(map(str, RSA_BITS_ALLOWED))} (below 3072 bits RSA is under 128-bit strength)",
        only_with=When("algorithm", "RSA", otherwise=0, why="ECDSA uses curve P256"),
    )
    ca_validity_hours: int = integer("the internal CA's lifetime (1 to 20 years)", default=87_600, minimum=8_760, maximum=175_200)
    cert_validity_hours: int = integer(
        "the pods' serving certificate's lifetime (a week to 397 days)", default=2_160, minimum=168, maximum=9_528, checks=(_within_the_ca,)
    )
    early_renewal_hours: int = integer(
        "`pulumi up` re-issues the certificate this long before it expires",
        default=720,
        minimum=24,
        maximum=sibling("cert_validity_hours", strict=True),
    )
    server_dns_names: list[str] = strings(
        "more names on the pods' certificate (lower-case DNS names or labels)", default=[], checks=(_dns_names_or_labels,)
    )


def _holds_the_domain(zone: str, at: At) -> None:
    """must hold `domain`"""
    if not _in_zone(at.basics.domain, zone):
        raise at.refuse(zone, f"the domain {at.basics.domain} is not inside this zone")


def _names_in_the_zone(names: list[str], at: At) -> None:
    """distinct lower-case DNS names (optionally `*.`) inside `hostedZone`, other than `domain`"""
    zone, domain = at.reading["hosted_zone_name"], at.basics.domain
    for index, name in enumerate(names):
        if not re.fullmatch(_WILDCARD_OR_NAME, name):
            raise at.refuse(name, "must be a lower-case DNS name, optionally with a leading '*.'", item=index)
        if not _in_zone(name, zone):
            raise at.refuse(name, f"is outside the hosted zone (hostedZone: {zone}); ACM validates through that zone", item=index)
    if len(set(names)) != len(names) or domain in names:
        raise at.refuse(names, f"names must be distinct and differ from the domain {domain}")


@rule("one CloudFront can negotiate, AEAD ciphers only: " + ", ".join(f"`{p}`" for p in ORIGIN_POLICIES))
def _reachable_by_cloudfront(policy: str, at: At) -> None:
    # Any environment: the listener's one client is CloudFront, so the policy must be one it can negotiate.
    problem = origin_policy_problem(policy)
    if problem is not None:
        raise at.refuse(policy, f"{problem}; allowed: {', '.join(ORIGIN_POLICIES)}")


@rule(f"0 or at least {MIN_SLOW_START_SECONDS}")
def _zero_or_enough(slow_start: int, at: At) -> None:
    if 0 < slow_start < MIN_SLOW_START_SECONDS:
        raise at.refuse(slow_start, f"must be 0 (off) or between {MIN_SLOW_START_SECONDS} and 900")


@dataclass(frozen=True)
class TargetGroupSettings:
    # ALB allows 0-3600 s; the app's preStop sleep must outlast it (a rule across sections, config/__init__.py).
    deregistration_delay_seconds: int = integer(
        "how long the load balancer drains a pod it stops sending to", default=30, minimum=0, maximum=3600
    )
    slow_start_seconds: int = integer(
        "how long a new pod's share of traffic ramps up (0: off)", default=30, minimum=0, maximum=900, checks=(_zero_or_enough,)
    )


def _waf_ip_set(networks: list[str], at: At) -> list[str]:
    # Each entry as AWS writes it back (normalised, host bits zero).
    return [str(ipaddress.ip_network(text)) for text in networks]


@rule(f"distinct IPv4 or IPv6 CIDRs without host bits, not /0; at most {MAX_IP_SET_ADDRESSES:,} of each version")
def _webhook_ranges(cidrs: list[str], at: At) -> None:
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for index, text in enumerate(cidrs):
        try:
            network = ipaddress.ip_network(text, strict=True)
        except ValueError as error:
            raise at.refuse(text, f"must be an IPv4 or IPv6 CIDR without host bits, e.g. 192.0.2.0/24 ({error})", item=index) from None
        if "/" not in text or network.prefixlen == 0:
            raise at.refuse(text, "must be a CIDR with a prefix length of /1 or more (AWS WAF refuses /0), e.g. 192.0.2.0/24", item=index)
        networks.append(network)
    if len(set(networks)) != len(networks):
        raise at.refuse(cidrs, "ranges must be distinct")
    for version in (4, 6):
        if sum(1 for n in networks if n.version == version) > MAX_IP_SET_ADDRESSES:
            raise at.refuse(f"{len(networks)} ranges", f"an AWS WAF IP set holds at most {MAX_IP_SET_ADDRESSES:,} IPv{version} ranges")


@dataclass(frozen=True)
class WafSettings:
    enabled: bool = boolean(
        "CloudFront's web ACL (AWS managed rules and a per-client-IP rate limit)",
        default=PerEnvironment(True, False),
        choices=PerEnvironment((True,), (True, False)),
        why="production keeps the WAF on",
    )
    rate_limit_per_5_minutes: int = integer(
        "requests per client IP per 5 minutes before the WAF blocks, outside the API paths (`cdn.apiPaths`)",
        default=2000,
        minimum=10,
        maximum=2_000_000_000,
    )
    # One customer's server behind one address sends that customer's whole volume to the API, up to the
    # app's own EMAIL_RATE_LIMIT; the default is twice the guide's 1,000 a minute over WAF's 5-minute
    # window, so the app's own 429s (which WAF counts too) do not tip a client into a 403.
    api_rate_limit_per_5_minutes: int = integer(
        "requests per client IP per 5 minutes on the API paths (`cdn.apiPaths`) before the WAF blocks; at least "
        "5 × `app.emailRateLimit` (docs/edge.md)",
        default=API_RATE_LIMIT_DEFAULT,
        minimum=10,
        maximum=2_000_000_000,
    )
    # Webhook senders' address ranges: not counted by the per-IP rate limit.
    webhook_source_cidrs: list[str] = strings(
        "address ranges your email provider posts webhooks from: the per-IP rate limit does not count them "
        "(the managed rules still inspect them, and the web ACL's logs still record every request)",
        default=[],
        checks=(_webhook_ranges,),
        convert=_waf_ip_set,
    )
    log_retention_days: int = log_retention("the web ACL's request logs (log group `aws-waf-logs-…` in us-east-1)")


@dataclass(frozen=True)
class AccessLogSettings:
    retention_days: int = integer(
        "days the load balancer's access logs stay in S3",
        default=PerEnvironment(365, 30),
        minimum=PerEnvironment(MIN_PRODUCTION_LOG_DAYS, 1),
        maximum=3653,
    )


@dataclass(frozen=True)
class EdgeSettings:
    hosted_zone_name: str = string(
        "the public Route53 zone that holds `domain`; looked up by name",
        pattern=_DNS_NAME,
        meaning="must be the public Route53 zone's DNS name that holds the domain, e.g. example.com",
        checks=(_holds_the_domain,),
        name="hostedZone",
    )
    hosted_zone_id: str | None = string(
        "the zone's id: skips the lookup by name (and another zone of the same name cannot be picked)",
        default=OPTIONAL,
        pattern=_ZONE_ID,
        meaning="must be a Route53 hosted zone id, e.g. Z0123456789ABCDEFGHIJ",
    )
    subject_alternative_names: list[str] = strings(
        "more names on CloudFront's certificate (it always covers `domain` and the static domain)",
        default=Derived('`["*.<domain>"]`', lambda reading: [f"*.{reading.basics.domain}"]),
        checks=(_names_in_the_zone,),
    )
    ssl_policy: str = string(
        "the internal load balancer's HTTPS listener policy (CloudFront's VPC origin is its only client)",
        default=DEFAULT_SSL_POLICY,
        choices=tuple(SSL_POLICIES),
        checks=(_reachable_by_cloudfront,),
    )
    hsts_max_age_seconds: int = integer(
        "Strict-Transport-Security max-age (with includeSubDomains; preload)",
        default=2 * ONE_YEAR_SECONDS,
        minimum=ONE_YEAR_SECONDS,
        maximum=2 * ONE_YEAR_SECONDS,
    )
    internal_ca: InternalCaSettings = section(
        InternalCaSettings, "the CA that signs the pods' serving certificate (TLS from the load balancer to the pods)"
    )
    target_group: TargetGroupSettings = section(TargetGroupSettings, "the pods' target groups")
    waf: WafSettings = section(WafSettings, "AWS WAF on the CloudFront distribution (scope CLOUDFRONT, in us-east-1)")
    access_logs: AccessLogSettings = section(AccessLogSettings, "the load balancer's access logs")
    idle_timeout_seconds: int = integer("the load balancer closes a connection idle this long", default=60, minimum=1, maximum=4000)
    domain: str = computed(lambda reading: reading.basics.domain)

    @property
    def origin_host(self) -> str:
        return f"{ORIGIN_LABEL}.{self.domain}"

    @property
    def hsts_header(self) -> str:
        return f"max-age={self.hsts_max_age_seconds}; includeSubDomains; preload"


parse_edge = parser(EdgeSettings)
