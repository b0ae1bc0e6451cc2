"""AWS WAF at the public entry: a CLOUDFRONT-scope web ACL, which AWS keeps in us-east-1.

The distribution names it in `web_acl_id`. Because CloudFront is the only way in, the ACL sees
every request with the viewer's own address, so the per-IP rate limit counts clients, not
CloudFront's edge servers. The regional ACL the load balancer once carried is gone: the load
balancer is internal and its one client is CloudFront, whose address the limit would count.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from config.edge import EdgeSettings

# AWS managed rule groups, in evaluation order; all free of per-group subscription fees.
MANAGED_RULE_GROUPS = ("AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet")
SCOPE = "CLOUDFRONT"


@dataclass
class EdgeFirewallArgs:
    settings: EdgeSettings
    us_east_1: aws.Provider  # a CLOUDFRONT-scope web ACL must be created in us-east-1


def _visibility(metric_name: str) -> aws.wafv2.WebAclVisibilityConfigArgs:
    return aws.wafv2.WebAclVisibilityConfigArgs(cloudwatch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=True)


def _rule_visibility(metric_name: str) -> aws.wafv2.WebAclRuleVisibilityConfigArgs:
    return aws.wafv2.WebAclRuleVisibilityConfigArgs(cloudwatch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=True)


def _managed_rule(metric: str, index: int, group_name: str) -> aws.wafv2.WebAclRuleArgs:
    overrides = []
    if group_name == "AWSManagedRulesCommonRuleSet":
        # The API takes email bodies and attachments larger than the rule's 8 KB body cap: count, not block.
        overrides = [
            aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArgs(
                name="SizeRestrictions_BODY",
                action_to_use=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseArgs(
                    count=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseCountArgs()
                ),
            )
        ]
    return aws.wafv2.WebAclRuleArgs(
        name=group_name,
        priority=index,
        override_action=aws.wafv2.WebAclRuleOverrideActionArgs(none=aws.wafv2.WebAclRuleOverrideActionNoneArgs()),
        statement=aws.wafv2.WebAclRuleStatementArgs(
            managed_rule_group_statement=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs(
                vendor_name="AWS", name=group_name, rule_action_overrides=overrides or None
            )
        ),
        visibility_config=_rule_visibility(f"{metric}{group_name}"),
    )


class EdgeFirewall(pulumi.ComponentResource):
    web_acl: aws.wafv2.WebAcl
    web_acl_arn: pulumi.Output[str]

    def __init__(self, name: str, args: EdgeFirewallArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:edge:EdgeFirewall", name, None, opts)
        metric = name.replace("-", "")
        rate_limit = aws.wafv2.WebAclRuleArgs(
            name="rate-limit-per-ip",
            priority=0,
            action=aws.wafv2.WebAclRuleActionArgs(block=aws.wafv2.WebAclRuleActionBlockArgs()),
            statement=aws.wafv2.WebAclRuleStatementArgs(
                rate_based_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementArgs(
                    limit=args.settings.waf_rate_limit, aggregate_key_type="IP", evaluation_window_sec=300
                )
            ),
            visibility_config=_rule_visibility(f"{metric}RateLimit"),
        )
        rules = [rate_limit, *(_managed_rule(metric, index, group) for index, group in enumerate(MANAGED_RULE_GROUPS, start=1))]
        self.web_acl = aws.wafv2.WebAcl(
            f"{name}-waf",
            scope=SCOPE,
            description=f"{args.settings.domain}: the public entry's managed rules and per-client rate limit",
            default_action=aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs()),
            rules=rules,
            visibility_config=_visibility(f"{metric}WebAcl"),
            opts=pulumi.ResourceOptions(parent=self, provider=args.us_east_1),
        )
        self.web_acl_arn = self.web_acl.arn
        self.register_outputs({"webAclArn": self.web_acl_arn})
