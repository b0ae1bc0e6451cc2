"""Edge rows of the mapping table: what stands between the internet and the services (CloudFront, WAF,
the load balancers, their certificates and DNS records)."""

from __future__ import annotations

from policy.aws_api.api_mapping import NAMED, PROVIDER_ONLY, WAITS, ApiMapping

# Load balancer, target group and listener settings the provider sends as `{Key, Value}` attributes
# in a call after the create.
LB_ATTRIBUTE = "ModifyLoadBalancerAttributes:Attributes{%s}"
TG_ATTRIBUTE = "ModifyTargetGroupAttributes:Attributes{%s}"
LISTENER_ATTRIBUTE = "ModifyListenerAttributes:Attributes{%s}"


def _actions(prefix: str) -> dict[str, str]:
    """A listener's default actions and a rule's actions: the same Action shape, under another property."""
    return {
        f"{prefix}.fixedResponse": "FixedResponseConfig",
        f"{prefix}.forward": "ForwardConfig",
        f"{prefix}.forward.targetGroups.arn": "TargetGroupArn",
        f"{prefix}.forward.stickiness": "TargetGroupStickinessConfig",
        f"{prefix}.forward.stickiness.duration": "DurationSeconds",
        f"{prefix}.redirect": "RedirectConfig",
    }


EDGE: dict[str, ApiMapping] = {
    # ── certificates ──
    "aws:acm/certificate:Certificate": ApiMapping("acm", "RequestCertificate"),
    "aws:acm/certificateValidation:CertificateValidation": ApiMapping(
        "acm", "DescribeCertificate", not_api={"validationRecordFqdns": WAITS}
    ),
    # ── CloudFront ──
    "aws:cloudfront/distribution:Distribution": ApiMapping(
        "cloudfront",
        "CreateDistribution",
        root="DistributionConfig",
        members={
            "orderedCacheBehaviors": "CacheBehaviors",
            "defaultCacheBehavior.cachedMethods": "AllowedMethods.CachedMethods",
            "orderedCacheBehaviors.cachedMethods": "AllowedMethods.CachedMethods",
            "origins.originId": "Id",
            "webAclId": "WebACLId",
        },
        not_api={
            "waitForDeployment": WAITS,
            "retainOnDelete": PROVIDER_ONLY,
            "tags": "applied by the provider through CreateDistributionWithTags / TagResource",
        },
        supplied={"CallerReference": "the provider generates a unique caller reference"},
    ),
    "aws:cloudfront/originAccessControl:OriginAccessControl": ApiMapping(
        "cloudfront", "CreateOriginAccessControl", root="OriginAccessControlConfig"
    ),
    "aws:cloudfront/originRequestPolicy:OriginRequestPolicy": ApiMapping(
        "cloudfront", "CreateOriginRequestPolicy", root="OriginRequestPolicyConfig"
    ),
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": ApiMapping(
        "cloudfront", "CreateResponseHeadersPolicy", root="ResponseHeadersPolicyConfig"
    ),
    "aws:cloudfront/vpcOrigin:VpcOrigin": ApiMapping("cloudfront", "CreateVpcOrigin"),
    # ── Elastic Load Balancing ──
    "aws:lb/listener:Listener": ApiMapping(
        "elbv2",
        "CreateListener",
        members={
            "certificateArn": "Certificates.CertificateArn",
            **_actions("defaultActions"),
            "routingHttpResponseServerEnabled": LISTENER_ATTRIBUTE % "routing.http.response.server.enabled",
            "routingHttpResponseStrictTransportSecurityHeaderValue": LISTENER_ATTRIBUTE
            % "routing.http.response.strict_transport_security.header_value",
            "routingHttpResponseXContentTypeOptionsHeaderValue": LISTENER_ATTRIBUTE
            % "routing.http.response.x_content_type_options.header_value",
        },
    ),
    "aws:lb/listenerRule:ListenerRule": ApiMapping(
        "elbv2",
        "CreateRule",
        members={
            **_actions("actions"),
            "conditions.hostHeader": "HostHeaderConfig",
            "conditions.httpHeader": "HttpHeaderConfig",
            "conditions.pathPattern": "PathPatternConfig",
            "conditions.sourceIp": "SourceIpConfig",
        },
        supplied={"Priority": "the provider picks the next free priority when the program leaves it out"},
    ),
    "aws:lb/loadBalancer:LoadBalancer": ApiMapping(
        "elbv2",
        "CreateLoadBalancer",
        members={
            "loadBalancerType": "Type",
            "accessLogs.bucket": LB_ATTRIBUTE % "access_logs.s3.bucket",
            "accessLogs.enabled": LB_ATTRIBUTE % "access_logs.s3.enabled",
            "accessLogs.prefix": LB_ATTRIBUTE % "access_logs.s3.prefix",
            "desyncMitigationMode": LB_ATTRIBUTE % "routing.http.desync_mitigation_mode",
            "dropInvalidHeaderFields": LB_ATTRIBUTE % "routing.http.drop_invalid_header_fields.enabled",
            "enableDeletionProtection": LB_ATTRIBUTE % "deletion_protection.enabled",
            "enableHttp2": LB_ATTRIBUTE % "routing.http2.enabled",
            "idleTimeout": LB_ATTRIBUTE % "idle_timeout.timeout_seconds",
        },
        not_api={"internal": "the provider turns it into Scheme (internal / internet-facing)"},
        supplied={"Name": NAMED},
    ),
    "aws:lb/targetGroup:TargetGroup": ApiMapping(
        "elbv2",
        "CreateTargetGroup",
        members={
            "healthCheck.enabled": "/HealthCheckEnabled",
            "healthCheck.healthyThreshold": "/HealthyThresholdCount",
            "healthCheck.interval": "/HealthCheckIntervalSeconds",
            "healthCheck.matcher": "/Matcher.HttpCode",
            "healthCheck.path": "/HealthCheckPath",
            "healthCheck.port": "/HealthCheckPort",
            "healthCheck.protocol": "/HealthCheckProtocol",
            "healthCheck.timeout": "/HealthCheckTimeoutSeconds",
            "healthCheck.unhealthyThreshold": "/UnhealthyThresholdCount",
            "deregistrationDelay": TG_ATTRIBUTE % "deregistration_delay.timeout_seconds",
            "slowStart": TG_ATTRIBUTE % "slow_start.duration_seconds",
        },
        supplied={"Name": NAMED},
    ),
    # ── Route 53 ──
    "aws:route53/record:Record": ApiMapping(
        "route53",
        "ChangeResourceRecordSets",
        root="ChangeBatch.Changes.ResourceRecordSet",
        members={
            "zoneId": "/HostedZoneId",
            "records": "ResourceRecords.Value",
            "aliases": "AliasTarget",
            "aliases.name": "DNSName",
            "aliases.zoneId": "HostedZoneId",
        },
        not_api={"allowOverwrite": "the provider sends UPSERT instead of CREATE when true"},
    ),
    # ── WAF ──
    "aws:wafv2/ipSet:IpSet": ApiMapping("wafv2", "CreateIPSet"),
    "aws:wafv2/webAcl:WebAcl": ApiMapping("wafv2", "CreateWebACL", supplied={"Name": NAMED}),
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": ApiMapping(
        "wafv2", "PutLoggingConfiguration", root="LoggingConfiguration"
    ),
}
