"""CloudFront: private bucket through OAC, TLS 1.3 viewers, HSTS and security headers, API to the ALB."""

from __future__ import annotations

import json
from typing import Any

from owned_stacks import settings
from run_lookup import one, region_of

from components.cdn import CACHING_DISABLED, CACHING_OPTIMIZED, CLOUDFRONT_ZONE_ID
from preflight.runner import Run

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"


def _distribution(run: Run) -> Any:
    (distribution,) = run.of_type(DISTRIBUTION)
    return distribution


def _static(run: Run) -> str:
    return settings(run.stack).cdn.static_domain


def test_viewers_get_tls13_with_the_us_east_1_certificate_sni_only(each_stack: Run) -> None:
    distribution = _distribution(each_stack)
    validation = one(each_stack, "aws:acm/certificateValidation:CertificateValidation", "certificates-cdn")
    certificate = distribution.inputs["viewerCertificate"]
    assert certificate["acmCertificateArn"] == validation.outputs["certificateArn"]
    assert region_of(each_stack, validation) == "us-east-1", "CloudFront takes certificates from us-east-1 only"
    assert certificate["sslSupportMethod"] == "sni-only"
    stack = settings(each_stack.stack)
    assert certificate["minimumProtocolVersion"] == stack.cdn.minimum_protocol_version
    assert distribution.inputs["aliases"] == [stack.basics.domain, stack.cdn.static_domain]


def test_static_assets_redirect_to_https_compressed_with_managed_caching(each_stack: Run) -> None:
    distribution = _distribution(each_stack)
    default = distribution.inputs["defaultCacheBehavior"]
    headers = one(each_stack, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "cdn-security-headers")
    assert default["viewerProtocolPolicy"] == "redirect-to-https"
    assert default["compress"] is True
    assert default["cachePolicyId"] == CACHING_OPTIMIZED
    assert default["responseHeadersPolicyId"] == headers.id
    assert distribution.inputs["httpVersion"] == "http2and3"
    assert distribution.inputs["isIpv6Enabled"] is True


def test_price_class_follows_config(each_stack: Run) -> None:
    assert _distribution(each_stack).inputs["priceClass"] == settings(each_stack.stack).cdn.price_class


def test_api_paths_go_to_the_alb_over_https_uncached(each_stack: Run) -> None:
    distribution = _distribution(each_stack)
    origins = {o["originId"]: o for o in distribution.inputs["origins"]}
    api = origins["api"]
    stack = settings(each_stack.stack)
    assert api["domainName"] == stack.edge.origin_host, "the name the ALB's certificate covers"
    vpc_origin = one(each_stack, "aws:cloudfront/vpcOrigin:VpcOrigin", "lb-vpc-origin")
    assert api["vpcOriginConfig"]["vpcOriginId"] == vpc_origin.id
    assert "customOriginConfig" not in api
    endpoint = vpc_origin.inputs["vpcOriginEndpointConfig"]
    assert endpoint["originProtocolPolicy"] == "https-only"
    assert endpoint["originSslProtocols"] == {"items": ["TLSv1.2"], "quantity": 1}
    policy = one(each_stack, "aws:cloudfront/originRequestPolicy:OriginRequestPolicy", "cdn-api-requests")
    behaviours = distribution.inputs["orderedCacheBehaviors"]
    # The health endpoint goes to the app too: the canaries and the deploy workflow call it.
    assert [b["pathPattern"] for b in behaviours] == [stack.app.health_check_endpoint, *stack.cdn.api_paths]
    for behaviour in behaviours:
        assert behaviour["targetOriginId"] == "api"
        assert behaviour["viewerProtocolPolicy"] in ("https-only", "redirect-to-https")
        assert (behaviour["cachePolicyId"], behaviour["originRequestPolicyId"]) == (CACHING_DISABLED, policy.id)
        assert "POST" in behaviour["allowedMethods"]


def test_the_bucket_is_private_and_read_only_by_this_distribution_through_oac(each_stack: Run) -> None:
    distribution = _distribution(each_stack)
    bucket = one(each_stack, "aws:s3/bucket:Bucket", "cdn-assets")
    oac = one(each_stack, "aws:cloudfront/originAccessControl:OriginAccessControl", "cdn-oac")
    assert (oac.inputs["originAccessControlOriginType"], oac.inputs["signingBehavior"], oac.inputs["signingProtocol"]) == (
        "s3",
        "always",
        "sigv4",
    )
    s3_origin = next(o for o in distribution.inputs["origins"] if o["originId"] == "static-assets")
    assert s3_origin["originAccessControlId"] == oac.id
    assert s3_origin["domainName"] == bucket.outputs["bucketRegionalDomainName"]
    assert "s3OriginConfig" not in s3_origin, "no Origin Access Identity"
    policy = json.loads(one(each_stack, "aws:s3/bucketPolicy:BucketPolicy", "cdn-assets").inputs["policy"])
    (allow,) = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    assert allow["Condition"] == {"StringEquals": {"AWS:SourceArn": distribution.outputs["arn"]}}


def test_the_assets_bucket_is_protected_encrypted_versioned_and_acl_free(each_stack: Run) -> None:
    bucket = one(each_stack, "aws:s3/bucket:Bucket", "cdn-assets")
    assert bucket.protect is True
    pab = one(each_stack, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "cdn-assets").inputs
    assert all(pab[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    ownership = one(each_stack, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "cdn-assets").inputs
    assert ownership["rule"]["objectOwnership"] == "BucketOwnerEnforced"
    versioning = one(each_stack, "aws:s3/bucketVersioning:BucketVersioning", "cdn-assets").inputs
    assert versioning["versioningConfiguration"]["status"] == "Enabled"
    sse = one(each_stack, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "cdn-assets").inputs
    assert sse["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"


def test_response_headers_carry_hsts_and_security_headers(each_stack: Run) -> None:
    headers = one(each_stack, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "cdn-security-headers").inputs
    security = headers["securityHeadersConfig"]
    hsts = security["strictTransportSecurity"]
    assert hsts["accessControlMaxAgeSec"] >= 31_536_000
    assert (hsts["includeSubdomains"], hsts["preload"], hsts["override"]) == (True, True, True)
    assert security["contentTypeOptions"]["override"] is True
    assert security["frameOptions"]["frameOption"] == "DENY"
    assert security["referrerPolicy"]["referrerPolicy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'none'" in security["contentSecurityPolicy"]["contentSecurityPolicy"]


def test_access_logs_are_delivered_from_us_east_1_with_retention(each_stack: Run) -> None:
    distribution = _distribution(each_stack)
    source = one(each_stack, "aws:cloudwatch/logDeliverySource:LogDeliverySource", "cdn-access-logs")
    destination = one(each_stack, "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination", "cdn-access-logs")
    delivery = one(each_stack, "aws:cloudwatch/logDelivery:LogDelivery", "cdn-access-logs")
    group = one(each_stack, "aws:cloudwatch/logGroup:LogGroup", "cdn-access-logs")
    assert (source.inputs["logType"], source.inputs["resourceArn"]) == ("ACCESS_LOGS", distribution.outputs["arn"])
    assert destination.inputs["deliveryDestinationConfiguration"]["destinationResourceArn"] == group.outputs["arn"]
    assert (delivery.inputs["deliverySourceName"], delivery.inputs["deliveryDestinationArn"]) == (
        source.outputs["name"],
        destination.outputs["arn"],
    )
    for resource in (source, destination, delivery, group):
        assert region_of(each_stack, resource) == "us-east-1"
    assert group.inputs["retentionInDays"] == settings(each_stack.stack).cdn.logging.retention_days


def test_the_static_domain_is_an_alias_of_the_distribution(each_stack: Run) -> None:
    distribution = _distribution(each_stack)
    for record_type in ("a", "aaaa"):
        record = one(each_stack, "aws:route53/record:Record", f"cdn-alias-{record_type}")
        assert (record.inputs["name"], record.inputs["type"]) == (_static(each_stack), record_type.upper())
        assert record.inputs["aliases"][0]["name"] == distribution.outputs["domainName"]
        assert record.inputs["aliases"][0]["zoneId"] == CLOUDFRONT_ZONE_ID
    assert each_stack.outputs["cdnDomainName"] == distribution.outputs["domainName"]
