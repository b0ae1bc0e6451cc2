"""The actors table (policy/actors.py): Pod Identity, each service account's role and its trust; the same
check under CrossGuard.

Small plans are built in the test (graph_plans.Plan, graph_plans.controller_stack).
"""

from __future__ import annotations

import copy
import json

from graph_plans import GRANTS, POD_IDENTITY_TRUST, allow, controller_stack, findings, policy_doc
from pulumi_policy import PolicyCustomTimeouts, PolicyResource, PolicyResourceOptions, StackValidationArgs, StackValidationPolicy
from pulumi_policy.proxy import unknown_checking_proxy

from policy.registry import ALL_POLICIES

# ── Pod Identity ──


def test_a_controller_chart_with_its_association_has_its_grant() -> None:
    assert findings(controller_stack().document(), GRANTS) == []


def test_a_chart_whose_service_account_no_association_names_is_found_both_ways() -> None:
    plan = controller_stack()
    plan.records["lbc-chart"]["inputs"]["values"]["serviceAccount"]["name"] = "lbc"
    assert findings(plan.document(), GRANTS) == [
        "lbc-chart: runs as kube-system/lbc, which no Pod Identity association gives a role: its AWS calls fail",
        "lbc-identity: gives a role to kube-system/aws-load-balancer-controller, which no chart, add-on or workload of the stack runs under",
    ]


def test_a_bare_pod_is_a_user_of_its_service_accounts_association() -> None:
    """A bare Pod (a kind with a pod template, policy/resource_types.py) runs under its service account."""
    plan = controller_stack()
    del plan.records["lbc-chart"]
    unused = (
        "lbc-identity: gives a role to kube-system/aws-load-balancer-controller, which no chart, add-on or workload of the stack runs under"
    )
    assert findings(plan.document(), GRANTS) == [unused]
    spec = {"serviceAccountName": "aws-load-balancer-controller"}
    plan.add("kubernetes:core/v1:Pod", "pod", {"metadata": {"namespace": "kube-system", "name": "p"}, "spec": spec}, waits=["lbc-identity"])
    assert findings(plan.document(), GRANTS) == []


def test_a_pod_identity_role_that_does_not_trust_pods_eks_is_found() -> None:
    plan = controller_stack()
    plan.records["lbc-role"]["inputs"]["assumeRolePolicy"] = policy_doc(allow({"Service": "pods.eks.amazonaws.com"}, "sts:AssumeRole"))
    assert findings(plan.document(), GRANTS) == [
        "lbc-role: is handed out by a Pod Identity association but does not trust pods.eks.amazonaws.com (sts:AssumeRole, sts:TagSession)"
    ]


def test_an_addon_hands_out_its_role_through_its_own_pod_identity_associations() -> None:
    """eks.Addon's `podIdentityAssociations` (EKS CreateAddon): no standalone association is needed."""
    plan = controller_stack()
    plan.add("aws:iam/role:Role", "agent-role", {"assumeRolePolicy": POD_IDENTITY_TRUST})
    association = {"serviceAccount": "cloudwatch-agent", "roleArn": "arn:aws:iam::1:role/agent-role-0c1d2e3"}
    addon = {"addonName": "amazon-cloudwatch-observability", "clusterName": "c", "podIdentityAssociations": [association]}
    plan.add("aws:eks/addon:Addon", "insights", addon, waits=["agent", "agent-role"])
    assert findings(plan.document(), GRANTS) == []
    plan.records["insights"]["inputs"]["podIdentityAssociations"] = []
    assert findings(plan.document(), GRANTS) == [
        "agent-role: trusts Pod Identity, but no association (standalone or an add-on's) hands it to a service account",
        "insights: runs as amazon-cloudwatch/cloudwatch-agent, which no Pod Identity association gives a role: its AWS calls fail",
    ]


def test_an_addons_role_must_trust_pod_identity_too() -> None:
    plan = controller_stack()
    plan.add("aws:iam/role:Role", "agent-role", {"assumeRolePolicy": policy_doc(allow({"Service": "ec2.amazonaws.com"}, "sts:AssumeRole"))})
    association = {"serviceAccount": "cloudwatch-agent", "roleArn": "arn:aws:iam::1:role/agent-role-0c1d2e3"}
    addon = {"addonName": "amazon-cloudwatch-observability", "clusterName": "c", "podIdentityAssociations": [association]}
    plan.add("aws:eks/addon:Addon", "insights", addon, waits=["agent", "agent-role"])
    assert findings(plan.document(), GRANTS) == [
        "agent-role: is handed out by insights's podIdentityAssociations but does not trust pods.eks.amazonaws.com "
        "(sts:AssumeRole, sts:TagSession)"
    ]


def test_controllers_need_the_pod_identity_agent() -> None:
    plan = controller_stack()
    del plan.records["agent"]
    for record in plan.records.values():
        record["dependencies"] = [u for u in record["dependencies"] if not u.endswith("::agent")]
    assert findings(plan.document(), GRANTS) == ["lbc-chart: uses Pod Identity, but the stack installs no eks-pod-identity-agent add-on"]


# ── the same check under CrossGuard, with the engine's arguments ──


def test_the_crossguard_policy_sees_dependencies_and_reports_the_missing_grant() -> None:
    (policy,) = [p for p in ALL_POLICIES if p.name == GRANTS]
    assert isinstance(policy, StackValidationPolicy)
    plan = controller_stack()
    plan.records["lbc-chart"]["inputs"]["values"]["serviceAccount"]["name"] = "lbc"
    opts = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
    engine: dict[str, PolicyResource] = {}
    for record in plan.records.values():  # in registration order: dependencies first
        deps = [engine[u] for u in record["dependencies"]]
        props = unknown_checking_proxy(copy.deepcopy(record["inputs"]))
        engine[record["urn"]] = PolicyResource(record["type"], props, record["urn"], record["name"], opts, None, None, deps, {})
    reported: list[tuple[str, str | None]] = []
    policy.validate(StackValidationArgs(list(engine.values()), {}), lambda message, urn=None: reported.append((message, urn)))
    assert [(m.split(",")[0], (u or "").rsplit("::", 1)[-1]) for m, u in reported] == [
        ("runs as kube-system/lbc", "lbc-chart"),
        ("gives a role to kube-system/aws-load-balancer-controller", "lbc-identity"),
    ]


def test_pod_identity_trust_fixture_is_what_eks_documents() -> None:
    assert json.loads(POD_IDENTITY_TRUST)["Statement"][0]["Action"] == ["sts:AssumeRole", "sts:TagSession"]
