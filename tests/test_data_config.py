"""Guardrails of the data tier's stack config: each rule refuses a bad value with one line, and accepts a good one.

The config step alone reads a stack config the test wrote (config_stacks); the bounds come from the config rules.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pulumi
import pytest
from config_edits import Edit
from config_edits import both as _both
from config_edits import delete_key as _delete
from config_edits import set_key as _set
from config_stacks import REGION, edited, load, refused, zones

from components.database import Database, DatabaseArgs
from config.backup import MAX_RETENTION_DAYS, MIN_LOCK_GRACE_DAYS, PRODUCTION_MIN_RETENTION_DAYS
from config.database import (
    AURORA_INSTANCE_CLASSES,
    ENGINE_MAJORS,
    MAX_BACKUP_RETENTION_DAYS,
    MAX_INSTANCES,
    MIN_BACKUP_RETENTION_DAYS,
    MIN_ENGINE_MAJOR,
    PRODUCTION_MIN_BACKUP_RETENTION_DAYS,
    PRODUCTION_MIN_INSTANCES,
    DatabaseSettings,
    windows_overlap,
)
from config.redis import (
    CACHE_MIN_MAINTENANCE_MINUTES,
    ELASTICACHE_NODE_TYPES,
    ENGINE_VERSIONS,
    MAX_REPLICAS_PER_SHARD,
    MAX_SHARDS,
    PRODUCTION_MIN_SNAPSHOT_RETENTION_DAYS,
)
from config.windows import MIN_WEEKLY_MINUTES
from preflight.recorder import RecordingMonitor

VALKEY_VERSIONS = ", ".join(ENGINE_VERSIONS["valkey"])
BACKUP_WINDOWS = _set("database.backupWindow", "03:00-04:00")
SNAPSHOT_WINDOWS = _set("redis.snapshotWindow", "02:00-03:00")

REJECTS = [
    # (environment, edit, key named in the message, words of what is allowed)
    ("production", _set("database.instances", 1), "email-platform:database.instances", f"between {PRODUCTION_MIN_INSTANCES} and {MAX_INSTANCES}"),
    ("production", _set("database.instances", MAX_INSTANCES + 1), "database.instances", f"and {MAX_INSTANCES}"),
    ("production", _set("database.backupRetentionDays", PRODUCTION_MIN_BACKUP_RETENTION_DAYS - 1), "database.backupRetentionDays", f"between {PRODUCTION_MIN_BACKUP_RETENTION_DAYS} and"),
    ("staging", _set("database.backupRetentionDays", MIN_BACKUP_RETENTION_DAYS - 1), "database.backupRetentionDays", f"between {MIN_BACKUP_RETENTION_DAYS} and"),
    ("staging", _set("database.backupRetentionDays", MAX_BACKUP_RETENTION_DAYS + 1), "database.backupRetentionDays", f"and {MAX_BACKUP_RETENTION_DAYS}"),
    ("production", _set("database.instanceClass", "db.m9.huge"), "database.instanceClass", "not a known Aurora PostgreSQL instance class"),
    ("production", _set("database.instanceClass", "db.m6g.large"), "database.instanceClass", "not a known Aurora"),
    ("production", _set("database.instanceClass", "db.t4g.medium"), "database.instanceClass", "no burstable"),
    ("production", _set("database.parameterGroupFamily", "aurora-postgresql17"), "database.parameterGroupFamily", "needs family aurora-postgresql16"),
    ("production", _set("database.parameterGroupFamily", "postgres16"), "database.parameterGroupFamily", "needs family aurora-postgresql16"),
    ("production", _set("database.engineVersion", f"{MIN_ENGINE_MAJOR - 1}.4"), "database.engineVersion", f"TLSv1.3 needs Aurora PostgreSQL {MIN_ENGINE_MAJOR}"),
    ("production", _set("database.engineVersion", "19.1"), "database.engineVersion", "majors known to this program: " + ", ".join(ENGINE_MAJORS)),
    ("production", _set("database.engineVersion", "16.x"), "database.engineVersion", "major.minor"),
    ("production", _set("database.engineVersion", "16"), "database.engineVersion", "resent as a downgrade"),
    ("production", _set("database.autoMinorVersionUpgrade", True), "database.autoMinorVersionUpgrade = True", "a minor pin (engineVersion) drifts"),
    (
        "production",
        _both(_set("database.instances", 3), _set("database.readReplicaScaling.maxReplicas", 1)),
        "readReplicaScaling.maxReplicas = 1",
        "is below readReplicaScaling.minReplicas = 2",
    ),
    ("production", _set("database.readReplicaScaling.targetCpu", 50), "readReplicaScaling.targetCpu", "did you mean 'targetCpuPercent'"),
    ("production", _set("database.masterUsername", "postgres"), "database.masterUsername", "reserved"),
    ("production", _set("database.masterUsername", "Admin-User"), "database.masterUsername", "lower-case"),
    ("production", _set("database.backupWindow", "3am"), "database.backupWindow", "hh:mm-hh:mm"),
    ("production", _set("database.backupWindow", "03:00-03:10"), "database.backupWindow", f"at least {MIN_WEEKLY_MINUTES} minutes"),
    ("production", _both(BACKUP_WINDOWS, _set("database.maintenanceWindow", "sun:03:30-sun:04:30")), "database.maintenanceWindow", "overlaps the backup window (backupWindow: 03:00-04:00)"),
    ("production", _set("database.maintenanceWindow", "sun:04:30-sun:04:50"), "database.maintenanceWindow", f"at least {MIN_WEEKLY_MINUTES} minutes"),
    ("production", _set("database.performanceInsightsRetentionDays", 30), "performanceInsightsRetentionDays", "multiple of 31"),
    ("production", _set("database.logRetentionDays", 10), "database.logRetentionDays", "CloudWatch allows"),
    ("production", _set("redis.shards", 0), "email-platform:redis.shards", f"between 1 and {MAX_SHARDS}"),
    ("staging", _set("redis.replicasPerShard", 0), "redis.replicasPerShard", f"between 1 and {MAX_REPLICAS_PER_SHARD}"),
    ("production", _set("redis.nodeType", "cache.x9.huge"), "redis.nodeType", "not a known ElastiCache node type"),
    ("production", _set("redis.nodeType", "db.r7g.large"), "redis.nodeType", "not a known ElastiCache node type"),
    ("production", _set("redis.nodeType", "cache.t4g.medium"), "redis.nodeType", "no burstable"),
    ("production", _set("redis.parameterGroupFamily", "valkey7"), "redis.parameterGroupFamily", "valkey 8.0 needs family valkey8"),
    ("production", _set("redis.engineVersion", "7.1"), "redis.engineVersion", f"allowed: {VALKEY_VERSIONS}"),
    ("production", _set("redis.engine", "memcached"), "redis.engine", "allowed: valkey, redis"),
    (
        "production",
        _both(_set("redis.engine", "redis"), _set("redis.engineVersion", "7.1"), _set("redis.parameterGroupFamily", "valkey8")),
        "redis.parameterGroupFamily",
        "redis 7.1 needs family redis7",
    ),
    ("production", _set("redis.snapshotRetentionDays", PRODUCTION_MIN_SNAPSHOT_RETENTION_DAYS - 1), "redis.snapshotRetentionDays", f"between {PRODUCTION_MIN_SNAPSHOT_RETENTION_DAYS} and"),
    ("staging", _set("redis.snapshotRetentionDays", 0), "redis.snapshotRetentionDays", "between 1 and"),
    ("production", _set("redis.snapshotWindow", "02:00-02:30"), "redis.snapshotWindow", f"at least {CACHE_MIN_MAINTENANCE_MINUTES} minutes"),
    ("production", _both(SNAPSHOT_WINDOWS, _set("redis.maintenanceWindow", "mon:02:30-mon:03:30")), "redis.maintenanceWindow", "overlaps the snapshot window (snapshotWindow: 02:00-03:00)"),
    # ElastiCache's minimum is 60 minutes, the database's 30: a 45-minute window passes only there.
    ("production", _set("redis.maintenanceWindow", "sun:05:30-sun:06:15"), "redis.maintenanceWindow", f"at least {CACHE_MIN_MAINTENANCE_MINUTES} minutes"),
    ("production", _set("redis.clusterMode", "disabled"), "email-platform:redis.clusterMode", "unknown key"),
    ("production", _delete("backup.copyRegion"), "email-platform:backup.copyRegion", "this key is required: a second region keeps the copies"),
    ("staging", _set("backup.copyRegion", REGION), "backup.copyRegion", f"must differ from aws:region ({REGION})"),
    (
        "production",
        _both(
            _set("database.engineVersion", "17.5"),
            _set("database.parameterGroupFamily", "aurora-postgresql17"),
            _set("database.allowMajorVersionUpgrade", True),
        ),
        "database.applyImmediately",
        "set it to true with allowMajorVersionUpgrade: true",
    ),
    ("production", _set("backup.copyRegion", "west"), "backup.copyRegion", "must be an AWS region name"),
    ("production", _set("backup.retentionDays", PRODUCTION_MIN_RETENTION_DAYS - 1), "backup.retentionDays", f"between {PRODUCTION_MIN_RETENTION_DAYS} and"),
    ("production", _set("backup.schedule", "daily"), "backup.schedule", "AWS cron expression"),
    ("production", _set("backup.vaultLockGraceDays", 1), "backup.vaultLockGraceDays", f"between {MIN_LOCK_GRACE_DAYS} and {MAX_RETENTION_DAYS}"),
]  # fmt: skip


@pytest.mark.parametrize(("environment", "edit", "key", "allowed"), REJECTS, ids=[f"{r[0]}-{r[2]}-{i}" for i, r in enumerate(REJECTS)])
def test_a_bad_value_is_refused_in_one_line(tmp_path: Path, environment: str, edit: Edit, key: str, allowed: str) -> None:
    message = refused(edited(environment, edit), tmp_path)
    assert key in message and allowed in message, message


ACCEPTS = [
    ("staging", _set("database.instances", 1)),  # allowed outside production
    ("production", _both(_set("database.engineVersion", "17.5"), _set("database.parameterGroupFamily", "aurora-postgresql17"))),
    ("production", _set("database.maintenanceWindow", "sun:04:30-sun:05:15")),  # 45 minutes: enough for RDS
    ("production", _set("database.instanceClass", "db.r8g.xlarge")),
    ("production", _both(_set("redis.engineVersion", "7.2"), _set("redis.parameterGroupFamily", "valkey7"))),
    ("production", _both(_set("redis.engine", "redis"), _set("redis.engineVersion", "7.1"), _set("redis.parameterGroupFamily", "redis7"))),
    ("staging", _set("redis.nodeType", "cache.t4g.small")),  # burstable outside production
]


@pytest.mark.parametrize(("environment", "edit"), ACCEPTS)
def test_good_values_are_accepted(tmp_path: Path, environment: str, edit: Edit) -> None:
    settings = load(edited(environment, edit), tmp_path)
    assert settings.database.instance_class
    assert settings.redis.node_type


def _database(monitor: RecordingMonitor, settings: DatabaseSettings, availability_zones: list[str]) -> list[Any]:
    """The database component built alone; what it registered."""
    start = len(monitor.recorded)

    @pulumi.runtime.test
    def build() -> Any:
        database = Database(
            "db",
            DatabaseArgs(
                settings, vpc_id="vpc-1", private_subnet_ids=["subnet-a", "subnet-b", "subnet-c"],
                client_security_group_id="sg-1", availability_zones=availability_zones,
            ),
        )  # fmt: skip
        return database.writer_endpoint

    build()
    return monitor.recorded[start:]


def test_a_pinned_minor_turns_automatic_minor_upgrades_off(tmp_path: Path, pulumi_mocks: RecordingMonitor) -> None:
    settings = load(edited("production", _set("database.engineVersion", "16.12")), tmp_path).database
    recorded = _database(pulumi_mocks, settings, zones(3))
    (cluster,) = [r for r in recorded if r.type == "aws:rds/cluster:Cluster"]
    assert cluster.inputs["engineVersion"] == "16.12"
    assert cluster.inputs["autoMinorVersionUpgrade"] is False
    instances = [r for r in recorded if r.type == "aws:rds/clusterInstance:ClusterInstance"]
    assert instances and all(i.inputs["autoMinorVersionUpgrade"] is False for i in instances)


def test_production_with_three_instances_spreads_them_over_three_zones(tmp_path: Path, pulumi_mocks: RecordingMonitor) -> None:
    settings = load(edited("production", _set("database.instances", 3)), tmp_path).database
    recorded = _database(pulumi_mocks, settings, zones(3))
    placed = [r.inputs["availabilityZone"] for r in recorded if r.type == "aws:rds/clusterInstance:ClusterInstance"]
    assert sorted(placed) == zones(3)


def test_the_class_tables_include_graviton() -> None:
    assert AURORA_INSTANCE_CLASSES["db.r7g.large"].graviton
    assert AURORA_INSTANCE_CLASSES["db.r7g.large"].memory_gib == 16
    assert not AURORA_INSTANCE_CLASSES["db.r6i.large"].graviton
    assert ELASTICACHE_NODE_TYPES["cache.r7g.large"].graviton
    assert ELASTICACHE_NODE_TYPES["cache.t4g.medium"].burstable


@pytest.mark.parametrize(
    ("daily", "weekly", "overlap"),
    [
        ((180, 240), (4 * 1440 + 270, 4 * 1440 + 330), False),  # 03:00-04:00 daily, fri 04:30-05:30
        ((180, 240), (2 * 1440 + 200, 2 * 1440 + 260), True),  # wed 03:20-04:20
        ((1410, 30), (0, 15), True),  # daily window across midnight meets mon 00:00-00:15
        ((60, 120), (6 * 1440 + 1430, 50), False),  # weekly window across sun/mon midnight, before 01:00
        ((60, 120), (6 * 1440 + 1430, 70), True),
    ],
)
def test_window_overlap(daily: tuple[int, int], weekly: tuple[int, int], overlap: bool) -> None:
    assert windows_overlap(daily, weekly) is overlap


def _documented(service: str, operation: str, member: str) -> str:
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    return re.sub(r"<[^>]+>", "", model.operation_model(operation).input_shape.members[member].documentation)


def test_maintenance_window_minimums_are_the_ones_each_service_documents() -> None:
    """ElastiCache's shortest maintenance window is twice RDS's: each is checked against its own."""
    cache = re.search(
        r"minimum maintenance window is a (\d+) minute period",
        _documented("elasticache", "CreateReplicationGroup", "PreferredMaintenanceWindow"),
    )
    database = re.search(r"Must be at least (\d+) minutes", _documented("rds", "CreateDBCluster", "PreferredMaintenanceWindow"))
    assert cache is not None and database is not None
    assert CACHE_MIN_MAINTENANCE_MINUTES == int(cache.group(1)) == 60
    assert MIN_WEEKLY_MINUTES == int(database.group(1)) == 30
