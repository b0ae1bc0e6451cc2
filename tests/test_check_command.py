"""`preflight check`: the policy pack over plan documents and `pulumi preview --json`, with its exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from preflight.check_command import Violation, check_resources, load_records, main
from preflight.document import build_document
from preflight.runner import Run

DATA = Path(__file__).resolve().parent / "data" / "policy"
CLUSTER_URN = "urn:pulumi:staging::email-platform::aws:rds/cluster:Cluster::db-cluster"


def plan() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((DATA / "plan-compliant.json").read_text())
    return document


def write(tmp_path: Path, document: Any, name: str = "doc.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def cluster_inputs(document: dict[str, Any]) -> dict[str, Any]:
    inputs: dict[str, Any] = next(r for r in document["resources"] if r["urn"] == CLUSTER_URN)["inputs"]
    return inputs


@pytest.mark.parametrize("name", ["plan-compliant.json", "preview-compliant.json"])
def test_compliant_documents_pass(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(DATA / name)]) == 0
    out, err = capsys.readouterr()
    assert "0 mandatory" in out and err == ""


def test_storage_encryption_off_fails_naming_policy_and_resource(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = plan()
    cluster_inputs(document)["storageEncrypted"] = False
    assert main([str(write(tmp_path, document))]) == 1
    out = capsys.readouterr().out
    assert f"mandatory db-encrypted-at-rest {CLUSTER_URN}: storageEncrypted is off" in out.splitlines()


def test_json_output_lists_violations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = plan()
    cluster_inputs(document)["backupRetentionPeriod"] = 1
    assert main([str(write(tmp_path, document)), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["violations"] == [
        {"policy": "db-backup-retention", "level": "mandatory", "urn": CLUSTER_URN, "message": "backupRetentionPeriod is 1; need >= 7 days"}
    ]


def test_advisory_findings_do_not_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = plan()
    document["resources"] = [r for r in document["resources"] if r["type"] != "kubernetes:policy/v1:PodDisruptionBudget"]
    assert main([str(write(tmp_path, document))]) == 0
    assert "advisory pod-disruption-budget" in capsys.readouterr().out


def test_policy_config_tunes_levels_and_settings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = plan()
    cluster_inputs(document)["storageEncrypted"] = False
    config = write(tmp_path, {"db-encrypted-at-rest": "advisory", "db-backup-retention": {"minRetentionDays": 30}}, "policy.json")
    assert main([str(write(tmp_path, document)), "--policy-config", str(config)]) == 1
    out = capsys.readouterr().out
    assert "advisory db-encrypted-at-rest" in out and "mandatory db-backup-retention" in out


def test_remediate_level_reports_as_mandatory() -> None:
    document = plan()
    cluster_inputs(document)["iamDatabaseAuthenticationEnabled"] = False
    assert [v.level for v in check_resources(document["resources"])] == ["advisory"]
    assert [v.level for v in check_resources(document["resources"], {"db-iam-auth": "remediate"})] == ["mandatory"]
    assert check_resources(document["resources"], {"all": "disabled"}) == []


def test_production_requires_multi_az_where_staging_does_not() -> None:
    document = plan()
    alb = next(r for r in document["resources"] if r["name"] == "alb")
    alb["inputs"]["subnets"] = ["subnet-a", "subnet-b"]
    assert check_resources(document["resources"], environment="staging") == []
    found = check_resources(document["resources"], environment="production")
    assert [(v.policy, v.level) for v in found] == [("multi-az", "mandatory")]


def test_preview_skips_deleted_resources_and_reads_unknowns_as_compliant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    preview = json.loads((DATA / "preview-compliant.json").read_text())
    assert "04da6b54-80e4-46f7-96ec-b56ff0331ba9" in json.dumps(preview)  # an unknown kmsKeyId, which passes
    deleted = next(step for step in preview["steps"] if step["op"] == "delete")
    assert main([str(write(tmp_path, preview))]) == 0
    # The same unencrypted cluster, created instead of deleted, is a violation.
    deleted["op"] = "create"
    assert main([str(write(tmp_path, preview))]) == 1
    assert f"db-encrypted-at-rest {deleted['urn']}: storageEncrypted is off" in capsys.readouterr().out


def test_check_resources_returns_violations() -> None:
    document = plan()
    cluster_inputs(document)["deletionProtection"] = False
    assert check_resources(document["resources"]) == [
        Violation("db-deletion-protection", "mandatory", CLUSTER_URN, "deletionProtection is off")
    ]


def test_default_provider_is_configured_from_stack_config() -> None:
    document = plan()
    key = next(r for r in document["resources"] if r["name"] == "data-key")
    key["provider"] = "urn:pulumi:staging::email-platform::pulumi:providers:aws::default"
    assert [v.policy for v in check_resources(document["resources"])] == ["aws-resources-use-tagged-provider"]
    tags = {"tags": {"Project": "p", "Environment": "e", "ManagedBy": "m", "Owner": "o", "CostCenter": "c"}}
    assert check_resources(document["resources"], stack_config={"aws:defaultTags": tags}) == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(None, "not JSON", id="malformed"),
        pytest.param("plan-version-2.json", "unknown document version 2", id="version-2"),
        pytest.param("preview-other-project.json", "project is 'billing'", id="other-project-preview"),
        pytest.param({"version": 1, "project": "billing", "resources": []}, "project is 'billing'", id="other-project-plan"),
        pytest.param([1, 2], "expected a JSON object", id="not-an-object"),
        pytest.param({"hello": "world"}, "no 'version'", id="neither-plan-nor-preview"),
        pytest.param({"version": 1, "project": "email-platform", "resources": [{"type": "x"}]}, "no 'urn'", id="resource-without-urn"),
        pytest.param("missing.json", "cannot read document", id="missing-file"),
    ],
)
def test_bad_documents_exit_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: Any, expected: str) -> None:
    if content is None:
        path = DATA / "malformed.json"
    elif isinstance(content, str):
        path = DATA / content
    else:
        path = write(tmp_path, content)
    assert main([str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and expected in err, err
    assert "Traceback" not in err


def test_bad_policy_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path, {"db-iam-auth": "sometimes"}, "policy.json")
    assert main([str(DATA / "plan-compliant.json"), "--policy-config", str(config)]) == 2
    assert capsys.readouterr().err.startswith("error: policy config")


def test_a_preview_of_the_real_program_finds_what_its_plan_finds(production: Run, tmp_path: Path) -> None:
    """A preview has no ids nor propertyDependencies: bucket companions are matched by name and parent.
    It does carry each resource's dependencies (the engine's `newState.dependencies`)."""
    document = build_document(production)
    steps = [
        {
            "op": "create",
            "urn": r["urn"],
            "newState": {k: r[k] for k in ("type", "urn", "parent", "inputs", "custom", "protect", "provider", "dependencies") if k in r},
        }
        for r in document["resources"]
    ]
    stack_config = document["config"]
    on_plan = check_resources(document["resources"], environment="production", stack_config=stack_config)
    on_preview = check_resources(load_records({"steps": steps})[0], environment="production", stack_config=stack_config)
    assert [v for v in on_plan if v.level == "mandatory"] == []
    assert on_preview == on_plan


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        pytest.param({"email-platform:costGuardrails": {"maxMonthlyUsd": "lots"}}, "maxMonthlyUsd = 'lots'", id="limit-not-a-number"),
        pytest.param({"email-platform:costGuardrails": "{bad"}, "costGuardrails is not a JSON object", id="guardrails-bad-json"),
        pytest.param({"email-platform:costGuardrails": [1]}, "costGuardrails must be an object", id="guardrails-a-list"),
        pytest.param(
            {"email-platform:costGuardrails": {"maxMonthlyUsd": 10, "unpriced": "maybe"}}, "unpriced = 'maybe'", id="bad-unpriced"
        ),
        pytest.param({"email-platform:costUsage": {"aws:s3/bucket:Bucket": {"storageGb": "many"}}}, "storageGb = 'many'", id="bad-usage"),
        pytest.param({"email-platform:costUsage": "{bad"}, "costUsage is not a JSON object", id="usage-bad-json"),
    ],
)
def test_bad_cost_config_in_the_document_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: dict[str, Any], expected: str
) -> None:
    """`check` reads costGuardrails and costUsage as `diff` and `cost` do: a bad value is bad input."""
    document = plan()
    document["config"].update(config)
    assert main([str(write(tmp_path, document))]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and expected in err, err


def test_bad_cost_settings_in_the_policy_config_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path, {"cost-guardrails": {"maxMonthlyUsd": "lots"}}, "policy.json")
    assert main([str(DATA / "plan-compliant.json"), "--policy-config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "maxMonthlyUsd = 'lots'" in err, err
