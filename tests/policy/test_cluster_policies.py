"""Cluster policies (EKS, launch templates, KMS, log groups, security-group ingress): a compliant
resource passes, a broken one trips them, called directly and through their CrossGuard wrappers."""

from __future__ import annotations

from typing import Any

from policy_cases import add_case_tests
from policy_helpers import (
    DELETE,
    GOOD_STACK,
    HTTPS_IN,
    changed,
    res,
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
EKS_NARROW = EKS | {"vpcConfig": {"endpointPublicAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]}}
LT = "aws:ec2/launchTemplate:LaunchTemplate"

# (policy, resource type, compliant props, broken props, policy config)
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    ("eks-secrets-encryption", EKS_CLUSTER, EKS, changed(EKS, "encryptionConfig", DELETE), {}),
    ("eks-control-plane-logs", EKS_CLUSTER, EKS, changed(EKS, "enabledClusterLogTypes", ["api"]), {}),
    ("ebs-encrypted-gp3", LT, LAUNCH_TEMPLATE, changed(LAUNCH_TEMPLATE, "blockDeviceMappings.0.ebs.volumeSize", 20), {}),
    ("imdsv2-required", LT, LAUNCH_TEMPLATE, changed(LAUNCH_TEMPLATE, "metadataOptions.httpTokens", "optional"), {}),
    ("eks-endpoint-not-world-open", EKS_CLUSTER, EKS_NARROW, changed(EKS_NARROW, "vpcConfig.publicAccessCidrs", ["0.0.0.0/0"]), {}),
    ("kms-key-rotation", "aws:kms/key:Key", KMS, changed(KMS, "enableKeyRotation", False), {}),
    ("log-retention", "aws:cloudwatch/logGroup:LogGroup", LOG_GROUP, {}, {}),
    ("no-public-ingress", SG_INGRESS_RULE, HTTPS_IN, changed(HTTPS_IN, "fromPort", 22) | {"toPort": 22}, {}),
]

# More ways to trip a policy: each must be caught too (the ones a careless edit would cause).
MORE_BROKEN: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    # No CIDRs on a public endpoint: EKS opens it to 0.0.0.0/0.
    ("eks-endpoint-not-world-open", EKS_CLUSTER, changed(EKS_NARROW, "vpcConfig.publicAccessCidrs", DELETE), {}),
    ("ebs-encrypted-gp3", LT, changed(LAUNCH_TEMPLATE, "blockDeviceMappings.0.ebs.encrypted", "false"), {}),
    ("ebs-encrypted-gp3", LT, changed(LAUNCH_TEMPLATE, "blockDeviceMappings.0.ebs.volumeType", "gp2"), {}),
    ("no-public-ingress", SG, changed(INLINE_SG, "ingress.0.protocol", "-1"), {}),
    ("no-public-ingress", SG_INGRESS_RULE, changed(HTTPS_IN, "fromPort", 0) | {"toPort": 65535}, {}),
]

# Compliant variants the policies must not trip on.
MORE_COMPLIANT: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("eks-endpoint-not-world-open", EKS_CLUSTER, EKS | {"vpcConfig": {"endpointPublicAccess": False}}, {}),
    ("no-public-ingress", SG, INLINE_SG, {}),
]

# (stack policy, the compliant stack with one thing broken)
STACK_CASES: list[tuple[str, list[Resource]]] = [
    (
        "public-ingress-only-on-load-balancer",
        [*GOOD_STACK, res(SG_INGRESS_RULE, "db-https", HTTPS_IN | {"securityGroupId": "sg-db"})],
    ),
]


add_case_tests(globals(), cluster, cases=CASES, more_broken=MORE_BROKEN, more_compliant=MORE_COMPLIANT, stack_cases=STACK_CASES)
