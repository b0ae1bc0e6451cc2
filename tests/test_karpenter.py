"""Karpenter: nodes above the system node group, within the guide's minimums and a CPU ceiling."""

from __future__ import annotations

import json
from typing import Any

import pytest
from owned_stacks import settings
from run_lookup import one

from components.cluster.component import SYSTEM_NODE_LABEL
from components.cluster.karpenter import CHART, CHART_VERSION
from components.cluster.karpenter_policy import INTERRUPTION_EVENTS
from config.instance_types import MIN_MEMORY_GIB, MIN_VCPU, NODE_INSTANCE_TYPES, InstanceType
from preflight.runner import Run

NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool"
NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"


def _requirements(run: Run) -> dict[str, dict[str, Any]]:
    (pool,) = run.of_type(NODE_POOL)
    return {r["key"]: r for r in pool.inputs["spec"]["template"]["spec"]["requirements"]}


def _admits(requirements: dict[str, dict[str, Any]], instance: InstanceType) -> bool:
    """Evaluate the NodePool's numeric requirements the way Karpenter does (Gt is strict; memory in MiB)."""
    facts = {"karpenter.k8s.aws/instance-cpu": instance.vcpu, "karpenter.k8s.aws/instance-memory": int(instance.memory_gib * 1024)}
    for key, value in facts.items():
        requirement = requirements[key]
        assert requirement["operator"] == "Gt"
        if not value > int(requirement["values"][0]):
            return False
    return True


def test_the_node_pool_refuses_nodes_below_the_guides_minimum(each_stack: Run) -> None:
    requirements = _requirements(each_stack)
    for instance in NODE_INSTANCE_TYPES.values():
        assert _admits(requirements, instance) == (instance.vcpu >= MIN_VCPU and instance.memory_gib >= MIN_MEMORY_GIB), instance.name
    assert not _admits(requirements, InstanceType("x.small", 4, 7.5, "x86_64"))
    assert not _admits(requirements, InstanceType("x.narrow", 3, 64, "x86_64"))


def test_architectures_capacity_and_limit_come_from_config(each_stack: Run) -> None:
    requirements = _requirements(each_stack)
    configured = settings(each_stack.stack).cluster.node_pool
    assert configured is not None
    assert sorted(requirements["karpenter.sh/capacity-type"]["values"]) == sorted(configured.capacity_types)
    assert requirements["kubernetes.io/arch"]["values"] == configured.kubernetes_architectures
    (pool,) = each_stack.of_type(NODE_POOL)
    assert pool.inputs["spec"]["limits"] == {"cpu": str(configured.cpu_limit)}
    assert each_stack.outputs["nodePoolCpuLimit"] == configured.cpu_limit


def test_the_test_stacks_differ_in_architecture_and_capacity() -> None:
    """So that a value not taken from config fails above for one of them."""
    production, staging = (settings(stack).cluster.node_pool for stack in ("production", "staging"))
    assert production is not None and staging is not None
    assert production.architectures != staging.architectures and production.capacity_types != staging.capacity_types


def test_the_node_class_has_the_guides_disk_imds_v2_and_the_stacks_network(production: Run) -> None:
    (node_class,) = production.of_type(NODE_CLASS)
    (cluster,) = production.of_type("aws:eks/cluster:Cluster")
    spec = node_class.inputs["spec"]
    (disk,) = spec["blockDeviceMappings"]
    assert disk["rootVolume"] is True
    assert (disk["ebs"]["volumeSize"], disk["ebs"]["volumeType"], disk["ebs"]["encrypted"]) == ("100Gi", "gp3", True)
    assert spec["metadataOptions"]["httpTokens"] == "required"
    assert spec["metadataOptions"]["httpPutResponseHopLimit"] == 1
    roles = {r.outputs["name"]: r for r in production.of_type("aws:iam/role:Role") if "name" in r.outputs}
    assert spec["role"] in roles
    name = cluster.outputs["name"]
    (subnets,) = spec["subnetSelectorTerms"]
    private = [s for s in production.of_type("aws:ec2/subnet:Subnet") if "-private-" in s.name]
    public = [s for s in production.of_type("aws:ec2/subnet:Subnet") if "-public-" in s.name]
    # The selector finds exactly the private subnets by the tags the network component gives them.
    assert all(subnets["tags"].items() <= s.inputs["tags"].items() for s in private)
    assert not any(subnets["tags"].items() <= s.inputs["tags"].items() for s in public)
    (groups,) = spec["securityGroupSelectorTerms"]
    assert groups["tags"] == {f"kubernetes.io/cluster/{name}": "owned"}  # EKS's tag on the cluster security group
    assert spec["tags"]["CostCenter"] == "email-platform"


def test_the_node_role_joins_by_an_ec2_linux_access_entry(production: Run) -> None:
    (entry,) = [e for e in production.of_type("aws:eks/accessEntry:AccessEntry") if e.inputs["type"] == "EC2_LINUX"]
    node_role = one(production, "aws:iam/role:Role", "cluster-karpenter-nodes")
    assert entry.inputs["principalArn"] == node_role.outputs["arn"]
    trust = json.loads(node_role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "ec2.amazonaws.com"}


def test_interruptions_reach_the_queue_from_the_four_event_kinds(production: Run) -> None:
    (queue,) = production.of_type("aws:sqs/queue:Queue")
    rules = [r for r in production.of_type("aws:cloudwatch/eventRule:EventRule") if r.name.startswith("cluster-karpenter-")]
    patterns = sorted(json.loads(r.inputs["eventPattern"])["detail-type"][0] for r in rules)
    assert patterns == sorted(p["detail-type"][0] for p in INTERRUPTION_EVENTS.values())
    assert len(patterns) == 4
    targets = [t for t in production.of_type("aws:cloudwatch/eventTarget:EventTarget") if t.name.startswith("cluster-karpenter-")]
    assert len(targets) == 4
    for target in targets:
        assert target.inputs["arn"] == queue.outputs["arn"]
    (policy,) = production.of_type("aws:sqs/queuePolicy:QueuePolicy")
    statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
    assert "events.amazonaws.com" in statements["EventsIn"]["Principal"]["Service"]
    assert queue.inputs["sqsManagedSseEnabled"] is True


def test_the_controller_is_a_pinned_chart_on_the_system_nodes_told_its_queue(production: Run) -> None:
    chart = one(production, "kubernetes:helm.sh/v4:Chart", "cluster-karpenter-chart")
    (queue,) = production.of_type("aws:sqs/queue:Queue")
    assert (chart.inputs["chart"], chart.inputs["version"]) == (CHART, CHART_VERSION)
    values = chart.inputs["values"]
    assert values["settings"]["interruptionQueue"] == queue.outputs["name"]
    assert values["nodeSelector"] == {SYSTEM_NODE_LABEL[0]: SYSTEM_NODE_LABEL[1]}
    (nodes,) = production.of_type("aws:eks/nodeGroup:NodeGroup")
    assert nodes.inputs["labels"][SYSTEM_NODE_LABEL[0]] == SYSTEM_NODE_LABEL[1]
    assert nodes.urn in chart.dependencies
    policy = json.loads(one(production, "aws:iam/rolePolicy:RolePolicy", "cluster-karpenter-controller").inputs["policy"])
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert statements["Interruptions"]["Resource"] == queue.outputs["arn"]
    assert statements["PassNodeRole"]["Resource"] == one(production, "aws:iam/role:Role", "cluster-karpenter-nodes").outputs["arn"]
    assert "aws:ResourceTag/karpenter.sh/nodepool" in statements["DeleteOwn"]["Condition"]["StringLike"]


@pytest.mark.parametrize("kind", [NODE_POOL, NODE_CLASS])
def test_custom_resources_wait_for_the_chart_that_serves_their_crds(production: Run, kind: str) -> None:
    (resource,) = production.of_type(kind)
    chart = one(production, "kubernetes:helm.sh/v4:Chart", "cluster-karpenter-chart")
    assert chart.urn in resource.dependencies


def test_interruption_targets_wait_for_the_queue_policy(each_stack: Run) -> None:
    """EventBridge delivers to the queue only as its policy allows: a target created first drops events."""
    (policy,) = each_stack.of_type("aws:sqs/queuePolicy:QueuePolicy")
    queues = {q.outputs["url"]: q for q in each_stack.of_type("aws:sqs/queue:Queue")}
    targets = [
        t
        for t in each_stack.of_type("aws:cloudwatch/eventTarget:EventTarget")
        if t.inputs["arn"] == queues[policy.inputs["queueUrl"]].outputs["arn"]
    ]
    assert len(targets) == len(INTERRUPTION_EVENTS)
    for target in targets:
        assert policy.urn in target.dependencies, target.name
