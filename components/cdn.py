"""The CDN: CloudFront, the one public entry, serving static assets from a private bucket and the API from the ALB.

- Viewers reach `https://<domain>` (API, webhooks) and `https://<static domain>` (assets), both
  aliases of this distribution: the us-east-1 certificate, SNI only, `cdn.minimumProtocolVersion`
  (TLS 1.3 only in production), HTTP/2 and 3, HSTS and the usual security headers from a
  response headers policy, a CLOUDFRONT-scope web ACL, AWS managed cache policies.
- The bucket is private (public access blocked, ACLs disabled) and readable only by this
  distribution, through Origin Access Control (SigV4, always signed) and a bucket policy
  that names the distribution in `aws:SourceArn`. The legacy Origin Access Identity is not used.
- API paths go to the internal load balancer through a VPC origin, under the origin name
  `origin.<domain>` (the name its certificate covers: CloudFront checks the origin domain name,
  or the Host header when that is forwarded, which it is not here); HTTPS only, TLS 1.2 (the
  most CloudFront speaks to an origin). An origin request policy forwards viewer headers except
  Host and the colour header: a viewer cannot choose a colour.
- Access logs use CloudFront standard logging v2 (CloudWatch Logs delivery, in us-east-1):
  the legacy logging needs a bucket with ACLs enabled, which every bucket here refuses.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.shared.buckets import deny_insecure_transport, private_bucket
from components.shared.log_encryption import log_group_key
from config.cdn import CdnSettings
from config.edge import COLOUR_HEADER

# AWS managed policies (fixed ids, the same in every account).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"  # Managed-CachingOptimized
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # Managed-CachingDisabled
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"  # the hosted zone of every *.cloudfront.net alias target
# Viewer headers CloudFront never sends to the load balancer: Host (CloudFront sends the origin
# name, which the certificate and the listener rules expect) and the colour header, which only
# in-VPC callers may set.
WITHHELD_HEADERS = ("Host", COLOUR_HEADER)
STATIC_ORIGIN = "static-assets"
API_ORIGIN = "api"
ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]


@dataclass
class CdnArgs:
    settings: CdnSettings
    domain: str  # the public name of the API and webhooks
    origin_host: str  # the load balancer's name for CloudFront, as its certificate spells it
    vpc_origin_id: pulumi.Input[str]
    certificate_arn: pulumi.Input[str]  # validated, in us-east-1
    hosted_zone_id: pulumi.Input[str]
    hsts_max_age_seconds: int
    us_east_1: aws.Provider  # CloudFront's log delivery source lives in us-east-1
    web_acl_arn: pulumi.Input[str] | None = None  # a CLOUDFRONT-scope web ACL
    # The app's health endpoint (app.healthCheckEndpoint): routed to the load balancer like the API
    # paths, so the canaries and the deploy workflow reach the app, not the assets bucket.
    health_check_path: str | None = None
    # Earlier URNs of a record (by this component's record name): the domain's A record used to
    # point at the load balancer; as the same resource it is updated in place, never deleted.
    record_aliases: dict[str, list[str]] = field(default_factory=dict)


def _origin_paths(api_paths: list[str], health_check_path: str | None) -> list[str]:
    """The path patterns CloudFront sends to the load balancer: the API's, and the health endpoint."""
    if health_check_path is None or health_check_path in api_paths:
        return list(api_paths)
    return [health_check_path, *api_paths]


class Cdn(pulumi.ComponentResource):
    bucket: aws.s3.Bucket
    distribution: aws.cloudfront.Distribution
    distribution_id: pulumi.Output[str]
    domain_name: pulumi.Output[str]
    response_headers_policy: aws.cloudfront.ResponseHeadersPolicy
    origin_request_policy: aws.cloudfront.OriginRequestPolicy

    def __init__(self, name: str, args: CdnArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:edge:Cdn", name, None, opts)
        settings = args.settings
        self.bucket = self._bucket(name)
        access = self._origin_access(name, settings)
        self.response_headers_policy = self._security_headers(name, settings, args.hsts_max_age_seconds)
        self.origin_request_policy = self._origin_requests(name, settings)
        self.distribution = self._distribution(name, args, access)
        self.distribution_id = self.distribution.id
        self.domain_name = self.distribution.domain_name
        self._bucket_policy_and_aliases(name, args)
        if settings.logging.enabled:
            self._access_logs(name, settings, args.us_east_1)
        self.register_outputs({"distributionId": self.distribution_id, "domainName": self.domain_name})

    def _origin_access(self, name: str, settings: CdnSettings) -> aws.cloudfront.OriginAccessControl:
        return aws.cloudfront.OriginAccessControl(
            f"{name}-oac",
            name=f"{_slug(settings)}-s3"[:64],
            description=f"CloudFront reads {settings.static_domain} assets from S3",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _origin_requests(self, name: str, settings: CdnSettings) -> aws.cloudfront.OriginRequestPolicy:
        """What reaches the load balancer: the viewer's headers but Host and the colour, cookies, query strings."""
        return aws.cloudfront.OriginRequestPolicy(
            f"{name}-api-requests",
            name=f"{_slug(settings)}-api"[:128],
            comment="API and webhooks: viewer headers except Host and the colour header",
            headers_config=aws.cloudfront.OriginRequestPolicyHeadersConfigArgs(
                header_behavior="allExcept",
                headers=aws.cloudfront.OriginRequestPolicyHeadersConfigHeadersArgs(items=list(WITHHELD_HEADERS)),
            ),
            cookies_config=aws.cloudfront.OriginRequestPolicyCookiesConfigArgs(cookie_behavior="all"),
            query_strings_config=aws.cloudfront.OriginRequestPolicyQueryStringsConfigArgs(query_string_behavior="all"),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _security_headers(self, name: str, settings: CdnSettings, hsts_max_age_seconds: int) -> aws.cloudfront.ResponseHeadersPolicy:
        return aws.cloudfront.ResponseHeadersPolicy(
            f"{name}-security-headers",
            name=f"{_slug(settings)}-security"[:128],
            comment="HSTS and security headers",
            security_headers_config=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigArgs(
                strict_transport_security=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurityArgs(
                    access_control_max_age_sec=hsts_max_age_seconds, include_subdomains=True, preload=True, override=True
                ),
                content_type_options=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentTypeOptionsArgs(override=True),
                frame_options=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigFrameOptionsArgs(frame_option="DENY", override=True),
                referrer_policy=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigReferrerPolicyArgs(
                    referrer_policy="strict-origin-when-cross-origin", override=True
                ),
                content_security_policy=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentSecurityPolicyArgs(
                    content_security_policy="frame-ancestors 'none'; object-src 'none'; base-uri 'self'", override=True
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _distribution(self, name: str, args: CdnArgs, access: aws.cloudfront.OriginAccessControl) -> aws.cloudfront.Distribution:
        """Static assets by default, the API paths to the load balancer uncached."""
        settings = args.settings
        headers_id = self.response_headers_policy.id
        return aws.cloudfront.Distribution(
            f"{name}-distribution",
            enabled=True,
            comment=f"{args.domain}: API and webhooks; {settings.static_domain}: static assets",
            aliases=[args.domain, settings.static_domain],
            web_acl_id=args.web_acl_arn,
            is_ipv6_enabled=True,
            http_version="http2and3",
            price_class=settings.price_class,
            origins=[
                aws.cloudfront.DistributionOriginArgs(
                    origin_id=STATIC_ORIGIN,
                    domain_name=self.bucket.bucket_regional_domain_name,
                    origin_access_control_id=access.id,
                ),
                # The VPC origin carries the protocol settings (https-only, TLS 1.2).
                aws.cloudfront.DistributionOriginArgs(
                    origin_id=API_ORIGIN,
                    domain_name=args.origin_host,
                    vpc_origin_config=aws.cloudfront.DistributionOriginVpcOriginConfigArgs(vpc_origin_id=args.vpc_origin_id),
                ),
            ],
            default_cache_behavior=aws.cloudfront.DistributionDefaultCacheBehaviorArgs(
                target_origin_id=STATIC_ORIGIN,
                viewer_protocol_policy="redirect-to-https",
                allowed_methods=["GET", "HEAD", "OPTIONS"],
                cached_methods=["GET", "HEAD"],
                compress=True,
                cache_policy_id=CACHING_OPTIMIZED,
                response_headers_policy_id=headers_id,
            ),
            ordered_cache_behaviors=[
                aws.cloudfront.DistributionOrderedCacheBehaviorArgs(
                    path_pattern=path,
                    target_origin_id=API_ORIGIN,
                    # A redirect would turn a client's POST into a GET; API callers must use HTTPS.
                    viewer_protocol_policy="https-only",
                    allowed_methods=ALL_METHODS,
                    cached_methods=["GET", "HEAD"],
                    compress=True,
                    cache_policy_id=CACHING_DISABLED,
                    origin_request_policy_id=self.origin_request_policy.id,
                    response_headers_policy_id=headers_id,
                )
                for path in _origin_paths(settings.api_paths, args.health_check_path)
            ],
            viewer_certificate=aws.cloudfront.DistributionViewerCertificateArgs(
                acm_certificate_arn=args.certificate_arn,
                ssl_support_method="sni-only",
                minimum_protocol_version=settings.minimum_protocol_version,
            ),
            restrictions=aws.cloudfront.DistributionRestrictionsArgs(
                geo_restriction=aws.cloudfront.DistributionRestrictionsGeoRestrictionArgs(restriction_type="none")
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _bucket_policy_and_aliases(self, name: str, args: CdnArgs) -> None:
        """The bucket admits only this distribution; the domain and the static domain point at it (IPv4 and IPv6)."""
        child = pulumi.ResourceOptions(parent=self)
        aws.s3.BucketPolicy(
            f"{name}-assets",
            bucket=self.bucket.id,
            policy=pulumi.Output.all(self.bucket.arn, self.distribution.arn).apply(lambda v: _assets_policy(v[0], v[1])),
            opts=child,
        )
        for (role, host), record_type in itertools.product((("", args.settings.static_domain), ("api-", args.domain)), ("A", "AAAA")):
            record_name = f"{name}-{role}alias-{record_type.lower()}"
            aws.route53.Record(
                record_name,
                zone_id=args.hosted_zone_id,
                name=host,
                type=record_type,
                aliases=[
                    aws.route53.RecordAliasArgs(
                        name=self.distribution.domain_name, zone_id=CLOUDFRONT_ZONE_ID, evaluate_target_health=False
                    )
                ],
                opts=pulumi.ResourceOptions(parent=self, aliases=list(args.record_aliases.get(record_name, []))),
            )

    def _bucket(self, name: str) -> aws.s3.Bucket:
        child = pulumi.ResourceOptions(parent=self)
        # Bucket keys: fewer KMS-side calls should the bucket ever move to SSE-KMS; harmless with SSE-S3.
        bucket = private_bucket(f"{name}-assets", self, bucket_key_enabled=True)
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-assets",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-old-versions",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=30
                    ),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=1
                    ),
                )
            ],
            opts=child,
        )
        return bucket

    def _access_logs(self, name: str, settings: CdnSettings, us_east_1: aws.Provider) -> None:
        in_us_east_1 = pulumi.ResourceOptions(parent=self, provider=us_east_1)
        slug = _slug(settings)
        group = aws.cloudwatch.LogGroup(
            f"{name}-access-logs",
            name=f"/aws/cloudfront/{settings.static_domain}",
            retention_in_days=settings.logging.retention_days,
            kms_key_id=log_group_key(f"{name}-logs", f"Encrypts the {settings.static_domain} access logs", in_us_east_1),
            opts=in_us_east_1,
        )
        source = aws.cloudwatch.LogDeliverySource(
            f"{name}-access-logs",
            name=f"{slug}-cf"[:60],
            log_type="ACCESS_LOGS",
            resource_arn=self.distribution.arn,
            opts=in_us_east_1,
        )
        destination = aws.cloudwatch.LogDeliveryDestination(
            f"{name}-access-logs",
            name=f"{slug}-cf-logs"[:60],
            output_format="json",
            delivery_destination_configuration=aws.cloudwatch.LogDeliveryDestinationDeliveryDestinationConfigurationArgs(
                destination_resource_arn=group.arn
            ),
            opts=in_us_east_1,
        )
        aws.cloudwatch.LogDelivery(
            f"{name}-access-logs",
            delivery_source_name=source.name,
            delivery_destination_arn=destination.arn,
            opts=in_us_east_1,
        )


def _slug(settings: CdnSettings) -> str:
    """The static domain as a name fragment (`static.example.com` → `static-example-com`)."""
    return settings.static_domain.replace(".", "-")


def _assets_policy(bucket_arn: str, distribution_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "CloudFrontReadsThroughOac",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudfront.amazonaws.com"},
                    "Action": "s3:GetObject",
                    "Resource": f"{bucket_arn}/*",
                    "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
                },
                deny_insecure_transport(bucket_arn),
            ],
        }
    )
