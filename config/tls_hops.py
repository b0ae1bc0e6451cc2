"""Every TLS hop of the platform: who is the client, which protocol versions each end speaks, the policy chosen.

A hop works only if client and server share a protocol version (and, for TLS 1.2, a cipher).
Where an AWS service is the client, its versions are a fact about that service, cited here with
its primary source; the program's own choices (listener policy, viewer policy, canary script)
are checked against this table at config time and by the tests over the recorded plan.
"""

from __future__ import annotations

from dataclasses import dataclass

# ── what each server-side policy accepts ──

# ELB security policies: the protocol versions each negotiates. ELB's "Security policies for your
# Application Load Balancer" page (docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html).
_ELB_TLS13_ONLY = frozenset({"1.3"})
_ELB_12_13 = frozenset({"1.2", "1.3"})
ELB_POLICY_VERSIONS: dict[str, frozenset[str]] = {
    "ELBSecurityPolicy-TLS13-1-3-2021-06": _ELB_TLS13_ONLY,
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09": _ELB_TLS13_ONLY,
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04": _ELB_TLS13_ONLY,
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09": _ELB_TLS13_ONLY,
    "ELBSecurityPolicy-TLS13-1-2-2021-06": _ELB_12_13,
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06": _ELB_12_13,
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09": _ELB_12_13,
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09": _ELB_12_13,
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06": _ELB_12_13,
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06": _ELB_12_13,
    "ELBSecurityPolicy-TLS-1-2-2017-01": frozenset({"1.2"}),
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06": frozenset({"1.2"}),
    "ELBSecurityPolicy-FS-1-2-Res-2020-10": frozenset({"1.2"}),
    "ELBSecurityPolicy-TLS13-1-1-2021-06": frozenset({"1.1", "1.2", "1.3"}),
    "ELBSecurityPolicy-TLS13-1-0-2021-06": frozenset({"1.0", "1.1", "1.2", "1.3"}),
    "ELBSecurityPolicy-2016-08": frozenset({"1.0", "1.1", "1.2"}),
}
# The TLS 1.2 ciphers of the "Res" (restricted) policies: ECDHE key exchange and AEAD only (same page).
ELB_RES_TLS12_CIPHERS = frozenset(
    {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384"}
)
ELB_TLS12_CIPHERS: dict[str, frozenset[str]] = {
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06": ELB_RES_TLS12_CIPHERS,
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09": ELB_RES_TLS12_CIPHERS,
}

# CloudFront viewer security policies (MinimumProtocolVersion) with an SNI certificate: CloudFront's
# "Supported protocols and ciphers between viewers and CloudFront" page.
VIEWER_POLICY_VERSIONS: dict[str, frozenset[str]] = {
    "TLSv1.3_2025": frozenset({"1.3"}),
    "TLSv1.2_2025": frozenset({"1.2", "1.3"}),
    "TLSv1.2_2021": frozenset({"1.2", "1.3"}),
    "TLSv1.2_2019": frozenset({"1.2", "1.3"}),
    "TLSv1.2_2018": frozenset({"1.2", "1.3"}),
}

# ── what each AWS client speaks ──

CLOUDFRONT_TO_ORIGIN_SOURCE = (
    "docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-ciphers-cloudfront-to-origin.html "
    "(no TLS 1.3 cipher listed); botocore cloudfront SslProtocol enum ends at TLSv1.2"
)
# CloudFront → origin: at most TLS 1.2, whichever origin protocols are configured (the VPC
# origin's OriginSslProtocols takes the same SslProtocol values as a custom origin).
CLOUDFRONT_TO_ORIGIN_VERSIONS = frozenset({"1.2"})
# The TLS 1.2 ciphers CloudFront offers an origin with an RSA certificate (same page); the ACM
# certificate on the load balancer is RSA_2048.
CLOUDFRONT_TO_ORIGIN_RSA_CIPHERS = frozenset(
    {
        "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES256-SHA384",
        "ECDHE-RSA-AES256-SHA",
        "ECDHE-RSA-AES128-SHA256",
        "ECDHE-RSA-AES128-SHA",
        "AES256-SHA",
        "AES128-SHA",
    }
)
# What the VPC origin is told to offer (botocore SslProtocol values).
ORIGIN_SSL_PROTOCOLS = ("TLSv1.2",)
SSL_PROTOCOL_VERSIONS = {"SSLv3": "3.0", "TLSv1": "1.0", "TLSv1.1": "1.1", "TLSv1.2": "1.2"}

# The canary's script pins `minVersion: 'TLSv1.3'` (components/monitoring/canaries.py), on Node.js 20.
CANARY_VERSIONS = frozenset({"1.3"})
CANARY_SOURCE = "nodejs.org/api/tls.html (tls.connect minVersion); the canary script sets minVersion 'TLSv1.3'"

# The ALB's own connections to HTTPS targets: with a TLS13 listener policy, ELBSecurityPolicy-TLS13-1-0-2021-06.
ALB_TO_TARGET_VERSIONS = ELB_POLICY_VERSIONS["ELBSecurityPolicy-TLS13-1-0-2021-06"]
ALB_TO_TARGET_SOURCE = "describe-ssl-policies.html: 'If the HTTPS listener uses a TLS 1.3 security policy, back-end connections use ELBSecurityPolicy-TLS13-1-0-2021-06'"
# The pods' server (Node.js 20 https) speaks TLS 1.2 and 1.3 by default: nodejs.org/api/tls.html
# (tls.DEFAULT_MIN_VERSION TLSv1.2, tls.DEFAULT_MAX_VERSION TLSv1.3).
POD_SERVER_VERSIONS = frozenset({"1.2", "1.3"})
APP_CLIENT_VERSIONS = frozenset({"1.2", "1.3"})
AURORA_SERVER_VERSIONS = frozenset({"1.3"})  # the cluster parameter group sets ssl_min_protocol_version = TLSv1.3
AURORA_SOURCE = "docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Security.html (ssl_min_protocol_version)"
ELASTICACHE_SERVER_VERSIONS = frozenset({"1.2", "1.3"})
ELASTICACHE_SOURCE = (
    "docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html (TLS 1.2 and 1.3; no minimum-version setting)"
)
VIEWER_CLIENT_VERSIONS = frozenset({"1.2", "1.3"})  # current browsers, curl, and HTTP libraries
# The deploy workflow's health check runs `curl --tlsv1.3` (.github/workflows/deploy.yml).
WORKFLOW_VERSIONS = frozenset({"1.3"})
WORKFLOW_SOURCE = "curl.se/docs/manpage.html (--tlsv1.3: TLS 1.3 or later); .github/workflows/deploy.yml"
VIEWER_SOURCE = "docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html"


@dataclass(frozen=True)
class Hop:
    client: str
    endpoint: str
    client_versions: frozenset[str]
    endpoint_versions: frozenset[str]
    policy: str
    source: str

    @property
    def shared(self) -> frozenset[str]:
        return self.client_versions & self.endpoint_versions


def origin_policy_problem(policy: str) -> str | None:
    """Why CloudFront cannot reach an origin listener with this ELB policy, or None when it can."""
    versions = ELB_POLICY_VERSIONS.get(policy, frozenset())
    if not versions & CLOUDFRONT_TO_ORIGIN_VERSIONS:
        return f"CloudFront reaches origins over TLS {'/'.join(sorted(CLOUDFRONT_TO_ORIGIN_VERSIONS))} only; this policy allows TLS {'/'.join(sorted(versions))}"
    ciphers = ELB_TLS12_CIPHERS.get(policy)
    if ciphers is None:
        return "not an AEAD-only policy (use ELBSecurityPolicy-TLS13-1-2-Res-2021-06 or its PQ variant)"
    if not ciphers & CLOUDFRONT_TO_ORIGIN_RSA_CIPHERS:
        return "shares no TLS 1.2 cipher with CloudFront"
    return None


def hops(*, listener_policy: str, viewer_policy: str, origin_ssl_protocols: tuple[str, ...] = ORIGIN_SSL_PROTOCOLS) -> list[Hop]:
    """The stack's TLS hops with the configured policies."""
    origin_client = frozenset(SSL_PROTOCOL_VERSIONS[p] for p in origin_ssl_protocols) & CLOUDFRONT_TO_ORIGIN_VERSIONS
    return [
        Hop("viewer", "CloudFront", VIEWER_CLIENT_VERSIONS, VIEWER_POLICY_VERSIONS[viewer_policy], viewer_policy, VIEWER_SOURCE),
        Hop("canary", "CloudFront", CANARY_VERSIONS, VIEWER_POLICY_VERSIONS[viewer_policy], viewer_policy, CANARY_SOURCE),
        Hop("deploy workflow", "CloudFront", WORKFLOW_VERSIONS, VIEWER_POLICY_VERSIONS[viewer_policy], viewer_policy, WORKFLOW_SOURCE),
        Hop(
            "CloudFront (VPC origin)",
            "internal ALB",
            origin_client,
            ELB_POLICY_VERSIONS[listener_policy],
            listener_policy,
            CLOUDFRONT_TO_ORIGIN_SOURCE,
        ),
        Hop(
            "internal ALB", "pods", ALB_TO_TARGET_VERSIONS, POD_SERVER_VERSIONS, "ELBSecurityPolicy-TLS13-1-0-2021-06", ALB_TO_TARGET_SOURCE
        ),
        Hop("pods", "Aurora", APP_CLIENT_VERSIONS, AURORA_SERVER_VERSIONS, "ssl_min_protocol_version=TLSv1.3", AURORA_SOURCE),
        Hop("pods", "ElastiCache", APP_CLIENT_VERSIONS, ELASTICACHE_SERVER_VERSIONS, "in-transit encryption (no knob)", ELASTICACHE_SOURCE),
    ]
