"""Every enumerated AWS value the edge sets is one AWS accepts, checked against botocore's API models.

ELB security policy names are not an enumeration in the elbv2 model; they are checked against
the table in config/edge.py, which records `aws elbv2 describe-ssl-policies` output.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

from config.cdn import PRICE_CLASSES
from config.edge import ORIGIN_POLICIES, SSL_POLICIES, TLS13_POLICIES
from config.tls_hops import ELB_POLICY_VERSIONS
from policy.aws_api import models
from policy.edge import ORIGIN_POLICIES as POLICY_PACK_ORIGIN
from policy.edge import TLS13_POLICIES as POLICY_PACK_TLS13
from preflight.runner import Run


@cache
def enum(service: str, shape: str) -> list[str]:
    """botocore's enumeration, read as the API-model check reads it: the compact copy of the shapes
    the checks reach (tests/test_aws_api_model_cache.py shows it is botocore's), else the full model."""
    values = models.shape(service, shape).get("enum")
    assert values, f"{service} {shape} has no enumeration in botocore"
    return list(values)


def _of(run: Run, type_token: str) -> Iterator[dict[str, Any]]:
    for resource in run.of_type(type_token):
        yield resource.inputs


def _values(run: Run) -> Iterator[tuple[str, str, Any]]:
    """(service, shape, value) for every enumerated value the edge sets."""
    for d in _of(run, "aws:cloudfront/distribution:Distribution"):
        certificate = d["viewerCertificate"]
        yield "cloudfront", "MinimumProtocolVersion", certificate["minimumProtocolVersion"]
        yield "cloudfront", "SSLSupportMethod", certificate["sslSupportMethod"]
        yield "cloudfront", "HttpVersion", d["httpVersion"]
        yield "cloudfront", "PriceClass", d["priceClass"]
        for behaviour in [d["defaultCacheBehavior"], *d.get("orderedCacheBehaviors", [])]:
            yield "cloudfront", "ViewerProtocolPolicy", behaviour["viewerProtocolPolicy"]
            for method in behaviour["allowedMethods"] + behaviour["cachedMethods"]:
                yield "cloudfront", "Method", method
        for origin in d["origins"]:
            custom = origin.get("customOriginConfig")
            if custom:
                yield "cloudfront", "OriginProtocolPolicy", custom["originProtocolPolicy"]
                for protocol in custom["originSslProtocols"]:
                    yield "cloudfront", "SslProtocol", protocol
    for origin in _of(run, "aws:cloudfront/vpcOrigin:VpcOrigin"):
        endpoint = origin["vpcOriginEndpointConfig"]
        yield "cloudfront", "OriginProtocolPolicy", endpoint["originProtocolPolicy"]
        for protocol in endpoint["originSslProtocols"]["items"]:
            yield "cloudfront", "SslProtocol", protocol
    for policy in _of(run, "aws:cloudfront/originRequestPolicy:OriginRequestPolicy"):
        yield "cloudfront", "OriginRequestPolicyHeaderBehavior", policy["headersConfig"]["headerBehavior"]
        yield "cloudfront", "OriginRequestPolicyCookieBehavior", policy["cookiesConfig"]["cookieBehavior"]
        yield "cloudfront", "OriginRequestPolicyQueryStringBehavior", policy["queryStringsConfig"]["queryStringBehavior"]
    for canary in _of(run, "aws:synthetics/canary:Canary"):
        yield "synthetics", "EncryptionMode", canary["artifactConfig"]["s3Encryption"]["encryptionMode"]
    for oac in _of(run, "aws:cloudfront/originAccessControl:OriginAccessControl"):
        yield "cloudfront", "OriginAccessControlOriginTypes", oac["originAccessControlOriginType"]
        yield "cloudfront", "OriginAccessControlSigningBehaviors", oac["signingBehavior"]
        yield "cloudfront", "OriginAccessControlSigningProtocols", oac["signingProtocol"]
    for policy in _of(run, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"):
        security = policy["securityHeadersConfig"]
        yield "cloudfront", "FrameOptionsList", security["frameOptions"]["frameOption"]
        yield "cloudfront", "ReferrerPolicyList", security["referrerPolicy"]["referrerPolicy"]
    for lb in _of(run, "aws:lb/loadBalancer:LoadBalancer"):
        yield "elbv2", "LoadBalancerTypeEnum", lb["loadBalancerType"]
        yield "elbv2", "IpAddressType", lb["ipAddressType"]
    for listener in _of(run, "aws:lb/listener:Listener"):
        yield "elbv2", "ProtocolEnum", listener["protocol"]
        for action in listener["defaultActions"]:
            yield "elbv2", "ActionTypeEnum", action["type"]
            if action["type"] == "redirect":
                yield "elbv2", "ProtocolEnum", action["redirect"]["protocol"]
                yield "elbv2", "RedirectActionStatusCodeEnum", action["redirect"]["statusCode"]
    for group in _of(run, "aws:lb/targetGroup:TargetGroup"):
        yield "elbv2", "ProtocolEnum", group["protocol"]
        yield "elbv2", "ProtocolEnum", group["healthCheck"]["protocol"]
        yield "elbv2", "TargetTypeEnum", group["targetType"]
    for rule in _of(run, "aws:lb/listenerRule:ListenerRule"):
        for action in rule["actions"]:
            yield "elbv2", "ActionTypeEnum", action["type"]
    for certificate in _of(run, "aws:acm/certificate:Certificate"):
        yield "acm", "ValidationMethod", certificate["validationMethod"]
        yield "acm", "KeyAlgorithm", certificate["keyAlgorithm"]
        yield "acm", "CertificateTransparencyLoggingPreference", certificate["options"]["certificateTransparencyLoggingPreference"]
    for acl in _of(run, "aws:wafv2/webAcl:WebAcl"):
        yield "wafv2", "Scope", acl["scope"]
        for rule in acl["rules"]:
            rate = rule["statement"].get("rateBasedStatement")
            if rate:
                yield "wafv2", "RateBasedStatementAggregateKeyType", rate["aggregateKeyType"]
    for record in _of(run, "aws:route53/record:Record"):
        yield "route53", "RRType", record["type"]
    for sse in _of(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"):
        yield "s3", "ServerSideEncryption", sse["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"]
    for ownership in _of(run, "aws:s3/bucketOwnershipControls:BucketOwnershipControls"):
        yield "s3", "ObjectOwnership", ownership["rule"]["objectOwnership"]
    for versioning in _of(run, "aws:s3/bucketVersioning:BucketVersioning"):
        yield "s3", "BucketVersioningStatus", versioning["versioningConfiguration"]["status"]
    for lifecycle in _of(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"):
        for rule in lifecycle["rules"]:
            yield "s3", "ExpirationStatus", rule["status"]


def test_every_enumerated_edge_value_is_in_botocore(each_stack: Run) -> None:
    checked = list(_values(each_stack))
    wrong = [(service, shape, value) for service, shape, value in checked if value not in enum(service, shape)]
    assert wrong == []
    assert len({shape for _, shape, _ in checked}) >= 25, "the walk above reached every kind of value"


def test_minimum_protocol_version_is_the_tls13_one(each_stack: Run) -> None:
    distributions = each_stack.of_type("aws:cloudfront/distribution:Distribution")
    versions = {d.inputs["viewerCertificate"]["minimumProtocolVersion"] for d in distributions}
    assert versions == {"TLSv1.3_2025"} and versions <= set(enum("cloudfront", "MinimumProtocolVersion"))


def test_listener_ssl_policies_are_known_origin_policies(each_stack: Run) -> None:
    for listener in each_stack.of_type("aws:lb/listener:Listener"):
        if listener.inputs["protocol"] == "HTTPS":
            assert listener.inputs["sslPolicy"] in ORIGIN_POLICIES
            assert ELB_POLICY_VERSIONS[listener.inputs["sslPolicy"]] == {"1.2", "1.3"}


def test_the_tls_table_knows_every_policy_name() -> None:
    assert set(ELB_POLICY_VERSIONS) == set(SSL_POLICIES)
    assert all(min(ELB_POLICY_VERSIONS[name]) == lowest for name, lowest in SSL_POLICIES.items())


def test_config_price_classes_exist_in_cloudfront() -> None:
    assert set(PRICE_CLASSES) <= set(enum("cloudfront", "PriceClass"))


def test_config_and_policy_pack_agree_on_tls13_policies() -> None:
    assert list(TLS13_POLICIES) == list(POLICY_PACK_TLS13)
    assert list(ORIGIN_POLICIES) == list(POLICY_PACK_ORIGIN)


@pytest.mark.parametrize("name", sorted(SSL_POLICIES))
def test_ssl_policy_names_have_the_elb_shape(name: str) -> None:
    # elbv2 has no enumeration of names; this catches a typo in the table's shape at least.
    assert name.startswith("ELBSecurityPolicy-")
    if "TLS13" in name:
        assert name.split("-")[2] == "1", name  # TLS13-1-<minor>-…
