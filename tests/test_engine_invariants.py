"""The engine's invariants (policy/engine_invariants.py) on the plan from before the checks, on the
committed stacks, on what the recorder keeps, and on small documents made here: a URN registered
twice, references that name nothing, two resources claiming one physical name, a second provider
for a region."""

from __future__ import annotations

import inspect
import re
from typing import Any

import pulumi
import pulumi_aws
import pytest
from plan_documents import PREFIX, ROOT, document, findings, plan_before_checks, provider, resource

from components.shared.tags import tagged_aws_provider
from policy.physical_names import PHYSICAL_NAMES
from preflight.document import resource_entry
from preflight.recorder import RecordingMonitor
from preflight.runner import Run

ROLE = "aws:iam/role:Role"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
POLICIES = ("engine-unique-urns", "engine-references-resolve", "aws-unique-physical-names")


def messages(doc: dict[str, Any], policy: str) -> list[str]:
    return [f"{v.level} {v.urn.rsplit('::', 1)[-1]}: {v.message}" for v in findings(doc, policy)]


# ── the plan from before the checks, and the committed stacks ──


def test_the_plan_before_the_checks_is_refused_for_its_second_us_west_2_provider() -> None:
    (line,) = messages(plan_before_checks(), "engine-unique-urns")
    assert line.startswith(
        "mandatory aws-us-west-2: registered 2 times: #3 (pulumi:providers:aws, parent email-platform-production) and #5"
    )
    assert line.endswith(
        "the engine stops the preview: Duplicate resource URN 'urn:pulumi:production::email-platform::pulumi:providers:aws::aws-us-west-2'"
    )


def test_the_plan_before_the_checks_has_no_other_engine_finding() -> None:
    doc = plan_before_checks()
    assert messages(doc, "engine-references-resolve") == [] and messages(doc, "aws-unique-physical-names") == []


def test_the_test_stacks_keep_the_engine_invariants(each_stack: Run) -> None:
    doc = {"resources": [resource_entry(r) for r in each_stack.resources], "config": {"aws:region": each_stack.stack_file.region}}
    assert [v for v in findings(doc) if v.policy in POLICIES] == []


# ── the recorder keeps a second registration, so the check can see it ──


def test_the_recorder_keeps_both_registrations_of_one_urn(pulumi_mocks: RecordingMonitor) -> None:
    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        first = tagged_aws_provider("aws-us-west-2", "us-west-2", {"Project": "p"})
        second = tagged_aws_provider("aws-us-west-2", "us-west-2", {"Project": "p"})
        return pulumi.Output.all(first.urn, second.urn)

    program()
    twice = [r for r in pulumi_mocks.recorded if r.name == "aws-us-west-2"]
    assert len(twice) == 2 and twice[0].urn == twice[1].urn
    doc = {"resources": [resource_entry(r) for r in pulumi_mocks.recorded], "config": {}}
    assert [v.urn for v in findings(doc, "engine-unique-urns")] == [twice[0].urn]


# ── by hand: one line each ──


def test_a_second_provider_for_a_region_under_the_same_name_is_refused() -> None:
    doc = document(providers=(provider("aws-us-west-2", "us-west-2"), provider("aws-us-west-2", "us-west-2")))
    (line,) = messages(doc, "engine-unique-urns")
    assert line.startswith("mandatory aws-us-west-2: registered 2 times: #2 (pulumi:providers:aws, parent email-platform-test) and #3")
    assert "with the same inputs" in line


def test_a_second_provider_for_a_region_under_another_name_is_advised_against() -> None:
    doc = document(providers=(provider("aws"), provider("aws-us-east-1")))
    assert messages(doc, "aws-one-provider-per-region") == [
        "advisory aws-us-east-1: a second AWS provider for us-east-1 (the first is aws); build one per region and hand it to every component"
    ]
    assert messages(document(providers=(provider("aws"), provider("aws-us-west-2", "us-west-2"))), "aws-one-provider-per-region") == []


def test_references_that_name_nothing_are_refused() -> None:
    missing = f"{PREFIX}email:data:Database::gone"
    doc = document(
        resource(LOG_GROUP, "orphan", {}, parent=missing),
        resource(LOG_GROUP, "unknown-provider", {}, via="nowhere"),
        resource(LOG_GROUP, "waits", {}, dependencies=[missing]),
        resource(LOG_GROUP, "reads", {}, propertyDependencies={"kmsKeyId": [missing]}),
    )
    assert messages(doc, "engine-references-resolve") == [
        f"mandatory orphan: parent {missing} names nothing in the plan (the engine: could not find parent resource)",
        f"mandatory reads: kmsKeyId depends on {missing}, which names nothing in the plan",
        f"mandatory unknown-provider: provider {PREFIX}pulumi:providers:aws::nowhere names no provider in the plan (the engine: refers to unknown provider)",
        f"mandatory waits: dependency {missing} names nothing in the plan (the engine: refers to missing resource)",
    ]


def test_default_providers_are_the_engines_and_need_no_entry() -> None:
    entry = resource("random:index/randomId:RandomId", "id", {"byteLength": 8})
    entry["provider"] = f"{PREFIX}pulumi:providers:random::default"
    preview_default = resource(LOG_GROUP, "logs", {})
    preview_default["provider"] = f"{PREFIX}pulumi:providers:aws::default_7_51_1::04da6b54"
    assert (
        messages(document(entry, preview_default, resource(LOG_GROUP, "under-stack", {}, parent=ROOT)), "engine-references-resolve") == []
    )


def test_an_alias_another_resource_owns_is_refused() -> None:
    first = resource(LOG_GROUP, "a", {})
    doc = document(first, resource(LOG_GROUP, "b", {}, aliases=[first["urn"]]))
    (line,) = messages(doc, "engine-unique-urns")
    assert line.startswith(f"mandatory b: alias {first['urn']} is already a's")


# ── physical names ──


def test_two_roles_with_one_name_are_refused_whatever_the_case() -> None:
    doc = document(resource(ROLE, "deploy", {"name": "Deploy"}), resource(ROLE, "deploy-again", {"name": "deploy"}))
    assert messages(doc, "aws-unique-physical-names") == [
        f"mandatory deploy-again: Role 'deploy' in the account is also claimed by {PREFIX}{ROLE}::deploy "
        "(one of the two creates fails or they overwrite each other)"
    ]


def test_regional_names_collide_only_within_a_region() -> None:
    west = provider("aws-us-west-2", "us-west-2")
    apart = document(
        resource(LOG_GROUP, "a", {"name": "/app"}),
        resource(LOG_GROUP, "b", {"name": "/app"}, via="aws-us-west-2"),
        providers=(provider(), west),
    )
    assert messages(apart, "aws-unique-physical-names") == []
    together = document(
        resource(LOG_GROUP, "a", {"name": "/app"}),
        resource(LOG_GROUP, "b", {"name": "/app"}, via="aws-east"),
        providers=(provider(), provider("aws-east")),
    )
    (line,) = messages(together, "aws-unique-physical-names")
    assert line.startswith("mandatory b: LogGroup '/app' in us-east-1 is also claimed by")


def test_a_resource_of_its_own_region_claims_its_name_there() -> None:
    doc = document(resource(LOG_GROUP, "a", {"name": "/app"}), resource(LOG_GROUP, "b", {"name": "/app", "region": "eu-west-1"}))
    assert messages(doc, "aws-unique-physical-names") == []


def test_the_default_provider_region_comes_from_the_stack() -> None:
    default = resource(LOG_GROUP, "a", {"name": "/app"})
    default["provider"] = f"{PREFIX}pulumi:providers:aws::default"
    doc = document(default, resource(LOG_GROUP, "b", {"name": "/app"}))
    (line,) = messages(doc, "aws-unique-physical-names")
    assert "in us-east-1" in line


def test_metric_and_composite_alarms_share_one_namespace() -> None:
    doc = document(
        resource("aws:cloudwatch/metricAlarm:MetricAlarm", "cpu", {"name": "email-cpu"}),
        resource("aws:cloudwatch/compositeAlarm:CompositeAlarm", "gate", {"alarmName": "email-cpu"}),
    )
    (line,) = messages(doc, "aws-unique-physical-names")
    assert line.startswith("mandatory gate: CloudWatch alarm 'email-cpu' in us-east-1")


def test_bucket_names_collide_across_regions_and_names_left_to_the_provider_never_do() -> None:
    west = provider("aws-us-west-2", "us-west-2")
    buckets = document(
        resource("aws:s3/bucket:Bucket", "a", {"bucket": "logs-1"}),
        resource("aws:s3/bucket:Bucket", "b", {"bucket": "logs-1"}, via="aws-us-west-2"),
        resource(ROLE, "c", {}),
        resource(ROLE, "d", {}),
        providers=(provider(), west),
    )
    (line,) = messages(buckets, "aws-unique-physical-names")
    assert line.startswith("mandatory b: Bucket 'logs-1' in every account")


def test_each_cloudfront_alias_claims_its_own_name() -> None:
    distribution = "aws:cloudfront/distribution:Distribution"
    doc = document(
        resource(distribution, "cdn", {"aliases": ["a.example.com", "b.example.com"]}),
        resource(distribution, "cdn2", {"aliases": ["b.example.com"]}),
    )
    (line,) = messages(doc, "aws-unique-physical-names")
    assert line.startswith("mandatory cdn2: Distribution 'b.example.com' in the account")


@pytest.mark.parametrize("type_", sorted(PHYSICAL_NAMES))
def test_the_physical_name_table_names_real_inputs(type_: str) -> None:
    module_name, class_name = type_.split(":")[1].split("/")[0], type_.split(":")[2]
    cls = getattr(getattr(pulumi_aws, module_name), class_name)
    inputs = {re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name) for name in inspect.signature(cls._internal_init).parameters}
    assert {path.rstrip("*").split(".")[0] for path in PHYSICAL_NAMES[type_].inputs} <= inputs
