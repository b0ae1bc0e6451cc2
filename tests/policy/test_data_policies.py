"""Data policies (Aurora, ElastiCache, protected stateful resources): a compliant resource passes, a
broken one trips them, called directly and through their CrossGuard wrappers."""

from __future__ import annotations

from typing import Any

from policy_cases import add_case_tests
from policy_helpers import (
    AURORA,
    CLUSTER,
    DELETE,
    GOOD_STACK,
    RDS,
    RDS_INSTANCE,
    REDIS,
    RG,
    changed,
    res,
    validate_resource,
)
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UNKNOWN_STRING_VALUE

from policy import data
from policy.specs import Resource

AURORA_INSTANCE = {"publiclyAccessible": False, "performanceInsightsEnabled": True, "instanceClass": "db.r7g.large"}
AURORA_PARAMS = {
    "family": "aurora-postgresql16",
    "parameters": [
        {"name": "rds.force_ssl", "value": "1", "applyMethod": "pending-reboot"},
        {"name": "ssl_min_protocol_version", "value": "TLSv1.3", "applyMethod": "pending-reboot"},
    ],
}
RDS_PARAMS = "aws:rds/clusterParameterGroup:ClusterParameterGroup"

# (policy, resource type, compliant props, broken props, policy config)
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
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
]

# More ways to trip a policy: each must be caught too (the ones a careless edit would cause).
MORE_BROKEN: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("db-encrypted-at-rest", RDS, changed(AURORA, "kmsKeyId", DELETE), {}),
    ("db-deletion-protection", RDS, changed(AURORA, "deletionProtection", False), {}),
    ("db-deletion-protection", RDS, changed(AURORA, "finalSnapshotIdentifier", DELETE), {}),
    ("db-backup-retention", RDS, changed(AURORA, "backupRetentionPeriod", DELETE), {}),
    ("db-backup-retention", RDS, AURORA, {"minRetentionDays": 30}),  # tuned by policy config
    ("db-tls-required", RDS_PARAMS, changed(AURORA_PARAMS, "parameters.0", {"name": "x", "value": "1"}), {}),
    ("cache-encryption-in-transit", RG, changed(REDIS, "transitEncryptionEnabled", False), {}),
    ("cache-encryption-at-rest", RG, changed(REDIS, "atRestEncryptionEnabled", False), {}),
    ("cache-failover", RG, changed(REDIS, "automaticFailoverEnabled", False), {}),
]

# Secrets and values unknown during preview count as present and compliant.
MORE_COMPLIANT: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("db-encrypted-at-rest", RDS, changed(AURORA, "kmsKeyId", "[unknown]"), {}),
    ("cache-auth-token", RG, changed(REDIS, "authToken", UNKNOWN_STRING_VALUE), {}),
]

# (stack policy, the compliant stack with one thing broken)
STACK_CASES: list[tuple[str, list[Resource]]] = [
    ("stateful-resources-protected", [r if r is not CLUSTER else res(CLUSTER.type, CLUSTER.name, CLUSTER.props) for r in GOOD_STACK]),
]


def test_wrapper_treats_engine_unknowns_as_compliant() -> None:
    # During preview the engine's proxies raise on any unknown read; the wrapper must not.
    props = changed(AURORA, "storageEncrypted", UNKNOWN_BOOLEAN_VALUE) | {"kmsKeyId": UNKNOWN_STRING_VALUE}
    assert validate_resource("db-encrypted-at-rest", RDS, props, {}) == []


add_case_tests(globals(), data, cases=CASES, more_broken=MORE_BROKEN, more_compliant=MORE_COMPLIANT, stack_cases=STACK_CASES)
