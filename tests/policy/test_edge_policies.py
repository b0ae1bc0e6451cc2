"""Edge policies (load balancer, CloudFront): a compliant resource passes, a broken one trips them,
called directly and through their CrossGuard wrappers."""

from __future__ import annotations

from typing import Any

from policy_cases import add_case_tests
from policy_helpers import ALB, DELETE, LB, LISTENER, changed

from policy import edge
from policy.specs import Resource

HTTPS_LISTENER = {
    "protocol": "HTTPS",
    "port": 443,
    "sslPolicy": "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "routingHttpResponseStrictTransportSecurityHeaderValue": "max-age=31536000; includeSubDomains; preload",
    "defaultActions": [{"type": "forward", "targetGroupArn": "arn:tg"}],
}
HTTP_LISTENER = {
    "protocol": "HTTP",
    "port": 80,
    "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}],
}
DISTRIBUTION = {
    "enabled": True,
    "httpVersion": "http2and3",
    "viewerCertificate": {"acmCertificateArn": "arn:acm", "minimumProtocolVersion": "TLSv1.3_2025", "sslSupportMethod": "sni-only"},
    "defaultCacheBehavior": {"viewerProtocolPolicy": "redirect-to-https", "responseHeadersPolicyId": "rhp-1", "targetOriginId": "s3"},
    "orderedCacheBehaviors": [{"pathPattern": "/api/*", "viewerProtocolPolicy": "https-only", "targetOriginId": "alb"}],
    "origins": [
        {"originId": "s3", "domainName": "assets.s3.us-east-1.amazonaws.com", "originAccessControlId": "oac-1"},
        {"originId": "alb", "domainName": "mail.example.com", "customOriginConfig": {"originProtocolPolicy": "https-only"}},
    ],
}
RESPONSE_HEADERS = {
    "securityHeadersConfig": {
        "strictTransportSecurity": {"accessControlMaxAgeSec": 63072000, "includeSubdomains": True, "preload": True, "override": True}
    }
}
CF = "aws:cloudfront/distribution:Distribution"
RHP = "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"

# (policy, resource type, compliant props, broken props, policy config)
ALB_PROPS = {"loadBalancerType": "application", "internal": True}
WITH_ACL = {"webAclId": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/abc"}
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    ("alb-not-internet-facing", "aws:lb/loadBalancer:LoadBalancer", ALB_PROPS, changed(ALB_PROPS, "internal", False), {}),
    ("cloudfront-web-acl", "aws:cloudfront/distribution:Distribution", WITH_ACL, {"webAclId": None}, {}),
    (
        "cloudfront-web-acl",
        "aws:cloudfront/distribution:Distribution",
        WITH_ACL,
        {"webAclId": "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/edge/abc"},
        {},
    ),
    ("alb-tls13-only", LISTENER, HTTPS_LISTENER, changed(HTTPS_LISTENER, "sslPolicy", "ELBSecurityPolicy-TLS13-1-2-2021-06"), {}),
    (
        "alb-http-redirects-to-https",
        LISTENER,
        HTTP_LISTENER,
        changed(HTTP_LISTENER, "defaultActions", [{"type": "forward", "targetGroupArn": "arn:tg"}]),
        {},
    ),
    (
        "alb-hsts",
        LISTENER,
        HTTPS_LISTENER,
        changed(HTTPS_LISTENER, "routingHttpResponseStrictTransportSecurityHeaderValue", "max-age=300"),
        {},
    ),
    ("alb-deletion-protection", LB, ALB, changed(ALB, "enableDeletionProtection", False), {}),
    ("alb-drop-invalid-headers", LB, ALB, changed(ALB, "dropInvalidHeaderFields", DELETE), {}),
    ("alb-access-logs", LB, ALB, changed(ALB, "accessLogs.enabled", False), {}),
    ("cloudfront-tls13", CF, DISTRIBUTION, changed(DISTRIBUTION, "viewerCertificate.minimumProtocolVersion", "TLSv1.2_2021"), {}),
    ("cloudfront-https-only", CF, DISTRIBUTION, changed(DISTRIBUTION, "orderedCacheBehaviors.0.viewerProtocolPolicy", "allow-all"), {}),
    ("cloudfront-origin-access-control", CF, DISTRIBUTION, changed(DISTRIBUTION, "origins.0.originAccessControlId", DELETE), {}),
    (
        "cloudfront-hsts",
        RHP,
        RESPONSE_HEADERS,
        changed(RESPONSE_HEADERS, "securityHeadersConfig.strictTransportSecurity.preload", False),
        {},
    ),
]

# More ways to trip a policy: each must be caught too (the ones a careless edit would cause).
MORE_BROKEN: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("alb-http-redirects-to-https", LISTENER, changed(HTTP_LISTENER, "defaultActions.0.redirect.statusCode", "HTTP_302"), {}),
    ("alb-hsts", LISTENER, changed(HTTPS_LISTENER, "routingHttpResponseStrictTransportSecurityHeaderValue", DELETE), {}),
    ("cloudfront-tls13", CF, changed(DISTRIBUTION, "viewerCertificate.sslSupportMethod", "vip"), {}),
    ("cloudfront-https-only", CF, changed(DISTRIBUTION, "origins.1.customOriginConfig.originProtocolPolicy", "match-viewer"), {}),
    ("cloudfront-hsts", CF, changed(DISTRIBUTION, "defaultCacheBehavior.responseHeadersPolicyId", DELETE), {}),
    ("cloudfront-hsts", RHP, changed(RESPONSE_HEADERS, "securityHeadersConfig.strictTransportSecurity.accessControlMaxAgeSec", 86400), {}),
]

# Compliant variants the policies must not trip on.
MORE_COMPLIANT: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("alb-tls13-only", LISTENER, changed(HTTPS_LISTENER, "sslPolicy", "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09"), {}),
    ("alb-tls13-only", LISTENER, HTTP_LISTENER, {}),  # not an HTTPS listener
]


def _stack(internal: bool, with_origin: bool) -> list[Resource]:
    alb_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/lb/1"
    resources = [
        Resource(
            "aws:lb/loadBalancer:LoadBalancer",
            "urn:pulumi:production::email-platform::aws:lb/loadBalancer:LoadBalancer::lb-alb",
            "lb-alb",
            {"arn": alb_arn, "internal": internal},
        ),
        Resource(
            "aws:lb/listener:Listener",
            "urn:pulumi:production::email-platform::aws:lb/listener:Listener::lb-https",
            "lb-https",
            {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "loadBalancerArn": alb_arn},
        ),
    ]
    if with_origin:
        resources.append(
            Resource(
                "aws:cloudfront/vpcOrigin:VpcOrigin",
                "urn:pulumi:production::email-platform::aws:cloudfront/vpcOrigin:VpcOrigin::lb-vpc-origin",
                "lb-vpc-origin",
                {"vpcOriginEndpointConfig": {"arn": alb_arn}},
            )
        )
    return resources


STACK_CASES = [
    ("alb-origin-policy-only-behind-cloudfront", _stack(internal=False, with_origin=True)),
    ("alb-origin-policy-only-behind-cloudfront", _stack(internal=True, with_origin=False)),
]
add_case_tests(globals(), edge, cases=CASES, more_broken=MORE_BROKEN, more_compliant=MORE_COMPLIANT, stack_cases=STACK_CASES)


def test_an_origin_policy_is_allowed_only_on_an_internal_alb_behind_a_vpc_origin() -> None:
    (spec,) = edge.STACK_POLICIES
    config = spec.effective_config()
    assert spec.check(_stack(internal=True, with_origin=True), config) == []
    assert [m for _, m in spec.check(_stack(internal=False, with_origin=True), config)] == [
        "lb-https: a TLS 1.2 origin policy on an internet-facing load balancer; public listeners are TLS 1.3-only"
    ]
    assert [m for _, m in spec.check(_stack(internal=True, with_origin=False), config)] == [
        "lb-https: a TLS 1.2 origin policy on a load balancer that no CloudFront VPC origin reaches"
    ]
