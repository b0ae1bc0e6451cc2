"""AWS's API model for every input (policy/aws_api): botocore's request shapes and the services'
documented naming rules, on the committed stacks, on the plan from before the check existed, and on
small documents made here.

The committed stacks must meet the model with no finding; the coverage line (the share of the plan's
scalar AWS inputs checked) is printed at the end of the test run.
"""

from __future__ import annotations

import html
import inspect
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi_aws
import pytest
from plan_documents import document, findings, plan_before_checks, resource

from policy.api_model import coverage
from policy.aws_api import models
from policy.aws_api.checker import check, leaves, resolve, root_shape
from policy.aws_api.mappings import MAPPINGS
from policy.aws_api.models import input_shape, service_model
from policy.aws_api.patterns import compiled, matches
from policy.aws_api.service_rules import RULES
from preflight.check_command import main
from preflight.document import resource_entry
from preflight.runner import Run

GOAL = 0.90
WAF = "aws:wafv2/webAcl:WebAcl"
SG = "aws:ec2/securityGroup:SecurityGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
RULE = "aws:cloudwatch/eventRule:EventRule"
PLAN = "aws:backup/plan:Plan"
VISIBILITY = {"cloudwatchMetricsEnabled": True, "metricName": "edge", "sampledRequestsEnabled": True}


def records(run: Run) -> list[dict[str, Any]]:
    return [resource_entry(r) for r in run.resources]


def api_findings(type_: str, inputs: dict[str, Any]) -> list[str]:
    return [f"{v.urn.rsplit('::', 1)[-1]}: {v.message}" for v in findings(document(resource(type_, "r", inputs)), "aws-api-model")]


# ── the committed stacks ──


def test_every_aws_type_the_program_declares_has_a_row(each_stack: Run) -> None:
    declared = {r.type for r in each_stack.resources if r.type.startswith("aws:")}
    assert sorted(declared - set(MAPPINGS)) == []


def test_the_committed_stacks_meet_the_api_model(each_stack: Run, record_property: Callable[[str, object], None]) -> None:
    resources = records(each_stack)
    seen = coverage((r["urn"], r["type"], r["inputs"]) for r in resources)
    record_property("aws-api-coverage", f"{each_stack.stack}: {seen.line()}")
    assert seen.unmapped == [] and seen.unmapped_types == set()
    assert seen.share >= GOAL
    wrong = [
        f"{r['name']}: {message}" for r in resources if r["type"].startswith("aws:") for message in check(r["type"], r["inputs"]).findings
    ]
    assert wrong == []


def test_every_scalar_input_is_counted_once(each_stack: Run) -> None:
    for entry in records(each_stack):
        if entry["type"].startswith("aws:"):
            outcome = check(entry["type"], entry["inputs"])
            assert outcome.scalars == len(leaves(entry["inputs"], "")), entry["urn"]


# ── the plan from before the check: the web ACL description WAF refuses ──


def test_the_plan_before_the_checks_is_refused_for_its_web_acl_description() -> None:
    refused = findings(plan_before_checks(), "aws-api-model")
    assert [(v.urn.rsplit("::", 1)[-1], v.level) for v in refused] == [("edge-waf", "mandatory")]
    assert refused[0].message.startswith("description = \"mail.example.com: the public entry's")
    assert "(wafv2 CreateWebACL EntityDescription)" in refused[0].message


# ── introduced by hand: one line each ──


def test_an_apostrophe_in_a_waf_description_is_one_line() -> None:
    inputs = {"scope": "CLOUDFRONT", "description": "the edge's rules", "defaultAction": {"allow": {}}, "visibilityConfig": VISIBILITY}
    (line,) = api_findings(WAF, inputs)
    assert line.startswith('r: description = "the edge\'s rules" does not match the pattern ^[\\w+=:#@/')


def test_an_apostrophe_in_a_security_group_description_is_one_line() -> None:
    (line,) = api_findings(SG, {"vpcId": "vpc-1", "description": "the app's nodes"})
    assert (
        line
        == 'r: description = "the app\'s nodes" has "\'"; allowed: a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$* (EC2 CreateSecurityGroup: security group description characters)'
    )


def test_a_backup_rule_name_with_a_space_is_one_line() -> None:
    rule = {"ruleName": "daily copy", "targetVaultName": "vault", "schedule": "cron(0 5 * * ? *)"}
    (line,) = api_findings(PLAN, {"name": "plan", "rules": [rule]})
    assert (
        line
        == "r: rules.ruleName = 'daily copy' does not match the pattern ^[a-zA-Z0-9\\-\\_\\.]{1,50}$ (backup CreateBackupPlan BackupRuleName)"
    )


def test_an_eventbridge_rule_name_over_64_characters_is_one_line() -> None:
    name = "karpenter-" + "x" * 55
    (line,) = api_findings(RULE, {"name": name, "eventPattern": "{}"})
    assert line == f"r: name = {name[:58]!r}"[:-1] + "…' is 65 characters; at most 64 (events PutRule RuleName)"


def test_an_alarm_name_over_255_characters_is_one_line() -> None:
    name = "a" * 256
    (line,) = api_findings(ALARM, {"name": name, "comparisonOperator": "GreaterThanThreshold", "evaluationPeriods": 1})
    assert line.startswith("r: name = 'aaaa") and line.endswith("is 256 characters; at most 255 (cloudwatch PutMetricAlarm AlarmName)")


def test_preflight_check_exits_1_on_such_a_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = document(resource(RULE, "rule", {"name": "a rule", "eventPattern": "{}"}))
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    assert main([str(path)]) == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("mandatory")]
    assert lines == [
        "mandatory aws-api-model urn:pulumi:test::email-platform::aws:cloudwatch/eventRule:EventRule::rule: "
        "name = 'a rule' does not match the pattern [\\.\\-_A-Za-z0-9]+ (events PutRule RuleName)"
    ]


# ── what the walk checks ──


@pytest.mark.parametrize(
    ("type_", "inputs", "expected"),
    [
        # enum
        (
            WAF,
            {"scope": "GLOBAL", "defaultAction": {"allow": {}}, "visibilityConfig": VISIBILITY},
            "scope = 'GLOBAL' is not one of CLOUDFRONT, REGIONAL",
        ),
        # number below the minimum, through a nested list
        (
            "aws:lb/targetGroup:TargetGroup",
            {"port": 443, "healthCheck": {"interval": 2}},
            "healthCheck.interval = 2 is below the minimum 5 (elbv2 CreateTargetGroup HealthCheckIntervalSeconds)",
        ),
        # another call the provider makes for the property
        (
            "aws:kms/key:Key",
            {"deletionWindowInDays": 400},
            "deletionWindowInDays = 400 is above the maximum 365 (kms ScheduleKeyDeletion PendingWindowInDaysType)",
        ),
        # a rule the model's documentation states and its bounds do not
        (
            "aws:kms/key:Key",
            {"deletionWindowInDays": 60},
            "deletionWindowInDays = 60 is outside 7 to 30 (KMS ScheduleKeyDeletion: waiting period)",
        ),
        # a nested required member
        (
            WAF,
            {"scope": "REGIONAL", "defaultAction": {"allow": {}}, "visibilityConfig": {"metricName": "m", "sampledRequestsEnabled": True}},
            "wafv2 CreateWebACL requires CloudWatchMetricsEnabled of visibilityConfig (VisibilityConfig), which the program does not set",
        ),
        # a map given for a list of Key/Value: the tag value's characters
        ("aws:lb/targetGroup:TargetGroup", {"port": 443, "tags": {"Team": "a;b"}}, "tags.Team = 'a;b' does not match the pattern"),
        # list size
        (
            ALARM,
            {"name": "a", "alarmActions": [f"arn:{i}" for i in range(6)]},
            "alarmActions has 6 entries; cloudwatch PutMetricAlarm ResourceList takes at most 5",
        ),
        # a CloudFront Items wrapper
        (
            "aws:cloudfront/vpcOrigin:VpcOrigin",
            {
                "vpcOriginEndpointConfig": {
                    "name": "o",
                    "arn": "arn",
                    "httpPort": 80,
                    "httpsPort": 443,
                    "originProtocolPolicy": "https-only",
                    "originSslProtocols": {"items": ["TLSv1.3"], "quantity": 1},
                }
            },
            "vpcOriginEndpointConfig.originSslProtocols.items = 'TLSv1.3' is not one of SSLv3, TLSv1, TLSv1.1, TLSv1.2",
        ),
        # an attribute of a key/value list (ELB attributes)
        (
            "aws:lb/loadBalancer:LoadBalancer",
            {"name": "alb", "subnets": ["a", "b"], "idleTimeout": "x" * 1100},
            "idleTimeout = 'xxxx",
        ),
    ],
)
def test_each_kind_of_rule_is_checked(type_: str, inputs: dict[str, Any], expected: str) -> None:
    messages = check(type_, inputs).findings
    assert any(expected in message for message in messages), messages


def test_a_compliant_resource_has_no_finding() -> None:
    inputs = {"scope": "REGIONAL", "description": "Edge rules", "defaultAction": {"allow": {}}, "visibilityConfig": VISIBILITY}
    assert check(WAF, inputs).findings == []


def test_secrets_and_unknowns_are_not_seen() -> None:
    outcome = check(
        "aws:elasticache/replicationGroup:ReplicationGroup", {"replicationGroupId": "email", "description": "d", "authToken": "[secret]"}
    )
    assert outcome.findings == [] and outcome.unseen == 1 and outcome.checked == 2


def test_a_real_previews_bookkeeping_and_the_resource_region_are_not_api_members() -> None:
    outcome = check("aws:cloudwatch/logGroup:LogGroup", {"name": "app", "region": "eu-west-1", "__defaults": ["skipDestroy"]})
    assert outcome.findings == [] and outcome.not_api == ["region"] and outcome.unmapped == [] and outcome.checked == 1


def test_an_unmapped_type_counts_every_input_unmapped() -> None:
    outcome = check("aws:lambda/function:Function", {"runtime": "python3.13", "environment": {"variables": {"A": "1"}}})
    assert outcome.unmapped == ["runtime", "environment.variables.A"] and outcome.checked == 0
    (violation,) = findings(document(resource("aws:lambda/function:Function", "f", {"runtime": "python3.13"})), "aws-api-model-unmapped")
    assert violation.level == "advisory" and "no row in policy/aws_api/mappings.py" in violation.message


# ── the table is true to the installed models and to pulumi-aws ──


@pytest.mark.parametrize("type_", sorted(MAPPINGS))
def test_every_override_resolves_in_the_installed_models(type_: str) -> None:
    for path in MAPPINGS[type_].members:
        _operation, shape_name, found = resolve(type_, path)  # raises on a member the model does not have
        assert found["type"] in (
            "string",
            "integer",
            "long",
            "double",
            "float",
            "boolean",
            "blob",
            "timestamp",
            "structure",
            "list",
            "map",
        ), (
            path,
            shape_name,
        )


@pytest.mark.parametrize("type_", sorted(MAPPINGS))
def test_supplied_and_not_api_entries_are_what_they_say(type_: str) -> None:
    mapping = MAPPINGS[type_]
    _, request = input_shape(mapping.service, mapping.operation)
    root = root_shape(type_)
    required = set(request.get("required", [])) | set(root.get("required", []))
    assert set(mapping.supplied) <= required | {"ResourceType", "AttributeName", "PolicyName"}, (
        "supplied names a member the request does not require"
    )
    for path in mapping.not_api:
        first = path.split(".")[0]
        assert models.member_named(root, first) is None, f"{path} has a member of that name: map it instead"


def _input_names(type_: str) -> set[str]:
    """The input properties of a pulumi-aws type, camelCase, from the SDK's own constructor."""
    module_name, class_name = type_.split(":")[1].split("/")[0], type_.split(":")[2]
    cls = getattr(getattr(pulumi_aws, module_name), class_name)
    parameters = inspect.signature(cls._internal_init).parameters
    return {re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name) for name in parameters} - {"self", "resourceName", "opts"}


@pytest.mark.parametrize("type_", sorted(MAPPINGS))
def test_the_table_names_real_inputs_of_each_type(type_: str) -> None:
    mapping = MAPPINGS[type_]
    named = {path.split(".")[0] for path in [*mapping.members, *mapping.not_api]}
    assert named - _input_names(type_) == set()


def _documentation(service: str, shape_name: str, member: str) -> str:
    text = service_model(service)["shapes"][shape_name]["members"][member].get("documentation", "")
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


@pytest.mark.parametrize("rule", [rule for rule in RULES if rule.service], ids=lambda rule: f"{rule.shape}.{rule.member}")
def test_documented_rules_are_still_what_the_model_documents(rule: Any) -> None:
    assert rule.quote in _documentation(rule.service, rule.shape, rule.member)


# ── the models' patterns in Python ──


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$", "Grüße 2026", True),
        ("^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$", "it's", False),
        ("^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$", "a→b", False),
        ("\\p{Print}+", "plain text", True),
        ("\\p{Print}+", "tab\there", False),
        ("[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*", "emoji 😀", True),
        ("^(?![^:\\\\]*/action/|(?i).*<script>.*</script>.*)[^:\\\\]+$", "budget", True),
        ("^(?![^:\\\\]*/action/|(?i).*<script>.*</script>.*)[^:\\\\]+$", "x<SCRIPT>y</script>", False),
        ("[\\w-_]*", "a-b_c", True),
        # the whole value must match, as the services apply patterns
        ("[\\.\\-_/#A-Za-z0-9]+", "testServiceName:latest-metrics", False),
    ],
)
def test_model_patterns_translate_to_python(pattern: str, value: str, expected: bool) -> None:
    assert matches(pattern, value) is expected


def test_every_pattern_of_the_mapped_services_compiles() -> None:
    for service in sorted({mapping.service for mapping in MAPPINGS.values()}):
        for name, found in service_model(service)["shapes"].items():
            if "pattern" in found:
                assert compiled(found["pattern"]), (service, name)


def test_models_load_only_for_the_services_a_plan_uses() -> None:
    service_model.cache_clear()
    models._checked.cache_clear()
    models.LOAD_MS.clear()
    check("aws:cloudwatch/logGroup:LogGroup", {"name": "app", "retentionInDays": 30})
    assert set(models.LOAD_MS) == {"logs"}


def _aws_records(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for entry in doc["resources"]:
        yield entry["urn"], entry["type"], entry["inputs"]


def test_the_coverage_line_counts_the_plan_before_the_checks() -> None:
    seen = coverage(_aws_records(plan_before_checks()))
    assert seen.share >= GOAL and seen.unmapped == []
    assert seen.line().startswith(f"AWS API model: {seen.checked} of {seen.scalars} scalar AWS inputs")


def test_the_models_read_are_the_pinned_botocore() -> None:
    pins = dict(
        line.split("==") for line in (Path(__file__).resolve().parent.parent / "requirements.txt").read_text().splitlines() if "==" in line
    )
    assert models.botocore_version() == pins["botocore"]
