"""Edge settings: certificates (ACM and the internal CA) and the application load balancer.

The hosted zone is named (and looked up at deploy time unless its id is given too); the
domain and every certificate name must sit inside it. TLS policies come from a table of the ELB policy names
(the elbv2 API model has no enumeration for them) with the lowest TLS version each allows:
production refuses any policy that still speaks TLS 1.2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from config.basics import _DNS_NAME, Basics
from config.reader import ConfigError, Section

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
# The two TLS 1.3-only policies the guide names (the policy pack allows exactly these).
TLS13_POLICIES = ("ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09")
DEFAULT_SSL_POLICY = TLS13_POLICIES[0]

ONE_YEAR_SECONDS = 31_536_000
KeyAlgorithm = Literal["ECDSA", "RSA"]
# ALB access logs: S3 lifecycle days (any whole number), kept at least 90 days in production.
MIN_PRODUCTION_LOG_DAYS = 90

_WILDCARD_OR_NAME = r"(\*\.)?" + _DNS_NAME
_ZONE_ID = r"Z[A-Z0-9]{1,31}"


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

    @property
    def hsts_header(self) -> str:
        return f"max-age={self.hsts_max_age_seconds}; includeSubDomains; preload"


def _in_zone(name: str, zone: str) -> bool:
    bare = name.removeprefix("*.")
    return bare == zone or bare.endswith("." + zone)


def _parse_internal_ca(section: Section, basics: Basics) -> InternalCaSettings:
    algorithm: KeyAlgorithm = section.string("algorithm", "ECDSA", choices=("ECDSA", "RSA"))  # type: ignore[assignment]
    rsa_bits = 0
    if algorithm == "RSA":
        rsa_bits = section.integer("rsaBits", 3072)
        if rsa_bits not in (3072, 4096):
            raise ConfigError(section.key("rsaBits"), rsa_bits, "allowed: 3072, 4096 (below 3072 bits RSA is under 128-bit strength)")
    elif section.has("rsaBits"):
        raise ConfigError(section.key("rsaBits"), section.integer("rsaBits"), "only with algorithm: RSA (ECDSA uses curve P256)")
    ca_validity = section.integer("caValidityHours", 87_600, minimum=8_760, maximum=175_200)  # 1 to 20 years
    cert_validity = section.integer("certValidityHours", 2_160, minimum=168, maximum=9_528)  # a week to 397 days
    if cert_validity > ca_validity:
        raise ConfigError(section.key("certValidityHours"), cert_validity, f"must not exceed caValidityHours ({ca_validity})")
    early = section.integer("earlyRenewalHours", 720, minimum=24)
    if early >= cert_validity:
        raise ConfigError(section.key("earlyRenewalHours"), early, f"must be below certValidityHours ({cert_validity})")
    names = section.strings("serverDnsNames", [])
    for index, name in enumerate(names):
        if not re.fullmatch(_WILDCARD_OR_NAME, name) and not re.fullmatch(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", name):
            raise ConfigError(f"{section.key('serverDnsNames')}[{index}]", name, "must be a lower-case DNS name")
    section.finish()
    return InternalCaSettings(algorithm, rsa_bits, ca_validity, cert_validity, early, names)


def parse_edge(section: Section, basics: Basics) -> EdgeSettings:
    zone_name = section.string(
        "hostedZone", pattern=_DNS_NAME, meaning="must be the public Route53 zone's DNS name that holds the domain, e.g. example.com"
    )
    if not _in_zone(basics.domain, zone_name):
        raise ConfigError(section.key("hostedZone"), zone_name, f"the domain {basics.domain} is not inside this zone")
    # With the id the program skips the lookup by name (and a second zone of the same name cannot be picked).
    zone_id: str | None = None
    if section.has("hostedZoneId"):
        zone_id = section.string("hostedZoneId", pattern=_ZONE_ID, meaning="must be a Route53 hosted zone id, e.g. Z0123456789ABCDEFGHIJ")
    sans = section.strings("subjectAlternativeNames", [f"*.{basics.domain}"])
    for index, name in enumerate(sans):
        key = f"{section.key('subjectAlternativeNames')}[{index}]"
        if not re.fullmatch(_WILDCARD_OR_NAME, name):
            raise ConfigError(key, name, "must be a lower-case DNS name, optionally with a leading '*.'")
        if not _in_zone(name, zone_name):
            raise ConfigError(key, name, f"is outside the hosted zone {zone_name}; ACM validates through that zone")
    if len(set(sans)) != len(sans) or basics.domain in sans:
        raise ConfigError(
            section.key("subjectAlternativeNames"), sans, f"names must be distinct and differ from the domain {basics.domain}"
        )

    policy = section.string("sslPolicy", DEFAULT_SSL_POLICY, choices=tuple(SSL_POLICIES))
    if basics.is_production and policy not in TLS13_POLICIES:
        raise ConfigError(
            section.key("sslPolicy"),
            policy,
            f"allows TLS {SSL_POLICIES[policy]}; production needs a TLS 1.3-only policy: {', '.join(TLS13_POLICIES)}",
        )
    hsts = section.integer("hstsMaxAgeSeconds", 2 * ONE_YEAR_SECONDS, minimum=ONE_YEAR_SECONDS, maximum=2 * ONE_YEAR_SECONDS)
    internal_ca = _parse_internal_ca(section.section("internalCa"), basics)

    target_group = section.section("targetGroup")
    # ALB allows 0-3600 s; the app's preStop sleep must outlast it (issue 5 reads this value).
    deregistration = target_group.integer("deregistrationDelaySeconds", 30, minimum=0, maximum=3600)
    slow_start = target_group.integer("slowStartSeconds", 30, minimum=0, maximum=900)
    if 0 < slow_start < 30:
        raise ConfigError(target_group.key("slowStartSeconds"), slow_start, "must be 0 (off) or between 30 and 900")
    target_group.finish()

    waf = section.section("waf")
    waf_enabled = waf.boolean("enabled", basics.is_production)
    if basics.is_production and not waf_enabled:
        raise ConfigError(waf.key("enabled"), waf_enabled, "production keeps the WAF on")
    rate_limit = waf.integer("rateLimitPer5Minutes", 2000, minimum=10, maximum=2_000_000_000)
    waf.finish()

    logs = section.section("accessLogs")
    retention = logs.integer("retentionDays", 365 if basics.is_production else 30, minimum=1, maximum=3653)
    if basics.is_production and retention < MIN_PRODUCTION_LOG_DAYS:
        raise ConfigError(logs.key("retentionDays"), retention, f"production keeps access logs at least {MIN_PRODUCTION_LOG_DAYS} days")
    logs.finish()
    idle = section.integer("idleTimeoutSeconds", 60, minimum=1, maximum=4000)
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
        waf_enabled=waf_enabled,
        waf_rate_limit=rate_limit,
        access_log_retention_days=retention,
        idle_timeout_seconds=idle,
    )
