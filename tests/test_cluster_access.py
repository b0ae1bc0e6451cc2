"""Who reaches the Kubernetes API on day two: access entries from config, not the cluster's creator."""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest
from config_edits import set_key

from config.cluster_access import ACCESS_POLICIES, ACCESS_POLICY_ARN_PREFIX, AccessGrant, deploy_role, parse_access
from config.reader import ConfigError
from preflight.runner import Run

DEPLOY = "arn:aws:iam::123456789012:role/email-platform-deploy"
ONCALL = "arn:aws:iam::123456789012:role/email-platform-oncall"


def test_the_creator_gets_no_admin_and_access_is_by_entries_only(each_stack: Run) -> None:
    (cluster,) = each_stack.of_type("aws:eks/cluster:Cluster")
    assert cluster.inputs["accessConfig"] == {"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": False}
    # The flag forces a new cluster when it changes: an existing cluster keeps its creator entry.
    assert cluster.ignore_changes == ["accessConfig.bootstrapClusterCreatorAdminPermissions"]


def test_every_configured_role_has_an_entry_and_its_policy(production: Run) -> None:
    entries = {e.inputs["principalArn"]: e for e in production.of_type("aws:eks/accessEntry:AccessEntry") if e.inputs["type"] == "STANDARD"}
    assert set(entries) == {DEPLOY, ONCALL}
    associations = {a.inputs["principalArn"]: a for a in production.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")}
    assert associations[DEPLOY].inputs["policyArn"] == ACCESS_POLICY_ARN_PREFIX + "AmazonEKSClusterAdminPolicy"
    assert associations[DEPLOY].inputs["accessScope"] == {"type": "cluster"}
    assert associations[ONCALL].inputs["policyArn"].endswith("/AmazonEKSViewPolicy")
    (cluster,) = production.of_type("aws:eks/cluster:Cluster")
    assert all(e.inputs["clusterName"] == cluster.outputs["name"] for e in entries.values())


def test_the_kubernetes_provider_deploys_as_the_admin_role_after_its_entry_exists(production: Run) -> None:
    from components.cluster.component import _kubeconfig

    (provider,) = production.of_type("pulumi:providers:kubernetes")
    deploy_entry = next(e for e in production.of_type("aws:eks/accessEntry:AccessEntry") if e.inputs["principalArn"] == DEPLOY)
    deploy_policy = next(
        a for a in production.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation") if a.inputs["principalArn"] == DEPLOY
    )
    assert {deploy_entry.urn, deploy_policy.urn} <= set(provider.dependencies)
    config = json.loads(_kubeconfig("c", "https://x.eks.amazonaws.com", "Q0E=", "us-east-1", DEPLOY))
    args = config["users"][0]["user"]["exec"]["args"]
    assert args[args.index("--role-arn") + 1] == DEPLOY
    # The exported kubeconfig is for people, who authenticate as themselves.
    assert "--role-arn" not in json.loads(_kubeconfig("c", "https://x", "Q0E=", "us-east-1"))["users"][0]["user"]["exec"]["args"]


def test_namespace_scoped_access_and_the_deploy_role_is_the_first_admin() -> None:
    grants = parse_access(
        "cluster.access",
        {ONCALL: "AmazonEKSEditPolicy:email-platform,tools", DEPLOY: "AmazonEKSClusterAdminPolicy"},
    )
    assert grants[0] == AccessGrant(ONCALL, "AmazonEKSEditPolicy", ("email-platform", "tools"))
    assert deploy_role(grants) == DEPLOY


@pytest.mark.parametrize(
    ("entries", "needle"),
    [
        ({DEPLOY: "AmazonEKSViewPolicy"}, "needs at least one role with AmazonEKSClusterAdminPolicy"),
        ({DEPLOY: "AmazonEKSClusterAdminPolicy:email-platform"}, "cluster-wide"),
        ({DEPLOY: "AmazonEKSClusterAdminPolicy", ONCALL: "AmazonEKSEditPolicy:Not_A_Namespace"}, "not a Kubernetes namespace"),
        ({"arn:aws:iam::123456789012:user/alice": "AmazonEKSClusterAdminPolicy"}, "IAM role ARN"),
    ],
)
def test_bad_access_entries_are_refused(entries: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        parse_access("cluster.access", entries)


def test_the_access_policies_offered_are_ones_eks_knows() -> None:
    """EKS's own list (botocore's example values are not an enum): the names follow its pattern."""
    model = botocore.session.get_session().get_service_model("eks")
    assert "AssociateAccessPolicy" in model.operation_names
    assert "accessScope" in model.operation_model("AssociateAccessPolicy").input_shape.members
    scope_types = model.shape_for("AccessScopeType").enum
    assert set(scope_types) == {"cluster", "namespace"}
    assert all(p.startswith("AmazonEKS") and p.endswith("Policy") for p in ACCESS_POLICIES)


def test_the_deploy_steps_name_the_access_roles() -> None:
    from pathlib import Path

    steps = (Path(__file__).resolve().parent.parent / "docs" / "deploying.md").read_text()
    assert "cluster.access" in steps and "--role-arn" in steps


def test_an_existing_cluster_refuses_access_entries(load_config_with: Any) -> None:
    def existing(config: dict[str, Any]) -> None:
        cluster = config["email-platform:cluster"]
        cluster["mode"] = "existing"
        del cluster["nodeGroup"], cluster["nodePool"]
        cluster["existing"] = {"name": "shared", "securityGroupId": "sg-0123456789abcdef0"}

    with pytest.raises(ConfigError, match=r"cluster.access = .*only with mode: create"):
        load_config_with("production", existing)
    with pytest.raises(ConfigError, match="unknown key"):
        load_config_with("production", set_key("cluster.accesss", {}))
