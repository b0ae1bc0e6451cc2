"""Edge and CDN config: every bad value is refused with one line naming key, value and rule.

Each section is read alone from a small object the test writes, with stack-wide settings of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from config_edits import set_key
from config_stacks import edited, load, refused

from config.app import AppSettings
from config.basics import Basics, Tags
from config.cdn import PRICE_CLASSES, TLS13_VIEWER_POLICY, parse_cdn
from config.declare import declaration
from config.edge import (
    API_RATE_LIMIT_DEFAULT,
    DEFAULT_SSL_POLICY,
    MIN_PRODUCTION_LOG_DAYS,
    ONE_YEAR_SECONDS,
    ORIGIN_LABEL,
    RATE_WINDOW_MINUTES,
    SSL_POLICIES,
    TLS13_POLICIES,
    EdgeSettings,
    WafSettings,
    parse_edge,
)
from config.reader import ConfigError, Section

ZONE = "example.net"
PRODUCTION = Basics("production", "ap-southeast-2", f"post.{ZONE}", Tags("edge-team", "edge", {}))
STAGING = Basics("staging", "ap-southeast-2", f"staging.post.{ZONE}", Tags("edge-team", "edge", {}))


def edge(basics: Basics = PRODUCTION, **values: Any) -> EdgeSettings:
    return parse_edge(Section("email-platform:edge", {"hostedZone": ZONE, **values}), basics)


def test_the_defaults_follow_the_domain_and_the_environment() -> None:
    settings = edge()
    assert settings.ssl_policy == DEFAULT_SSL_POLICY
    assert settings.origin_host == f"{ORIGIN_LABEL}.{PRODUCTION.domain}"
    assert settings.hsts_header == f"max-age={2 * ONE_YEAR_SECONDS}; includeSubDomains; preload"
    assert settings.internal_ca.algorithm == "ECDSA"
    assert settings.subject_alternative_names == [f"*.{PRODUCTION.domain}"]
    assert (settings.waf.enabled, edge(STAGING).waf.enabled) == (True, False)
    assert edge(STAGING).subject_alternative_names == [f"*.{STAGING.domain}"]


def test_an_invalid_domain_is_refused_in_one_line(tmp_path: Path) -> None:
    message = refused(edited("production", set_key("domain", "Mail_Example")), tmp_path)
    assert message == (
        "invalid stack config: email-platform:domain = 'Mail_Example': "
        "must be a lower-case DNS name with at least two labels, e.g. mail.example.com"
    )


def test_a_missing_hosted_zone_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"email-platform:edge\.hostedZone = \(not set\): this key is required"):
        parse_edge(Section("email-platform:edge", {}), PRODUCTION)


@pytest.mark.parametrize("basics", [PRODUCTION, STAGING], ids=["production", "staging"])
def test_a_tls13_only_listener_policy_is_refused_everywhere(basics: Basics) -> None:
    """CloudFront, the listener's one client, speaks TLS 1.2 at most to origins: it could never connect."""
    with pytest.raises(
        ConfigError, match=r"edge\.sslPolicy = 'ELBSecurityPolicy-TLS13-1-3-2021-06': CloudFront reaches origins over TLS 1\.2 only"
    ):
        edge(basics, sslPolicy="ELBSecurityPolicy-TLS13-1-3-2021-06")
    assert edge(basics, sslPolicy="ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09").ssl_policy.endswith("Res-PQ-2025-09")
    assert "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09" in TLS13_POLICIES


def test_a_viewer_policy_below_tls13_is_refused_in_production() -> None:
    with pytest.raises(
        ConfigError, match=r"cdn\.minimumProtocolVersion = 'TLSv1\.2_2021': allowed: TLSv1\.3_2025: production viewers use TLS 1\.3 only"
    ):
        parse_cdn(Section("email-platform:cdn", {"minimumProtocolVersion": "TLSv1.2_2021"}), PRODUCTION)
    assert (
        parse_cdn(Section("email-platform:cdn", {"minimumProtocolVersion": "TLSv1.2_2021"}), STAGING).minimum_protocol_version
        == "TLSv1.2_2021"
    )


def test_a_price_class_that_does_not_exist_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"cdn\.priceClass = 'PriceClass_300': allowed: " + ", ".join(PRICE_CLASSES)):
        parse_cdn(Section("email-platform:cdn", {"priceClass": "PriceClass_300"}), STAGING)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"hostedZone": "example.org"}, rf"hostedZone = 'example.org': the domain {PRODUCTION.domain} is not inside this zone"),
        ({"hostedZone": "Example.com"}, r"hostedZone = 'Example.com': must be the public Route53 zone"),
        ({"hostedZoneId": "zone-1"}, r"hostedZoneId = 'zone-1': must be a Route53 hosted zone id"),
        ({"subjectAlternativeNames": ["api.example.org"]}, r"subjectAlternativeNames\[0\] = 'api.example.org': is outside the hosted zone"),
        ({"subjectAlternativeNames": [f"a.*.{PRODUCTION.domain}"]}, r"subjectAlternativeNames\[0\] = .*optionally with a leading"),
        ({"subjectAlternativeNames": [PRODUCTION.domain]}, r"subjectAlternativeNames = .*must be distinct and differ from the domain"),
        ({"sslPolicy": "ELBSecurityPolicy-TLS13-1-3-2099-01"}, r"sslPolicy = 'ELBSecurityPolicy-TLS13-1-3-2099-01': allowed: ELBSecurity"),
        ({"sslPolicy": "ELBSecurityPolicy-2016-08"}, r"not an AEAD-only policy"),
        (
            {"sslPolicy": "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09"},
            r"CloudFront reaches origins over TLS 1\.2 only; this policy allows TLS 1\.3",
        ),
        ({"hstsMaxAgeSeconds": 86400}, r"hstsMaxAgeSeconds = 86400: must be between 31536000 and 63072000"),
        ({"internalCa": {"algorithm": "RSA", "rsaBits": 2048}}, r"internalCa\.rsaBits = 2048: allowed: 3072, 4096"),
        ({"internalCa": {"algorithm": "DSA"}}, r"internalCa\.algorithm = 'DSA': allowed: ECDSA, RSA"),
        ({"internalCa": {"rsaBits": 4096}}, r"internalCa\.rsaBits = 4096: only with algorithm: RSA"),
        (
            {"internalCa": {"certValidityHours": 2160, "earlyRenewalHours": 2160}},
            r"internalCa\.earlyRenewalHours = 2160 is not below internalCa\.certValidityHours = 2160: lower earlyRenewalHours",
        ),
        ({"internalCa": {"certValidityHours": 10000}}, r"certValidityHours = 10000: must be between 168 and 9528"),
        ({"targetGroup": {"slowStartSeconds": 10}}, r"slowStartSeconds = 10: must be 0 \(off\) or between 30 and 900"),
        ({"targetGroup": {"deregistrationDelaySeconds": 4000}}, r"deregistrationDelaySeconds = 4000: must be between 0 and 3600"),
        ({"waf": {"enabled": False}}, r"waf\.enabled = False: must be true: production keeps the WAF on \(environment: production\)"),
        (
            {"accessLogs": {"retentionDays": MIN_PRODUCTION_LOG_DAYS - 1}},
            rf"accessLogs\.retentionDays = {MIN_PRODUCTION_LOG_DAYS - 1}: must be between {MIN_PRODUCTION_LOG_DAYS} and .* \(environment: production\)",
        ),
        (
            {"waf": {"webhookSourceCidrs": ["198.51.100.7/24"]}},
            r"waf\.webhookSourceCidrs\[0\] = '198\.51\.100\.7/24': must be an IPv4 or IPv6 CIDR without host bits",
        ),
        (
            {"waf": {"webhookSourceCidrs": ["mail.example.net"]}},
            r"webhookSourceCidrs\[0\] = 'mail\.example\.net': must be an IPv4 or IPv6 CIDR",
        ),
        ({"waf": {"webhookSourceCidrs": ["10.0.0.0/8", "0.0.0.0/0"]}}, r"webhookSourceCidrs\[1\] = '0\.0\.0\.0/0': .*AWS WAF refuses /0"),
        ({"waf": {"webhookSourceCidrs": ["::/0"]}}, r"webhookSourceCidrs\[0\] = '::/0': .*AWS WAF refuses /0"),
        (
            {"waf": {"webhookSourceCidrs": ["198.51.100.7"]}},
            r"webhookSourceCidrs\[0\] = '198\.51\.100\.7': must be a CIDR with a prefix length",
        ),
        (
            {"waf": {"webhookSourceCidrs": ["2001:db8::/32", "2001:DB8:0::/32"]}},
            r"waf\.webhookSourceCidrs = \[.*\]: ranges must be distinct",
        ),
        (
            {"waf": {"webhookSourceCidrs": [f"10.{i // 256}.{i % 256}.0/24" for i in range(10_001)]}},
            r"webhookSourceCidrs = '10001 ranges': an AWS WAF IP set holds at most 10,000 IPv4 ranges",
        ),
        ({"waf": {"logRetentionDays": 10}}, r"waf\.logRetentionDays = 10: CloudWatch allows"),
        ({"sslPolicyy": "x"}, r"edge\.sslPolicyy = 'x': unknown key; did you mean 'sslPolicy'\?"),
    ],
)
def test_bad_edge_values_are_refused(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        edge(**values)


def test_webhook_sources_are_read_as_aws_writes_them_and_logs_kept_like_the_others() -> None:
    cidrs = ["198.51.100.0/24", "2001:DB8:0040:0000::/48", "203.0.113.9/32"]
    settings = edge(waf={"webhookSourceCidrs": cidrs})
    assert settings.waf.webhook_source_cidrs == ["198.51.100.0/24", "2001:db8:40::/48", "203.0.113.9/32"]
    assert (settings.waf.log_retention_days, edge(STAGING).waf.log_retention_days) == (365, 30)
    assert edge().waf.webhook_source_cidrs == []


def test_rsa_3072_and_4096_are_accepted_for_the_internal_ca() -> None:
    for bits in (3072, 4096):
        assert edge(internalCa={"algorithm": "RSA", "rsaBits": bits}).internal_ca.rsa_bits == bits


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"subdomain": "Static Assets"}, r"cdn\.subdomain = 'Static Assets': must be one lower-case DNS label"),
        ({"apiPaths": ["api/*"]}, r"cdn\.apiPaths\[0\] = 'api/\*': must be a CloudFront path pattern"),
        ({"logging": {"enabled": False}}, r"cdn\.logging\.enabled = False: must be true: production keeps CloudFront access logs"),
        ({"logging": {"retentionDays": 10}}, r"cdn\.logging\.retentionDays = 10: CloudWatch allows"),
        (
            {"minimumProtocolVersion": "TLSv1.2_2025"},
            r"cdn\.minimumProtocolVersion = 'TLSv1\.2_2025': allowed: TLSv1\.3_2025: production viewers use TLS 1\.3 only",
        ),
        ({"minimumProtocolVersion": "TLSv1"}, r"cdn\.minimumProtocolVersion = 'TLSv1': allowed: TLSv1\.3_2025"),
    ],
)
def test_bad_cdn_values_are_refused(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_cdn(Section("email-platform:cdn", values), PRODUCTION)


def test_cdn_defaults_follow_the_environment() -> None:
    production = parse_cdn(Section("email-platform:cdn", {}), PRODUCTION)
    staging = parse_cdn(Section("email-platform:cdn", {}), STAGING)
    assert production.static_domain == f"static.{PRODUCTION.domain}"
    assert (production.price_class, staging.price_class) == ("PriceClass_All", "PriceClass_100")
    assert production.minimum_protocol_version == TLS13_VIEWER_POLICY
    assert production.api_paths == ["/api/*", "/webhooks/*"]


def test_the_policy_table_knows_the_minimum_tls_of_every_policy() -> None:
    assert all(SSL_POLICIES[p] == "1.3" for p in TLS13_POLICIES)
    assert {v for v in SSL_POLICIES.values()} <= {"1.0", "1.1", "1.2", "1.3"}


def test_the_api_rate_limit_defaults_above_the_apps_own_and_may_not_undercut_it(tmp_path: Path) -> None:
    """The edge must not 403 an API client the app would still serve (its EMAIL_RATE_LIMIT, per minute)."""
    app_default: int = declaration(AppSettings, "email_rate_limit").default  # type: ignore[assignment]
    assert declaration(WafSettings, "api_rate_limit_per_5_minutes").default == API_RATE_LIMIT_DEFAULT
    assert API_RATE_LIMIT_DEFAULT >= 2 * RATE_WINDOW_MINUTES * app_default  # room for the app's own 429s, which WAF counts
    green_rate = 3000  # a colour's own limit counts too
    floor = RATE_WINDOW_MINUTES * green_rate
    message = refused(
        edited("production", set_key("app.green.emailRateLimit", green_rate), set_key("edge.waf.apiRateLimitPer5Minutes", floor - 1)),
        tmp_path,
    )
    assert "edge.waf.apiRateLimitPer5Minutes" in message and f"= {floor}" in message and "app.emailRateLimit" in message
    load(
        edited("production", set_key("app.green.emailRateLimit", green_rate), set_key("edge.waf.apiRateLimitPer5Minutes", floor)), tmp_path
    )
