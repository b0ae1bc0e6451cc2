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
from dataclasses import dataclass, field
from typing import Literal

from config.basics import _DNS_NAME, Basics
from config.declare import Derived, Group, PerEnvironment, boolean, integer, optional_string, string, strings
from config.network import log_retention_key
from config.reader import ConfigError, Section, refuse_in_production
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

_WILDCARD_OR_NAME = r"(\*\.)?" + _DNS_NAME
_ZONE_ID = r"Z[A-Z0-9]{1,31}"
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
RSA_BITS_ALLOWED = (3072, 4096)
MIN_SLOW_START_SECONDS = 30
# An AWS WAF IP set "can hold up to 10,000 IP addresses or IP address ranges", and WAF "supports all
# IPv4 and IPv6 CIDR ranges except for /0" (AWS WAF Developer Guide, "IP set match rule statement").
MAX_IP_SET_ADDRESSES = 10_000


@dataclass(frozen=True)
class InternalCaSettings:
    """The CA that signs the pods' serving certificate (end-to-end TLS from the ALB)."""

    algorithm: KeyAlgorithm
    rsa_bits: int  # only with RSA
    ca_validity_hours: int
    cert_validity_hours: int
    early_renewal_hours: int
    server_dns_names: list[str]


@dataclass(frozen=True)
class EdgeSettings:
    domain: str
    hosted_zone_name: str  # the public zone holding the domain; looked up by name ...
    hosted_zone_id: str | None  # ... unless its id is given
    subject_alternative_names: list[str]
    ssl_policy: str
    hsts_max_age_seconds: int
    internal_ca: InternalCaSettings
    deregistration_delay_seconds: int
    slow_start_seconds: int
    waf_enabled: bool
    waf_rate_limit: int  # requests per 5 minutes per client IP
    access_log_retention_days: int
    idle_timeout_seconds: int
    # Webhook senders' address ranges (normalised CIDRs): not counted by the per-IP rate limit.
    waf_webhook_source_cidrs: list[str] = field(default_factory=list)
    waf_log_retention_days: int = 365  # the web ACL's request logs in CloudWatch Logs

    @property
    def origin_host(self) -> str:
        return f"{ORIGIN_LABEL}.{self.domain}"

    @property
    def hsts_header(self) -> str:
        return f"max-age={self.hsts_max_age_seconds}; includeSubDomains; preload"


def _in_zone(name: str, zone: str) -> bool:
    bare = name.removeprefix("*.")
    return bare == zone or bare.endswith("." + zone)


ALGORITHM = string(
    "algorithm", "the internal CA's and the pods' key algorithm (ECDSA uses curve P256)", default="ECDSA", choices=("ECDSA", "RSA")
)
RSA_BITS = integer(
    "rsaBits",
    "RSA key size",
    default=3072,
    choices=RSA_BITS_ALLOWED,
    meaning=f"allowed: {', '.join(map(str, RSA_BITS_ALLOWED))} (below 3072 bits RSA is under 128-bit strength)",
    rule="only with `algorithm: RSA`",
)
CA_VALIDITY_HOURS = integer("caValidityHours", "the internal CA's lifetime (1 to 20 years)", default=87_600, minimum=8_760, maximum=175_200)
CERT_VALIDITY_HOURS = integer(
    "certValidityHours",
    "the pods' serving certificate's lifetime (a week to 397 days)",
    default=2_160,
    minimum=168,
    maximum=9_528,
    rule="at most `caValidityHours`",
)
EARLY_RENEWAL_HOURS = integer(
    "earlyRenewalHours",
    "`pulumi up` re-issues the certificate this long before it expires",
    default=720,
    minimum=24,
    rule="below `certValidityHours`",
)
SERVER_DNS_NAMES = strings("serverDnsNames", "more names on the pods' certificate (lower-case DNS names or labels)", default=[])
INTERNAL_CA = Group(
    "internalCa",
    "the CA that signs the pods' serving certificate (TLS from the load balancer to the pods)",
    (ALGORITHM, RSA_BITS, CA_VALIDITY_HOURS, CERT_VALIDITY_HOURS, EARLY_RENEWAL_HOURS, SERVER_DNS_NAMES),
)

HOSTED_ZONE = string(
    "hostedZone",
    "the public Route53 zone that holds `domain`; looked up by name",
    pattern=_DNS_NAME,
    meaning="must be the public Route53 zone's DNS name that holds the domain, e.g. example.com",
)
HOSTED_ZONE_ID = optional_string(
    "hostedZoneId",
    "the zone's id: skips the lookup by name (and another zone of the same name cannot be picked)",
    pattern=_ZONE_ID,
    meaning="must be a Route53 hosted zone id, e.g. Z0123456789ABCDEFGHIJ",
)
SUBJECT_ALTERNATIVE_NAMES = strings(
    "subjectAlternativeNames",
    "more names on CloudFront's certificate (it always covers `domain` and the static domain)",
    default=Derived('`["*.<domain>"]`'),
    rule="distinct lower-case DNS names (optionally `*.`) inside `hostedZone`, other than `domain`",
)
SSL_POLICY = string(
    "sslPolicy",
    "the internal load balancer's HTTPS listener policy (CloudFront's VPC origin is its only client)",
    default=DEFAULT_SSL_POLICY,
    choices=tuple(SSL_POLICIES),
    rule="one CloudFront can negotiate, AEAD ciphers only: " + ", ".join(f"`{p}`" for p in ORIGIN_POLICIES),
)
HSTS_MAX_AGE_SECONDS = integer(
    "hstsMaxAgeSeconds",
    "Strict-Transport-Security max-age (with includeSubDomains; preload)",
    default=2 * ONE_YEAR_SECONDS,
    minimum=ONE_YEAR_SECONDS,
    maximum=2 * ONE_YEAR_SECONDS,
)
# ALB allows 0-3600 s; the app's preStop sleep must outlast it (config.app.check_pre_stop).
DEREGISTRATION_DELAY_SECONDS = integer(
    "deregistrationDelaySeconds",
    "how long the load balancer drains a pod it stops sending to",
    default=30,
    minimum=0,
    maximum=3600,
    rule="below `app.shutdown.preStopSeconds`",
)
SLOW_START_SECONDS = integer(
    "slowStartSeconds",
    "how long a new pod's share of traffic ramps up (0: off)",
    default=30,
    minimum=0,
    maximum=900,
    rule=f"0 or at least {MIN_SLOW_START_SECONDS}",
)
TARGET_GROUP = Group("targetGroup", "the pods' target groups", (DEREGISTRATION_DELAY_SECONDS, SLOW_START_SECONDS))
WAF_ENABLED = boolean(
    "enabled",
    "CloudFront's web ACL (AWS managed rules and a per-client-IP rate limit)",
    default=PerEnvironment(True, False),
    rule="production keeps it on",
)
RATE_LIMIT_PER_5_MINUTES = integer(
    "rateLimitPer5Minutes", "requests per client IP per 5 minutes before the WAF blocks", default=2000, minimum=10, maximum=2_000_000_000
)
WEBHOOK_SOURCE_CIDRS = strings(
    "webhookSourceCidrs",
    "address ranges your email provider posts webhooks from: the per-IP rate limit does not count them "
    "(the managed rules still inspect them, and the web ACL's logs still record every request)",
    default=[],
    rule=f"distinct IPv4 or IPv6 CIDRs without host bits, not /0; at most {MAX_IP_SET_ADDRESSES:,} of each version",
)
WAF_LOG_RETENTION_DAYS = log_retention_key("logRetentionDays", "the web ACL's request logs (log group `aws-waf-logs-…` in us-east-1)")
WAF = Group(
    "waf",
    "AWS WAF on the CloudFront distribution (scope CLOUDFRONT, in us-east-1)",
    (WAF_ENABLED, RATE_LIMIT_PER_5_MINUTES, WEBHOOK_SOURCE_CIDRS, WAF_LOG_RETENTION_DAYS),
)
ACCESS_LOG_RETENTION_DAYS = integer(
    "retentionDays",
    "days the load balancer's access logs stay in S3",
    default=PerEnvironment(365, 30),
    minimum=1,
    maximum=3653,
    rule=f"production keeps at least {MIN_PRODUCTION_LOG_DAYS}",
)
ACCESS_LOGS = Group("accessLogs", "the load balancer's access logs", (ACCESS_LOG_RETENTION_DAYS,))
IDLE_TIMEOUT_SECONDS = integer(
    "idleTimeoutSeconds", "the load balancer closes a connection idle this long", default=60, minimum=1, maximum=4000
)
EDGE = Group(
    "edge",
    "certificates and the application load balancer",
    (
        HOSTED_ZONE,
        HOSTED_ZONE_ID,
        SUBJECT_ALTERNATIVE_NAMES,
        SSL_POLICY,
        HSTS_MAX_AGE_SECONDS,
        INTERNAL_CA,
        TARGET_GROUP,
        WAF,
        ACCESS_LOGS,
        IDLE_TIMEOUT_SECONDS,
    ),
)


def _parse_internal_ca(section: Section) -> InternalCaSettings:
    algorithm: KeyAlgorithm = ALGORITHM.read(section)  # type: ignore[assignment]
    rsa_bits = 0
    if algorithm == "RSA":
        rsa_bits = RSA_BITS.read(section)
    elif section.has("rsaBits"):
        raise ConfigError(section.key("rsaBits"), section.raw("rsaBits", None), "only with algorithm: RSA (ECDSA uses curve P256)")
    ca_validity = CA_VALIDITY_HOURS.read(section)
    cert_validity = CERT_VALIDITY_HOURS.read(section)
    if cert_validity > ca_validity:
        raise ConfigError(section.key("certValidityHours"), cert_validity, f"must not exceed caValidityHours ({ca_validity})")
    early = EARLY_RENEWAL_HOURS.read(section)
    if early >= cert_validity:
        raise ConfigError(section.key("earlyRenewalHours"), early, f"must be below certValidityHours ({cert_validity})")
    names = SERVER_DNS_NAMES.read(section)
    for index, name in enumerate(names):
        if not re.fullmatch(_WILDCARD_OR_NAME, name) and not re.fullmatch(_LABEL, name):
            raise ConfigError(f"{section.key('serverDnsNames')}[{index}]", name, "must be a lower-case DNS name")
    section.finish()
    return InternalCaSettings(algorithm, rsa_bits, ca_validity, cert_validity, early, names)


def _hosted_zone(section: Section, basics: Basics) -> tuple[str, str | None]:
    zone_name = HOSTED_ZONE.read(section)
    if not _in_zone(basics.domain, zone_name):
        raise ConfigError(section.key("hostedZone"), zone_name, f"the domain {basics.domain} is not inside this zone")
    return zone_name, HOSTED_ZONE_ID.read(section)


def _subject_alternative_names(section: Section, basics: Basics, zone_name: str) -> list[str]:
    sans = SUBJECT_ALTERNATIVE_NAMES.read(section, default=[f"*.{basics.domain}"])
    for index, name in enumerate(sans):
        key = f"{section.key('subjectAlternativeNames')}[{index}]"
        if not re.fullmatch(_WILDCARD_OR_NAME, name):
            raise ConfigError(key, name, "must be a lower-case DNS name, optionally with a leading '*.'")
        if not _in_zone(name, zone_name):
            raise ConfigError(key, name, f"is outside the hosted zone (hostedZone: {zone_name}); ACM validates through that zone")
    if len(set(sans)) != len(sans) or basics.domain in sans:
        raise ConfigError(
            section.key("subjectAlternativeNames"), sans, f"names must be distinct and differ from the domain {basics.domain}"
        )
    return sans


def _ssl_policy(section: Section, basics: Basics) -> str:
    """Any environment: the listener's one client is CloudFront, so the policy must be one it can negotiate."""
    policy = SSL_POLICY.read(section)
    problem = origin_policy_problem(policy)
    if problem is not None:
        raise ConfigError(section.key("sslPolicy"), policy, f"{problem}; allowed: {', '.join(ORIGIN_POLICIES)}")
    return policy


def _target_group(section: Section) -> tuple[int, int]:
    target_group = TARGET_GROUP.open(section)
    deregistration = DEREGISTRATION_DELAY_SECONDS.read(target_group)
    slow_start = SLOW_START_SECONDS.read(target_group)
    if 0 < slow_start < MIN_SLOW_START_SECONDS:
        raise ConfigError(target_group.key("slowStartSeconds"), slow_start, "must be 0 (off) or between 30 and 900")
    target_group.finish()
    return deregistration, slow_start


@dataclass(frozen=True)
class _Waf:
    enabled: bool
    rate_limit: int
    webhook_source_cidrs: list[str]
    log_retention_days: int


def _webhook_source_cidrs(waf: Section) -> list[str]:
    """Each entry a network WAF's IP set accepts, as AWS writes it back (normalised, host bits zero)."""
    key = waf.key("webhookSourceCidrs")
    cidrs = WEBHOOK_SOURCE_CIDRS.read(waf)
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for index, text in enumerate(cidrs):
        try:
            network = ipaddress.ip_network(text, strict=True)
        except ValueError as error:
            raise ConfigError(
                f"{key}[{index}]", text, f"must be an IPv4 or IPv6 CIDR without host bits, e.g. 192.0.2.0/24 ({error})"
            ) from None
        if "/" not in text or network.prefixlen == 0:
            raise ConfigError(
                f"{key}[{index}]", text, "must be a CIDR with a prefix length of /1 or more (AWS WAF refuses /0), e.g. 192.0.2.0/24"
            )
        networks.append(network)
    if len(set(networks)) != len(networks):
        raise ConfigError(key, cidrs, "ranges must be distinct")
    for version in (4, 6):
        if sum(1 for n in networks if n.version == version) > MAX_IP_SET_ADDRESSES:
            raise ConfigError(
                key, f"{len(networks)} ranges", f"an AWS WAF IP set holds at most {MAX_IP_SET_ADDRESSES:,} IPv{version} ranges"
            )
    return [str(n) for n in networks]


def _waf(section: Section, basics: Basics) -> _Waf:
    waf = WAF.open(section)
    enabled = WAF_ENABLED.read(waf, production=basics.is_production)
    if basics.is_production and not enabled:
        raise refuse_in_production(waf.key("enabled"), enabled, "production keeps the WAF on")
    rate_limit = RATE_LIMIT_PER_5_MINUTES.read(waf)
    cidrs = _webhook_source_cidrs(waf)
    retention = WAF_LOG_RETENTION_DAYS.read(waf, production=basics.is_production)
    waf.finish()
    return _Waf(enabled, rate_limit, cidrs, retention)


def _access_log_retention(section: Section, basics: Basics) -> int:
    logs = ACCESS_LOGS.open(section)
    retention = ACCESS_LOG_RETENTION_DAYS.read(logs, production=basics.is_production)
    if basics.is_production and retention < MIN_PRODUCTION_LOG_DAYS:
        raise refuse_in_production(
            logs.key("retentionDays"), retention, f"production keeps access logs at least {MIN_PRODUCTION_LOG_DAYS} days"
        )
    logs.finish()
    return retention


def parse_edge(section: Section, basics: Basics) -> EdgeSettings:
    zone_name, zone_id = _hosted_zone(section, basics)
    sans = _subject_alternative_names(section, basics, zone_name)
    policy = _ssl_policy(section, basics)
    hsts = HSTS_MAX_AGE_SECONDS.read(section)
    internal_ca = _parse_internal_ca(INTERNAL_CA.open(section))
    deregistration, slow_start = _target_group(section)
    waf = _waf(section, basics)
    retention = _access_log_retention(section, basics)
    idle = IDLE_TIMEOUT_SECONDS.read(section)
    section.finish()
    return EdgeSettings(
        domain=basics.domain,
        hosted_zone_name=zone_name,
        hosted_zone_id=zone_id,
        subject_alternative_names=sans,
        ssl_policy=policy,
        hsts_max_age_seconds=hsts,
        internal_ca=internal_ca,
        deregistration_delay_seconds=deregistration,
        slow_start_seconds=slow_start,
        waf_enabled=waf.enabled,
        waf_rate_limit=waf.rate_limit,
        access_log_retention_days=retention,
        idle_timeout_seconds=idle,
        waf_webhook_source_cidrs=waf.webhook_source_cidrs,
        waf_log_retention_days=waf.log_retention_days,
    )
