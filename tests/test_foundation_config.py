"""Guardrails of the foundation's stack config: each rule refuses a bad value and accepts a good one.

Each reject names the key and stops the program before any resource registers.
"""

from __future__ import annotations

from typing import Any

import pytest
from config_edits import Edit, assert_refused_before_any_resource, both
from config_edits import delete_key as _delete
from config_edits import set_key as _set

from config import ConfigError
from policy.eks_calendar import EKS_VERSIONS

DEPLOY_ROLE = "arn:aws:iam::123456789012:role/email-platform-deploy"
ONCALL_ROLE = "arn:aws:iam::123456789012:role/email-platform-oncall"
TAGGED_IMAGE = "ghcr.io/example/email-platform:1.2.3"

REJECTS = [
    # (stack, edit, key named in the message, words of what is allowed)
    ("production", _set("cluster.nodeGroup.instanceTypes", ["m6i.large"]), "cluster.nodeGroup.instanceTypes[0]", "2 vCPU"),
    ("production", _set("cluster.nodeGroup.instanceTypes", ["c6g.large"]), "instanceTypes[0]", "at least 4 vCPU"),
    ("staging", _set("cluster.nodeGroup.instanceTypes", ["t3.medium"]), "instanceTypes[0]", "4 GiB"),
    ("production", _set("cluster.nodeGroup.instanceTypes", ["m9z.huge"]), "instanceTypes[0]", "not a known node type"),
    ("production", _set("cluster.nodeGroup.instanceTypes", ["m6i.xlarge", "m7g.xlarge"]), "instanceTypes", "mixes x86_64 and arm64"),
    ("production", _set("cluster.nodeGroup.diskSizeGib", 50), "cluster.nodeGroup.diskSizeGib", "between 100 and"),
    ("production", _set("cluster.nodeGroup.diskType", "gp2"), "cluster.nodeGroup.diskType", "allowed: gp3"),
    ("production", _set("cluster.nodeGroup.minSize", 2), "cluster.nodeGroup.minSize", "between 3 and"),
    ("production", _set("cluster.nodeGroup.capacityType", "SPOT"), "capacityType", "ON_DEMAND"),
    ("production", _set("cluster.nodeGroup.maxSize", 1), "cluster.nodeGroup.maxSize", "is below nodeGroup.desiredSize = 3"),
    ("production", _set("cluster.nodeGroup.maxSize", 101), "cluster.nodeGroup.maxSize", "at most 100"),
    ("production", _set("cluster.nodeGroup.instanceType", "m6i.xlarge"), "cluster.nodeGroup.instanceType", "did you mean 'instanceTypes'"),
    ("production", _set("network.availabilityZones", ["us-east-1a", "us-east-1b"]), "network.availabilityZones", "production needs 3"),
    ("staging", _set("network.availabilityZones", []), "network.availabilityZones", "0 zone(s)"),
    ("staging", _set("network.availabilityZones", ["us-east-1a"]), "network.availabilityZones", "needs 2 or 3"),
    ("production", _set("network.availabilityZones", ["us-east-1a", "us-east-1a", "us-east-1b"]), "availabilityZones", "distinct"),
    (
        "production",
        _set("network.availabilityZones", ["eu-west-1a", "us-east-1b", "us-east-1c"]),
        "availabilityZones[0]",
        "zone of us-east-1",
    ),
    ("production", _set("network.cidr", "10.40.0.0/33"), "email-platform:network.cidr", "CIDR notation"),
    ("production", _set("network.cidr", "10.40.0.1/16"), "email-platform:network.cidr", "CIDR notation"),
    ("production", _set("network.cidr", "10.40.0.0/24"), "network.cidr", "between /16 and /20"),
    ("production", _set("network.cidr", "8.8.0.0/16"), "network.cidr", "private"),
    ("production", _set("network.natGateways", "none"), "network.natGateways", "perAz, single"),
    ("production", _set("network.flowLogRetentionDays", 10), "network.flowLogRetentionDays", "CloudWatch allows"),
    ("production", _set("cluster.version", "1.20"), "cluster.version", f"allowed: {EKS_VERSIONS[0]}"),
    ("production", _set("cluster.logTypes", ["api", "scheduler"]), "cluster.logTypes", "must include api, audit, authenticator"),
    ("production", _set("cluster.publicAccessCidrs", []), "cluster.publicAccessCidrs", "needs the CIDRs"),
    ("production", _set("cluster.publicAccessCidrs", ["not-a-cidr"]), "publicAccessCidrs[0]", "IPv4 CIDR"),
    ("production", _set("cluster.mode", "existing"), "email-platform:cluster.existing", "required"),
    ("production", _set("environment", "prod"), "email-platform:environment", "production, staging, development"),
    ("production", _set("domain", "not a domain"), "email-platform:domain", "DNS name"),
    ("production", _set("domian", "mail.example.com"), "email-platform:domian", "did you mean 'domain'"),
    ("production", _delete("tags.owner"), "email-platform:tags.owner", "required"),
    ("production", _set("tags.extra", {"Project": "x"}), "tags.extra.Project", "reserved"),
    ("production", _set("aws:region", "mars-1"), "aws:region", "AWS region"),
    ("production", _set("network", "10.0.0.0/16"), "email-platform:network", "must be an object"),
    ("production", _set("cluster.nodeGroup.minSize", "three"), "cluster.nodeGroup.minSize", "whole number"),
    ("production", _set("cluster.endpointPublicAccess", "yes"), "cluster.endpointPublicAccess", "true or false"),
    ("production", _set("registry.keepImages", 1), "registry.keepImages", "at least 2"),
    ("production", _set("registry.keepImage", 5), "email-platform:registry.keepImage", "did you mean 'keepImages'"),
    # Day two: who may deploy, how far nodes scale, what the image runs on.
    (
        "production",
        both(_set("cluster.access", {ONCALL_ROLE: "AmazonEKSViewPolicy"}), _delete("ci")),
        "email-platform:cluster.access",
        "AmazonEKSClusterAdminPolicy",
    ),
    ("staging", both(_set("cluster.access", {}), _delete("ci")), "email-platform:cluster.access", "the deploy role"),
    (
        "production",
        _set(f"cluster.access.{DEPLOY_ROLE}", "AmazonEKSRootPolicy"),
        f"cluster.access.{DEPLOY_ROLE}",
        "allowed: AmazonEKSClusterAdminPolicy",
    ),
    ("production", _set("cluster.nodePool.cpuLimit", 8), "email-platform:cluster.nodePool.cpuLimit", "at least 12 vCPU"),
    ("staging", _set("cluster.nodePool.cpuLimit", 2), "cluster.nodePool.cpuLimit", "between 4 and"),
    ("production", _set("cluster.nodePool.capacityTypes", ["on-demand", "spot"]), "cluster.nodePool.capacityTypes", "on-demand nodes only"),
    ("production", _set("cluster.nodePool.architectures", ["sparc"]), "cluster.nodePool.architectures[0]", "allowed: x86_64, arm64"),
    ("production", _delete("cluster.nodePool"), "email-platform:cluster.nodePool", "required"),
    ("production", _set("cluster.upgradePolicy", "FOREVER"), "cluster.upgradePolicy", "allowed: STANDARD, EXTENDED"),
    ("production", _set("app.imageArchitectures", ["arm64"]), "email-platform:app.imageArchitectures", "nodes are x86_64"),
    (
        "staging",
        both(_set("cluster.nodePool.architectures", ["arm64", "x86_64"]), _set("app.blue.image", TAGGED_IMAGE)),
        "email-platform:app.blue.image",
        "@sha256: digest",
    ),
    (
        "production",
        both(_set("cluster.nodePool.architectures", ["arm64", "x86_64"]), _set("app.imageArchitectures", ["x86_64"])),
        "app.imageArchitectures",
        "multi-arch index",
    ),
    ("production", _set("app.imagePullSecrets", ["Registry_Creds"]), "app.imagePullSecrets[0]", "Kubernetes Secret name"),
]


@pytest.mark.parametrize(("stack", "edit", "key", "allowed"), REJECTS, ids=[f"{r[0]}-{r[2]}-{i}" for i, r in enumerate(REJECTS)])
def test_bad_value_stops_before_any_resource(run_stack_with: Any, stack: str, edit: Edit, key: str, allowed: str) -> None:
    assert_refused_before_any_resource(run_stack_with, stack, edit, key, allowed)


ACCEPTS = [
    ("production", _set("cluster.nodeGroup.instanceTypes", ["m7g.xlarge", "m6g.xlarge"])),  # Graviton
    ("production", _set("cluster.nodeGroup.instanceTypes", ["c7g.xlarge"])),  # exactly 4 vCPU / 8 GiB
    ("staging", _set("network.availabilityZones", ["us-east-1a", "us-east-1b", "us-east-1c"])),
    ("production", _set("cluster.nodeGroup.diskSizeGib", 200)),
    ("production", _set(f"cluster.access.{ONCALL_ROLE}", "AmazonEKSEditPolicy:email-platform")),
    ("production", _set("cluster.nodePool.architectures", ["arm64", "x86_64"])),  # digest-pinned multi-arch image
    ("staging", _set("cluster.upgradePolicy", "EXTENDED")),
]


@pytest.mark.parametrize(("stack", "edit"), ACCEPTS)
def test_good_values_are_accepted(load_config_with: Any, stack: str, edit: Edit) -> None:
    settings = load_config_with(stack, edit)
    assert settings.cluster.node_group is not None


def test_graviton_nodes_get_the_arm_ami(load_config_with: Any, staging: Any) -> None:
    settings = load_config_with("production", _set("cluster.nodeGroup.instanceTypes", ["m7g.xlarge"]))
    assert settings.cluster.node_group.ami_type == "AL2023_ARM_64_STANDARD"
    (nodes,) = staging.of_type("aws:eks/nodeGroup:NodeGroup")  # staging runs Graviton m7g.xlarge
    assert nodes.inputs["amiType"] == "AL2023_ARM_64_STANDARD"


def test_plain_text_secret_is_refused(run_stack_with: Any) -> None:
    with pytest.raises(ConfigError, match=r"email-platform:emailApiKey = '\(plain text\)': must be a secret"):
        run_stack_with("production", _set("emailApiKey", "sk-live-123"))


def test_config_error_is_a_run_error_so_the_engine_prints_no_traceback() -> None:
    import pulumi

    assert issubclass(ConfigError, pulumi.RunError)


def _existing_cluster(config: dict[str, Any]) -> None:
    cluster = config["email-platform:cluster"]
    cluster["mode"] = "existing"
    for owned in ("nodeGroup", "nodePool", "access"):
        del cluster[owned]
    cluster["existing"] = {
        "name": "shared-platform",
        "securityGroupId": "sg-0123456789abcdef0",
    }


def test_an_existing_cluster_is_used_by_kubeconfig_instead_of_created(run_stack_with: Any) -> None:
    run = run_stack_with("production", _existing_cluster)
    assert not run.of_type("aws:eks/cluster:Cluster")
    assert not run.of_type("aws:eks/nodeGroup:NodeGroup")
    (provider,) = run.of_type("pulumi:providers:kubernetes")
    assert provider.inputs["kubeconfig"] == "[secret]"
    assert "email-platform:kubeconfig" in run.stack_file.placeholders
    assert run.outputs["clusterName"] == "shared-platform"
