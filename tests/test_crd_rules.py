"""The custom resources the plan declares, checked against what their CRDs accept at the pinned versions.

The facts below are written out by hand from the CRDs (fields, enums, bounds and the CEL rules
as Python), each table naming its source and version; no CRD file is copied into the repository.
Raising a chart version means re-reading these sources and updating the tables.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest

from components.app.lb_controller import CHART_VERSION as LB_CHART_VERSION
from components.cluster.karpenter import CHART_VERSION as KARPENTER_CHART_VERSION
from preflight.runner import Run

Rule = tuple[str, Callable[[dict[str, Any]], bool]]

# github.com/aws/karpenter-provider-aws, tag v1.14.1, pkg/apis/crds/karpenter.sh_nodepools.yaml (v1, served, storage)
NODE_POOL_SOURCE = ("karpenter-provider-aws", "1.14.1", "pkg/apis/crds/karpenter.sh_nodepools.yaml")
NODE_POOL_SPEC_FIELDS = {"disruption", "limits", "replicas", "template", "weight"}
NODE_POOL_TEMPLATE_SPEC_FIELDS = {"expireAfter", "nodeClassRef", "requirements", "startupTaints", "taints", "terminationGracePeriod"}
REQUIREMENT_OPERATORS = {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte"}
CONSOLIDATION_POLICIES = {"WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"}
DURATION = re.compile(r"^(([0-9]+(s|m|h))+|Never)$")  # expireAfter, consolidateAfter
BUDGET_NODES = re.compile(r"^((100|[0-9]{1,2})%|[0-9]+)$")
KARPENTER_SH_LABELS_ALLOWED = {"karpenter.sh/capacity-type", "karpenter.sh/nodepool"}
# The karpenter.k8s.aws labels a requirement may use (the CRD's list, those this program uses among them).
KARPENTER_AWS_LABELS_USED = {
    "karpenter.k8s.aws/instance-cpu",
    "karpenter.k8s.aws/instance-memory",
    "karpenter.k8s.aws/instance-category",
    "karpenter.k8s.aws/instance-generation",
}


def _requirements_rules(requirements: list[dict[str, Any]]) -> list[Rule]:
    return [
        ("In needs values", lambda _: all(len(r["values"]) != 0 for r in requirements if r["operator"] == "In")),
        (
            "Gt/Lt/Gte/Lte take exactly one non-negative integer",
            lambda _: all(
                len(r["values"]) == 1 and r["values"][0].isdigit() for r in requirements if r["operator"] in ("Gt", "Lt", "Gte", "Lte")
            ),
        ),
        ("operators are the CRD's", lambda _: all(r["operator"] in REQUIREMENT_OPERATORS for r in requirements)),
        (
            "no karpenter.sh/nodepool or kubernetes.io/hostname",
            lambda _: not {r["key"] for r in requirements} & {"karpenter.sh/nodepool", "kubernetes.io/hostname"},
        ),
        (
            "karpenter.sh labels restricted",
            lambda _: all(r["key"] in KARPENTER_SH_LABELS_ALLOWED for r in requirements if r["key"].split("/")[0].endswith("karpenter.sh")),
        ),
        (
            "karpenter.k8s.aws labels are known ones",
            lambda _: all(
                r["key"] in KARPENTER_AWS_LABELS_USED for r in requirements if r["key"].split("/")[0].endswith("karpenter.k8s.aws")
            ),
        ),
        ("at most 100 requirements", lambda _: len(requirements) <= 100),
    ]


def node_pool_violations(spec: dict[str, Any]) -> list[str]:
    template = spec["template"]["spec"]
    disruption = spec.get("disruption", {})
    rules: list[Rule] = [
        ("spec fields", lambda s: set(s) <= NODE_POOL_SPEC_FIELDS),
        ("template required", lambda s: "template" in s),
        ("template.spec fields", lambda _: set(template) <= NODE_POOL_TEMPLATE_SPEC_FIELDS),
        ("template.spec requires nodeClassRef and requirements", lambda _: {"nodeClassRef", "requirements"} <= set(template)),
        ("nodeClassRef group/kind/name non-empty", lambda _: all(template["nodeClassRef"].get(k) for k in ("group", "kind", "name"))),
        ("expireAfter is a duration", lambda _: DURATION.match(template.get("expireAfter", "Never")) is not None),
        ("consolidationPolicy enum", lambda _: disruption.get("consolidationPolicy", "WhenEmptyOrUnderutilized") in CONSOLIDATION_POLICIES),
        ("consolidateAfter required and a duration", lambda _: DURATION.match(disruption.get("consolidateAfter", "")) is not None),
        ("budget nodes", lambda _: all(BUDGET_NODES.match(b["nodes"]) for b in disruption.get("budgets", []))),
        ("budgets at most 50", lambda _: len(disruption.get("budgets", [])) <= 50),
        ("static pools limit only nodes", lambda s: "replicas" not in s or set(s.get("limits", {})) <= {"nodes"}),
        ("weight 1..100", lambda s: "weight" not in s or 1 <= s["weight"] <= 100),
        *_requirements_rules(template["requirements"]),
    ]
    return [name for name, holds in rules if not holds(spec)]


# github.com/aws/karpenter-provider-aws, tag v1.14.1, pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml (v1)
NODE_CLASS_SOURCE = ("karpenter-provider-aws", "1.14.1", "pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml")
NODE_CLASS_SPEC_FIELDS = {
    "amiFamily", "amiSelectorTerms", "associatePublicIPAddress", "blockDeviceMappings", "capacityReservationSelectorTerms",
    "connectionTracking", "context", "cpuOptions", "detailedMonitoring", "instanceProfile", "instanceStorePolicy", "ipPrefixCount",
    "kubelet", "metadataOptions", "networkInterfaces", "placementGroupSelector", "role", "securityGroupSelectorTerms",
    "subnetSelectorTerms", "tags", "userData",
}  # fmt: skip
AMI_ALIAS_FAMILIES = {"al2", "al2023", "bottlerocket", "windows2019", "windows2022", "windows2025"}
VOLUME_TYPES = {"standard", "io1", "io2", "gp2", "sc1", "st1", "gp3"}
VOLUME_SIZE = re.compile(
    r"^((?:[1-9][0-9]{0,3}|[1-4][0-9]{4}|[5][0-8][0-9]{3}|59000)Gi|(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-3][0-9]{3}|64000)G"
    r"|([1-9]||[1-5][0-7]|58)Ti|([1-9]||[1-5][0-9]|6[0-3]|64)T)$"
)
RESTRICTED_TAG = re.compile(
    r"^(eks:eks-cluster-name|kubernetes\.io/cluster.*|karpenter\.sh/nodepool|karpenter\.sh/nodeclaim|karpenter\.k8s\.aws/ec2nodeclass)$"
)


def node_class_violations(spec: dict[str, Any]) -> list[str]:
    metadata = spec.get("metadataOptions", {})
    disks = spec.get("blockDeviceMappings", [])
    rules: list[Rule] = [
        ("spec fields", lambda s: set(s) <= NODE_CLASS_SPEC_FIELDS),
        ("required selectors", lambda s: {"amiSelectorTerms", "securityGroupSelectorTerms", "subnetSelectorTerms"} <= set(s)),
        ("exactly one of role and instanceProfile", lambda s: ("role" in s) != ("instanceProfile" in s)),
        ("role not empty", lambda s: s.get("role", "x") != ""),
        (
            "alias is family@version of a known family",
            lambda s: all(
                re.match(r"^[a-zA-Z0-9]+@.+$", t["alias"]) and t["alias"].split("@")[0] in AMI_ALIAS_FAMILIES
                for t in s["amiSelectorTerms"]
                if "alias" in t
            ),
        ),
        ("amiFamily required without an alias", lambda s: any("alias" in t for t in s["amiSelectorTerms"]) or "amiFamily" in s),
        (
            "subnet terms: tags or id, not empty",
            lambda s: s["subnetSelectorTerms"] and all(("tags" in t) != ("id" in t) for t in s["subnetSelectorTerms"]),
        ),
        (
            "security group terms: tags, id or name, not empty",
            lambda s: (
                s["securityGroupSelectorTerms"] and all(len({"tags", "id", "name"} & set(t)) == 1 for t in s["securityGroupSelectorTerms"])
            ),
        ),
        (
            "selector tags have no empty keys or values",
            lambda s: all(
                k and v for t in s["subnetSelectorTerms"] + s["securityGroupSelectorTerms"] for k, v in t.get("tags", {}).items()
            ),
        ),
        ("one root volume at most", lambda _: sum(1 for d in disks if d.get("rootVolume")) <= 1),
        ("volume size or snapshot", lambda _: all("volumeSize" in d["ebs"] or "snapshotID" in d["ebs"] for d in disks)),
        ("volume size pattern", lambda _: all(VOLUME_SIZE.match(d["ebs"]["volumeSize"]) for d in disks if "volumeSize" in d["ebs"])),
        ("volume type enum", lambda _: all(d["ebs"].get("volumeType", "gp3") in VOLUME_TYPES for d in disks)),
        ("httpTokens enum", lambda _: metadata.get("httpTokens", "required") in {"required", "optional"}),
        ("httpEndpoint enum", lambda _: metadata.get("httpEndpoint", "enabled") in {"enabled", "disabled"}),
        ("hop limit 1..64", lambda _: 1 <= metadata.get("httpPutResponseHopLimit", 1) <= 64),
        ("no restricted tags", lambda s: not any(RESTRICTED_TAG.match(k) for k in s.get("tags", {}))),
        ("no empty tag keys", lambda s: all(k for k in s.get("tags", {}))),
    ]
    return [name for name, holds in rules if not holds(spec)]


# github.com/kubernetes-sigs/aws-load-balancer-controller, v2.17.1 (chart 1.17.1):
# helm/aws-load-balancer-controller/crds/crds.yaml (targetgroupbindings.elbv2.k8s.aws, v1beta1) and
# webhooks/elbv2/targetgroupbinding_validator.go (checkImmutableFields).
TARGET_GROUP_BINDING_SOURCE = ("aws-load-balancer-controller", "1.17.1", "webhooks/elbv2/targetgroupbinding_validator.go")
TARGET_TYPES = {"instance", "ip"}
IP_ADDRESS_TYPES = {"ipv4", "ipv6"}
# The validating webhook refuses an update that changes any of these.
TARGET_GROUP_BINDING_IMMUTABLE = ("spec.targetGroupARN", "spec.targetType", "spec.ipAddressType")


def target_group_binding_violations(spec: dict[str, Any]) -> list[str]:
    rules: list[Rule] = [
        ("targetGroupARN or targetGroupName", lambda s: bool(s.get("targetGroupARN") or s.get("targetGroupName"))),
        ("serviceRef name and port", lambda s: {"name", "port"} <= set(s["serviceRef"])),
        ("targetType enum", lambda s: s.get("targetType", "ip") in TARGET_TYPES),
        ("ipAddressType enum", lambda s: s.get("ipAddressType", "ipv4") in IP_ADDRESS_TYPES),
        ("ip targets take no nodeSelector", lambda s: not (s.get("targetType") == "ip" and "nodeSelector" in s)),
    ]
    return [name for name, holds in rules if not holds(spec)]


def test_the_tables_are_for_the_pinned_chart_versions() -> None:
    assert NODE_POOL_SOURCE[1] == NODE_CLASS_SOURCE[1] == KARPENTER_CHART_VERSION
    assert TARGET_GROUP_BINDING_SOURCE[1] == LB_CHART_VERSION


def test_crds_upgrade_with_their_charts(each_stack: Run) -> None:
    """Helm 3 installs a chart's crds/ once; a helm.sh/v4 Chart makes them resources of the chart,
    so raising the pinned version upgrades them. No Helm 3 release is left to pin them."""
    assert not each_stack.of_type("kubernetes:helm.sh/v3:Release")
    charts = {c.name: c for c in each_stack.of_type("kubernetes:helm.sh/v4:Chart")}
    assert set(charts) == {"app-lb-controller-chart", "cluster-karpenter-chart"}
    assert charts["app-lb-controller-chart"].inputs["version"] == LB_CHART_VERSION
    assert charts["cluster-karpenter-chart"].inputs["version"] == KARPENTER_CHART_VERSION
    for chart in charts.values():
        assert chart.inputs["skipCrds"] is False
        # Charts start only once nodes and add-ons exist (pods to schedule, DNS, Pod Identity).
        kinds = {dep.split("::")[-2].rsplit("$", 1)[-1] for dep in chart.dependencies}
        assert {"aws:eks/nodeGroup:NodeGroup", "aws:eks/addon:Addon"} <= kinds, chart.name


def test_the_node_pools_pass_their_crd(each_stack: Run) -> None:
    for pool in each_stack.of_type("kubernetes:karpenter.sh/v1:NodePool"):
        assert node_pool_violations(pool.inputs["spec"]) == []


def test_the_node_classes_pass_their_crd(each_stack: Run) -> None:
    for node_class in each_stack.of_type("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"):
        assert node_class_violations(node_class.inputs["spec"]) == []


def test_the_bindings_pass_their_crd_and_are_replaced_when_an_immutable_field_changes(each_stack: Run) -> None:
    bindings = each_stack.of_type("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding")
    assert len(bindings) == 2
    for binding in bindings:
        assert target_group_binding_violations(binding.inputs["spec"]) == []
        # Only the target group can change here (type and address family are constants).
        assert binding.replace_on_changes == ["spec.targetGroupARN"]
        assert set(binding.replace_on_changes) <= set(TARGET_GROUP_BINDING_IMMUTABLE)
        # Named after its target group, the new binding exists beside the old one while traffic
        # moves (create-before-delete; tests/test_traffic_order.py holds the order).
        assert binding.delete_before_replace is False


def _node_pool() -> dict[str, Any]:
    return {
        "template": {
            "spec": {
                "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "default"},
                "requirements": [{"key": "karpenter.k8s.aws/instance-cpu", "operator": "Gt", "values": ["3"]}],
            }
        },
        "disruption": {"consolidateAfter": "5m"},
    }


@pytest.mark.parametrize(
    ("change", "broken"),
    [
        (lambda s: s["template"]["spec"]["requirements"][0].update(values=["3", "4"]), "exactly one non-negative integer"),
        (lambda s: s["template"]["spec"]["requirements"][0].update(operator="GreaterThan"), "operators are the CRD's"),
        (
            lambda s: s["template"]["spec"]["requirements"].append({"key": "karpenter.sh/nodepool", "operator": "In", "values": ["a"]}),
            "no karpenter.sh/nodepool",
        ),
        (lambda s: s["disruption"].update(consolidationPolicy="Always"), "consolidationPolicy enum"),
        (lambda s: s["disruption"].pop("consolidateAfter"), "consolidateAfter required"),
        (lambda s: s.update(replicas=3, limits={"cpu": "8"}), "static pools limit only nodes"),
    ],
)
def test_the_node_pool_rules_refuse_what_the_crd_refuses(change: Callable[[dict[str, Any]], Any], broken: str) -> None:
    spec = _node_pool()
    assert node_pool_violations(spec) == []
    change(spec)
    assert any(broken in v for v in node_pool_violations(spec))


def test_the_node_class_rules_refuse_what_the_crd_refuses(production: Run) -> None:
    (node_class,) = production.of_type("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")
    for change, broken in [
        (lambda s: s.update(instanceProfile="p"), "exactly one of role"),
        (lambda s: s["blockDeviceMappings"][0]["ebs"].update(volumeSize="100GiB"), "volume size pattern"),
        (lambda s: s["metadataOptions"].update(httpPutResponseHopLimit=0), "hop limit"),
        (lambda s: s["tags"].update({"kubernetes.io/cluster/x": "owned"}), "no restricted tags"),
        (lambda s: s["amiSelectorTerms"][0].update(alias="ubuntu@latest"), "alias is family@version"),
    ]:
        spec = copy.deepcopy(node_class.inputs["spec"])
        change(spec)
        assert broken in " ".join(node_class_violations(spec)), broken
