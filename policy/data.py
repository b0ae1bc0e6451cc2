"""The data tier: Aurora PostgreSQL and ElastiCache.

Encrypted at rest with the platform's KMS key and in transit (TLS 1.3 to the database, TLS
required by the cache), never public, authenticated, backed up, deletion-protected and, as a stack
policy, `protect`ed so that no `pulumi up` deletes the data (buckets included).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from policy.resource_types import BUCKET, RDS_CLUSTER, RDS_CLUSTER_PARAMS, RDS_INSTANCE, REPLICATION_GROUP
from policy.specs import ADVISORY, MANDATORY, Config, Resource, ResourcePolicySpec, StackFinding, StackPolicySpec, schema
from policy.values import UNKNOWN, as_list, at_least, get, is_set, is_true


def db_encrypted_at_rest(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    messages = []
    if not is_true(get(props, "storageEncrypted")):
        messages.append("storageEncrypted is off")
    if not is_set(get(props, "kmsKeyId")):
        messages.append("no kmsKeyId: encrypt with the platform's customer-managed KMS key")
    return messages


def db_deletion_protection(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    messages = []
    if not is_true(get(props, "deletionProtection")):
        messages.append("deletionProtection is off")
    skip = get(props, "skipFinalSnapshot")
    if skip is True or (isinstance(skip, str) and skip.lower() == "true"):
        messages.append("skipFinalSnapshot is true: deleting the cluster would lose its data")
    elif not is_set(get(props, "finalSnapshotIdentifier")):
        messages.append("no finalSnapshotIdentifier: the final snapshot on delete needs a name")
    return messages


def db_backup_retention(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    minimum = int(config["minRetentionDays"])
    retention = get(props, "backupRetentionPeriod")
    if at_least(retention, minimum):
        return []
    shown = "unset (AWS default 1)" if retention is None else retention
    return [f"backupRetentionPeriod is {shown}; need >= {minimum} days"]


def db_iam_auth(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    if is_true(get(props, "iamDatabaseAuthenticationEnabled")):
        return []
    return ["iamDatabaseAuthenticationEnabled is off"]


def db_log_exports(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    exports = get(props, "enabledCloudwatchLogsExports")
    if exports is UNKNOWN or "postgresql" in as_list(exports):
        return []
    return ["enabledCloudwatchLogsExports does not include 'postgresql'"]


def db_instance_private(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    public = get(props, "publiclyAccessible")
    if public is True or (isinstance(public, str) and public.lower() == "true"):
        return ["cluster instance is publiclyAccessible"]
    return []


def db_performance_insights(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    if is_true(get(props, "performanceInsightsEnabled")):
        return []
    return ["performanceInsightsEnabled is off"]


def db_tls_required(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """The cluster parameter group forces TLS and refuses anything below the configured version."""
    family = get(props, "family")
    if isinstance(family, str) and "postgres" not in family:
        return []
    parameters = get(props, "parameters")
    if parameters is UNKNOWN:
        return []
    values = {get(p, "name"): get(p, "value") for p in as_list(parameters)}
    wanted = {"rds.force_ssl": "1", "ssl_min_protocol_version": str(config["minTlsVersion"])}
    messages = []
    for name, value in wanted.items():
        given = values.get(name)
        if given is UNKNOWN or str(given) == value:
            continue
        messages.append(f"parameter {name} is {given!r}; set it to {value!r}")
    return messages


def cache_encryption_in_transit(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    messages = []
    if not is_true(get(props, "transitEncryptionEnabled")):
        messages.append("transitEncryptionEnabled is off")
    mode = get(props, "transitEncryptionMode")
    if mode not in ("required", UNKNOWN):
        messages.append(f"transitEncryptionMode is {mode!r}; use 'required' (no plaintext clients)")
    return messages


def cache_encryption_at_rest(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    messages = []
    if not is_true(get(props, "atRestEncryptionEnabled")):
        messages.append("atRestEncryptionEnabled is off")
    if not is_set(get(props, "kmsKeyId")):
        messages.append("no kmsKeyId: encrypt with the platform's customer-managed KMS key")
    return messages


def cache_auth_token(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    if is_set(get(props, "authToken")):
        return []
    return ["no authToken: clients must authenticate (set it from a Pulumi secret)"]


def cache_failover(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    messages = []
    if not is_true(get(props, "automaticFailoverEnabled")):
        messages.append("automaticFailoverEnabled is off")
    if not is_true(get(props, "multiAzEnabled")):
        messages.append("multiAzEnabled is off")
    return messages


def cache_snapshots(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    minimum = int(config["minRetentionDays"])
    limit = get(props, "snapshotRetentionLimit")
    if at_least(limit, minimum):
        return []
    return [f"snapshotRetentionLimit is {limit!r}; need >= {minimum} day(s)"]


def stateful_resources_protected(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """Database, cache and buckets carry `protect` so no `pulumi up` deletes their data."""
    stateful = RDS_CLUSTER | REPLICATION_GROUP | {BUCKET}
    return [
        (r.urn, f"{r.type} {r.name} is not protected (ResourceOptions(protect=True))")
        for r in resources
        if r.type in stateful and not r.protect
    ]


RESOURCE_POLICIES: list[ResourcePolicySpec] = [
    ResourcePolicySpec("db-encrypted-at-rest", "Aurora storage is encrypted with a KMS key.", MANDATORY, RDS_CLUSTER, db_encrypted_at_rest),
    ResourcePolicySpec(
        "db-deletion-protection",
        "Aurora has deletion protection and takes a final snapshot.",
        MANDATORY,
        RDS_CLUSTER,
        db_deletion_protection,
    ),
    ResourcePolicySpec(
        "db-backup-retention",
        "Aurora keeps automated backups long enough.",
        MANDATORY,
        RDS_CLUSTER,
        db_backup_retention,
        schema(minRetentionDays={"type": "integer", "minimum": 1, "maximum": 35, "default": 7}),
    ),
    ResourcePolicySpec("db-iam-auth", "Aurora allows IAM database authentication.", ADVISORY, RDS_CLUSTER, db_iam_auth),
    ResourcePolicySpec("db-log-exports", "Aurora exports the postgresql log to CloudWatch.", MANDATORY, RDS_CLUSTER, db_log_exports),
    ResourcePolicySpec("db-not-public", "Database instances are not publicly accessible.", MANDATORY, RDS_INSTANCE, db_instance_private),
    ResourcePolicySpec(
        "db-performance-insights", "Database instances have Performance Insights.", MANDATORY, RDS_INSTANCE, db_performance_insights
    ),
    ResourcePolicySpec(
        "db-tls-required",
        "The cluster parameter group forces TLS 1.3.",
        MANDATORY,
        RDS_CLUSTER_PARAMS,
        db_tls_required,
        schema(minTlsVersion={"type": "string", "enum": ["TLSv1.2", "TLSv1.3"], "default": "TLSv1.3"}),
    ),
    ResourcePolicySpec(
        "cache-encryption-in-transit",
        "ElastiCache requires TLS from every client.",
        MANDATORY,
        REPLICATION_GROUP,
        cache_encryption_in_transit,
    ),
    ResourcePolicySpec(
        "cache-encryption-at-rest",
        "ElastiCache is encrypted at rest with a KMS key.",
        MANDATORY,
        REPLICATION_GROUP,
        cache_encryption_at_rest,
    ),
    ResourcePolicySpec("cache-auth-token", "ElastiCache requires an auth token.", MANDATORY, REPLICATION_GROUP, cache_auth_token),
    ResourcePolicySpec("cache-failover", "ElastiCache is Multi-AZ with automatic failover.", MANDATORY, REPLICATION_GROUP, cache_failover),
    ResourcePolicySpec(
        "cache-snapshots",
        "ElastiCache keeps snapshots.",
        MANDATORY,
        REPLICATION_GROUP,
        cache_snapshots,
        schema(minRetentionDays={"type": "integer", "minimum": 1, "default": 1}),
    ),
]
STACK_POLICIES: list[StackPolicySpec] = [
    StackPolicySpec(
        "stateful-resources-protected", "Database, cache and buckets are protected resources.", MANDATORY, stateful_resources_protected
    ),
]
