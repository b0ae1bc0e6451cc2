"""Guardrails of the foundation's stack config: each rule refuses a bad value in one line and accepts a good one.

The config step alone reads a stack config the test wrote (config_stacks); the bounds the messages name
come from the config rules. That a refusal stops `preflight plan` before any resource registers is
tests/test_cli_bad_input.py's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cluster_build import build_cluster, cluster_settings
from config_edits import Edit, both
from config_edits import delete_key as _delete
from config_edits import set_key as _set
from config_stacks import ADMIN_ROLE, REGION, edited, load, node_floor, refused, write, zones

from config import ConfigError
from config.declare import declaration
from config.instance_types import MIN_MEMORY_GIB, MIN_ROOT_VOLUME_GIB, MIN_VCPU
from config.network import MAX_AZS, MIN_AZS, PRODUCTION_AZS
from config.node_pool import MAX_CPU_LIMIT
from config.registry import RegistrySettings
from policy.eks_calendar import EKS_VERSIONS
from preflight.recorder import RecordingMonitor
from preflight.runner import run_program
from preflight.stack_files import load_stack_file

ONCALL_ROLE = "arn:aws:iam::111122223333:role/test-oncall"
TAGGED_IMAGE = "ghcr.io/example/test-app:1.2.3"
PRODUCTION_NODES = node_floor(production=True)
KEEP_IMAGES = declaration(RegistrySettings, "keep_images").minimum  # type: ignore[union-attr]
NOT_CREATED = _delete("cluster.nodeGroup"), _delete("cluster.nodePool"), _delete("cluster.access")

REJECTS = [
    # (environment, edit, key named in the message, words of what is allowed)
    ("production", _set("cluster.nodeGroup.instanceTypes", ["m6i.large"]), "cluster.nodeGroup.instanceTypes[0]", "2 vCPU"),
    ("production", _set("cluster.nodeGroup.instanceTypes", ["c6g.large"]), "instanceTypes[0]", f"at least {MIN_VCPU} vCPU"),
    ("staging", _set("cluster.nodeGroup.instanceTypes", ["t3.medium"]), "instanceTypes[0]", f"{MIN_MEMORY_GIB} GiB"),
    ("production", _set("cluster.nodeGroup.instanceTypes", ["m9z.huge"]), "instanceTypes[0]", "not a known node type"),
    ("production", _set("cluster.nodeGroup.instanceTypes", ["m6i.xlarge", "m7g.xlarge"]), "instanceTypes", "mixes x86_64 and arm64"),
    ("production", _set("cluster.nodeGroup.diskSizeGib", MIN_ROOT_VOLUME_GIB - 1), "nodeGroup.diskSizeGib", f"between {MIN_ROOT_VOLUME_GIB} and"),
    ("production", _set("cluster.nodeGroup.diskType", "gp2"), "cluster.nodeGroup.diskType", "allowed: gp3"),
    ("production", _set("cluster.nodeGroup.minSize", PRODUCTION_NODES - 1), "nodeGroup.minSize", f"between {PRODUCTION_NODES} and"),
    ("production", _set("cluster.nodeGroup.capacityType", "SPOT"), "capacityType", "allowed: ON_DEMAND"),
    ("production", _set("cluster.nodeGroup.maxSize", 1), "nodeGroup.maxSize", f"is below nodeGroup.desiredSize = {PRODUCTION_NODES}"),
    ("production", _set("cluster.nodeGroup.maxSize", 101), "cluster.nodeGroup.maxSize", "at most 100"),
    ("production", _set("cluster.nodeGroup.instanceType", "m6i.xlarge"), "cluster.nodeGroup.instanceType", "did you mean 'instanceTypes'"),
    ("production", _set("network.availabilityZones", zones(PRODUCTION_AZS - 1)), "network.availabilityZones", f"production needs {PRODUCTION_AZS}"),
    ("staging", _set("network.availabilityZones", []), "network.availabilityZones", "0 zone(s)"),
    ("staging", _set("network.availabilityZones", zones(MIN_AZS - 1)), "network.availabilityZones", f"needs {MIN_AZS} or {MAX_AZS}"),
    ("production", _set("network.availabilityZones", zones(1) * PRODUCTION_AZS), "availabilityZones", "distinct"),
    ("production", _set("network.availabilityZones", zones(3, "ap-south-1")), "availabilityZones[0]", f"zone of {REGION}"),
    ("production", _set("network.cidr", "10.40.0.0/33"), "email-platform:network.cidr", "CIDR notation"),
    ("production", _set("network.cidr", "10.40.0.1/16"), "email-platform:network.cidr", "CIDR notation"),
    ("production", _set("network.cidr", "10.40.0.0/24"), "network.cidr", "between /16 and /20"),
    ("production", _set("network.cidr", "8.8.0.0/16"), "network.cidr", "private"),
    ("production", _set("network.natGateways", "none"), "network.natGateways", "perAz, single"),
    ("production", _set("network.flowLogRetentionDays", 10), "network.flowLogRetentionDays", "CloudWatch allows"),
    ("production", _set("cluster.version", "1.20"), "cluster.version", f"allowed: {EKS_VERSIONS[0]}"),
    ("production", _set("cluster.logTypes", ["api", "scheduler"]), "cluster.logTypes", "must include api, audit, authenticator"),
    (
        "production",
        both(_set("cluster.endpointPublicAccess", True), _set("cluster.publicAccessCidrs", [])),
        "cluster.publicAccessCidrs",
        "needs the CIDRs",
    ),
    ("production", _set("cluster.publicAccessCidrs", ["not-a-cidr"]), "publicAccessCidrs[0]", "IPv4 CIDR"),
    ("production", _set("cluster.publicAccessCidrs", ["203.0.113.0/24"]), "publicAccessCidrs", "only with endpointPublicAccess: true"),
    ("production", both(_set("cluster.mode", "existing"), *NOT_CREATED), "email-platform:cluster.existing", "required with mode: existing"),
    ("production", _set("cluster.existing", {"name": "x", "securityGroupId": "sg-0123456789abcdef0"}), "cluster.existing", "only with mode: existing"),
    ("production", _set("environment", "prod"), "email-platform:environment", "production, staging, development"),
    ("production", _set("domain", "not a domain"), "email-platform:domain", "DNS name"),
    ("production", _set("domian", "mail.example.com"), "email-platform:domian", "did you mean 'domain'"),
    ("production", _delete("tags.owner"), "email-platform:tags.owner", "required"),
    ("production", _set("tags.extra", {"Project": "x"}), "tags.extra.Project", "reserved"),
    ("production", _set("aws:region", "mars-1"), "aws:region", "AWS region"),
    ("production", _set("network", "10.0.0.0/16"), "email-platform:network", "must be an object"),
    ("production", _set("cluster.nodeGroup.minSize", "three"), "cluster.nodeGroup.minSize", "whole number"),
    ("production", _set("cluster.endpointPublicAccess", "yes"), "cluster.endpointPublicAccess", "true or false"),
    ("production", _set("registry.keepImages", KEEP_IMAGES - 1), "registry.keepImages", f"at least {KEEP_IMAGES}"),
    ("production", _set("registry.keepImage", 5), "email-platform:registry.keepImage", "did you mean 'keepImages'"),
    # Day two: who may deploy, how far nodes scale, what the image runs on.
    ("production", _set("cluster.access", {ONCALL_ROLE: "AmazonEKSViewPolicy"}), "email-platform:cluster.access", "AmazonEKSClusterAdminPolicy"),
    ("staging", _set("cluster.access", {}), "email-platform:cluster.access", "the deploy role"),
    ("production", _set(f"cluster.access.{ADMIN_ROLE}", "AmazonEKSRootPolicy"), f"cluster.access.{ADMIN_ROLE}", "allowed: AmazonEKSClusterAdminPolicy"),
    ("staging", _set("cluster.nodePool.cpuLimit", 2), "cluster.nodePool.cpuLimit", f"between 4 and {MAX_CPU_LIMIT}"),
    ("production", _set("cluster.nodePool.capacityTypes", ["on-demand", "spot"]), "cluster.nodePool.capacityTypes[1]", "allowed: on-demand"),
    ("production", _set("cluster.nodePool.architectures", ["sparc"]), "cluster.nodePool.architectures[0]", "allowed: x86_64, arm64"),
    ("production", _delete("cluster.nodePool"), "email-platform:cluster.nodePool", "required with mode: create"),
    ("production", _set("cluster.upgradePolicy", "FOREVER"), "cluster.upgradePolicy", "allowed: STANDARD, EXTENDED"),
    ("production", _set("app.imageArchitectures", ["arm64"]), "email-platform:app.imageArchitectures", "nodes are x86_64"),
    (
        "staging",
        both(
            _set("cluster.nodePool.architectures", ["arm64", "x86_64"]),
            _set("app.imageArchitectures", ["arm64", "x86_64"]),
            _set("app.blue.image", TAGGED_IMAGE),
        ),
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
    ("production", _set("emailApiKey", "sk-live-123"), "email-platform:emailApiKey = '(plain text)'", "must be a secret"),
    ("production", _set("kubeconfig", {"secure": "v1:a3ViZWNvbmZpZw=="}), "email-platform:kubeconfig", "only with cluster.mode: existing"),
]  # fmt: skip


@pytest.mark.parametrize(("environment", "edit", "key", "allowed"), REJECTS, ids=[f"{r[0]}-{r[2]}-{i}" for i, r in enumerate(REJECTS)])
def test_a_bad_value_is_refused_in_one_line(tmp_path: Path, environment: str, edit: Edit, key: str, allowed: str) -> None:
    message = refused(edited(environment, edit), tmp_path)
    assert key in message and allowed in message, message


def test_the_node_pool_must_hold_both_colours_at_their_peak(tmp_path: Path) -> None:
    """1 vCPU per pod, 5 pods per colour at most, two colours: 10 vCPU during a release."""
    app = both(_set("app.resources.requests.cpu", "1"), _set("app.autoscaling.minReplicas", 3), _set("app.autoscaling.maxReplicas", 5))
    message = refused(edited("production", app, _set("cluster.nodePool.cpuLimit", 9)), tmp_path)
    assert "email-platform:cluster.nodePool.cpuLimit = 9: must be at least 10 vCPU" in message
    assert load(edited("production", app, _set("cluster.nodePool.cpuLimit", 10)), tmp_path).cluster.node_pool is not None


ARM = _set("app.imageArchitectures", ["arm64"])
MULTI_ARCH = _set("app.imageArchitectures", ["arm64", "x86_64"])
ACCEPTS = [
    ("production", both(_set("cluster.nodeGroup.instanceTypes", ["m7g.xlarge", "m6g.xlarge"]), ARM)),  # Graviton
    ("production", both(_set("cluster.nodeGroup.instanceTypes", ["c7g.xlarge"]), ARM)),  # exactly 4 vCPU / 8 GiB
    ("staging", _set("network.availabilityZones", zones(MAX_AZS))),
    ("production", _set("cluster.nodeGroup.diskSizeGib", 2 * MIN_ROOT_VOLUME_GIB)),
    ("production", _set(f"cluster.access.{ONCALL_ROLE}", "AmazonEKSEditPolicy:email-platform")),
    ("production", both(_set("cluster.nodePool.architectures", ["arm64", "x86_64"]), MULTI_ARCH)),  # a digest-pinned index
    ("staging", _set("cluster.upgradePolicy", "EXTENDED")),
    ("staging", _set("cluster.nodeGroup.capacityType", "SPOT")),
]


@pytest.mark.parametrize(("environment", "edit"), ACCEPTS)
def test_good_values_are_accepted(tmp_path: Path, environment: str, edit: Edit) -> None:
    assert load(edited(environment, edit), tmp_path).cluster.node_group is not None


def test_graviton_nodes_get_the_arm_ami(pulumi_mocks: RecordingMonitor) -> None:
    graviton = {"instanceTypes": ["m7g.xlarge"], "minSize": PRODUCTION_NODES, "maxSize": 2 * PRODUCTION_NODES}
    settings = cluster_settings(
        {"version": "1.35", "access": {ADMIN_ROLE: "AmazonEKSClusterAdminPolicy"}, "nodeGroup": graviton, "nodePool": {"cpuLimit": 48}}
    )
    assert settings.node_group is not None and settings.node_group.ami_type == "AL2023_ARM_64_STANDARD"
    (nodes,) = build_cluster(pulumi_mocks, settings).of_type("aws:eks/nodeGroup:NodeGroup")
    assert nodes.inputs["amiType"] == "AL2023_ARM_64_STANDARD"


def test_config_error_is_a_run_error_so_the_engine_prints_no_traceback() -> None:
    import pulumi

    assert issubclass(ConfigError, pulumi.RunError)


def _existing_cluster(config: dict[str, Any]) -> None:
    cluster = config["email-platform:cluster"]
    cluster["mode"] = "existing"
    for owned in ("nodeGroup", "nodePool", "access"):
        del cluster[owned]
    cluster["existing"] = {"name": "shared-platform", "securityGroupId": "sg-0123456789abcdef0"}


def test_an_existing_cluster_is_used_by_kubeconfig_instead_of_created(tmp_path: Path) -> None:
    """The whole program: what an existing cluster leaves out, and the provider it reaches it with."""
    config = edited("production", _existing_cluster)
    run = run_program(load_stack_file("test", path=write(config, tmp_path)))
    assert not run.of_type("aws:eks/cluster:Cluster")
    assert not run.of_type("aws:eks/nodeGroup:NodeGroup")
    (provider,) = run.of_type("pulumi:providers:kubernetes")
    assert provider.inputs["kubeconfig"] == "[secret]"
    assert "email-platform:kubeconfig" in run.stack_file.placeholders
    assert run.outputs["clusterName"] == config["email-platform:cluster"]["existing"]["name"]
