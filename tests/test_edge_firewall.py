"""The CLOUDFRONT web ACL, built alone from this test's own settings, against AWS's own rules.

- Every name, description, label and metric it sends fits the WAFV2 request shapes of botocore's
  model (patterns are Java regexes: `\\w` and `\\s` are ASCII there, so they are matched with
  re.ASCII; a `\\p{…}` class this test cannot translate fails it loudly).
- The product gets through: the core rule set's body rules count on the API paths and block
  elsewhere; the webhook senders' ranges are labelled and not counted by the rate limit. The
  statements are evaluated by a small interpreter below, so the test reads as requests.
- Every request is logged to an encrypted `aws-waf-logs-` group in us-east-1 with credentials redacted.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import botocore.session
import pulumi
import pulumi_aws as aws
import pytest

from components.edge_firewall import EdgeFirewall, EdgeFirewallArgs
from components.edge_firewall.component import LOG_GROUP_PREFIX
from components.edge_firewall.rules import COMMON_BODY_RULES, COMMON_RULE_SET, WEBHOOK_SOURCE_LABEL
from config.basics import Basics, Tags
from config.edge import EdgeSettings, parse_edge
from config.reader import Section
from preflight.recorder import RecordedResource, RecordingMonitor
from pricing import price_resources
from pricing.services import WAF_LOG_GROUP_PREFIX

# This test's own stack: a domain, API paths of three kinds (prefix, exact, a wildcard inside) and
# webhook senders of both IP versions.
BASICS = Basics("production", "eu-west-1", "post.example.net", Tags("platform-team", "email-platform", {}))
API_PATHS = ["/v2/*", "/hooks/inbound", "/tenants/*/raw"]
WEBHOOK_CIDRS = ["198.51.100.0/24", "2001:db8:40::/48"]
RETENTION_DAYS = 90
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
IP_SET = "aws:wafv2/ipSet:IpSet"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
# The request shape each resource type's inputs are sent as.
REQUEST_SHAPES = {
    WEB_ACL: ("CreateWebACL", None),
    IP_SET: ("CreateIPSet", None),
    LOGGING: ("PutLoggingConfiguration", "LoggingConfiguration"),
}


def settings(**waf: Any) -> EdgeSettings:
    return parse_edge(Section("email-platform:edge", {"hostedZone": "example.net", "waf": waf}), BASICS)


@dataclass
class Built:
    resources: list[RecordedResource]

    def of_type(self, type_token: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_token]

    def acl(self) -> RecordedResource:
        (acl,) = self.of_type(WEB_ACL)
        return acl

    def rule(self, name: str) -> dict[str, Any]:
        (rule,) = [r for r in self.acl().inputs["rules"] if r["name"] == name]
        return rule


def build(monitor: RecordingMonitor, edge: EdgeSettings, api_paths: list[str] = API_PATHS) -> Built:
    start = len(monitor.recorded)

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        east = aws.Provider("aws-us-east-1", region="us-east-1")
        firewall = EdgeFirewall("edge", EdgeFirewallArgs(edge, us_east_1=east, api_paths=api_paths))
        return firewall.web_acl_arn

    program()
    return Built(list(monitor.recorded[start:]))


@pytest.fixture
def built(pulumi_mocks: RecordingMonitor) -> Built:
    return build(pulumi_mocks, settings(webhookSourceCidrs=WEBHOOK_CIDRS, logRetentionDays=RETENTION_DAYS))


# ── the WAFV2 API model ──

_MODEL = botocore.session.get_session().get_service_model("wafv2")
_UNTRANSLATABLE = re.compile(r"\\p\{")


def _pattern(java: str) -> re.Pattern[str]:
    if _UNTRANSLATABLE.search(java):
        raise AssertionError(f"pattern {java!r} uses a Java class this test does not translate")
    # Smithy patterns are not implicitly anchored (search); `\w`/`\s` are ASCII in Java.
    return re.compile(java, re.ASCII)


def _problems(value: Any, shape: Any, path: str) -> Iterator[str]:
    """Each way `value` (Pulumi's camelCase form) breaks botocore's `shape`."""
    if value in ("[unknown]", "[secret]"):
        return
    meta = shape.metadata
    if shape.type_name == "structure":
        if not isinstance(value, dict):
            yield f"{path}: expected an object, got {value!r}"
            return
        members = {name.lower(): (name, member) for name, member in shape.members.items()}
        for key, item in value.items():
            if key.lower() not in members:
                yield f"{path}.{key}: not a member of {shape.name}"
                continue
            name, member = members[key.lower()]
            yield from _problems(item, member, f"{path}.{name}")
        for required in meta.get("required", []):
            if not any(k.lower() == required.lower() for k in value):
                yield f"{path}: {required} is required by {shape.name}"
    elif shape.type_name == "list":
        if not isinstance(value, list):
            yield f"{path}: expected a list, got {value!r}"
            return
        if not meta.get("min", 0) <= len(value) <= meta.get("max", len(value)):
            yield f"{path}: {len(value)} items, {shape.name} allows {meta.get('min', 0)}..{meta.get('max')}"
        for index, item in enumerate(value):
            yield from _problems(item, shape.member, f"{path}[{index}]")
    elif shape.type_name == "string":
        if shape.enum and value not in shape.enum:
            yield f"{path} = {value!r}: not one of {shape.enum}"
        if not meta.get("min", 0) <= len(value) <= meta.get("max", len(value)):
            yield f"{path} = {value!r}: length {len(value)}, {shape.name} allows {meta.get('min', 0)}..{meta.get('max')}"
        if "pattern" in meta and not _pattern(meta["pattern"]).search(value):
            yield f"{path} = {value!r}: does not match {shape.name} pattern {meta['pattern']}"
    elif shape.type_name in ("integer", "long") and not meta.get("min", value) <= value <= meta.get("max", value):
        yield f"{path} = {value}: {shape.name} allows {meta.get('min')}..{meta.get('max')}"


def _request_problems(resource: RecordedResource) -> list[str]:
    operation, member = REQUEST_SHAPES[resource.type]
    shape = _MODEL.operation_model(operation).input_shape
    if member is not None:
        shape = shape.members[member]
    return list(_problems(resource.inputs, shape, f"{resource.name}({operation})"))


def test_every_name_description_label_and_metric_fits_the_wafv2_model(built: Built) -> None:
    checked = [r for r in built.resources if r.type in REQUEST_SHAPES]
    assert {r.type for r in checked} == set(REQUEST_SHAPES)
    assert [problem for resource in checked for problem in _request_problems(resource)] == []


def test_the_model_check_sees_a_description_wafv2_refuses(built: Built) -> None:
    """The check above would have caught the apostrophe the description once had."""
    acl = built.acl()
    refused = RecordedResource(**{**acl.__dict__, "inputs": {**acl.inputs, "description": "the public entry's managed rules"}})
    assert any("EntityDescription pattern" in p for p in _request_problems(refused))


def test_rule_labels_avoid_the_words_wafv2_reserves(built: Built) -> None:
    reserved = set(
        re.findall(r"<code>(\w+)</code>", _MODEL.shape_for("Rule").members["RuleLabels"].documentation.split("reserved words")[1])
    )
    assert {"aws", "waf", "managed"} <= reserved
    for rule in built.acl().inputs["rules"]:
        for label in rule.get("ruleLabels", []):
            assert not reserved & set(label["name"].split(":")), label


# ── what the rules do to requests ──


@dataclass
class Request:
    path: str
    source: str
    labels: set[str]


def _ip_sets(built: Built) -> dict[str, list[str]]:
    return {r.outputs["arn"]: r.inputs["addresses"] for r in built.of_type(IP_SET)}


def matches(statement: dict[str, Any], request: Request, ip_sets: dict[str, list[str]]) -> bool:
    """AWS WAF's semantics for the statement kinds this ACL uses (WAFV2 API reference, Statement)."""
    ((kind, body),) = statement.items()
    if kind == "andStatement":
        return all(matches(s, request, ip_sets) for s in body["statements"])
    if kind == "orStatement":
        return any(matches(s, request, ip_sets) for s in body["statements"])
    if kind == "notStatement":
        return not matches(body["statement"], request, ip_sets)
    if kind == "labelMatchStatement":
        assert body["scope"] == "LABEL"
        return body["key"] in request.labels
    if kind == "ipSetReferenceStatement":
        address = ipaddress.ip_address(request.source)
        return any(address in ipaddress.ip_network(cidr) for cidr in ip_sets[body["arn"]])
    if kind in ("byteMatchStatement", "regexMatchStatement"):
        assert body["fieldToMatch"] == {"uriPath": {}} and body["textTransformations"] == [{"priority": 0, "type": "NONE"}]
        if kind == "regexMatchStatement":
            return re.search(body["regexString"], request.path) is not None
        constraint, text = body["positionalConstraint"], body["searchString"]
        return request.path.startswith(text) if constraint == "STARTS_WITH" else request.path == text if constraint == "EXACTLY" else False
    raise AssertionError(f"the interpreter does not know {kind}")


def test_the_core_rule_sets_body_rules_only_count_inside_the_group(built: Built) -> None:
    group = built.rule(COMMON_RULE_SET)
    overrides = group["statement"]["managedRuleGroupStatement"]["ruleActionOverrides"]
    assert {o["name"]: o["actionToUse"] for o in overrides} == {name: {"count": {}} for name in COMMON_BODY_RULES}


@pytest.mark.parametrize("label", list(COMMON_BODY_RULES.values()))
def test_a_body_rule_match_passes_on_the_api_paths_and_is_blocked_elsewhere(built: Built, label: str) -> None:
    rule = built.rule("body-rules-outside-api-paths")
    assert rule["action"] == {"block": {}}
    assert rule["priority"] > built.rule(COMMON_RULE_SET)["priority"], "labels exist only after the group ran"
    ip_sets = _ip_sets(built)

    def blocked(path: str, labels: set[str]) -> bool:
        return matches(rule["statement"], Request(path, "203.0.113.9", labels), ip_sets)

    for api_path in ("/v2/messages", "/v2/", "/hooks/inbound", "/tenants/acme/raw"):
        assert not blocked(api_path, {label}), f"an email body posted to {api_path} must reach the app"
    for other in ("/", "/index.html", "/hooks/inbound/x", "/V2/messages", "/tenants/acme/raw/extra", "/v2"):
        assert blocked(other, {label}), f"{other} is not an API path: the body rule keeps blocking"
    assert not blocked("/index.html", set()), "no body-rule label, nothing to block"


def test_without_api_paths_the_body_rules_block_everywhere(pulumi_mocks: RecordingMonitor) -> None:
    built = build(pulumi_mocks, settings(), api_paths=[])
    rule = built.rule("body-rules-outside-api-paths")
    for label in COMMON_BODY_RULES.values():
        assert matches(rule["statement"], Request("/v2/messages", "203.0.113.9", {label}), {})
    assert not matches(rule["statement"], Request("/v2/messages", "203.0.113.9", set()), {})


def test_webhook_senders_are_labelled_then_not_counted_by_the_rate_limit(built: Built) -> None:
    ip_sets = _ip_sets(built)
    assert sorted(cidr for cidrs in ip_sets.values() for cidr in cidrs) == sorted(WEBHOOK_CIDRS)
    assert {r.inputs["ipAddressVersion"] for r in built.of_type(IP_SET)} == {"IPV4", "IPV6"}
    sources = built.rule("webhook-sources")
    assert sources["action"] == {"count": {}}, "count is not terminating: the request goes on through every rule (and is logged)"
    assert sources["ruleLabels"] == [{"name": WEBHOOK_SOURCE_LABEL}]
    for name, path in (("rate-limit-per-ip", "/index.html"), ("rate-limit-api-per-ip", "/hooks/inbound")):
        rate = built.rule(name)
        assert sources["priority"] < rate["priority"]
        assert rate["action"] == {"block": {}} and rate["statement"]["rateBasedStatement"]["aggregateKeyType"] == "IP"
        scope_down = rate["statement"]["rateBasedStatement"]["scopeDownStatement"]
        for source, is_sender in (("198.51.100.77", True), ("2001:db8:40::5", True), ("203.0.113.9", False), ("2001:db8:41::1", False)):
            request = Request(path, source, set())
            assert matches(sources["statement"], request, ip_sets) is is_sender
            if is_sender:
                request.labels.add(WEBHOOK_SOURCE_LABEL)
            assert matches(scope_down, request, ip_sets) is not is_sender, f"{name} counts everyone but the senders"


def test_api_clients_are_counted_against_their_own_higher_limit_and_the_rest_against_the_general_one(
    pulumi_mocks: RecordingMonitor,
) -> None:
    """One customer's server behind one address posts its whole volume to the API: the general limit must not count it."""
    general, api = 400, 12_000
    built = build(pulumi_mocks, settings(rateLimitPer5Minutes=general, apiRateLimitPer5Minutes=api))
    rules = {name: built.rule(name)["statement"]["rateBasedStatement"] for name in ("rate-limit-per-ip", "rate-limit-api-per-ip")}
    assert rules["rate-limit-per-ip"]["limit"] == general and rules["rate-limit-api-per-ip"]["limit"] == api
    assert built.rule("rate-limit-api-per-ip")["action"] == {"block": {}}
    assert built.rule("rate-limit-api-per-ip")["visibilityConfig"]["sampledRequestsEnabled"] is True

    def counted_by(path: str) -> set[str]:
        request = Request(path, "203.0.113.9", set())
        return {name for name, rate in rules.items() if matches(rate["scopeDownStatement"], request, {})}

    for api_path in ("/v2/messages", "/hooks/inbound", "/tenants/acme/raw"):
        assert counted_by(api_path) == {"rate-limit-api-per-ip"}, api_path
    for other in ("/", "/index.html", "/login", "/hooks/inbound/x", "/v2"):
        assert counted_by(other) == {"rate-limit-per-ip"}, other


def test_without_webhook_senders_there_is_no_ip_set_and_without_api_paths_one_rate_limit_counts_everyone(
    pulumi_mocks: RecordingMonitor,
) -> None:
    built = build(pulumi_mocks, settings(rateLimitPer5Minutes=500))
    assert built.of_type(IP_SET) == []
    names = [r["name"] for r in built.acl().inputs["rules"]]
    assert "webhook-sources" not in names
    rate = built.rule("rate-limit-per-ip")["statement"]["rateBasedStatement"]
    assert rate["limit"] == 500 and matches(rate["scopeDownStatement"], Request("/index.html", "203.0.113.9", set()), {})
    without_api = build(pulumi_mocks, settings(rateLimitPer5Minutes=500), api_paths=[])
    assert "scopeDownStatement" not in without_api.rule("rate-limit-per-ip")["statement"]["rateBasedStatement"]
    assert "rate-limit-api-per-ip" not in [r["name"] for r in without_api.acl().inputs["rules"]]


# ── the request logs ──


def test_every_request_is_logged_to_an_encrypted_aws_waf_logs_group_in_us_east_1(built: Built) -> None:
    doc = _MODEL.shape_for("LoggingConfiguration").documentation
    required_prefix = re.search(r"must start with <code>([\w-]+)</code>", doc)
    assert required_prefix is not None and required_prefix.group(1) == LOG_GROUP_PREFIX == WAF_LOG_GROUP_PREFIX
    (group,) = built.of_type("aws:cloudwatch/logGroup:LogGroup")
    (logging,) = built.of_type(LOGGING)
    assert group.inputs["name"].startswith(LOG_GROUP_PREFIX) and BASICS.domain.replace(".", "-") in group.inputs["name"]
    assert group.inputs["retentionInDays"] == RETENTION_DAYS
    assert logging.inputs["resourceArn"] == built.acl().outputs["arn"]
    assert logging.inputs["logDestinationConfigs"] == [group.outputs["arn"]]
    redacted = {field["singleHeader"]["name"].lower() for field in logging.inputs["redactedFields"]}
    assert redacted == {"authorization", "cookie"}
    for resource in (group, logging, built.acl(), *built.of_type("aws:kms/key:Key")):
        assert resource.provider is not None and "::aws-us-east-1::" in resource.provider, (
            f"{resource.name}: a CLOUDFRONT ACL logs in us-east-1"
        )


def test_the_log_key_lets_cloudwatch_logs_in_us_east_1_use_it(built: Built) -> None:
    (key,) = built.of_type("aws:kms/key:Key")
    (policy,) = built.of_type("aws:kms/keyPolicy:KeyPolicy")
    (group,) = built.of_type("aws:cloudwatch/logGroup:LogGroup")
    assert group.inputs["kmsKeyId"] == key.outputs["arn"] and key.protect and key.inputs["enableKeyRotation"]
    statements = json.loads(policy.inputs["policy"])["Statement"]
    assert any(s["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"} and "kms:GenerateDataKey*" in s["Action"] for s in statements)


def test_waf_writes_the_log_groups_resource_policy_so_the_program_writes_none(built: Built) -> None:
    doc = _MODEL.shape_for("LoggingConfiguration").documentation
    assert "For an Amazon CloudWatch Logs log group, WAF creates a resource policy on the log group" in doc
    assert built.of_type("aws:cloudwatch/logResourcePolicy:LogResourcePolicy") == []


def test_waf_log_delivery_is_priced_as_vended_logs_and_not_again_on_its_group(built: Built) -> None:
    records = [
        {"urn": r.urn, "type": r.type, "name": r.name, "inputs": r.inputs, "parent": r.parent, "region": "us-east-1"}
        for r in built.resources
        if r.type in (LOGGING, "aws:cloudwatch/logGroup:LogGroup")
    ]
    usage = {
        LOGGING: {"monthly_data_ingested_gb": 40},
        "aws:cloudwatch/logGroup:LogGroup": {"monthly_data_ingested_gb": 5, "storage_gb": 10},
    }
    report = price_resources(records, "eu-west-1", usage)
    assert report["unpriced"] == []
    lines = {(r["type"], c["name"]): c for r in report["resources"] for c in r["components"]}
    delivery = lines[(LOGGING, "WAF request-log delivery (CloudWatch Logs, vended)")]
    assert (delivery["quantity"], delivery["unitPrice"], delivery["monthly"]) == (40, 0.5, 20.0)
    assert ("aws:cloudwatch/logGroup:LogGroup", "log ingestion") not in lines
    assert lines[("aws:cloudwatch/logGroup:LogGroup", "log storage")]["quantity"] == 10
