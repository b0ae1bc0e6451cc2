"""Every policy of the pack, both ways: a compliant resource passes, a broken one trips it.

The policies are called as plain functions and through their CrossGuard wrappers (with the
engine's own argument objects and unknown-checking proxies), never through a built PolicyPack:
building one starts a gRPC server and blocks.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UNKNOWN_STRING_VALUE, unknown_checking_proxy

from policy import policies
from policy.policies import RESOURCE_POLICIES, STACK_POLICIES, Resource

ROOT = Path(__file__).resolve().parent.parent
URN = "urn:pulumi:production::email-platform::"
PROVIDER = f"{URN}pulumi:providers:aws::aws::provider-id"
TAGS = {"Project": "email-platform", "Environment": "production", "ManagedBy": "pulumi", "Owner": "team", "CostCenter": "cc"}


def changed(props: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of props with `a.b.0.c` set to value (or removed when value is DELETE)."""
    result = copy.deepcopy(props)
    parts = path.split(".")
    target: Any = result
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last: Any = int(parts[-1]) if isinstance(target, list) else parts[-1]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return result


DELETE = object()

# ---------------------------------------------------------------------------------------------
# Compliant resources, camelCase inputs as the engine sees them
# ---------------------------------------------------------------------------------------------

HTTPS_LISTENER = {
    "protocol": "HTTPS",
    "port": 443,
    "sslPolicy": "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "routingHttpResponseStrictTransportSecurityHeaderValue": "max-age=31536000; includeSubDomains; preload",
    "defaultActions": [{"type": "forward", "targetGroupArn": "arn:tg"}],
}
HTTP_LISTENER = {
    "protocol": "HTTP",
    "port": 80,
    "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}],
}
ALB = {
    "loadBalancerType": "application",
    "enableDeletionProtection": True,
    "dropInvalidHeaderFields": True,
    "accessLogs": {"bucket": "alb-logs-123", "enabled": True, "prefix": "alb"},
    "subnets": ["subnet-a", "subnet-b", "subnet-c"],
    "securityGroups": ["sg-alb"],
}
DISTRIBUTION = {
    "enabled": True,
    "httpVersion": "http2and3",
    "viewerCertificate": {"acmCertificateArn": "arn:acm", "minimumProtocolVersion": "TLSv1.3_2025", "sslSupportMethod": "sni-only"},
    "defaultCacheBehavior": {"viewerProtocolPolicy": "redirect-to-https", "responseHeadersPolicyId": "rhp-1", "targetOriginId": "s3"},
    "orderedCacheBehaviors": [{"pathPattern": "/api/*", "viewerProtocolPolicy": "https-only", "targetOriginId": "alb"}],
    "origins": [
        {"originId": "s3", "domainName": "assets.s3.us-east-1.amazonaws.com", "originAccessControlId": "oac-1"},
        {"originId": "alb", "domainName": "mail.example.com", "customOriginConfig": {"originProtocolPolicy": "https-only"}},
    ],
}
RESPONSE_HEADERS = {
    "securityHeadersConfig": {
        "strictTransportSecurity": {"accessControlMaxAgeSec": 63072000, "includeSubdomains": True, "preload": True, "override": True}
    }
}
AURORA = {
    "engine": "aurora-postgresql",
    "storageEncrypted": True,
    "kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/db",
    "deletionProtection": True,
    "skipFinalSnapshot": False,
    "finalSnapshotIdentifier": "db-final",
    "backupRetentionPeriod": 14,
    "iamDatabaseAuthenticationEnabled": True,
    "enabledCloudwatchLogsExports": ["postgresql"],
    "masterPassword": "[secret]",
}
AURORA_INSTANCE = {"publiclyAccessible": False, "performanceInsightsEnabled": True, "instanceClass": "db.r7g.large"}
AURORA_PARAMS = {
    "family": "aurora-postgresql16",
    "parameters": [
        {"name": "rds.force_ssl", "value": "1", "applyMethod": "pending-reboot"},
        {"name": "ssl_min_protocol_version", "value": "TLSv1.3", "applyMethod": "pending-reboot"},
    ],
}
REDIS = {
    "transitEncryptionEnabled": True,
    "transitEncryptionMode": "required",
    "atRestEncryptionEnabled": True,
    "kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/cache",
    "automaticFailoverEnabled": True,
    "multiAzEnabled": True,
    "authToken": "[secret]",
    "snapshotRetentionLimit": 7,
    "numCacheClusters": 3,
}
PAB = {"bucket": "assets-123", "blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True}
SSE = {"bucket": "assets-123", "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "arn:k"}}]}
OWNERSHIP = {"bucket": "assets-123", "rule": {"objectOwnership": "BucketOwnerEnforced"}}
EKS = {
    "encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": "arn:aws:kms:us-east-1:123456789012:key/eks"}},
    "enabledClusterLogTypes": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
}
LAUNCH_TEMPLATE = {
    "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "volumeType": "gp3", "volumeSize": 100}}],
    "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1},
}
NODE_GROUP = {"subnetIds": ["subnet-a", "subnet-b", "subnet-c"], "scalingConfig": {"minSize": 3, "maxSize": 9, "desiredSize": 3}}
KMS = {"enableKeyRotation": True, "deletionWindowInDays": 30}
LOG_GROUP = {"retentionInDays": 365}
HTTPS_IN = {"securityGroupId": "sg-alb", "cidrIpv4": "0.0.0.0/0", "fromPort": 443, "toPort": 443, "ipProtocol": "tcp"}
INLINE_SG = {"ingress": [{"cidrBlocks": ["0.0.0.0/0"], "fromPort": 80, "toPort": 80, "protocol": "tcp"}]}
AWS_PROVIDER = {
    "region": "us-east-1",
    "defaultTags": '{"tags": {"Project": "email-platform", "Environment": "production", '
    '"ManagedBy": "pulumi", "Owner": "team", "CostCenter": "cc"}}',
}
TAGGED_BUCKET = {"tags": {"Name": "assets", "Owner": "team"}}
CONTAINER = {
    "name": "app",
    "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/email:1.4.2",
    "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]}},
    "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "2", "memory": "2Gi"}},
    "readinessProbe": {"httpGet": {"path": "/health", "port": 3000}},
    "livenessProbe": {"httpGet": {"path": "/health", "port": 3000}},
    "env": [
        {"name": "EMAIL_API_KEY", "valueFrom": {"secretKeyRef": {"name": "app", "key": "EMAIL_API_KEY"}}},
        {"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "app", "key": "DATABASE_URL"}}},
        {"name": "SSL_KEY_PATH", "value": "/etc/ssl/private/email-key.pem"},
        {"name": "EMAIL_WEBHOOK_URL", "value": "https://mail.example.com/webhooks/email"},
    ],
}
DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "spec": {
        "selector": {"matchLabels": {"app": "email"}},
        "template": {
            "metadata": {"labels": {"app": "email", "colour": "blue"}},
            "spec": {
                "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
                "containers": [CONTAINER],
            },
        },
    },
}
C0 = "spec.template.spec.containers.0"

# Resource types, short so that the tables below read as one line per case.
LISTENER = "aws:lb/listener:Listener"
LB = "aws:lb/loadBalancer:LoadBalancer"
CF = "aws:cloudfront/distribution:Distribution"
RHP = "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"
RDS_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
RDS_PARAMS = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
RDS = "aws:rds/cluster:Cluster"
RG = "aws:elasticache/replicationGroup:ReplicationGroup"
LT = "aws:ec2/launchTemplate:LaunchTemplate"

# (policy, resource type, compliant props, broken props, policy config)
RESOURCE_CASES: list[tuple[str, str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    ("alb-tls13-only", LISTENER, HTTPS_LISTENER, changed(HTTPS_LISTENER, "sslPolicy", "ELBSecurityPolicy-TLS13-1-2-2021-06"), {}),
    (
        "alb-http-redirects-to-https",
        LISTENER,
        HTTP_LISTENER,
        changed(HTTP_LISTENER, "defaultActions", [{"type": "forward", "targetGroupArn": "arn:tg"}]),
        {},
    ),
    (
        "alb-hsts",
        LISTENER,
        HTTPS_LISTENER,
        changed(HTTPS_LISTENER, "routingHttpResponseStrictTransportSecurityHeaderValue", "max-age=300"),
        {},
    ),
    ("alb-deletion-protection", LB, ALB, changed(ALB, "enableDeletionProtection", False), {}),
    ("alb-drop-invalid-headers", LB, ALB, changed(ALB, "dropInvalidHeaderFields", DELETE), {}),
    ("alb-access-logs", LB, ALB, changed(ALB, "accessLogs.enabled", False), {}),
    ("cloudfront-tls13", CF, DISTRIBUTION, changed(DISTRIBUTION, "viewerCertificate.minimumProtocolVersion", "TLSv1.2_2021"), {}),
    ("cloudfront-https-only", CF, DISTRIBUTION, changed(DISTRIBUTION, "orderedCacheBehaviors.0.viewerProtocolPolicy", "allow-all"), {}),
    ("cloudfront-origin-access-control", CF, DISTRIBUTION, changed(DISTRIBUTION, "origins.0.originAccessControlId", DELETE), {}),
    (
        "cloudfront-hsts",
        RHP,
        RESPONSE_HEADERS,
        changed(RESPONSE_HEADERS, "securityHeadersConfig.strictTransportSecurity.preload", False),
        {},
    ),
    ("db-encrypted-at-rest", RDS, AURORA, changed(AURORA, "storageEncrypted", False), {}),
    ("db-deletion-protection", RDS, AURORA, changed(AURORA, "skipFinalSnapshot", True), {}),
    ("db-backup-retention", RDS, AURORA, changed(AURORA, "backupRetentionPeriod", 5), {}),
    ("db-iam-auth", RDS, AURORA, changed(AURORA, "iamDatabaseAuthenticationEnabled", False), {}),
    ("db-log-exports", RDS, AURORA, changed(AURORA, "enabledCloudwatchLogsExports", []), {}),
    ("db-not-public", RDS_INSTANCE, AURORA_INSTANCE, changed(AURORA_INSTANCE, "publiclyAccessible", True), {}),
    ("db-performance-insights", RDS_INSTANCE, AURORA_INSTANCE, changed(AURORA_INSTANCE, "performanceInsightsEnabled", DELETE), {}),
    ("db-tls-required", RDS_PARAMS, AURORA_PARAMS, changed(AURORA_PARAMS, "parameters.1.value", "TLSv1.2"), {}),
    ("cache-encryption-in-transit", RG, REDIS, changed(REDIS, "transitEncryptionMode", "preferred"), {}),
    ("cache-encryption-at-rest", RG, REDIS, changed(REDIS, "kmsKeyId", DELETE), {}),
    ("cache-auth-token", RG, REDIS, changed(REDIS, "authToken", DELETE), {}),
    ("cache-failover", RG, REDIS, changed(REDIS, "multiAzEnabled", False), {}),
    ("cache-snapshots", RG, REDIS, changed(REDIS, "snapshotRetentionLimit", 0), {}),
    ("s3-public-access-block", policies.BUCKET_PAB, PAB, changed(PAB, "restrictPublicBuckets", False), {}),
    ("s3-encryption", policies.BUCKET_SSE, SSE, changed(SSE, "rules", []), {}),
    ("s3-ownership-enforced", policies.BUCKET_OWNERSHIP, OWNERSHIP, changed(OWNERSHIP, "rule.objectOwnership", "ObjectWriter"), {}),
    ("eks-secrets-encryption", "aws:eks/cluster:Cluster", EKS, changed(EKS, "encryptionConfig", DELETE), {}),
    ("eks-control-plane-logs", "aws:eks/cluster:Cluster", EKS, changed(EKS, "enabledClusterLogTypes", ["api"]), {}),
    ("ebs-encrypted-gp3", LT, LAUNCH_TEMPLATE, changed(LAUNCH_TEMPLATE, "blockDeviceMappings.0.ebs.volumeSize", 20), {}),
    ("imdsv2-required", LT, LAUNCH_TEMPLATE, changed(LAUNCH_TEMPLATE, "metadataOptions.httpTokens", "optional"), {}),
    ("kms-key-rotation", "aws:kms/key:Key", KMS, changed(KMS, "enableKeyRotation", False), {}),
    ("log-retention", "aws:cloudwatch/logGroup:LogGroup", LOG_GROUP, {}, {}),
    ("no-public-ingress", policies.SG_INGRESS_RULE, HTTPS_IN, changed(HTTPS_IN, "fromPort", 22) | {"toPort": 22}, {}),
    ("multi-az", LB, ALB, changed(ALB, "subnets", ["subnet-a", "subnet-b"]), {"environment": "production"}),
    ("cost-allocation-tags", "pulumi:providers:aws", AWS_PROVIDER, {"region": "us-east-1", "defaultTags": '{"tags": {"Owner": "x"}}'}, {}),
    ("k8s-pod-security", policies.DEPLOYMENT, DEPLOYMENT, changed(DEPLOYMENT, "spec.template.spec.securityContext.runAsUser", 1000), {}),
    ("k8s-resources", policies.DEPLOYMENT, DEPLOYMENT, changed(DEPLOYMENT, f"{C0}.resources.limits", {}), {}),
    ("k8s-probes", policies.DEPLOYMENT, DEPLOYMENT, changed(DEPLOYMENT, f"{C0}.livenessProbe", DELETE), {}),
    (
        "k8s-no-literal-secrets",
        policies.DEPLOYMENT,
        DEPLOYMENT,
        changed(DEPLOYMENT, f"{C0}.env.1", {"name": "DATABASE_URL", "value": "postgresql://u:p@db:5432/email_db"}),
        {},
    ),
    ("k8s-image-pinned", policies.DEPLOYMENT, DEPLOYMENT, changed(DEPLOYMENT, f"{C0}.image", "email:latest"), {}),
]

# More ways to trip a policy: each must be caught too (the ones a careless edit would cause).
MORE_BROKEN: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("alb-http-redirects-to-https", LISTENER, changed(HTTP_LISTENER, "defaultActions.0.redirect.statusCode", "HTTP_302"), {}),
    ("alb-hsts", LISTENER, changed(HTTPS_LISTENER, "routingHttpResponseStrictTransportSecurityHeaderValue", DELETE), {}),
    ("cloudfront-tls13", CF, changed(DISTRIBUTION, "viewerCertificate.sslSupportMethod", "vip"), {}),
    ("cloudfront-https-only", CF, changed(DISTRIBUTION, "origins.1.customOriginConfig.originProtocolPolicy", "match-viewer"), {}),
    ("cloudfront-hsts", CF, changed(DISTRIBUTION, "defaultCacheBehavior.responseHeadersPolicyId", DELETE), {}),
    ("cloudfront-hsts", RHP, changed(RESPONSE_HEADERS, "securityHeadersConfig.strictTransportSecurity.accessControlMaxAgeSec", 86400), {}),
    ("db-encrypted-at-rest", RDS, changed(AURORA, "kmsKeyId", DELETE), {}),
    ("db-deletion-protection", RDS, changed(AURORA, "deletionProtection", False), {}),
    ("db-deletion-protection", RDS, changed(AURORA, "finalSnapshotIdentifier", DELETE), {}),
    ("db-backup-retention", RDS, changed(AURORA, "backupRetentionPeriod", DELETE), {}),
    ("db-backup-retention", RDS, AURORA, {"minRetentionDays": 30}),  # tuned by policy config
    ("db-tls-required", RDS_PARAMS, changed(AURORA_PARAMS, "parameters.0", {"name": "x", "value": "1"}), {}),
    ("cache-encryption-in-transit", RG, changed(REDIS, "transitEncryptionEnabled", False), {}),
    ("cache-encryption-at-rest", RG, changed(REDIS, "atRestEncryptionEnabled", False), {}),
    ("cache-failover", RG, changed(REDIS, "automaticFailoverEnabled", False), {}),
    ("ebs-encrypted-gp3", LT, changed(LAUNCH_TEMPLATE, "blockDeviceMappings.0.ebs.encrypted", "false"), {}),
    ("ebs-encrypted-gp3", LT, changed(LAUNCH_TEMPLATE, "blockDeviceMappings.0.ebs.volumeType", "gp2"), {}),
    ("no-public-ingress", policies.SG, changed(INLINE_SG, "ingress.0.protocol", "-1"), {}),
    ("no-public-ingress", policies.SG_INGRESS_RULE, changed(HTTPS_IN, "fromPort", 0) | {"toPort": 65535}, {}),
    ("multi-az", RG, changed(REDIS, "numCacheClusters", 1), {}),
    ("multi-az", "aws:eks/nodeGroup:NodeGroup", changed(NODE_GROUP, "scalingConfig.minSize", 1), {}),
    ("cost-allocation-tags", "aws:s3/bucket:Bucket", changed(TAGGED_BUCKET, "tags.Owner", ""), {}),
    ("k8s-pod-security", policies.DEPLOYMENT, changed(DEPLOYMENT, f"{C0}.securityContext.allowPrivilegeEscalation", True), {}),
    ("k8s-pod-security", policies.DEPLOYMENT, changed(DEPLOYMENT, f"{C0}.securityContext.readOnlyRootFilesystem", False), {}),
    ("k8s-pod-security", policies.DEPLOYMENT, changed(DEPLOYMENT, f"{C0}.securityContext.capabilities.drop", ["NET_RAW"]), {}),
    ("k8s-pod-security", policies.DEPLOYMENT, changed(DEPLOYMENT, "spec.template.spec.securityContext.seccompProfile", DELETE), {}),
    ("k8s-pod-security", policies.DEPLOYMENT, changed(DEPLOYMENT, "spec.template.spec.securityContext.runAsNonRoot", False), {}),
    ("k8s-no-literal-secrets", policies.DEPLOYMENT, changed(DEPLOYMENT, f"{C0}.env.0", {"name": "EMAIL_API_KEY", "value": "[secret]"}), {}),
    ("k8s-image-pinned", policies.DEPLOYMENT, changed(DEPLOYMENT, f"{C0}.image", "registry:5000/email"), {}),
]

# Compliant variants the policies must not trip on: secrets, unknowns, other valid choices.
MORE_COMPLIANT: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("alb-tls13-only", LISTENER, changed(HTTPS_LISTENER, "sslPolicy", "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09"), {}),
    ("alb-tls13-only", LISTENER, HTTP_LISTENER, {}),  # not an HTTPS listener
    ("db-encrypted-at-rest", RDS, changed(AURORA, "kmsKeyId", "[unknown]"), {}),
    ("cache-auth-token", RG, changed(REDIS, "authToken", UNKNOWN_STRING_VALUE), {}),
    ("multi-az", LB, changed(ALB, "subnets", ["subnet-a"]), {"environment": "staging"}),
    ("k8s-image-pinned", policies.DEPLOYMENT, changed(DEPLOYMENT, f"{C0}.image", "registry:5000/email@sha256:" + "a" * 64), {}),
    ("k8s-pod-security", policies.DEPLOYMENT, changed(DEPLOYMENT, f"{C0}.securityContext.runAsUser", 20000), {}),
    ("no-public-ingress", policies.SG, INLINE_SG, {}),
    ("cost-allocation-tags", "aws:s3/bucket:Bucket", TAGGED_BUCKET, {}),
    ("cost-allocation-tags", "pulumi:providers:aws", {"defaultTags": {"tags": TAGS}}, {}),
]  # fmt: skip

SPECS = {spec.name: spec for spec in RESOURCE_POLICIES}


@pytest.mark.parametrize(("name", "resource_type", "compliant", "broken", "config"), RESOURCE_CASES, ids=[c[0] for c in RESOURCE_CASES])
def test_policy_passes_compliant_and_trips_broken(
    name: str, resource_type: str, compliant: dict[str, Any], broken: dict[str, Any], config: dict[str, Any]
) -> None:
    spec = SPECS[name]
    assert spec.evaluate(resource_type, compliant, config) == []
    assert spec.evaluate(resource_type, broken, config), f"{name} did not trip on {broken}"


@pytest.mark.parametrize(("name", "resource_type", "broken", "config"), MORE_BROKEN, ids=[c[0] for c in MORE_BROKEN])
def test_policy_trips_on_other_breakages(name: str, resource_type: str, broken: dict[str, Any], config: dict[str, Any]) -> None:
    assert SPECS[name].evaluate(resource_type, broken, config)


@pytest.mark.parametrize(("name", "resource_type", "props", "config"), MORE_COMPLIANT, ids=[c[0] for c in MORE_COMPLIANT])
def test_policy_accepts_secrets_unknowns_and_other_valid_choices(
    name: str, resource_type: str, props: dict[str, Any], config: dict[str, Any]
) -> None:
    assert SPECS[name].evaluate(resource_type, props, config) == []


def test_every_resource_policy_is_tested_both_ways() -> None:
    assert {c[0] for c in RESOURCE_CASES} == set(SPECS)


def test_policies_ignore_other_resource_types() -> None:
    for spec in RESOURCE_POLICIES:
        assert spec.evaluate("aws:sns/topic:Topic", {}) == [] or spec.name == "cost-allocation-tags"
        assert spec.evaluate("random:index/randomPassword:RandomPassword", {}) == []


# ---------------------------------------------------------------------------------------------
# Stack policies
# ---------------------------------------------------------------------------------------------


def res(type_: str, name: str, props: Mapping[str, Any], **extra: Any) -> Resource:
    return Resource(type=type_, urn=f"{URN}{type_}::{name}", name=name, props=props, provider=extra.pop("provider", PROVIDER), **extra)


BUCKET = res(policies.BUCKET, "assets", {"bucket": "assets-123"}, protect=True)
BUCKET_PARTS = [
    res(policies.BUCKET_PAB, "assets-pab", PAB),
    res(policies.BUCKET_SSE, "assets-sse", SSE),
    res(policies.BUCKET_OWNERSHIP, "assets-ownership", OWNERSHIP),
]
ALB_RES = res(LB, "alb", ALB)
CLUSTER = res(RDS, "db-cluster", {**AURORA, "clusterIdentifier": "email-db"}, protect=True)
INSTANCES = [res(RDS_INSTANCE, f"db-{i}", {"clusterIdentifier": "email-db"}) for i in (1, 2)]
PROVIDER_RES = Resource(type="pulumi:providers:aws", urn=PROVIDER.rsplit("::", 1)[0], name="aws", props=AWS_PROVIDER)
PDB_RES = res(policies.PDB, "app-pdb", {"spec": {"selector": {"matchLabels": {"app": "email"}}, "minAvailable": 1}}, provider="")
DEPLOYMENT_RES = res(policies.DEPLOYMENT, "app", DEPLOYMENT, provider="")
GOOD_STACK = [
    PROVIDER_RES,
    BUCKET,
    *BUCKET_PARTS,
    ALB_RES,
    res(policies.SG_INGRESS_RULE, "alb-https", HTTPS_IN),
    CLUSTER,
    *INSTANCES,
    DEPLOYMENT_RES,
    PDB_RES,
]

STACK_CASES: list[tuple[str, list[Resource]]] = [
    ("s3-bucket-guardrails", [r for r in GOOD_STACK if r.type != policies.BUCKET_SSE]),
    (
        "public-ingress-only-on-load-balancer",
        [*GOOD_STACK, res(policies.SG_INGRESS_RULE, "db-https", HTTPS_IN | {"securityGroupId": "sg-db"})],
    ),
    (
        "aws-resources-use-tagged-provider",
        [r for r in GOOD_STACK if r is not PROVIDER_RES]
        + [Resource(type="pulumi:providers:aws", urn=PROVIDER_RES.urn, name="aws", props={"region": "us-east-1"})],
    ),
    ("aurora-multi-instance", [r for r in GOOD_STACK if r is not INSTANCES[1]]),
    ("stateful-resources-protected", [r if r is not CLUSTER else res(CLUSTER.type, CLUSTER.name, CLUSTER.props) for r in GOOD_STACK]),
    ("pod-disruption-budget", [r for r in GOOD_STACK if r is not PDB_RES]),
]
STACK_SPECS = {spec.name: spec for spec in STACK_POLICIES}


@pytest.mark.parametrize(("name", "broken_stack"), STACK_CASES, ids=[c[0] for c in STACK_CASES])
def test_stack_policy_passes_good_stack_and_trips_broken(name: str, broken_stack: list[Resource]) -> None:
    spec = STACK_SPECS[name]
    assert spec.evaluate(GOOD_STACK, {"environment": "production"}) == []
    assert spec.evaluate(broken_stack, {"environment": "production"}), f"{name} did not trip"


def test_every_stack_policy_is_tested_both_ways() -> None:
    assert {c[0] for c in STACK_CASES} == set(STACK_SPECS)


def test_default_provider_without_tags_is_reported() -> None:
    bucket = res(policies.BUCKET, "logs", {}, provider=f"{URN}pulumi:providers:aws::default_7_51_1::id")
    findings = STACK_SPECS["aws-resources-use-tagged-provider"].evaluate([bucket], {})
    assert findings and "default provider" in findings[0][1]


def test_aurora_instances_are_shared_out_when_identifiers_are_unknown() -> None:
    unknown = [res(i.type, i.name, {"clusterIdentifier": policies.UNKNOWN}) for i in INSTANCES]
    spec = STACK_SPECS["aurora-multi-instance"]
    assert spec.evaluate([CLUSTER, *unknown], {}) == []
    assert spec.evaluate([CLUSTER, unknown[0]], {})
    assert spec.evaluate([CLUSTER, unknown[0]], {"environment": "staging"}) == []


# ---------------------------------------------------------------------------------------------
# The CrossGuard wrappers, called the way the engine calls them
# ---------------------------------------------------------------------------------------------

OPTS = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


class Reports(list[tuple[str, "str | None"]]):
    """A `report_violation` stub that keeps (message, urn) pairs."""

    def __call__(self, message: str, urn: str | None = None) -> None:
        self.append((message, urn))


def validate_resource(policy: ResourceValidationPolicy, resource_type: str, props: dict[str, Any], config: dict[str, Any]) -> list[str]:
    reported = Reports()
    args = ResourceValidationArgs(
        resource_type, unknown_checking_proxy(copy.deepcopy(props)), f"{URN}{resource_type}::r", "r", OPTS, None, config
    )
    policy.validate(args, reported)
    return [message for message, _ in reported]


WRAPPERS = {policy.name: policy for policy in policies.ALL_POLICIES}


@pytest.mark.parametrize(("name", "resource_type", "compliant", "broken", "config"), RESOURCE_CASES, ids=[c[0] for c in RESOURCE_CASES])
def test_resource_wrapper_reports_through_report_violation(
    name: str, resource_type: str, compliant: dict[str, Any], broken: dict[str, Any], config: dict[str, Any]
) -> None:
    policy = WRAPPERS[name]
    assert isinstance(policy, ResourceValidationPolicy)
    assert validate_resource(policy, resource_type, compliant, config) == []
    assert validate_resource(policy, resource_type, broken, config)


def test_wrapper_treats_engine_unknowns_as_compliant() -> None:
    # During preview the engine's proxies raise on any unknown read; the wrapper must not.
    props = changed(AURORA, "storageEncrypted", UNKNOWN_BOOLEAN_VALUE) | {"kmsKeyId": UNKNOWN_STRING_VALUE}
    policy = WRAPPERS["db-encrypted-at-rest"]
    assert isinstance(policy, ResourceValidationPolicy)
    assert validate_resource(policy, RDS, props, {}) == []


def policy_resource(resource: Resource, providers: dict[str, Resource]) -> PolicyResource:
    opts = PolicyResourceOptions(resource.protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
    provider = providers.get(policies.provider_urn(resource.provider))
    engine_provider = PolicyProviderResource(provider.type, provider.props, provider.urn, provider.name) if provider else None
    return PolicyResource(
        resource.type,
        unknown_checking_proxy(copy.deepcopy(dict(resource.props))),
        resource.urn,
        resource.name,
        opts,
        engine_provider,
        None,
        [],
        {},
    )


def engine_stack(resources: list[Resource]) -> list[PolicyResource]:
    providers = {r.urn: r for r in resources if r.type == "pulumi:providers:aws"}
    return [policy_resource(r, providers) for r in resources]


@pytest.mark.parametrize(("name", "broken_stack"), STACK_CASES, ids=[c[0] for c in STACK_CASES])
def test_stack_wrapper_reports_with_the_resource_urn(name: str, broken_stack: list[Resource]) -> None:
    policy = WRAPPERS[name]
    assert isinstance(policy, StackValidationPolicy)
    reported = Reports()
    config = {"environment": "production"}
    policy.validate(StackValidationArgs(engine_stack(GOOD_STACK), config), reported)
    assert reported == []
    policy.validate(StackValidationArgs(engine_stack(broken_stack), config), reported)
    assert reported and all(urn and urn.startswith("urn:pulumi:") for _, urn in reported)


def test_levels_and_config_schemas() -> None:
    levels = {policy.name: policy.enforcement_level for policy in policies.ALL_POLICIES}
    assert levels["db-encrypted-at-rest"] is EnforcementLevel.MANDATORY
    assert levels["log-retention"] is EnforcementLevel.ADVISORY
    assert levels["pod-disruption-budget"] is EnforcementLevel.ADVISORY
    assert all(level in (EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY) for level in levels.values())
    for policy in policies.ALL_POLICIES:
        for key, setting in (policy.config_schema.properties if policy.config_schema else {}).items():
            assert "type" in setting and "default" in setting, f"{policy.name}.{key} needs a type and a default"
    schema = WRAPPERS["db-backup-retention"].config_schema
    assert schema is not None and schema.properties["minRetentionDays"]["default"] == 7


def test_pack_entry_point_builds_exactly_the_policy_list() -> None:
    # Parse, never import: building the PolicyPack starts a server and blocks.
    tree = ast.parse((ROOT / "policy" / "__main__.py").read_text())
    imports = {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module == "policies" for alias in node.names
    }
    packs = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "PolicyPack"]
    assert imports == {"ALL_POLICIES"}
    assert len(packs) == 1
    keywords = {kw.arg: kw.value for kw in packs[0].keywords}
    assert isinstance(keywords["policies"], ast.Name) and keywords["policies"].id == "ALL_POLICIES"
    names = [policy.name for policy in policies.ALL_POLICIES]
    assert len(names) == len(set(names)) == len(RESOURCE_POLICIES) + len(STACK_POLICIES)


def test_pack_requirements_match_the_project_pins() -> None:
    def pins(path: Path) -> dict[str, str]:
        lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
        return dict(line.split("==", 1) for line in lines if "==" in line)

    project = pins(ROOT / "requirements.txt") | pins(ROOT / "requirements-dev.txt")
    pack = pins(ROOT / "policy" / "requirements.txt")
    assert set(pack) == {"pulumi", "pulumi-policy"}
    assert all(project[name] == version for name, version in pack.items())
