"""`preflight scan`: the plan in Terraform's plan format, judged by checkov's AWS checks.

One checkov run per test session covers both test stacks and four weakened copies of
production, so every assertion below can fail:
- both stacks pass with every finding covered by a reasoned skip, and no skip is stale;
- without the bucket-wide abort rule, CKV_AWS_300 opens (the skip file does not cover it);
- the graph checks connect: with the public-access blocks and the flow log present, CKV2_AWS_6
  and CKV2_AWS_11 pass; remove them and the same checks fail.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from documents.reader import parse_document
from preflight.document import build_document
from preflight.runner import Run
from preflight.scan.checkov_run import Finding, Report
from preflight.scan.command import Scan, scan_documents, unused_skips
from preflight.scan.skips import Skip, load_skips, split
from preflight.scan.terraform_plan import convert_value, terraform_names, terraform_plan

PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
BUCKET = "aws:s3/bucket:Bucket"
VPC = "aws:ec2/vpc:Vpc"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def _without(document: dict[str, Any], type_token: str) -> dict[str, Any]:
    weakened = copy.deepcopy(document)
    weakened["resources"] = [r for r in weakened["resources"] if r["type"] != type_token]
    return weakened


def _without_abort_rule(document: dict[str, Any]) -> dict[str, Any]:
    weakened = copy.deepcopy(document)
    for resource in weakened["resources"]:
        if resource["type"] == LIFECYCLE:
            resource["inputs"]["rules"] = [
                r for r in resource["inputs"]["rules"] if not r.get("abortIncompleteMultipartUpload") or r["filter"].get("prefix")
            ]
            for rule in resource["inputs"]["rules"]:
                rule.pop("abortIncompleteMultipartUpload", None)
    return weakened


def _without_log_encryption(document: dict[str, Any]) -> dict[str, Any]:
    weakened = copy.deepcopy(document)
    for resource in weakened["resources"]:
        if resource["type"] == "aws:cloudwatch/logGroup:LogGroup":
            resource["inputs"].pop("kmsKeyId")
    return weakened


def _only(document: dict[str, Any], *type_tokens: str) -> dict[str, Any]:
    """The document with only these types (and the stack and providers): a weakened copy need not
    carry what its checks do not read, and checkov's time grows with the resources it reads."""
    kept = copy.deepcopy(document)
    kept["resources"] = [r for r in kept["resources"] if r["type"] in type_tokens or r["type"].startswith("pulumi:")]
    return kept


@pytest.fixture(scope="session")
def documents(production: Run, staging: Run) -> dict[str, dict[str, Any]]:
    prod = json.loads(json.dumps(build_document(production)))
    return {
        "production": prod,
        "staging": json.loads(json.dumps(build_document(staging))),
        "no-abort-rule": _without_abort_rule(_only(prod, BUCKET, LIFECYCLE)),
        "no-public-access-blocks": _without(_only(prod, BUCKET, PUBLIC_ACCESS_BLOCK), PUBLIC_ACCESS_BLOCK),
        "no-flow-log": _without(_only(prod, VPC, FLOW_LOG), FLOW_LOG),
        "no-log-encryption": _without_log_encryption(_only(prod, LOG_GROUP)),
    }


@pytest.fixture(scope="session")
def scans(documents: dict[str, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Scan]:
    directory = tmp_path_factory.mktemp("scan")
    paths = []
    for label, document in documents.items():
        path = directory / f"{label}.json"
        path.write_text(json.dumps(document))
        paths.append(str(path))
    return dict(zip(documents, scan_documents(paths, load_skips()), strict=True))


def _address(terraform_type: str, resource: dict[str, Any]) -> str:
    """The Terraform address the conversion gives a resource (names unique within a type in these plans)."""
    return f"{terraform_type}.{resource['name'].replace('-', '_')}"


def _failed_addresses(report: Report, check: str) -> set[str]:
    return {f.address for f in report.failed if f.check == check}


def test_checkov_passes_both_stacks_and_fails_weakened_copies(scans: dict[str, Scan], documents: dict[str, dict[str, Any]]) -> None:
    """One test for the one checkov run, so that the run happens on one worker only."""
    for stack in ("production", "staging"):
        scan = scans[stack]
        assert scan.open == [], f"{stack}: findings neither fixed nor in policy/checkov-skips.yaml: {scan.open}"
        assert scan.report.passed > 200  # the checks really ran over the converted plan
    # No accepted finding is stale: a fix must also remove its skip.
    assert [s.check for s in unused_skips([scans["production"], scans["staging"]], load_skips())] == []
    # Removing a setting a fix relies on opens a finding the skips do not cover: every lifecycle
    # configuration left with rules and no abort rule.
    left = [r for r in documents["no-abort-rule"]["resources"] if r["type"] == LIFECYCLE and r["inputs"]["rules"]]
    assert len(left) >= 2
    assert sorted((f.check, f.address) for f in scans["no-abort-rule"].open if f.check == "CKV_AWS_300") == sorted(
        ("CKV_AWS_300", _address("aws_s3_bucket_lifecycle_configuration", r)) for r in left
    )
    unencrypted = [f for f in scans["no-log-encryption"].open if f.check == "CKV_AWS_158"]
    groups = [r for r in documents["production"]["resources"] if r["type"] == LOG_GROUP]
    assert {f.address for f in unencrypted} == {_address("aws_cloudwatch_log_group", r) for r in groups}
    # Graph checks connect: buckets to their public-access blocks, the VPC to its flow log.
    assert _failed_addresses(scans["production"].report, "CKV2_AWS_6") == set()
    buckets = [r for r in documents["production"]["resources"] if r["type"] == "aws:s3/bucket:Bucket"]
    assert len(buckets) >= 3
    assert _failed_addresses(scans["no-public-access-blocks"].report, "CKV2_AWS_6") == {_address("aws_s3_bucket", r) for r in buckets}
    assert _failed_addresses(scans["production"].report, "CKV2_AWS_11") == set()
    assert _failed_addresses(scans["no-flow-log"].report, "CKV2_AWS_11") == {"aws_vpc.network_vpc"}


def _unmapped(value: dict[str, Any], fields: dict[str, Any], where: str) -> list[str]:
    missing = []
    for key, item in value.items():
        if key not in fields:
            missing.append(f"{where}.{key}")
            continue
        for child in item if isinstance(item, list) else [item]:
            if isinstance(child, dict) and fields[key]["shape"] in ("object", "blocks"):
                missing += _unmapped(child, fields[key].get("fields", {}), f"{where}.{key}")
    return missing


def test_every_aws_type_and_argument_of_both_stacks_has_its_terraform_name(documents: dict[str, dict[str, Any]]) -> None:
    table = terraform_names()["resources"]
    missing: list[str] = []
    for stack in ("production", "staging"):
        for resource in documents[stack]["resources"]:
            if resource["type"].startswith("aws:") and resource["custom"]:
                if resource["type"] not in table:
                    missing.append(resource["type"])
                    continue
                missing += _unmapped(resource["inputs"], table[resource["type"]]["fields"], resource["type"])
    # Regenerate with: python -m preflight.scan.names_build PROD.json STAGING.json
    assert sorted(set(missing)) == []
    assert terraform_names()["origin"]["pulumi_aws"]


def test_shapes_follow_terraform() -> None:
    fields = terraform_names()["resources"][LIFECYCLE]["fields"]
    rule = {"id": "r", "status": "Enabled", "filter": {"prefix": ""}, "expiration": {"days": 3}}
    converted = convert_value({"bucket": "b", "rules": [rule]}, fields)
    # Repeated block: singular name, a list; single nested block: a one-element list.
    assert converted == {"bucket": "b", "rule": [{"id": "r", "status": "Enabled", "filter": [{"prefix": ""}], "expiration": [{"days": 3}]}]}
    role = terraform_names()["resources"]["aws:iam/role:Role"]["fields"]
    assert json.loads(convert_value({"assumeRolePolicy": {"Version": "2012-10-17"}}, role)["assume_role_policy"]) == {
        "Version": "2012-10-17"
    }
    alarm = terraform_names()["resources"]["aws:cloudwatch/metricAlarm:MetricAlarm"]["fields"]
    assert convert_value({"dimensions": {"LoadBalancer": "x"}}, alarm) == {"dimensions": {"LoadBalancer": "x"}}  # maps stay maps


def test_a_preview_document_converts_like_the_plan(documents: dict[str, dict[str, Any]]) -> None:
    plan = documents["production"]
    steps = [
        {
            "op": "create",
            "urn": r["urn"],
            "newState": {k: r[k] for k in ("urn", "type", "inputs", "id") if k in r} | {"dependencies": r.get("dependencies", [])},
        }
        for r in plan["resources"]
    ]
    preview = {"steps": steps, "config": {"aws:region": "us-east-1"}}
    from_plan = terraform_plan(parse_document(plan), plan)
    from_preview = terraform_plan(parse_document(preview), preview)
    assert from_preview["planned_values"] == from_plan["planned_values"]
    assert from_preview["configuration"] == from_plan["configuration"]


def test_skips_need_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "skips.yaml"
    path.write_text("skips:\n  - check: CKV_AWS_1\n")
    with pytest.raises(ValueError, match="has no reason"):
        load_skips(path)
    skip = Skip("CKV_AWS_1", "a reason long enough", ("aws_s3_bucket.*",))
    open_, skipped = split([Finding("CKV_AWS_1", "aws_s3_bucket.a", "", ""), Finding("CKV_AWS_1", "aws_lb.a", "", "")], [skip])
    assert [f.address for f in open_] == ["aws_lb.a"] and [f.address for f, _ in skipped] == ["aws_s3_bucket.a"]
