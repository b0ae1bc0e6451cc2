"""The drift job's refresh can read every Kubernetes object the stack owns; the preview job needs no more than the view policy.

A refresh GETs each object in the state (pulumi-kubernetes `await.Read`), and any answer but a 404
fails it. So every kind the program registers, and every kind its two charts render, must be
readable by `AmazonEKSViewPolicy` or by the refresh-read group's rules, in the namespace where it lives.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from components.app.lb_controller import CHART_VERSION as LB_CHART_VERSION
from components.app.lb_controller import NAMESPACE as LB_NAMESPACE
from components.app.lb_controller import WEBHOOK_TLS_SECRET
from components.cluster.karpenter import CHART_VERSION as KARPENTER_CHART_VERSION
from components.cluster.karpenter import NAMESPACE as KARPENTER_NAMESPACE
from components.cluster.state_readers import CLUSTER_SCOPED_READS, NAMESPACED_READS, VIEW_POLICY_READS
from config.cluster_access import CHART_LOOKUP_GROUP, REFRESH_READ_GROUP
from policy.kubernetes_reads import CHART_LOOKUPS
from preflight.runner import Run

ROOT = Path(__file__).resolve().parent.parent

# What each pinned chart renders with the values the program passes (kind, API group, namespaced):
# read from the templates and crds/ of aws-load-balancer-controller v2.17.1 (chart 1.17.1,
# helm/aws-load-balancer-controller/templates/{deployment,rbac,service,serviceaccount,pdb,webhook}.yaml)
# and karpenter-provider-aws v1.14.1 (charts/karpenter/templates/*.yaml, crds/). Raising a chart
# version means reading them again.
CHART_KINDS: dict[tuple[str, str], list[tuple[str, str, bool]]] = {
    ("aws-load-balancer-controller", "1.17.1"): [
        ("apps", "deployments", True),
        ("rbac.authorization.k8s.io", "clusterroles", False),
        ("rbac.authorization.k8s.io", "clusterrolebindings", False),
        ("rbac.authorization.k8s.io", "roles", True),
        ("rbac.authorization.k8s.io", "rolebindings", True),
        ("", "services", True),
        ("", "serviceaccounts", True),
        ("", "secrets", True),  # the webhook's TLS certificate
        ("policy", "poddisruptionbudgets", True),
        ("admissionregistration.k8s.io", "mutatingwebhookconfigurations", False),
        ("admissionregistration.k8s.io", "validatingwebhookconfigurations", False),
        ("apiextensions.k8s.io", "customresourcedefinitions", False),
    ],
    ("karpenter", "1.14.1"): [
        ("apps", "deployments", True),
        ("rbac.authorization.k8s.io", "clusterroles", False),
        ("rbac.authorization.k8s.io", "clusterrolebindings", False),
        ("rbac.authorization.k8s.io", "roles", True),
        ("rbac.authorization.k8s.io", "rolebindings", True),
        ("", "services", True),
        ("", "serviceaccounts", True),
        ("policy", "poddisruptionbudgets", True),
        ("apiextensions.k8s.io", "customresourcedefinitions", False),
    ],
}
_CLUSTER_SCOPED_KINDS = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "NodePool", "EC2NodeClass"}


def _group_and_plural(type_token: str) -> tuple[str, str]:
    """`kubernetes:core/v1:NetworkPolicy` -> ("", "networkpolicies"), as RBAC names them."""
    _, group_version, kind = type_token.split(":")
    group = group_version.rsplit("/", 1)[0]
    singular = kind.lower()
    plural = singular + "es" if singular.endswith("s") else re.sub(r"y$", "ie", singular) + "s"
    return ("" if group == "core" else group), plural


def _refresh_reads(namespaced: bool) -> set[tuple[str, str]]:
    reads = NAMESPACED_READS if namespaced else CLUSTER_SCOPED_READS
    return {(r.api_group, resource) for r in reads for resource in r.resources}


def _readable(group: str, plural: str, namespaced: bool) -> bool:
    return plural in VIEW_POLICY_READS.get(group, frozenset()) or (group, plural) in _refresh_reads(namespaced)


def _owned_objects(run: Run) -> list[Any]:
    """The Kubernetes objects the program itself registers (charts and patches are not objects of their own)."""
    return [
        r
        for r in run.resources
        if r.type.startswith("kubernetes:") and r.custom and "helm.sh" not in r.type and not r.type.endswith("Patch")
    ]


def test_the_refresh_can_read_every_object_the_program_registers(each_stack: Run) -> None:
    objects = _owned_objects(each_stack)
    assert objects
    for resource in objects:
        kind = resource.type.rsplit(":", 1)[1]
        group, plural = _group_and_plural(resource.type)
        assert _readable(group, plural, kind not in _CLUSTER_SCOPED_KINDS), f"{resource.name}: {group}/{plural} is not readable"


def test_the_refresh_can_read_every_kind_the_charts_render() -> None:
    assert ("aws-load-balancer-controller", LB_CHART_VERSION) in CHART_KINDS, "the LB controller chart moved: re-read its templates"
    assert ("karpenter", KARPENTER_CHART_VERSION) in CHART_KINDS, "the Karpenter chart moved: re-read its templates"
    for (chart, _), kinds in CHART_KINDS.items():
        for group, plural, namespaced in kinds:
            assert _readable(group, plural, namespaced), f"{chart}: {group}/{plural} is not readable"


def _entry_groups(run: Run, role: str) -> set[str]:
    """The Kubernetes groups of a CI role's access entry (the role named by the stack's `ci` section)."""
    arn = json.loads(run.stack_file.config["email-platform:ci"])[role]
    (entry,) = [e for e in run.of_type("aws:eks/accessEntry:AccessEntry") if e.inputs["principalArn"] == arn]
    return set(entry.inputs.get("kubernetesGroups") or [])


def _bound_to(run: Run, groups: set[str]) -> list[Any]:
    bindings = [
        *run.of_type("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"),
        *run.of_type("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"),
    ]
    return [b for b in bindings if {s["name"] for s in b.inputs["subjects"]} & groups]


def test_the_reads_beyond_the_view_policy_are_get_only_for_the_drift_roles_group(each_stack: Run) -> None:
    roles = {r.urn: r for r in each_stack.of_type("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole")}
    assert len(roles) == 2
    for role in roles.values():
        assert {verb for rule in role.inputs["rules"] for verb in rule["verbs"]} == {"get"}
    granted = {(g, res) for role in roles.values() for rule in role.inputs["rules"] for g in rule["apiGroups"] for res in rule["resources"]}
    assert granted == _refresh_reads(True) | _refresh_reads(False)
    drift_groups = _entry_groups(each_stack, "driftRole")
    assert drift_groups == {REFRESH_READ_GROUP}
    cluster_role_bindings = [b for b in _bound_to(each_stack, drift_groups) if b.inputs["roleRef"]["kind"] == "ClusterRole"]
    assert {b.inputs["roleRef"]["name"] for b in cluster_role_bindings} == {r.outputs["metadata"]["name"] for r in roles.values()}
    bindings = _bound_to(each_stack, drift_groups)
    assert all(s["kind"] == "Group" and s["name"] in drift_groups for b in bindings for s in b.inputs["subjects"])


def test_the_preview_role_may_get_exactly_the_secret_the_lb_controller_chart_looks_up(each_stack: Run) -> None:
    """Pulumi renders the chart with Helm's lookups live, as the preview role; the chart reads its webhook's
    TLS Secret back (templates/_helpers.tpl, `webhookCerts`), and a refused lookup fails the preview."""
    groups = _entry_groups(each_stack, "previewRole")
    assert groups == {CHART_LOOKUP_GROUP}
    (binding,) = _bound_to(each_stack, groups)
    assert binding.inputs["roleRef"]["kind"] == "Role"
    (role,) = [r for r in each_stack.of_type("kubernetes:rbac.authorization.k8s.io/v1:Role") if r.urn in binding.dependencies]
    assert binding.inputs["metadata"]["namespace"] == role.inputs["metadata"]["namespace"] == LB_NAMESPACE
    assert role.inputs["rules"] == [{"apiGroups": [""], "resources": ["secrets"], "resourceNames": [WEBHOOK_TLS_SECRET], "verbs": ["get"]}]
    # The same Secret the actors check derives from the chart in the plan (policy/kubernetes_reads.py).
    (chart,) = [c for c in each_stack.of_type("kubernetes:helm.sh/v4:Chart") if c.inputs["chart"] == "aws-load-balancer-controller"]
    assert CHART_LOOKUPS["aws-load-balancer-controller"](chart.inputs["values"]) == [("", "secrets", WEBHOOK_TLS_SECRET)]


def test_secrets_and_other_namespaced_reads_are_granted_only_where_the_stack_keeps_objects(each_stack: Run) -> None:
    (cluster_binding,) = each_stack.of_type("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")
    cluster_role = next(
        r
        for r in each_stack.of_type("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole")
        if r.outputs["metadata"]["name"] == cluster_binding.inputs["roleRef"]["name"]
    )
    assert ("", "secrets") not in {
        (g, res) for rule in cluster_role.inputs["rules"] for g in rule["apiGroups"] for res in rule["resources"]
    }
    bound = {b.inputs["metadata"]["namespace"] for b in each_stack.of_type("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")}
    where = {r.inputs["metadata"]["namespace"] for r in _owned_objects(each_stack) if (r.inputs.get("metadata") or {}).get("namespace")}
    assert bound == where | {LB_NAMESPACE, KARPENTER_NAMESPACE}


def test_the_preview_does_not_refresh_and_the_drift_job_does() -> None:
    """The preview role's grant (the view policy alone) holds only while pull requests preview without refreshing."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pull-request.yml").read_text())
    (preview,) = [s for s in workflow["jobs"]["preview"]["steps"] if "pulumi/actions" in s.get("uses", "")]
    assert preview["with"]["command"] == "preview" and "refresh" not in preview["with"]
    assert "pulumi refresh --preview-only" in (ROOT / ".github" / "scripts" / "drift.sh").read_text()
