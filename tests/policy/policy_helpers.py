"""What the policy tests share: a compliant resource of each kind the stack policies look at, a
compliant stack made of them, and calls into the pack the way the engine makes them.

Props are camelCase inputs as the engine sees them. The policies are called as plain functions
(`spec.evaluate`) and through their CrossGuard wrappers with the engine's own argument objects and
unknown-checking proxies, never through a built PolicyPack: building one starts a gRPC server and
blocks.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import (
    Policy,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import unknown_checking_proxy

from policy.registry import ALL_POLICIES, RESOURCE_POLICIES, STACK_POLICIES
from policy.resource_types import BUCKET, BUCKET_OWNERSHIP, BUCKET_PAB, BUCKET_SSE, DEPLOYMENT, PDB, SG_INGRESS_RULE
from policy.specs import Resource, ResourcePolicySpec, StackPolicySpec, provider_urn

URN = "urn:pulumi:production::email-platform::"
PROVIDER = f"{URN}pulumi:providers:aws::aws::provider-id"
TAGS = {"Project": "email-platform", "Environment": "production", "ManagedBy": "pulumi", "Owner": "team", "CostCenter": "cc"}
DELETE = object()


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


# Resource types, short so that the case tables read as one line per case.
LISTENER = "aws:lb/listener:Listener"
LB = "aws:lb/loadBalancer:LoadBalancer"
RDS = "aws:rds/cluster:Cluster"
RDS_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
RG = "aws:elasticache/replicationGroup:ReplicationGroup"

# ---------------------------------------------------------------------------------------------
# Compliant resources
# ---------------------------------------------------------------------------------------------

ALB = {
    "loadBalancerType": "application",
    "enableDeletionProtection": True,
    "dropInvalidHeaderFields": True,
    "accessLogs": {"bucket": "alb-logs-123", "enabled": True, "prefix": "alb"},
    "subnets": ["subnet-a", "subnet-b", "subnet-c"],
    "securityGroups": ["sg-alb"],
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
HTTPS_IN = {"securityGroupId": "sg-alb", "cidrIpv4": "0.0.0.0/0", "fromPort": 443, "toPort": 443, "ipProtocol": "tcp"}
AWS_PROVIDER = {
    "region": "us-east-1",
    "defaultTags": '{"tags": {"Project": "email-platform", "Environment": "production", '
    '"ManagedBy": "pulumi", "Owner": "team", "CostCenter": "cc"}}',
}
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
APP_DEPLOYMENT = {
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

# ---------------------------------------------------------------------------------------------
# A compliant stack: each stack policy's test removes or breaks one part of it
# ---------------------------------------------------------------------------------------------


def res(type_: str, name: str, props: Mapping[str, Any], **extra: Any) -> Resource:
    return Resource(type=type_, urn=f"{URN}{type_}::{name}", name=name, props=props, provider=extra.pop("provider", PROVIDER), **extra)


BUCKET_RES = res(BUCKET, "assets", {"bucket": "assets-123"}, protect=True)
BUCKET_PARTS = [
    res(BUCKET_PAB, "assets-pab", PAB),
    res(BUCKET_SSE, "assets-sse", SSE),
    res(BUCKET_OWNERSHIP, "assets-ownership", OWNERSHIP),
]
ALB_RES = res(LB, "alb", ALB)
CLUSTER = res(RDS, "db-cluster", {**AURORA, "clusterIdentifier": "email-db"}, protect=True)
INSTANCES = [res(RDS_INSTANCE, f"db-{i}", {"clusterIdentifier": "email-db"}) for i in (1, 2)]
PROVIDER_RES = Resource(type="pulumi:providers:aws", urn=PROVIDER.rsplit("::", 1)[0], name="aws", props=AWS_PROVIDER)
PDB_RES = res(PDB, "app-pdb", {"spec": {"selector": {"matchLabels": {"app": "email"}}, "minAvailable": 1}}, provider="")
DEPLOYMENT_RES = res(DEPLOYMENT, "app", APP_DEPLOYMENT, provider="")
GOOD_STACK = [
    PROVIDER_RES,
    BUCKET_RES,
    *BUCKET_PARTS,
    ALB_RES,
    res(SG_INGRESS_RULE, "alb-https", HTTPS_IN),
    CLUSTER,
    *INSTANCES,
    DEPLOYMENT_RES,
    PDB_RES,
]
PRODUCTION = {"environment": "production"}

# ---------------------------------------------------------------------------------------------
# The pack, by policy name
# ---------------------------------------------------------------------------------------------


def resource_spec(name: str) -> ResourcePolicySpec:
    (spec,) = [spec for spec in RESOURCE_POLICIES if spec.name == name]
    return spec


def stack_spec(name: str) -> StackPolicySpec:
    (spec,) = [spec for spec in STACK_POLICIES if spec.name == name]
    return spec


def names(specs: Iterable[ResourcePolicySpec | StackPolicySpec]) -> set[str]:
    return {spec.name for spec in specs}


class Reports(list[tuple[str, "str | None"]]):
    """A `report_violation` stub that keeps (message, urn) pairs."""

    def __call__(self, message: str, urn: str | None = None) -> None:
        self.append((message, urn))


def _wrapper(name: str) -> Policy:
    (policy,) = [policy for policy in ALL_POLICIES if policy.name == name]
    return policy


_OPTS = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def validate_resource(name: str, resource_type: str, props: dict[str, Any], config: dict[str, Any]) -> list[str]:
    """The messages the pack's CrossGuard policy `name` reports for one resource, called as the engine calls it."""
    policy = _wrapper(name)
    assert isinstance(policy, ResourceValidationPolicy)
    reported = Reports()
    args = ResourceValidationArgs(
        resource_type, unknown_checking_proxy(copy.deepcopy(props)), f"{URN}{resource_type}::r", "r", _OPTS, None, config
    )
    policy.validate(args, reported)
    return [message for message, _ in reported]


def _policy_resource(resource: Resource, providers: dict[str, Resource]) -> PolicyResource:
    opts = PolicyResourceOptions(resource.protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
    provider = providers.get(provider_urn(resource.provider))
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


def validate_stack(name: str, resources: list[Resource], config: dict[str, Any]) -> Reports:
    """The (message, urn) pairs the pack's CrossGuard stack policy `name` reports, called as the engine calls it."""
    policy = _wrapper(name)
    assert isinstance(policy, StackValidationPolicy)
    providers = {r.urn: r for r in resources if r.type == "pulumi:providers:aws"}
    reported = Reports()
    policy.validate(StackValidationArgs([_policy_resource(r, providers) for r in resources], config), reported)
    return reported
