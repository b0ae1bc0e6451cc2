"""EKS: the guide's server minimums on the nodes, encrypted secrets, control-plane logs."""

from __future__ import annotations

import json

from owned_stacks import settings

from config.instance_types import MIN_MEMORY_GIB, MIN_VCPU, NODE_INSTANCE_TYPES
from preflight.runner import Run


def test_nodes_meet_the_guides_minimum(each_stack: Run) -> None:
    (nodes,) = each_stack.of_type("aws:eks/nodeGroup:NodeGroup")
    for name in nodes.inputs["instanceTypes"]:
        assert NODE_INSTANCE_TYPES[name].vcpu >= MIN_VCPU
        assert NODE_INSTANCE_TYPES[name].memory_gib >= MIN_MEMORY_GIB


def test_node_root_volume_is_100_gib_encrypted_gp3_and_imds_v2_only(each_stack: Run) -> None:
    (template,) = each_stack.of_type("aws:ec2/launchTemplate:LaunchTemplate")
    (nodes,) = each_stack.of_type("aws:eks/nodeGroup:NodeGroup")
    ebs = template.inputs["blockDeviceMappings"][0]["ebs"]
    assert ebs["volumeSize"] >= 100
    assert ebs["volumeType"] == "gp3"
    assert ebs["encrypted"] == "true"
    assert template.inputs["metadataOptions"]["httpTokens"] == "required"
    assert template.inputs["metadataOptions"]["httpPutResponseHopLimit"] == 1
    assert nodes.inputs["launchTemplate"]["id"].startswith("lt-")
    assert "diskSize" not in nodes.inputs  # diskSize would make a gp2 volume and conflicts with a template


def test_instances_launched_by_the_node_group_carry_the_cost_tags(each_stack: Run) -> None:
    (template,) = each_stack.of_type("aws:ec2/launchTemplate:LaunchTemplate")
    specs = {spec["resourceType"]: spec["tags"] for spec in template.inputs["tagSpecifications"]}
    assert set(specs) == {"instance", "volume", "network-interface"}
    basics = settings(each_stack.stack).basics
    for tags in specs.values():
        assert tags == basics.default_tags


def test_node_group_scaling_follows_config(each_stack: Run) -> None:
    (nodes,) = each_stack.of_type("aws:eks/nodeGroup:NodeGroup")
    group = settings(each_stack.stack).cluster.node_group
    assert group is not None
    assert nodes.inputs["scalingConfig"] == {"minSize": group.min_size, "desiredSize": group.desired_size, "maxSize": group.max_size}
    assert nodes.inputs["labels"] == {**group.labels, "email-platform/node-role": "system"}
    assert nodes.inputs["capacityType"] == group.capacity_type


def test_the_node_group_leaves_its_desired_size_to_scaling_between_deployments(each_stack: Run) -> None:
    (nodes,) = each_stack.of_type("aws:eks/nodeGroup:NodeGroup")
    assert nodes.ignore_changes == ["scalingConfig.desiredSize"]


def test_kubernetes_secrets_are_envelope_encrypted_with_a_rotated_key(each_stack: Run) -> None:
    (cluster,) = each_stack.of_type("aws:eks/cluster:Cluster")
    encryption = cluster.inputs["encryptionConfig"]
    assert encryption["resources"] == ["secrets"]
    keys = {k.outputs["arn"]: k for k in each_stack.of_type("aws:kms/key:Key")}
    key = keys[encryption["provider"]["keyArn"]]
    assert key.inputs["enableKeyRotation"] is True


def test_control_plane_logs_are_on_and_retained(each_stack: Run) -> None:
    (cluster,) = each_stack.of_type("aws:eks/cluster:Cluster")
    assert set(cluster.inputs["enabledClusterLogTypes"]) >= {"api", "audit", "authenticator"}
    (group,) = [g for g in each_stack.of_type("aws:cloudwatch/logGroup:LogGroup") if g.name == "cluster-control-plane"]
    assert group.inputs["name"] == f"/aws/eks/{cluster.inputs['name']}/cluster"
    assert group.inputs["retentionInDays"] == settings(each_stack.stack).cluster.log_retention_days
    assert group.urn in cluster.dependencies, "the group exists before EKS would create it unretained"


def test_cluster_version_and_endpoint_access_come_from_config(production: Run) -> None:
    (cluster,) = production.of_type("aws:eks/cluster:Cluster")
    vpc = cluster.inputs["vpcConfig"]
    configured = settings("production").cluster
    assert cluster.inputs["version"] == configured.version
    assert vpc["endpointPrivateAccess"] is True
    assert vpc["endpointPublicAccess"] is configured.endpoint_public_access
    assert vpc["publicAccessCidrs"] == configured.public_access_cidrs
    assert cluster.inputs["accessConfig"]["authenticationMode"] == "API"


def test_the_control_plane_and_nodes_live_in_private_subnets(production: Run) -> None:
    private = {s.id for s in production.of_type("aws:ec2/subnet:Subnet") if "-private-" in s.name}
    (cluster,) = production.of_type("aws:eks/cluster:Cluster")
    (nodes,) = production.of_type("aws:eks/nodeGroup:NodeGroup")
    assert set(cluster.inputs["vpcConfig"]["subnetIds"]) == private
    assert set(nodes.inputs["subnetIds"]) == private


def test_pods_get_roles_by_pod_identity_so_no_oidc_provider_is_made(each_stack: Run) -> None:
    assert not each_stack.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    associations = each_stack.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    accounts = {(a.inputs["namespace"], a.inputs["serviceAccount"]) for a in associations}
    assert accounts >= {("email-platform", "email-platform"), ("kube-system", "aws-load-balancer-controller"), ("kube-system", "karpenter")}
    (agent,) = [a for a in each_stack.of_type("aws:eks/addon:Addon") if a.inputs["addonName"] == "eks-pod-identity-agent"]
    for association in associations:
        assert agent.urn in association.dependencies


def test_node_role_has_the_worker_policies_and_no_ssh(production: Run) -> None:
    attached = {a.inputs["policyArn"].rsplit("/", 1)[1] for a in production.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert {"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"} <= attached
    (nodes,) = production.of_type("aws:eks/nodeGroup:NodeGroup")
    assert "remoteAccess" not in nodes.inputs


def test_the_kubernetes_provider_uses_the_clusters_kubeconfig_as_a_secret(production: Run) -> None:
    (provider,) = production.of_type("pulumi:providers:kubernetes")
    assert provider.inputs["kubeconfig"] == "[secret]"
    assert production.outputs["kubeconfig"] == "[secret]"


def test_kubeconfig_asks_aws_for_short_lived_tokens() -> None:
    from components.cluster.component import _kubeconfig

    config = json.loads(_kubeconfig("c", "https://x.eks.amazonaws.com", "Q0E=", "us-east-1"))
    exec_ = config["users"][0]["user"]["exec"]
    assert exec_["command"] == "aws"
    assert exec_["args"][:4] == ["eks", "get-token", "--cluster-name", "c"]
    assert "token" not in config["users"][0]["user"]


def test_the_metrics_api_that_the_autoscalers_read_is_installed(each_stack: Run) -> None:
    (metrics,) = [a for a in each_stack.of_type("aws:eks/addon:Addon") if a.inputs["addonName"] == "metrics-server"]
    (nodes,) = each_stack.of_type("aws:eks/nodeGroup:NodeGroup")
    assert nodes.urn in metrics.dependencies  # its pods need nodes
    assert each_stack.of_type("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")


def test_network_policies_are_enforced_by_the_vpc_cni(each_stack: Run) -> None:
    (addon,) = [a for a in each_stack.of_type("aws:eks/addon:Addon") if a.inputs["addonName"] == "vpc-cni"]
    assert addon.inputs["addonName"] == "vpc-cni"
    assert json.loads(addon.inputs["configurationValues"]) == {"enableNetworkPolicy": "true"}
    assert each_stack.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy"), "the app declares the policies it enforces"


# ── the kubeconfig rule, held by config alone (the Cluster component trusts its args) ──


def test_an_existing_cluster_requires_a_kubeconfig_and_a_created_one_does_not() -> None:
    from config import required_secret_keys

    assert "kubeconfig" in required_secret_keys({"cluster": {"mode": "existing"}})
    assert "kubeconfig" not in required_secret_keys({"cluster": {"mode": "create"}})
    assert "kubeconfig" not in required_secret_keys({})  # create is the default
