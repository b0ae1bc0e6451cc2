"""The web ACL's rules, in evaluation order, as plain functions of the settings.

0 `webhook-sources` (only with `edge.waf.webhookSourceCidrs`): counts requests from the webhook
  senders' IP sets and labels them; count is not terminating, so they go on through every rule.
1 `rate-limit-per-ip`: blocks a client address over `edge.waf.rateLimitPer5Minutes`, counting its
  requests outside the API paths (`cdn.apiPaths`); requests carrying the webhook-source label are
  scoped out, so a sender posting from few addresses is not throttled (the managed rules below still
  inspect it, and the logs record it).
2 `rate-limit-api-per-ip` (only with API paths): the same on the API paths, at the higher
  `edge.waf.apiRateLimitPer5Minutes`: one customer's server behind one address sends the whole
  customer's mail, up to the app's own EMAIL_RATE_LIMIT, which the edge must not undercut.
  A rate-based rule counts only what its scope-down statement matches (WAFV2 API reference,
  RateBasedStatement `ScopeDownStatement`: "Only requests that match the scope-down statement are
  counted"), so each address has one count per rule and the two limits never add up.
3 the IP reputation list, 4 the core rule set, 6 known bad inputs (AWS managed groups).
5 `body-rules-outside-api-paths`: the core rule set's body rules run in count mode (they would
  block HTML email bodies, links and attachments posted to the API and raw-mail webhooks); this
  rule blocks on their labels everywhere except the API paths CloudFront sends to the load
  balancer (`cdn.apiPaths`). Sources: AWS WAF Developer Guide, "Baseline rule groups" (the rule
  names and labels of AWSManagedRulesCommonRuleSet); "Overriding rule group actions in AWS WAF"
  (an overridden rule's matches are "handled exactly as if the configured rule's action were the
  override setting": Count is non-terminating, and the match still labels the request); WAFV2 API
  reference, LabelMatchStatement (a later rule matches labels "added to the web request by rules
  that have already run in the web ACL").

Known-bad-inputs body rules (Log4j, Java deserialization, React RCE) stay blocking everywhere:
they match exploit strings, not ordinary email content (docs/edge.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from config.edge import RATE_WINDOW_MINUTES

IP_REPUTATION = "AWSManagedRulesAmazonIpReputationList"
COMMON_RULE_SET = "AWSManagedRulesCommonRuleSet"
KNOWN_BAD_INPUTS = "AWSManagedRulesKnownBadInputsRuleSet"
# AWS managed rule groups, in evaluation order; all free of per-group subscription fees.
MANAGED_RULE_GROUPS = (IP_REPUTATION, COMMON_RULE_SET, KNOWN_BAD_INPUTS)
# The core rule set's rules that inspect the request body, and the label each adds
# (AWS WAF Developer Guide, "Baseline rule groups", Core rule set (CRS) managed rule group).
COMMON_BODY_RULES = {
    "SizeRestrictions_BODY": "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body",
    "EC2MetaDataSSRF_BODY": "awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_Body",
    "GenericLFI_BODY": "awswaf:managed:aws:core-rule-set:GenericLFI_Body",
    "GenericRFI_BODY": "awswaf:managed:aws:core-rule-set:GenericRFI_Body",
    "CrossSiteScripting_BODY": "awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body",
}
# Added by the webhook-sources rule; a label match without a namespace prefix finds labels added
# in the same web ACL (WAFV2 API reference, LabelMatchStatement).
WEBHOOK_SOURCE_LABEL = "email-platform:webhook-source"

PRIORITIES = {
    "webhook-sources": 0,
    "rate-limit-per-ip": 1,
    "rate-limit-api-per-ip": 2,
    IP_REPUTATION: 3,
    COMMON_RULE_SET: 4,
    "body-rules-outside-api-paths": 5,
    KNOWN_BAD_INPUTS: 6,
}
RATE_WINDOW_SECONDS = RATE_WINDOW_MINUTES * 60  # the config's window (config/edge.py)

Statement = aws.wafv2.WebAclRuleStatementArgs
ScopeDown = aws.wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementArgs


def _visibility(metric_name: str) -> aws.wafv2.WebAclRuleVisibilityConfigArgs:
    return aws.wafv2.WebAclRuleVisibilityConfigArgs(cloudwatch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=True)


def _any(statements: Sequence[Statement]) -> Statement:
    """One statement, or an OR of several (WAF's OrStatement takes two or more)."""
    if len(statements) == 1:
        return statements[0]
    return Statement(or_statement=aws.wafv2.WebAclRuleStatementOrStatementArgs(statements=list(statements)))


def _label(key: str) -> Statement:
    return Statement(label_match_statement=aws.wafv2.WebAclRuleStatementLabelMatchStatementArgs(scope="LABEL", key=key))


def _byte_match(pattern: str) -> tuple[str, str] | None:
    """(positional constraint, search string) when a byte match says what the path pattern says
    (no `?`, at most one `*` at the end); None when it takes a regex."""
    head, star, rest = pattern.partition("*")
    if "?" not in pattern and (not star or rest == ""):
        return ("STARTS_WITH" if star else "EXACTLY", head)
    return None


def _path_regex(pattern: str) -> str:
    return "^" + "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern) + "$"


def path_statement(pattern: str) -> Statement:
    """The URI paths a CloudFront path pattern matches (`*` any run of characters, `?` one; case-sensitive)."""
    uri_path = aws.wafv2.WebAclRuleStatementByteMatchStatementFieldToMatchArgs(
        uri_path=aws.wafv2.WebAclRuleStatementByteMatchStatementFieldToMatchUriPathArgs()
    )
    none = [aws.wafv2.WebAclRuleStatementByteMatchStatementTextTransformationArgs(priority=0, type="NONE")]
    byte_match = _byte_match(pattern)
    if byte_match is not None:
        constraint, search = byte_match
        return Statement(
            byte_match_statement=aws.wafv2.WebAclRuleStatementByteMatchStatementArgs(
                positional_constraint=constraint,
                search_string=search,
                field_to_match=uri_path,
                text_transformations=none,
            )
        )
    return Statement(
        regex_match_statement=aws.wafv2.WebAclRuleStatementRegexMatchStatementArgs(
            regex_string=_path_regex(pattern),
            field_to_match=aws.wafv2.WebAclRuleStatementRegexMatchStatementFieldToMatchArgs(
                uri_path=aws.wafv2.WebAclRuleStatementRegexMatchStatementFieldToMatchUriPathArgs()
            ),
            text_transformations=[aws.wafv2.WebAclRuleStatementRegexMatchStatementTextTransformationArgs(priority=0, type="NONE")],
        )
    )


def webhook_sources_rule(metric: str, ip_set_arns: Sequence[pulumi.Input[str]]) -> aws.wafv2.WebAclRuleArgs:
    """Count and label requests from the webhook senders' ranges (one IP set per IP version)."""
    return aws.wafv2.WebAclRuleArgs(
        name="webhook-sources",
        priority=PRIORITIES["webhook-sources"],
        action=aws.wafv2.WebAclRuleActionArgs(count=aws.wafv2.WebAclRuleActionCountArgs()),
        statement=_any(
            [Statement(ip_set_reference_statement=aws.wafv2.WebAclRuleStatementIpSetReferenceStatementArgs(arn=arn)) for arn in ip_set_arns]
        ),
        rule_labels=[aws.wafv2.WebAclRuleRuleLabelArgs(name=WEBHOOK_SOURCE_LABEL)],
        visibility_config=_visibility(f"{metric}WebhookSources"),
    )


def _scope_down_path(pattern: str) -> ScopeDown:
    """`path_statement` as a rate-based rule's scope-down statement (its own argument types)."""
    uri_path = aws.wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementFieldToMatchArgs(
        uri_path=aws.wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementFieldToMatchUriPathArgs()
    )
    none = [
        aws.wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementTextTransformationArgs(priority=0, type="NONE")
    ]
    byte_match = _byte_match(pattern)
    if byte_match is not None:
        constraint, search = byte_match
        return ScopeDown(
            byte_match_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementArgs(
                positional_constraint=constraint,
                search_string=search,
                field_to_match=uri_path,
                text_transformations=none,
            )
        )
    return ScopeDown(
        regex_match_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementRegexMatchStatementArgs(
            regex_string=_path_regex(pattern),
            field_to_match=aws.wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementRegexMatchStatementFieldToMatchArgs(
                uri_path=aws.wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementRegexMatchStatementFieldToMatchUriPathArgs()
            ),
            text_transformations=[
                aws.wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementRegexMatchStatementTextTransformationArgs(
                    priority=0, type="NONE"
                )
            ],
        )
    )


def _scope_not(statement: ScopeDown) -> ScopeDown:
    return ScopeDown(not_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementNotStatementArgs(statement=statement))


def _scope_all(statements: Sequence[ScopeDown]) -> ScopeDown | None:
    """None (count everything), one statement, or an AND of several (WAF's AndStatement takes two or more)."""
    if len(statements) < 2:
        return statements[0] if statements else None
    return ScopeDown(
        and_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementAndStatementArgs(statements=list(statements))
    )


def _api_paths(api_paths: Sequence[str]) -> ScopeDown:
    paths = [_scope_down_path(path) for path in api_paths]
    if len(paths) == 1:
        return paths[0]
    return ScopeDown(or_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementOrStatementArgs(statements=paths))


def rate_limit_rule(
    metric: str, limit: int, exempt_webhook_sources: bool, api_paths: Sequence[str] = (), on_api_paths: bool = False
) -> aws.wafv2.WebAclRuleArgs:
    """Block a client address over `limit` requests in 5 minutes, counting only the API paths (`on_api_paths`)
    or only the others; webhook senders are not counted."""
    scope: list[ScopeDown] = []
    if api_paths:
        scope.append(_api_paths(api_paths) if on_api_paths else _scope_not(_api_paths(api_paths)))
    if exempt_webhook_sources:
        scope.append(
            _scope_not(
                ScopeDown(
                    label_match_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementLabelMatchStatementArgs(
                        scope="LABEL", key=WEBHOOK_SOURCE_LABEL
                    )
                )
            )
        )
    name = "rate-limit-api-per-ip" if on_api_paths else "rate-limit-per-ip"
    return aws.wafv2.WebAclRuleArgs(
        name=name,
        priority=PRIORITIES[name],
        action=aws.wafv2.WebAclRuleActionArgs(block=aws.wafv2.WebAclRuleActionBlockArgs()),
        statement=Statement(
            rate_based_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementArgs(
                limit=limit, aggregate_key_type="IP", evaluation_window_sec=RATE_WINDOW_SECONDS, scope_down_statement=_scope_all(scope)
            )
        ),
        visibility_config=_visibility(f"{metric}{'ApiRateLimit' if on_api_paths else 'RateLimit'}"),
    )


def managed_rule(metric: str, group_name: str) -> aws.wafv2.WebAclRuleArgs:
    """An AWS managed group; the core rule set's body rules count (the next rule decides where they block)."""
    overrides = None
    if group_name == COMMON_RULE_SET:
        count = aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseArgs(
            count=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseCountArgs()
        )
        overrides = [
            aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArgs(name=rule, action_to_use=count)
            for rule in COMMON_BODY_RULES
        ]
    return aws.wafv2.WebAclRuleArgs(
        name=group_name,
        priority=PRIORITIES[group_name],
        override_action=aws.wafv2.WebAclRuleOverrideActionArgs(none=aws.wafv2.WebAclRuleOverrideActionNoneArgs()),
        statement=Statement(
            managed_rule_group_statement=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs(
                vendor_name="AWS", name=group_name, rule_action_overrides=overrides
            )
        ),
        visibility_config=_visibility(f"{metric}{group_name}"),
    )


def body_rules_outside_api_paths(metric: str, api_paths: Sequence[str]) -> aws.wafv2.WebAclRuleArgs:
    """Block what the core rule set's body rules matched, unless the path is one the API or webhooks use.

    Without API paths nothing is exempt, and the body rules block wherever they match.
    """
    matched = _any([_label(label) for label in COMMON_BODY_RULES.values()])
    statement = matched
    if api_paths:
        outside_api = Statement(
            not_statement=aws.wafv2.WebAclRuleStatementNotStatementArgs(statement=_any([path_statement(path) for path in api_paths]))
        )
        statement = Statement(and_statement=aws.wafv2.WebAclRuleStatementAndStatementArgs(statements=[matched, outside_api]))
    return aws.wafv2.WebAclRuleArgs(
        name="body-rules-outside-api-paths",
        priority=PRIORITIES["body-rules-outside-api-paths"],
        action=aws.wafv2.WebAclRuleActionArgs(block=aws.wafv2.WebAclRuleActionBlockArgs()),
        statement=statement,
        visibility_config=_visibility(f"{metric}BodyRulesOutsideApi"),
    )


def web_acl_rules(
    metric: str, rate_limit: int, api_paths: Sequence[str], webhook_ip_set_arns: Sequence[pulumi.Input[str]], api_rate_limit: int
) -> list[aws.wafv2.WebAclRuleArgs]:
    rules = [] if not webhook_ip_set_arns else [webhook_sources_rule(metric, webhook_ip_set_arns)]
    exempt = bool(webhook_ip_set_arns)
    rules.append(rate_limit_rule(metric, rate_limit, exempt, api_paths))
    if api_paths:
        rules.append(rate_limit_rule(metric, api_rate_limit, exempt, api_paths, on_api_paths=True))
    rules += [managed_rule(metric, group) for group in MANAGED_RULE_GROUPS]
    rules.append(body_rules_outside_api_paths(metric, api_paths))
    return sorted(rules, key=lambda rule: int(str(rule.priority)))
