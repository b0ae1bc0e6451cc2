"""EKS managed add-ons: every one at the version EKS publishes for the configured Kubernetes version."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from config_edits import set_key

from components.cluster.addons import ADDONS
from preflight.mocks.eks_day_two import addon_version
from preflight.runner import Run

EXPECTED = {"vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent", "metrics-server"}


def _cluster_addons(run: Run) -> list[Any]:
    """The cluster's own add-ons (other components, e.g. container insights, add theirs)."""
    return [a for a in run.of_type("aws:eks/addon:Addon") if a.name.startswith("cluster-")]


def _versions(run: Run) -> dict[str, str]:
    return {a.inputs["addonName"]: a.inputs["addonVersion"] for a in _cluster_addons(run)}


def test_every_addon_is_managed_at_the_version_for_the_clusters_kubernetes(each_stack: Run) -> None:
    (cluster,) = each_stack.of_type("aws:eks/cluster:Cluster")
    versions = _versions(each_stack)
    assert set(versions) == EXPECTED == {spec.name for spec in ADDONS}
    for name, version in versions.items():
        assert version == addon_version(name, cluster.inputs["version"])
    for addon in _cluster_addons(each_stack):
        assert addon.inputs["resolveConflictsOnUpdate"] == "OVERWRITE"


def test_addons_whose_pods_need_nodes_wait_for_them(production: Run) -> None:
    (nodes,) = production.of_type("aws:eks/nodeGroup:NodeGroup")
    waiting = {a.inputs["addonName"] for a in _cluster_addons(production) if nodes.urn in a.dependencies}
    assert waiting == {"coredns", "metrics-server"}


def test_raising_the_kubernetes_version_moves_the_addons(production: Run, run_stack_with: Any) -> None:
    newer = run_stack_with("production", set_key("cluster.version", "1.35"))
    before, after = _versions(production), _versions(newer)
    assert before["kube-proxy"].startswith("v1.34.") and after["kube-proxy"].startswith("v1.35.")
    assert before["coredns"] != after["coredns"]
    (cluster,) = newer.of_type("aws:eks/cluster:Cluster")
    assert cluster.inputs["version"] == "1.35"
    # The system node group follows the control plane instead of staying on the version it was created with.
    assert [group.inputs["version"] for group in newer.of_type("aws:eks/nodeGroup:NodeGroup")] == ["1.35"]
    assert [group.inputs["version"] for group in production.of_type("aws:eks/nodeGroup:NodeGroup")] == ["1.34"]


def test_the_upgrade_policy_defaults_to_standard_support(each_stack: Run) -> None:
    (cluster,) = each_stack.of_type("aws:eks/cluster:Cluster")
    assert cluster.inputs["upgradePolicy"] == {"supportType": "STANDARD"}
    model = botocore.session.get_session().get_service_model("eks")
    assert set(model.shape_for("SupportType").enum) == {"STANDARD", "EXTENDED"}


def test_an_addon_eks_does_not_publish_is_an_error_as_from_the_api() -> None:
    with pytest.raises(ValueError, match="ResourceNotFoundException"):
        addon_version("cluster-autoscaler", "1.34")
    with pytest.raises(ValueError, match="not supported"):
        addon_version("coredns", "1.20")
