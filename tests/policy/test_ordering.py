"""The ordering table (policy/ordering.py): each pair checked on the dependency graph, transitively.

Small plans are built in the test (graph_plans.Plan); today's production plan document shows the races
the checks report on the code before this round's fixes. `pulumi preview --json` carries the same
edges (each step's `newState.dependencies`), so the check reads a preview as it reads a plan.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from graph_plans import ACCOUNT, Plan, before_round3, by_name, controller_stack, findings, topic_stack

from policy.ordering import NO_EDGES, ORDERINGS, SETTLES
from preflight.check_command import main as check_main

ORDER = "in-effect-before-use"
SETTLE = "settle-after-eventually-consistent-grants"


def test_every_row_names_both_ends_and_a_source() -> None:
    for row in (*ORDERINGS, *SETTLES):
        assert row.first and row.then and row.why
        assert "docs.aws.amazon.com" in row.source or "kubernetes-sigs" in row.source, row.first


def test_todays_production_plan_shows_the_controller_races_and_the_missing_edges() -> None:
    lines = findings(before_round3(), ORDER)
    short = [line.split(" (")[0] for line in lines]
    assert short == [
        "app-blue: does not wait for app-role",
        "app-green: does not wait for app-role",
        "app-green: does not wait for traffic-rule",
        "app-lb-controller-chart: does not wait for app-lb-controller-role",
        "cluster-karpenter-chart: does not wait for cluster-karpenter-controller",
        "cluster-karpenter-health: does not wait for cluster-karpenter-interruptions",
        "cluster-karpenter-rebalance: does not wait for cluster-karpenter-interruptions",
        "cluster-karpenter-spot-interruption: does not wait for cluster-karpenter-interruptions",
        "cluster-karpenter-state-change: does not wait for cluster-karpenter-interruptions",
        "integrations-markers: does not wait for integrations-markers",
        "integrations-on-call: does not wait for monitoring-alarms",
        "integrations-on-call: does not wait for monitoring-topic",
        "lb-blue-by-header: does not wait for app-blue-binding",
        "lb-from-cloudfront: does not wait for cdn-distribution",
        "lb-green-by-header: does not wait for app-green-binding",
        "registry-critical-findings: does not wait for monitoring-alarms",
        "registry-critical-findings: does not wait for monitoring-topic",
    ]
    chart = next(line for line in lines if line.startswith("app-lb-controller-chart"))
    assert chart == (
        "app-lb-controller-chart: does not wait for app-lb-controller-role (PodIdentityAssociation): its pods run as "
        "kube-system/aws-load-balancer-controller and can start before the association is in effect, without credentials"
    )


def test_adding_the_missing_edges_to_todays_plan_clears_those_findings() -> None:
    document = before_round3()
    chart = by_name(document, "app-lb-controller-chart")
    chart["dependencies"].append(
        by_name(document, "app-lb-controller-role", "aws:eks/podIdentityAssociation:PodIdentityAssociation")["urn"]
    )
    rule = by_name(document, "lb-from-cloudfront")
    rule["dependencies"].append(by_name(document, "cdn-distribution")["urn"])
    lines = findings(document, ORDER)
    assert not [line for line in lines if line.startswith(("app-lb-controller-chart", "lb-from-cloudfront"))]


# ── a chart that no longer waits for its association ──


def test_a_chart_that_waits_for_its_association_is_in_order() -> None:
    assert findings(controller_stack().document(), ORDER) == []


def test_a_chart_that_no_longer_waits_for_its_association_is_caught_in_one_line() -> None:
    plan = controller_stack()
    plan.unwait("lbc-chart", "lbc-identity")
    assert findings(plan.document(), ORDER) == [
        "lbc-chart: does not wait for lbc-identity (PodIdentityAssociation): its pods run as kube-system/aws-load-balancer-controller "
        "and can start before the association is in effect, without credentials"
    ]


def test_waiting_through_another_resource_counts() -> None:
    plan = controller_stack()
    plan.unwait("lbc-chart", "lbc-identity")
    plan.add("aws:iam/rolePolicy:RolePolicy", "lbc-extra", {"role": "r"}, waits=["lbc-identity"])
    plan.wait("lbc-chart", "lbc-extra")
    assert findings(plan.document(), ORDER) == []


def test_workloads_wait_for_the_association_of_their_service_account() -> None:
    plan = controller_stack()
    spec = {"template": {"metadata": {"labels": {"app": "a"}}, "spec": {"serviceAccountName": "aws-load-balancer-controller"}}}
    plan.add(
        "kubernetes:apps/v1:Deployment", "pods", {"metadata": {"namespace": "kube-system", "name": "p"}, "spec": spec}, waits=["agent"]
    )
    assert findings(plan.document(), ORDER) == [
        "pods: does not wait for lbc-identity (PodIdentityAssociation): its pods run as kube-system/aws-load-balancer-controller "
        "and can start before the association is in effect, without credentials"
    ]


_RUNS_AS_LBC = {"serviceAccountName": "aws-load-balancer-controller"}


@pytest.mark.parametrize(
    ("kind", "spec"),
    [
        pytest.param("kubernetes:core/v1:Pod", _RUNS_AS_LBC, id="bare-pod"),
        pytest.param("kubernetes:apps/v1:ReplicaSet", {"template": {"spec": _RUNS_AS_LBC}}, id="replica-set"),
    ],
)
def test_a_bare_pod_or_replica_set_waits_for_the_association_of_its_service_account(kind: str, spec: dict[str, Any]) -> None:
    """Every kind with a pod template (policy/resource_types.py, POD_SPEC_PATHS) runs under a service account."""
    plan = controller_stack()
    plan.add(kind, "pods", {"metadata": {"namespace": "kube-system", "name": "p"}, "spec": spec}, waits=["agent"])
    assert findings(plan.document(), ORDER) == [
        "pods: does not wait for lbc-identity (PodIdentityAssociation): its pods run as kube-system/aws-load-balancer-controller "
        "and can start before the association is in effect, without credentials"
    ]
    plan.wait("pods", "lbc-identity")
    assert findings(plan.document(), ORDER) == []


def test_a_settle_between_association_and_chart_is_advised() -> None:
    plan = controller_stack()
    assert findings(plan.document(), SETTLE) == [
        "lbc-chart: waits for no settle after lbc-identity: associations are eventually consistent and may take several seconds to be effective"
    ]
    plan.add("time:index/sleep:Sleep", "settle", {"createDuration": "15s"}, waits=["lbc-identity"])
    plan.wait("lbc-chart", "settle")
    assert findings(plan.document(), SETTLE) == []


# ── traffic: bindings before rules, parking after rules ──


def _traffic(*, weights: tuple[int, int], parked: bool) -> Plan:
    plan = Plan()
    arns = {c: f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:targetgroup/tg-{c}-a1b2c3d/0f{c}" for c in ("blue", "green")}
    for colour in ("blue", "green"):
        plan.add("aws:lb/targetGroup:TargetGroup", f"tg-{colour}", {"port": 3000})
        labels = {"colour": colour}
        meta = {"namespace": "app", "name": f"app-{colour}"}
        plan.add("kubernetes:core/v1:Service", f"svc-{colour}", {"metadata": meta, "spec": {"selector": labels}})
        replicas = 0 if parked and colour == "green" else 3
        spec = {"replicas": replicas, "template": {"metadata": {"labels": labels}, "spec": {}}}
        plan.add("kubernetes:apps/v1:Deployment", f"deploy-{colour}", {"metadata": meta, "spec": spec})
        binding = {"metadata": {"namespace": "app"}, "spec": {"targetGroupARN": arns[colour], "serviceRef": {"name": f"app-{colour}"}}}
        plan.add(
            "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
            f"bind-{colour}",
            binding,
            waits=[f"tg-{colour}", f"svc-{colour}", f"deploy-{colour}"],
        )
    groups = [{"arn": arns["blue"], "weight": weights[0]}, {"arn": arns["green"], "weight": weights[1]}]
    plan.add(
        "aws:lb/listenerRule:ListenerRule",
        "rule",
        {"actions": [{"type": "forward", "forward": {"targetGroups": groups}}]},
        waits=["tg-blue", "tg-green", "bind-blue"],
    )
    return plan


def test_the_rule_waits_for_the_binding_of_every_group_it_gives_weight() -> None:
    plan = _traffic(weights=(100, 0), parked=False)
    assert findings(plan.document(), ORDER) == []
    plan = _traffic(weights=(50, 50), parked=False)
    assert findings(plan.document(), ORDER) == [
        "rule: does not wait for bind-green (TargetGroupBinding): it sends traffic to tg-green, which has no targets until the binding registers the pods"
    ]


def test_a_parked_colour_waits_for_the_rule_that_takes_its_weight_away() -> None:
    plan = _traffic(weights=(100, 0), parked=True)
    assert findings(plan.document(), ORDER) == [
        "deploy-green: does not wait for rule (ListenerRule): it parks the pods behind tg-green, which still get traffic until the rule's weight is 0"
    ]
    plan.records["deploy-green"]["dependencies"].append(plan.records["rule"]["urn"])
    assert findings(plan.document(), ORDER) == []


# ── the Kubernetes provider, the VPC origin, resource policies ──


def test_the_kubernetes_provider_waits_for_every_access_entry_and_association() -> None:
    plan = Plan()
    plan.add("aws:eks/accessEntry:AccessEntry", "entry", {"principalArn": "arn:aws:iam::1:role/ci", "type": "STANDARD"})
    plan.add(
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        "association",
        {"principalArn": "arn:aws:iam::1:role/ci"},
        waits=["entry"],
    )
    plan.add("pulumi:providers:kubernetes", "k8s", {}, waits=["entry"])
    assert findings(plan.document(), ORDER) == [
        "k8s: does not wait for association (AccessPolicyAssociation): the provider's first call as arn:aws:iam::1:role/ci is "
        "refused until its access entry and policy are in effect"
    ]


def test_the_vpc_origin_ingress_rule_waits_for_the_distribution() -> None:
    plan = Plan()
    plan.add("aws:ec2/securityGroup:SecurityGroup", "lb-sg", rid="sg-lb")
    plan.add("aws:lb/loadBalancer:LoadBalancer", "alb", {"securityGroups": ["sg-lb"]}, waits=["lb-sg"])
    plan.add("aws:cloudfront/vpcOrigin:VpcOrigin", "origin", {}, waits=["alb"])
    plan.add("aws:cloudfront/distribution:Distribution", "cdn", {}, waits=["origin"])
    rule = {"securityGroupId": "sg-lb", "referencedSecurityGroupId": "sg-cloudfront-managed", "fromPort": 443}
    plan.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "from-cloudfront", rule, waits=["lb-sg", "origin"])
    assert findings(plan.document(), ORDER) == [
        "from-cloudfront: does not wait for cdn (Distribution): CloudFront creates its VPC-origin security group only once a distribution uses the VPC origin"
    ]
    plan.wait("from-cloudfront", "cdn")
    assert findings(plan.document(), ORDER) == []


def test_publishers_wait_for_the_topic_and_key_policies() -> None:
    plan = topic_stack(key_services=["cloudwatch.amazonaws.com"], topic_services=["cloudwatch.amazonaws.com"])
    assert findings(plan.document(), ORDER) == []
    plan.unwait("alarm", "topic-policy")
    assert findings(plan.document(), ORDER) == [
        "alarm: does not wait for topic-policy (TopicPolicy): cloudwatch.amazonaws.com may publish to topic only once its topic policy is in effect"
    ]


# ── documents without edges, and previews ──


def test_a_document_without_dependencies_is_said_once_not_reported_edge_by_edge() -> None:
    document = controller_stack().document()
    for record in document["resources"]:
        record["dependencies"] = []
    assert findings(document, ORDER) == []
    assert findings(document, SETTLE) == [f"(stack): {NO_EDGES}"]


def test_a_document_without_dependencies_and_nothing_to_order_gets_no_note() -> None:
    """A Kubernetes provider on a cluster made elsewhere (no access entry for it to wait for) has no pair to order."""
    plan = Plan()
    plan.add("pulumi:providers:kubernetes", "k8s", {"kubeconfig": "{}"})
    plan.add("aws:kms/key:Key", "data-key", {"enableKeyRotation": True})
    assert findings(plan.document(), SETTLE) == []
    plan.add("aws:eks/accessEntry:AccessEntry", "admin", {"principalArn": f"arn:aws:iam::{ACCOUNT}:role/admin", "type": "STANDARD"})
    assert findings(plan.document(), SETTLE) == [f"(stack): {NO_EDGES}"]


def test_a_preview_carries_the_same_edges(tmp_path: Path, capsys: object) -> None:
    plan = controller_stack()
    plan.unwait("lbc-chart", "lbc-identity")
    steps = [{"op": "create", "urn": r["urn"], "newState": {**r, "inputs": r["inputs"]}} for r in plan.records.values()]
    path = tmp_path / "preview.json"
    path.write_text(json.dumps({"config": {}, "steps": steps}))
    assert check_main([str(path)]) == 1
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "mandatory in-effect-before-use" in out and "lbc-chart: does not wait for lbc-identity" in out
