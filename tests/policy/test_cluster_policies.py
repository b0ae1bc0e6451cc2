"""Cluster policies (EKS, launch templates, KMS, log groups, security-group ingress): a compliant
resource passes, a broken one trips them, called directly and through their CrossGuard wrappers."""

from __future__ import annotations

from typing import Any

import pytest
from policy_helpers import (
    DELETE,
    GOOD_STACK,
    HTTPS_IN,
    PRODUCTION,
    changed,
    names,
    res,
    resource_spec,
    stack_spec,
    validate_resource,
    validate_stack,
)

from policy import cluster
from policy.resource_types import SG, SG_INGRESS_RULE
from policy.specs import Resource

EKS = {
    "encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": "arn:aws:kms:us-east-1:123456789012:key/eks"}},
    "enabledClusterLogTypes": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
}
LAUNCH_TEMPLATE = {
    "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "volumeType": "gp3", "volumeSize": 100}}],
    "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1},
}
KMS = {"enableKeyRotation": True, "deletionWindowInDays": 30}
LOG_GROUP = {"retentionInDays": 365}
INLINE_SG = {"ingress": [{"cidrBlocks": ["0.0.0.0/0"], "fromPort": 80, "toPort": 80, "protocol": "tcp"}]}
EKS_CLUSTER = "aws:eks/cluster:Cluster"
LT = "aws:ec2/launchTemplate:LaunchTemplate"

# (policy, resource type, compliant props, broken props, policy config)
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    ("eks-secrets-encryption", EKS_CLUSTER, EKS, changed(EKS, "encryptionConfig", DELETE), {}),
    ("eks-control-plane-logs", EKS_CLUSTER, EKS, changed(EKS, "enabledClusterLogTypes", ["api"]), {}),
    ("ebs-encrypted-gp3", LT, LAUNCH_TEMPLATE, changed(LAUNCH_TEMPLATE, "blockDeviceMappings.0.ebs.volumeSize", 20), {}),
    ("imdsv2-required", LT, LAUNCH_TEMPLATE, changed(LAUNCH_TEMPLATE, "metadataOptions.httpTokens", "optional"), {}),
    ("kms-key-rotation", "aws:kms/key:Key", KMS, changed(KMS, "enableKeyRotation", False), {}),
    ("log-retention", "aws:cloudwatch/logGroup:LogGroup", LOG_GROUP, {}, {}),
    ("no-public-ingress", SG_INGRESS_RULE, HTTPS_IN, changed(HTTPS_IN, "fromPort", 22) | {"toPort": 22}, {}),
]

# More ways to trip a policy: each must be caught too (the ones a careless edit would cause).
MORE_BROKEN: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("ebs-encrypted-gp3", LT, changed(LAUNCH_TEMPLATE, "blockDeviceMappings.0.ebs.encrypted", "false"), {}),
    ("ebs-encrypted-gp3", LT, changed(LAUNCH_TEMPLATE, "blockDeviceMappings.0.ebs.volumeType", "gp2"), {}),
    ("no-public-ingress", SG, changed(INLINE_SG, "ingress.0.protocol", "-1"), {}),
    ("no-public-ingress", SG_INGRESS_RULE, changed(HTTPS_IN, "fromPort", 0) | {"toPort": 65535}, {}),
]

# Compliant variants the policies must not trip on.
MORE_COMPLIANT: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("no-public-ingress", SG, INLINE_SG, {}),
]

# (stack policy, the compliant stack with one thing broken)
STACK_CASES: list[tuple[str, list[Resource]]] = [
    (
        "public-ingress-only-on-load-balancer",
        [*GOOD_STACK, res(SG_INGRESS_RULE, "db-https", HTTPS_IN | {"securityGroupId": "sg-db"})],
    ),
]


@pytest.mark.parametrize(("name", "resource_type", "compliant", "broken", "config"), CASES, ids=[c[0] for c in CASES])
def test_policy_passes_compliant_and_trips_broken(
    name: str, resource_type: str, compliant: dict[str, Any], broken: dict[str, Any], config: dict[str, Any]
) -> None:
    spec = resource_spec(name)
    assert spec.evaluate(resource_type, compliant, config) == []
    assert spec.evaluate(resource_type, broken, config), f"{name} did not trip on {broken}"


@pytest.mark.parametrize(("name", "resource_type", "compliant", "broken", "config"), CASES, ids=[c[0] for c in CASES])
def test_wrapper_reports_through_report_violation(
    name: str, resource_type: str, compliant: dict[str, Any], broken: dict[str, Any], config: dict[str, Any]
) -> None:
    assert validate_resource(name, resource_type, compliant, config) == []
    assert validate_resource(name, resource_type, broken, config)


@pytest.mark.parametrize(("name", "resource_type", "broken", "config"), MORE_BROKEN, ids=[c[0] for c in MORE_BROKEN])
def test_policy_trips_on_other_breakages(name: str, resource_type: str, broken: dict[str, Any], config: dict[str, Any]) -> None:
    assert resource_spec(name).evaluate(resource_type, broken, config)


@pytest.mark.parametrize(("name", "resource_type", "props", "config"), MORE_COMPLIANT, ids=[c[0] for c in MORE_COMPLIANT])
def test_policy_accepts_other_valid_choices(name: str, resource_type: str, props: dict[str, Any], config: dict[str, Any]) -> None:
    assert resource_spec(name).evaluate(resource_type, props, config) == []


@pytest.mark.parametrize(("name", "broken_stack"), STACK_CASES, ids=[c[0] for c in STACK_CASES])
def test_stack_policy_passes_good_stack_and_trips_broken(name: str, broken_stack: list[Resource]) -> None:
    spec = stack_spec(name)
    assert spec.evaluate(GOOD_STACK, PRODUCTION) == []
    assert spec.evaluate(broken_stack, PRODUCTION), f"{name} did not trip"


@pytest.mark.parametrize(("name", "broken_stack"), STACK_CASES, ids=[c[0] for c in STACK_CASES])
def test_stack_wrapper_reports_with_the_resource_urn(name: str, broken_stack: list[Resource]) -> None:
    assert validate_stack(name, GOOD_STACK, PRODUCTION) == []
    reported = validate_stack(name, broken_stack, PRODUCTION)
    assert reported and all(urn and urn.startswith("urn:pulumi:") for _, urn in reported)


def test_every_cluster_policy_is_tested_both_ways() -> None:
    assert {c[0] for c in CASES} == names(cluster.RESOURCE_POLICIES)
    assert {c[0] for c in STACK_CASES} == names(cluster.STACK_POLICIES)
