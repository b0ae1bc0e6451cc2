"""AWS WAF at the public entry: a CLOUDFRONT-scope web ACL, which AWS keeps in us-east-1.

The distribution names it in `web_acl_id`. Because CloudFront is the only way in, the ACL sees
every request with the viewer's own address, so the per-IP rate limit counts clients, not
CloudFront's edge servers. The regional ACL the load balancer once carried is gone: the load
balancer is internal and its one client is CloudFront, whose address the limit would count.

What the rules do, and why email bodies and webhook senders pass, is in `rules.py`.

Every request the ACL evaluates is logged to a CloudWatch Logs group in us-east-1 (WAF requires
the destination in the ACL's region and a name starting `aws-waf-logs-`: AWS WAF Developer Guide,
"Sending web ACL traffic logs to an Amazon CloudWatch Logs log group"), encrypted with a key of
its own whose policy lets CloudWatch Logs use it (components.shared.log_encryption), kept
`edge.waf.logRetentionDays`, with the `authorization` and `cookie` headers redacted. When logging
is enabled, WAF itself writes the log group's resource policy for the log-delivery service (WAFV2
API, LoggingConfiguration: "For an Amazon CloudWatch Logs log group, WAF creates a resource policy
on the log group"), which is why the program writes none: a log group carries one resource
policy of its own, and two writers would take turns replacing each other's. The caller needs
`logs:CreateLogDelivery`, `logs:PutResourcePolicy`, `logs:DescribeResourcePolicies` and
`logs:DescribeLogGroups` for that (CloudWatch Logs User Guide, "Logs sent to CloudWatch Logs");
docs/edge.md lists them with the deploy role.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.edge_firewall.rules import web_acl_rules
from components.shared.log_encryption import log_group_key
from config.edge import EdgeSettings

SCOPE = "CLOUDFRONT"
LOG_GROUP_PREFIX = "aws-waf-logs-"
# Credentials and sessions stay out of the request logs (WAFV2 API, LoggingConfiguration.RedactedFields;
# a header name "isn't case sensitive": SingleHeader).
REDACTED_HEADERS = ("authorization", "cookie")


@dataclass
class EdgeFirewallArgs:
    settings: EdgeSettings
    us_east_1: aws.Provider  # a CLOUDFRONT-scope web ACL must be created in us-east-1
    # The path patterns CloudFront sends to the load balancer (cdn.apiPaths): the API and the
    # webhooks, where email bodies are posted and the core rule set's body rules only count.
    api_paths: list[str] = field(default_factory=list)


def _slug(domain: str) -> str:
    return domain.replace(".", "-")


class EdgeFirewall(pulumi.ComponentResource):
    web_acl: aws.wafv2.WebAcl
    web_acl_arn: pulumi.Output[str]
    webhook_ip_sets: list[aws.wafv2.IpSet]
    log_group: aws.cloudwatch.LogGroup
    logging: aws.wafv2.WebAclLoggingConfiguration

    def __init__(self, name: str, args: EdgeFirewallArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:edge:EdgeFirewall", name, None, opts)
        settings = args.settings
        in_us_east_1 = pulumi.ResourceOptions(parent=self, provider=args.us_east_1)
        metric = name.replace("-", "")
        self.webhook_ip_sets = self._webhook_ip_sets(name, settings, in_us_east_1)
        self.web_acl = aws.wafv2.WebAcl(
            f"{name}-waf",
            # Named for the domain (unique per account, as two stacks may share one), so the console,
            # its metrics and its log streams (`us-east-1_<web ACL name>_<n>`) say whose it is.
            name=f"{_slug(settings.domain)}-public-entry",
            scope=SCOPE,
            # WAFV2 EntityDescription: word characters, spaces and + = : # @ / - , . only (no apostrophe).
            description=f"{settings.domain}: managed rules and a per-client rate limit at the public entry",
            default_action=aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs()),
            rules=web_acl_rules(
                metric,
                settings.waf.rate_limit_per_5_minutes,
                args.api_paths,
                [ip_set.arn for ip_set in self.webhook_ip_sets],
                api_rate_limit=settings.waf.api_rate_limit_per_5_minutes,
            ),
            visibility_config=aws.wafv2.WebAclVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True, metric_name=f"{metric}WebAcl", sampled_requests_enabled=True
            ),
            opts=in_us_east_1,
        )
        self.web_acl_arn = self.web_acl.arn
        self._request_logs(name, settings, in_us_east_1)
        self.register_outputs({"webAclArn": self.web_acl_arn})

    def _webhook_ip_sets(self, name: str, settings: EdgeSettings, opts: pulumi.ResourceOptions) -> list[aws.wafv2.IpSet]:
        """One IP set per IP version that has ranges (an IP set holds one version)."""
        ip_sets = []
        for version in (4, 6):
            addresses = [cidr for cidr in settings.waf.webhook_source_cidrs if ipaddress.ip_network(cidr).version == version]
            if addresses:
                ip_sets.append(
                    aws.wafv2.IpSet(
                        f"{name}-webhook-sources-ipv{version}",
                        name=f"{_slug(settings.domain)}-webhook-sources-ipv{version}",
                        scope=SCOPE,
                        ip_address_version=f"IPV{version}",
                        addresses=addresses,
                        description=f"{settings.domain}: webhook senders not counted by the per-client rate limit",
                        opts=opts,
                    )
                )
        return ip_sets

    def _request_logs(self, name: str, settings: EdgeSettings, opts: pulumi.ResourceOptions) -> None:
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-waf-logs",
            name=f"{LOG_GROUP_PREFIX}{_slug(settings.domain)}",
            retention_in_days=settings.waf.log_retention_days,
            kms_key_id=log_group_key(f"{name}-waf-logs", f"Encrypts the {settings.domain} web ACL request logs", opts),
            opts=opts,
        )
        self.logging = aws.wafv2.WebAclLoggingConfiguration(
            f"{name}-waf-logs",
            resource_arn=self.web_acl.arn,
            # pulumi-aws drops the ":*" CloudWatch adds to a log group's ARN (LogGroup.arn), the form WAF takes.
            log_destination_configs=[self.log_group.arn],
            redacted_fields=[
                aws.wafv2.WebAclLoggingConfigurationRedactedFieldArgs(
                    single_header=aws.wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs(name=header)
                )
                for header in REDACTED_HEADERS
            ],
            opts=opts,
        )
