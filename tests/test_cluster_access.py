"""Who reaches the Kubernetes API on day two: access entries from config (cluster.access and the CI
roles), not the cluster's creator; each identity as itself, with what its job needs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from cluster_build import ADMIN, DEPLOY, DRIFT, PREVIEW, build_cluster, ci_settings, cluster_config, cluster_settings
from config_edits import set_key
from config_stacks import edited, refused

from config.cluster_access import (
    ACCESS_POLICIES,
    ACCESS_POLICY_ARN_PREFIX,
    CHART_LOOKUP_GROUP,
    CLUSTER_ADMIN,
    REFRESH_READ_GROUP,
    VIEW,
    AccessGrant,
    parse_access,
    parse_cluster_access,
)
from config.reader import ConfigError
from preflight.recorder import RecordingMonitor
from preflight.runner import Run

ONCALL = "arn:aws:iam::111122223333:role/oncall"
CI_ROLES = {"deployRole": DEPLOY, "previewRole": PREVIEW, "driftRole": DRIFT}
ENTRY = "aws:eks/accessEntry:AccessEntry"
ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"


def _access(access: dict[str, str], ci: dict[str, str] | None = None, kubernetes_role: str | None = None) -> Any:
    return parse_cluster_access(
        "cluster.access", access, kubernetes_role, "cluster.kubernetesRole", ci_settings(ci or {}), "email-platform:ci"
    )


def _policies(built: Any) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for association in built.of_type(ASSOCIATION):
        found.setdefault(association.inputs["principalArn"], set()).add(association.inputs["policyArn"].rsplit("/", 1)[1])
    return found


def test_the_creator_gets_no_admin_and_access_is_by_entries_only(each_stack: Run) -> None:
    (cluster,) = each_stack.of_type("aws:eks/cluster:Cluster")
    assert cluster.inputs["accessConfig"] == {"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": False}
    # The flag forces a new cluster when it changes: an existing cluster keeps its creator entry.
    assert cluster.ignore_changes == ["accessConfig.bootstrapClusterCreatorAdminPermissions"]


def test_each_ci_role_gets_the_access_its_job_needs(pulumi_mocks: RecordingMonitor) -> None:
    """Deploy: cluster admin. Preview: the view policy and the chart-lookup group. Drift: the view policy and the
    refresh-read group."""
    built = build_cluster(pulumi_mocks, cluster_settings(cluster_config(access={ONCALL: VIEW}), CI_ROLES))
    entries = {e.inputs["principalArn"]: e for e in built.of_type(ENTRY) if e.inputs["type"] == "STANDARD"}
    assert set(entries) == {ONCALL, *CI_ROLES.values()}
    assert _policies(built) == {ONCALL: {VIEW}, DEPLOY: {CLUSTER_ADMIN}, PREVIEW: {VIEW}, DRIFT: {VIEW}}
    groups = {arn: entry.inputs.get("kubernetesGroups") for arn, entry in entries.items()}
    assert groups == {ONCALL: None, DEPLOY: None, PREVIEW: [CHART_LOOKUP_GROUP], DRIFT: [REFRESH_READ_GROUP]}
    assert all(a.inputs["accessScope"] == {"type": "cluster"} for a in built.of_type(ASSOCIATION))


def test_the_kubernetes_provider_authenticates_as_the_caller_after_every_entry_exists(pulumi_mocks: RecordingMonitor) -> None:
    seen: dict[str, Any] = {}

    def check(cluster: Any) -> Any:
        return cluster.provider_kubeconfig.apply(lambda text: seen.update(json.loads(text)))

    built = build_cluster(pulumi_mocks, cluster_settings(cluster_config(), CI_ROLES), check=check)
    args = seen["users"][0]["user"]["exec"]["args"]
    assert args[:2] == ["eks", "get-token"] and "--role-arn" not in args, "each job and person deploys as itself"
    (provider,) = built.of_type("pulumi:providers:kubernetes")
    grants = {r.urn for r in built.resources if r.type in (ENTRY, ASSOCIATION) and r.inputs.get("type", "STANDARD") == "STANDARD"}
    assert grants and grants <= set(built.dependencies[provider.urn])


def test_a_configured_kubernetes_role_is_assumed(pulumi_mocks: RecordingMonitor) -> None:
    seen: dict[str, Any] = {}

    def check(cluster: Any) -> Any:
        return cluster.provider_kubeconfig.apply(lambda text: seen.update(json.loads(text)))

    build_cluster(pulumi_mocks, cluster_settings(cluster_config(kubernetesRole=ADMIN)), check=check)
    args = seen["users"][0]["user"]["exec"]["args"]
    assert args[args.index("--role-arn") + 1] == ADMIN


def test_a_ci_role_listed_in_cluster_access_keeps_one_entry() -> None:
    access = _access({DEPLOY: CLUSTER_ADMIN, DRIFT: "AmazonEKSEditPolicy"}, CI_ROLES)
    by_role = {e.role_arn: e for e in access.entries}
    assert list(by_role) == [DEPLOY, DRIFT, PREVIEW]  # cluster.access as written, then the CI roles it lacks
    assert [g.policy for g in by_role[DEPLOY].grants] == [CLUSTER_ADMIN]
    # Every access policy includes the view policy's reads; the drift role still gets its group.
    assert [g.policy for g in by_role[DRIFT].grants] == ["AmazonEKSEditPolicy"]
    assert by_role[DRIFT].kubernetes_groups == (REFRESH_READ_GROUP,)
    assert access.refresh_group == REFRESH_READ_GROUP


def test_one_role_for_preview_and_drift_is_one_entry() -> None:
    access = _access({ADMIN: CLUSTER_ADMIN}, {"previewRole": PREVIEW, "driftRole": PREVIEW})
    (entry,) = [e for e in access.entries if e.role_arn == PREVIEW]
    assert [g.policy for g in entry.grants] == [VIEW]
    assert set(entry.kubernetes_groups) == {REFRESH_READ_GROUP, CHART_LOOKUP_GROUP}


def test_without_a_drift_role_there_is_no_refresh_group() -> None:
    assert _access({ADMIN: CLUSTER_ADMIN}, {"previewRole": PREVIEW}).refresh_group is None


def test_without_a_preview_role_there_is_no_chart_lookup_group() -> None:
    assert _access({ADMIN: CLUSTER_ADMIN}, {"driftRole": DRIFT}).chart_lookup_group is None
    assert _access({ADMIN: CLUSTER_ADMIN}, {"previewRole": PREVIEW}).chart_lookup_group == CHART_LOOKUP_GROUP


@pytest.mark.parametrize(
    ("access", "ci", "role", "key", "needle"),
    [
        ({ONCALL: VIEW}, {}, None, "cluster.access", "here or in email-platform:ci.deployRole"),
        ({DEPLOY: VIEW}, {"deployRole": DEPLOY}, None, f"cluster.access.{DEPLOY}", "runs `pulumi up`"),
        ({ADMIN: CLUSTER_ADMIN, PREVIEW: f"{VIEW}:email-platform"}, {"previewRole": PREVIEW}, None, f"cluster.access.{PREVIEW}", "whole"),
        ({ADMIN: CLUSTER_ADMIN, ONCALL: VIEW}, {}, ONCALL, "cluster.kubernetesRole", CLUSTER_ADMIN),
        ({ADMIN: CLUSTER_ADMIN}, {"driftRole": DRIFT}, ADMIN, "cluster.kubernetesRole", "read-only preview and drift jobs"),
    ],
)
def test_access_that_would_lock_a_job_out_is_refused(
    access: dict[str, str], ci: dict[str, str], role: str | None, key: str, needle: str
) -> None:
    with pytest.raises(ConfigError, match=needle) as raised:
        _access(access, ci, role)
    assert raised.value.key == key


def test_the_deploy_role_alone_is_enough_admin() -> None:
    access = _access({}, {"deployRole": DEPLOY})
    assert [e.role_arn for e in access.entries if e.is_cluster_admin] == [DEPLOY]


def test_namespace_scoped_access() -> None:
    grants = parse_access("cluster.access", {ONCALL: "AmazonEKSEditPolicy:email-platform,tools", DEPLOY: CLUSTER_ADMIN})
    assert grants[0] == AccessGrant(ONCALL, "AmazonEKSEditPolicy", ("email-platform", "tools"))


@pytest.mark.parametrize(
    ("entries", "needle"),
    [
        ({DEPLOY: "AmazonEKSClusterAdminPolicy:email-platform"}, "cluster-wide"),
        ({DEPLOY: CLUSTER_ADMIN, ONCALL: "AmazonEKSEditPolicy:Not_A_Namespace"}, "not a Kubernetes namespace"),
        ({"arn:aws:iam::123456789012:user/alice": CLUSTER_ADMIN}, "IAM role ARN"),
    ],
)
def test_bad_access_entries_are_refused(entries: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        parse_access("cluster.access", entries)


def test_a_bad_ci_role_arn_is_one_line() -> None:
    with pytest.raises(ConfigError, match="must be an IAM role ARN") as raised:
        ci_settings({"driftRole": "arn:aws:iam::111122223333:user/drift"})
    assert raised.value.key == "email-platform:ci.driftRole"
    with pytest.raises(ConfigError, match="unknown key; did you mean 'deployRole'"):
        ci_settings({"deployRol": DEPLOY})


def test_the_access_policies_offered_are_ones_eks_knows() -> None:
    """EKS's own list (botocore's example values are not an enum): the names follow its pattern."""
    model = botocore.session.get_session().get_service_model("eks")
    assert "AssociateAccessPolicy" in model.operation_names
    assert "accessScope" in model.operation_model("AssociateAccessPolicy").input_shape.members
    assert "kubernetesGroups" in model.operation_model("CreateAccessEntry").input_shape.members
    scope_types = model.shape_for("AccessScopeType").enum
    assert set(scope_types) == {"cluster", "namespace"}
    assert all(p.startswith("AmazonEKS") and p.endswith("Policy") for p in ACCESS_POLICIES)
    assert ACCESS_POLICY_ARN_PREFIX == "arn:aws:eks::aws:cluster-access-policy/"


def test_the_committed_stacks_give_their_ci_roles_entries(each_stack: Run) -> None:
    """Whatever roles a stack's `ci` section names, the plan holds their entries and policies."""
    roles = json.loads(each_stack.stack_file.config["email-platform:ci"])  # objects reach the program as JSON
    entries = {e.inputs["principalArn"]: e for e in each_stack.of_type(ENTRY) if e.inputs["type"] == "STANDARD"}
    policies = {a.inputs["principalArn"]: a.inputs["policyArn"].rsplit("/", 1)[1] for a in each_stack.of_type(ASSOCIATION)}
    assert policies[roles["deployRole"]] == CLUSTER_ADMIN
    assert policies[roles["previewRole"]] == policies[roles["driftRole"]] == VIEW
    assert entries[roles["driftRole"]].inputs["kubernetesGroups"] == [REFRESH_READ_GROUP]


def test_an_existing_cluster_refuses_access_entries_and_a_kubernetes_role(tmp_path: Path) -> None:
    def existing(config: dict[str, Any]) -> None:
        cluster = config["email-platform:cluster"]
        cluster["mode"] = "existing"
        del cluster["nodeGroup"], cluster["nodePool"]
        cluster["existing"] = {"name": "shared", "securityGroupId": "sg-0123456789abcdef0"}

    assert re.search(r"cluster.access = .*only with mode: create", refused(edited("production", existing), tmp_path))

    def existing_with_role(config: dict[str, Any]) -> None:
        existing(config)
        del config["email-platform:cluster"]["access"]
        config["email-platform:cluster"]["kubernetesRole"] = ADMIN

    assert re.search(r"cluster.kubernetesRole = .*only with mode: create", refused(edited("production", existing_with_role), tmp_path))
    assert "unknown key" in refused(edited("production", set_key("cluster.accesss", {})), tmp_path)
