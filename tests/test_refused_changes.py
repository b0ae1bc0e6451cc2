"""Changes AWS refuses while a resource is in use or locked (preflight/refused_changes.py), in
`preflight diff`: called out in the text and in the Markdown comment, and exit 1. Base and head
documents are made in the test."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from components.load_balancer import VPC_ORIGIN_ENDPOINT
from preflight.changes import compare
from preflight.diff_command import main
from preflight.document import build_document
from preflight.refused_changes import REFUSED, refusals
from preflight.runner import Run
from pricing import parse_document

P = "urn:pulumi:production::email-platform::"


def _record(kind: str, name: str, inputs: dict[str, Any], *, deps: tuple[str, ...] = (), rid: str = "") -> dict[str, Any]:
    return {
        "urn": f"{P}{kind}::{name}",
        "type": kind,
        "name": name,
        "custom": True,
        "id": rid or f"{name}-id",
        "inputs": inputs,
        "dependencies": list(deps),
    }


def _doc(*records: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": 1,
        "project": "email-platform",
        "stack": "production",
        "config": {"aws:region": "us-east-1"},
        "resources": list(records),
    }


ORIGIN_INPUTS = {"vpcOriginEndpointConfig": {"name": "origin", "httpPort": 80, "httpsPort": 443, "originProtocolPolicy": "https-only"}}


def _edge(origin_inputs: dict[str, Any]) -> dict[str, Any]:
    origin = _record("aws:cloudfront/vpcOrigin:VpcOrigin", "vpc-origin", origin_inputs, rid="vo-1")
    distribution = _record(
        "aws:cloudfront/distribution:Distribution",
        "cdn",
        {"origins": [{"originId": "api", "vpcOriginConfig": {"vpcOriginId": "vo-1"}}]},
        deps=(origin["urn"],),
    )
    return _doc(origin, distribution)


def _refusals(base: dict[str, Any], head: dict[str, Any]) -> list[str]:
    old, new = parse_document(base), parse_document(head)
    return [r.line() for r in refusals(compare(old, new), old, new)]


def test_every_row_has_a_source() -> None:
    assert all(row.source and row.refused for row in REFUSED)


def test_updating_a_vpc_origin_a_distribution_uses_is_refused() -> None:
    changed = copy.deepcopy(ORIGIN_INPUTS)
    changed["vpcOriginEndpointConfig"]["httpsPort"] = 8443
    assert _refusals(_edge(ORIGIN_INPUTS), _edge(changed)) == [
        "vpc-origin (aws:cloudfront/vpcOrigin:VpcOrigin): CloudFront refuses to have a VPC origin updated while distribution cdn "
        "uses it (409 CannotUpdateEntityWhileInUse / CannotDeleteEntityWhileInUse)"
    ]
    assert _refusals(_edge(ORIGIN_INPUTS), _edge(ORIGIN_INPUTS)) == []


def test_a_vpc_origin_the_program_replaces_on_change_is_a_replacement_not_a_refused_update() -> None:
    """The program marks its VPC origin `replaceOnChanges` (components/load_balancer.py): the engine
    creates the new origin, moves the distribution to it, then deletes the old one, so no update
    of an origin in use reaches CloudFront."""
    changed = copy.deepcopy(ORIGIN_INPUTS)
    changed["vpcOriginEndpointConfig"]["httpsPort"] = 8443
    base, head = _edge(ORIGIN_INPUTS), _edge(changed)
    head["resources"][0]["replaceOnChanges"] = ["vpcOriginEndpointConfig"]
    assert _refusals(base, head) == []
    changes = compare(parse_document(base), parse_document(head))
    assert [(c.name, c.properties) for c in changes.replaced] == [("vpc-origin", ("vpcOriginEndpointConfig",))] and not changes.changed


def test_the_plan_document_carries_the_programs_replace_on_changes(production: Run) -> None:
    (origin,) = [r for r in build_document(production)["resources"] if r["type"] == "aws:cloudfront/vpcOrigin:VpcOrigin"]
    assert origin["replaceOnChanges"] == [VPC_ORIGIN_ENDPOINT]


def test_moving_the_eks_authentication_mode_back_from_api_is_refused_forward_is_not() -> None:
    def cluster(mode: str, bootstrap: bool = False) -> dict[str, Any]:
        access = {"authenticationMode": mode, "bootstrapClusterCreatorAdminPermissions": bootstrap}
        return _doc(_record("aws:eks/cluster:Cluster", "eks", {"name": "c", "version": "1.34", "accessConfig": access}))

    assert _refusals(cluster("API"), cluster("API_AND_CONFIG_MAP")) == [
        "eks (aws:eks/cluster:Cluster): accessConfig.authenticationMode API -> API_AND_CONFIG_MAP: EKS moves the mode only toward API, never back"
    ]
    assert _refusals(cluster("API_AND_CONFIG_MAP"), cluster("API")) == []
    (line,) = _refusals(cluster("API"), cluster("API", bootstrap=True))
    assert "bootstrapClusterCreatorAdminPermissions False -> True" in line and "replace the whole cluster" in line


def test_eks_versions_move_one_minor_at_a_time_and_never_down() -> None:
    def cluster(version: str) -> dict[str, Any]:
        return _doc(_record("aws:eks/cluster:Cluster", "eks", {"name": "c", "version": version}))

    assert _refusals(cluster("1.33"), cluster("1.34")) == []
    assert _refusals(cluster("1.33"), cluster("1.35")) == [
        "eks (aws:eks/cluster:Cluster): version 1.33 -> 1.35: EKS updates one minor version at a time"
    ]
    assert _refusals(cluster("1.34"), cluster("1.33")) == [
        "eks (aws:eks/cluster:Cluster): version 1.34 -> 1.33: EKS does not downgrade a control plane"
    ]


def test_a_vault_lock_with_a_lock_date_cannot_be_changed_or_removed() -> None:
    lock = _record(
        "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
        "lock",
        {"backupVaultName": "v", "changeableForDays": 3, "minRetentionDays": 7},
    )
    relaxed = copy.deepcopy(lock)
    relaxed["inputs"]["minRetentionDays"] = 1
    (line,) = _refusals(_doc(lock), _doc(relaxed))
    assert line.startswith(
        "lock (aws:backup/vaultLockConfiguration:VaultLockConfiguration): the vault lock was set with changeableForDays 3"
    )
    assert len(_refusals(_doc(lock), _doc())) == 1


def test_the_diff_calls_it_out_in_text_and_markdown_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changed = copy.deepcopy(ORIGIN_INPUTS)
    changed["vpcOriginEndpointConfig"]["httpsPort"] = 8443
    base, head = tmp_path / "base.json", tmp_path / "head.json"
    base.write_text(json.dumps(_edge(ORIGIN_INPUTS)))
    head.write_text(json.dumps(_edge(changed)))
    assert main([str(base), str(head), "--markdown"]) == 1
    captured = capsys.readouterr()
    assert (
        "> **Changes AWS refuses**" in captured.out
        and "> - `vpc-origin` (`aws:cloudfront/vpcOrigin:VpcOrigin`): CloudFront refuses" in captured.out
    )
    assert captured.err.startswith("refused change: vpc-origin (aws:cloudfront/vpcOrigin:VpcOrigin): CloudFront refuses")
    assert main([str(base), str(head)]) == 1
    assert "REFUSED BY AWS: vpc-origin" in capsys.readouterr().out
    assert main([str(base), str(base)]) == 0


def test_the_diff_decides_replacement_from_the_providers_schema() -> None:
    def association(service_account: str, role: str) -> dict[str, Any]:
        inputs = {"clusterName": "c", "namespace": "kube-system", "serviceAccount": service_account, "roleArn": role}
        return _doc(_record("aws:eks/podIdentityAssociation:PodIdentityAssociation", "pia", inputs))

    old = parse_document(association("karpenter", "arn:aws:iam::1:role/a"))
    renamed = compare(old, parse_document(association("karpenter-controller", "arn:aws:iam::1:role/a")))
    assert [(c.name, c.properties) for c in renamed.replaced] == [("pia", ("serviceAccount",))]
    new_role = compare(old, parse_document(association("karpenter", "arn:aws:iam::1:role/b")))
    assert [(c.name, c.properties) for c in new_role.changed] == [("pia", ("roleArn",))] and new_role.replaced == []
