"""The edge: the application load balancer and CloudFront.

TLS 1.3 only, plain HTTP answered with nothing but a 301 to HTTPS, HSTS for at least a year,
deletion protection and access logs on the load balancer, private S3 origins behind Origin Access
Control (docs/requirements.md, "TLS").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from policy.resource_types import DISTRIBUTION, LB_LISTENER, LOAD_BALANCER, RESPONSE_HEADERS, VPC_ORIGIN
from policy.specs import MANDATORY, Config, Resource, ResourcePolicySpec, StackFinding, StackPolicySpec, schema
from policy.values import UNKNOWN, as_list, at_least, get, is_set, is_true

# The ELB policies that negotiate TLS 1.3 and nothing older; config/edge.py keeps the same two
# (a test holds them equal: the pack imports nothing from the program).
TLS13_POLICIES = ["ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09"]
# TLS 1.2 (what CloudFront speaks to origins) + 1.3 with ECDHE/AEAD ciphers only: allowed only on an
# internal load balancer that CloudFront reaches through a VPC origin (config/edge.py keeps the same two).
ORIGIN_POLICIES = ["ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"]
ONE_YEAR = 31536000


def alb_tls13_only(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """An HTTPS listener negotiates TLS 1.3 only, or is a CloudFront VPC origin's AEAD-only TLS 1.2+1.3 listener.

    The stack policy `alb-origin-policy-only-behind-cloudfront` checks that a listener with an
    origin policy sits on an internal ALB that a VPC origin names; nothing else is accepted here.
    """
    if get(props, "protocol") != "HTTPS":
        return []
    policy = get(props, "sslPolicy")
    allowed = list(config["allowedSslPolicies"]) + list(config["originSslPolicies"])
    if policy is UNKNOWN or policy in allowed:
        return []
    return [
        f"HTTPS listener sslPolicy is {policy!r}; use a TLS 1.3-only policy ({', '.join(config['allowedSslPolicies'])}),"
        f" or behind a CloudFront VPC origin {', '.join(config['originSslPolicies'])}"
    ]


def alb_not_internet_facing(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """The load balancer is internal: CloudFront is the only public entry."""
    if get(props, "internal") in (True, UNKNOWN):
        return []
    return ["load balancer is internet-facing; make it internal and reach it through a CloudFront VPC origin"]


def cloudfront_web_acl(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """The public entry carries a web ACL (a CLOUDFRONT-scope one: WAF refuses a regional ACL here)."""
    acl = get(props, "webAclId")
    if acl is UNKNOWN or (isinstance(acl, str) and ":global/webacl/" in acl):
        return []
    return [f"distribution has no CLOUDFRONT-scope web ACL (webAclId is {acl!r})"]


def alb_internal_behind_cloudfront(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """A listener with a TLS 1.2 origin policy belongs to an internal ALB that a CloudFront VPC origin names."""
    albs = {get(r.props, "arn"): r for r in resources if r.type in LOAD_BALANCER}
    origins = {get(r.props, "vpcOriginEndpointConfig.arn") for r in resources if r.type in VPC_ORIGIN}
    findings: list[StackFinding] = []
    for r in resources:
        if r.type not in LB_LISTENER or get(r.props, "sslPolicy") not in config["originSslPolicies"]:
            continue
        lb_arn = get(r.props, "loadBalancerArn")
        if lb_arn is UNKNOWN:
            continue
        alb = albs.get(lb_arn)
        if alb is not None and get(alb.props, "internal") is not True:
            findings.append(
                (r.urn, f"{r.name}: a TLS 1.2 origin policy on an internet-facing load balancer; public listeners are TLS 1.3-only")
            )
        if lb_arn not in origins:
            findings.append((r.urn, f"{r.name}: a TLS 1.2 origin policy on a load balancer that no CloudFront VPC origin reaches"))
    return findings


def alb_http_redirects(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """A plain-HTTP listener does nothing but redirect to HTTPS with a 301."""
    if get(props, "protocol") != "HTTP":
        return []
    actions = get(props, "defaultActions")
    if actions is UNKNOWN:
        return []
    messages = []
    if not as_list(actions):
        messages.append("HTTP listener has no default action; it must redirect to HTTPS (HTTP_301)")
    for index, action in enumerate(as_list(actions)):
        if get(action, "type") != "redirect":
            messages.append(f"HTTP listener defaultActions[{index}] is {get(action, 'type')!r}, not a redirect to HTTPS")
            continue
        protocol, status = get(action, "redirect.protocol"), get(action, "redirect.statusCode")
        if protocol not in ("HTTPS", UNKNOWN) or status not in ("HTTP_301", UNKNOWN):
            messages.append(f"HTTP listener redirect is protocol={protocol!r} statusCode={status!r}; use HTTPS and HTTP_301")
    return messages


def _hsts_max_age(header: str) -> int | None:
    match = re.search(r"max-age\s*=\s*(\d+)", header, re.IGNORECASE)
    return int(match.group(1)) if match else None


def alb_hsts(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """An HTTPS listener sends Strict-Transport-Security for at least a year."""
    if get(props, "protocol") != "HTTPS":
        return []
    header = get(props, "routingHttpResponseStrictTransportSecurityHeaderValue")
    if header is UNKNOWN:
        return []
    minimum = int(config["minMaxAgeSeconds"])
    if not isinstance(header, str) or not header:
        return [f"HTTPS listener sets no routingHttpResponseStrictTransportSecurityHeaderValue (HSTS, max-age>={minimum})"]
    max_age = _hsts_max_age(header)
    if max_age is None or max_age < minimum:
        return [f"HTTPS listener HSTS header {header!r} has max-age below {minimum}"]
    return []


def _is_application_lb(props: Mapping[str, Any]) -> bool:
    return get(props, "loadBalancerType") in (None, "application", UNKNOWN)


def alb_deletion_protection(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    if is_true(get(props, "enableDeletionProtection")):
        return []
    return ["load balancer has enableDeletionProtection off"]


def alb_drop_invalid_headers(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    if not _is_application_lb(props) or is_true(get(props, "dropInvalidHeaderFields")):
        return []
    return ["application load balancer has dropInvalidHeaderFields off (request smuggling guard)"]


def alb_access_logs(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    logs = get(props, "accessLogs")
    if logs is UNKNOWN:
        return []
    if not is_true(get(logs, "enabled")) or not is_set(get(logs, "bucket")):
        return ["load balancer has no access logs (accessLogs.enabled with a bucket)"]
    return []


def cloudfront_tls13(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """Viewers reach the distribution over TLS 1.3 with our own certificate, SNI only."""
    certificate = get(props, "viewerCertificate")
    if certificate is UNKNOWN:
        return []
    messages = []
    if get(certificate, "cloudfrontDefaultCertificate") is True:
        messages.append("distribution uses the CloudFront default certificate, which allows TLS 1.0; use an ACM certificate")
    version = get(certificate, "minimumProtocolVersion")
    allowed = list(config["allowedMinimumProtocolVersions"])
    if version is not UNKNOWN and version not in allowed:
        messages.append(f"viewerCertificate.minimumProtocolVersion is {version!r}; use {', '.join(allowed)}")
    method = get(certificate, "sslSupportMethod")
    if method not in ("sni-only", UNKNOWN):
        messages.append(f"viewerCertificate.sslSupportMethod is {method!r}; use 'sni-only'")
    return messages


def cloudfront_https_only(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """Viewers are sent to HTTPS, and CloudFront talks HTTPS to custom origins."""
    messages = []
    behaviours: list[tuple[str, Any]] = [("defaultCacheBehavior", get(props, "defaultCacheBehavior"))]
    behaviours += [
        (f"orderedCacheBehaviors[{index}]", behaviour) for index, behaviour in enumerate(as_list(get(props, "orderedCacheBehaviors")))
    ]
    for where, behaviour in behaviours:
        policy = get(behaviour, "viewerProtocolPolicy")
        if policy not in ("redirect-to-https", "https-only", UNKNOWN):
            messages.append(f"{where}.viewerProtocolPolicy is {policy!r}; use 'redirect-to-https' or 'https-only'")
    for index, origin in enumerate(as_list(get(props, "origins"))):
        custom = get(origin, "customOriginConfig")
        if custom is None or custom is UNKNOWN:
            continue
        policy = get(custom, "originProtocolPolicy")
        if policy not in ("https-only", UNKNOWN):
            messages.append(f"origins[{index}].customOriginConfig.originProtocolPolicy is {policy!r}; use 'https-only'")
    return messages


def cloudfront_origin_access_control(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """S3 origins are private and reached through Origin Access Control, not the legacy OAI."""
    messages = []
    for index, origin in enumerate(as_list(get(props, "origins"))):
        identity = get(origin, "s3OriginConfig.originAccessIdentity")
        if isinstance(identity, str) and identity:
            messages.append(f"origins[{index}] uses an Origin Access Identity; use Origin Access Control")
        domain = get(origin, "domainName")
        is_s3 = isinstance(domain, str) and ".s3." in domain and get(origin, "customOriginConfig") is None
        if is_s3 and not is_set(get(origin, "originAccessControlId")):
            messages.append(f"origins[{index}] ({domain}) is an S3 origin without originAccessControlId")
    return messages


def cloudfront_hsts(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """HSTS for a year, subdomains, preload; and every distribution attaches a response headers policy."""
    minimum = int(config["minMaxAgeSeconds"])
    if resource_type in DISTRIBUTION:
        if is_set(get(props, "defaultCacheBehavior.responseHeadersPolicyId")):
            return []
        return ["defaultCacheBehavior has no responseHeadersPolicyId (HSTS and security headers)"]
    hsts = get(props, "securityHeadersConfig.strictTransportSecurity")
    if hsts is UNKNOWN:
        return []
    if not isinstance(hsts, Mapping):
        return ["response headers policy sets no securityHeadersConfig.strictTransportSecurity"]
    messages = []
    if not at_least(get(hsts, "accessControlMaxAgeSec"), minimum):
        messages.append(f"strictTransportSecurity.accessControlMaxAgeSec is {get(hsts, 'accessControlMaxAgeSec')!r}; need >= {minimum}")
    for flag in ("includeSubdomains", "preload", "override"):
        if not is_true(get(hsts, flag)):
            messages.append(f"strictTransportSecurity.{flag} is not true")
    return messages


_HSTS_CONFIG = schema(minMaxAgeSeconds={"type": "integer", "minimum": 0, "default": ONE_YEAR})

RESOURCE_POLICIES: list[ResourcePolicySpec] = [
    ResourcePolicySpec(
        "alb-tls13-only",
        "HTTPS listeners use a TLS 1.3-only security policy.",
        MANDATORY,
        LB_LISTENER,
        alb_tls13_only,
        schema(
            allowedSslPolicies={"type": "array", "items": {"type": "string"}, "default": TLS13_POLICIES},
            originSslPolicies={"type": "array", "items": {"type": "string"}, "default": ORIGIN_POLICIES},
        ),
    ),
    ResourcePolicySpec(
        "alb-not-internet-facing",
        "Load balancers are internal; CloudFront is the public entry.",
        MANDATORY,
        LOAD_BALANCER,
        alb_not_internet_facing,
    ),
    ResourcePolicySpec(
        "cloudfront-web-acl", "Distributions carry a CLOUDFRONT-scope web ACL.", MANDATORY, DISTRIBUTION, cloudfront_web_acl
    ),
    ResourcePolicySpec(
        "alb-http-redirects-to-https", "Port-80 listeners only redirect to HTTPS with HTTP_301.", MANDATORY, LB_LISTENER, alb_http_redirects
    ),
    ResourcePolicySpec(
        "alb-hsts", "HTTPS listeners send HSTS with max-age of at least a year.", MANDATORY, LB_LISTENER, alb_hsts, _HSTS_CONFIG
    ),
    ResourcePolicySpec(
        "alb-deletion-protection", "Load balancers have deletion protection.", MANDATORY, LOAD_BALANCER, alb_deletion_protection
    ),
    ResourcePolicySpec(
        "alb-drop-invalid-headers", "ALBs drop invalid HTTP header fields.", MANDATORY, LOAD_BALANCER, alb_drop_invalid_headers
    ),
    ResourcePolicySpec("alb-access-logs", "Load balancers write access logs to a bucket.", MANDATORY, LOAD_BALANCER, alb_access_logs),
    ResourcePolicySpec(
        "cloudfront-tls13",
        "CloudFront viewers use TLS 1.3 with an SNI certificate.",
        MANDATORY,
        DISTRIBUTION,
        cloudfront_tls13,
        schema(allowedMinimumProtocolVersions={"type": "array", "items": {"type": "string"}, "default": ["TLSv1.3_2025"]}),
    ),
    ResourcePolicySpec(
        "cloudfront-https-only",
        "CloudFront redirects viewers to HTTPS and uses HTTPS to origins.",
        MANDATORY,
        DISTRIBUTION,
        cloudfront_https_only,
    ),
    ResourcePolicySpec(
        "cloudfront-origin-access-control",
        "S3 origins are private behind Origin Access Control.",
        MANDATORY,
        DISTRIBUTION,
        cloudfront_origin_access_control,
    ),
    ResourcePolicySpec(
        "cloudfront-hsts",
        "CloudFront sends HSTS (1 year, includeSubdomains, preload).",
        MANDATORY,
        DISTRIBUTION | RESPONSE_HEADERS,
        cloudfront_hsts,
        _HSTS_CONFIG,
    ),
]
STACK_POLICIES: list[StackPolicySpec] = [
    StackPolicySpec(
        "alb-origin-policy-only-behind-cloudfront",
        "A TLS 1.2 (AEAD-only) listener policy only on an internal ALB reached through a CloudFront VPC origin.",
        MANDATORY,
        alb_internal_behind_cloudfront,
        schema(originSslPolicies={"type": "array", "items": {"type": "string"}, "default": ORIGIN_POLICIES}),
    )
]
