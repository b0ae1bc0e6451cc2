"""The three document kinds read into the same records and priced to the same figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pricing import DocumentError, load_document, parse_document
from pricing.estimate import estimate, stack_usage

DATA = Path(__file__).parent / "data"
USAGE = str(DATA / "usage_production.yaml")
# Worked out by hand in test_pricing.py's terms: EKS 73.00 + node group 444.48 + NAT 55.35
# + EIP 3.65 + Aurora storage/I/O 20.00 + two db.r6g.large 379.60.
PRODUCTION_MONTHLY = 976.08


@pytest.mark.parametrize("kind", ["plan", "preview", "export"])
def test_each_kind_prices_the_same_resources_to_the_same_total(kind: str) -> None:
    doc = load_document(str(DATA / f"{kind}_production.json"))
    report, _ = estimate(doc, USAGE)
    assert (doc.kind, doc.project, doc.stack, doc.region) == (kind, "email-platform", "production", "us-east-1")
    assert report["monthly"] == PRODUCTION_MONTHLY
    assert report["byComponent"] == {"cluster": 517.48, "db": 399.60, "network": 59.00}
    assert [u["type"] for u in report["unpriced"]] == ["aws:kinesis/stream:Stream"]


def test_kinds_agree_resource_by_resource() -> None:
    reports = [estimate(load_document(str(DATA / f"{kind}_production.json")), USAGE)[0] for kind in ("plan", "preview", "export")]
    plan, preview, export = ({r["urn"]: r["components"] for r in report["resources"]} for report in reports)
    assert plan == preview == export


def test_plan_and_preview_carry_their_own_usage_assumptions() -> None:
    for kind in ("plan", "preview"):
        doc = load_document(str(DATA / f"{kind}_production.json"))
        assert stack_usage(doc) == {
            "aws:ec2/natGateway:NatGateway": {"monthly_data_processed_gb": 500},
            "aws:rds/cluster:Cluster": {"storage_gb": 100, "monthly_io_requests": 50_000_000},
        }


def test_a_preview_prices_new_states_and_not_deleted_resources() -> None:
    doc = load_document(str(DATA / "preview_production.json"))
    assert [r["name"] for r in doc.deleted] == ["network-nat-old"]
    assert "network-nat-old" not in {r["name"] for r in doc.records}


def test_secrets_are_scrubbed_whichever_way_they_are_written() -> None:
    for kind in ("plan", "preview", "export"):
        doc = load_document(str(DATA / f"{kind}_production.json"))
        [cluster] = [r for r in doc.records if r["name"] == "db-cluster"]
        assert cluster["inputs"]["masterPassword"] == "[secret]"
        assert "__defaults" not in cluster["inputs"]


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "doc.json"
    path.write_text(text)
    return str(path)


def test_not_json_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"not JSON \(line 1, column 1"):
        load_document(_write(tmp_path, "<html>"))


def test_unknown_version_is_one_clear_error() -> None:
    with pytest.raises(DocumentError, match="unknown document version 7"):
        parse_document({"version": 7, "resources": []})


def test_another_project_is_refused_in_every_kind() -> None:
    urn = "urn:pulumi:production::other-app::aws:s3/bucket:Bucket::b"
    with pytest.raises(DocumentError, match="project is 'other-app'"):
        parse_document({"version": 1, "project": "other-app", "resources": []})
    with pytest.raises(DocumentError, match="project is 'other-app'"):
        parse_document({"steps": [{"op": "create", "urn": urn, "newState": {"urn": urn, "type": "aws:s3/bucket:Bucket"}}]})
    with pytest.raises(DocumentError, match="project is 'other-app'"):
        parse_document({"version": 3, "deployment": {"resources": [{"urn": urn, "type": "aws:s3/bucket:Bucket"}]}})


def test_an_unknown_preview_op_is_refused() -> None:
    urn = "urn:pulumi:production::email-platform::aws:s3/bucket:Bucket::b"
    with pytest.raises(DocumentError, match="unknown preview step op 'explode'"):
        parse_document({"steps": [{"op": "explode", "urn": urn}]})


def test_a_json_list_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="expected a JSON object"):
        load_document(_write(tmp_path, json.dumps([1, 2])))
