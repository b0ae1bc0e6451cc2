"""Guardrails of the data tier's stack config: each rule refuses a bad value with one line, before anything registers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from config_edits import Edit, assert_refused_before_any_resource
from config_edits import both as _both
from config_edits import delete_key as _delete
from config_edits import set_key as _set

from config.database import AURORA_INSTANCE_CLASSES, windows_overlap
from config.redis import CACHE_MIN_MAINTENANCE_MINUTES, ELASTICACHE_NODE_TYPES
from config.windows import MIN_WEEKLY_MINUTES

REJECTS = [
    # (stack, edit, key named in the message, words of what is allowed)
    ("production", _set("database.instances", 1), "email-platform:database.instances", "production needs at least 2"),
    ("production", _set("database.backupRetentionDays", 10), "database.backupRetentionDays", "production keeps backups at least 14 days"),
    ("staging", _set("database.backupRetentionDays", 6), "database.backupRetentionDays", "at least 7 days"),
    ("staging", _set("database.backupRetentionDays", 36), "database.backupRetentionDays", "at most 35"),
    ("production", _set("database.instanceClass", "db.m9.huge"), "database.instanceClass", "not a known Aurora PostgreSQL instance class"),
    ("production", _set("database.instanceClass", "db.m6g.large"), "database.instanceClass", "not a known Aurora"),
    ("production", _set("database.instanceClass", "db.t4g.medium"), "database.instanceClass", "no burstable"),
    (
        "production",
        _set("database.parameterGroupFamily", "aurora-postgresql17"),
        "database.parameterGroupFamily",
        "needs family aurora-postgresql16",
    ),
    (
        "production",
        _set("database.parameterGroupFamily", "postgres16"),
        "database.parameterGroupFamily",
        "needs family aurora-postgresql16",
    ),
    ("production", _set("database.engineVersion", "15.4"), "database.engineVersion", "TLSv1.3 needs Aurora PostgreSQL 16"),
    ("production", _set("database.engineVersion", "19.1"), "database.engineVersion", "majors known to this program: 16, 17"),
    ("production", _set("database.engineVersion", "16.x"), "database.engineVersion", "major.minor"),
    ("production", _set("database.engineVersion", "16"), "database.engineVersion", "resent as a downgrade"),
    ("production", _set("database.autoMinorVersionUpgrade", True), "database.engineVersion", "a minor pin drifts"),
    ("production", _set("database.instances", 17), "database.instances", "between 1 and 16"),
    (
        "production",
        _set("database.readReplicaScaling.maxReplicas", 0),
        "readReplicaScaling.maxReplicas",
        "is below readReplicaScaling.minReplicas = 1",
    ),
    ("production", _set("database.readReplicaScaling.targetCpu", 50), "readReplicaScaling.targetCpu", "did you mean 'targetCpuPercent'"),
    ("production", _set("database.masterUsername", "postgres"), "database.masterUsername", "reserved"),
    ("production", _set("database.masterUsername", "Admin-User"), "database.masterUsername", "lower-case"),
    ("production", _set("database.backupWindow", "3am"), "database.backupWindow", "hh:mm-hh:mm"),
    ("production", _set("database.backupWindow", "03:00-03:10"), "database.backupWindow", "at least 30 minutes"),
    ("production", _set("database.maintenanceWindow", "sun:03:30-sun:04:30"), "database.maintenanceWindow", "overlaps the backup window"),
    ("production", _set("database.performanceInsightsRetentionDays", 30), "performanceInsightsRetentionDays", "multiple of 31"),
    ("production", _set("database.logRetentionDays", 10), "database.logRetentionDays", "CloudWatch allows"),
    ("production", _set("redis.shards", 0), "email-platform:redis.shards", "between 1 and 500"),
    ("staging", _set("redis.replicasPerShard", 0), "redis.replicasPerShard", "between 1 and 5"),
    ("production", _set("redis.nodeType", "cache.x9.huge"), "redis.nodeType", "not a known ElastiCache node type"),
    ("production", _set("redis.nodeType", "db.r7g.large"), "redis.nodeType", "not a known ElastiCache node type"),
    ("production", _set("redis.nodeType", "cache.t4g.medium"), "redis.nodeType", "no burstable"),
    ("production", _set("redis.parameterGroupFamily", "valkey7"), "redis.parameterGroupFamily", "valkey 8.0 needs family valkey8"),
    ("production", _set("redis.engineVersion", "7.1"), "redis.engineVersion", "allowed: 7.2, 8.0, 8.1"),
    ("production", _set("redis.engine", "memcached"), "redis.engine", "allowed: valkey, redis"),
    (
        "production",
        _both(_set("redis.engine", "redis"), _set("redis.engineVersion", "7.1")),
        "redis.parameterGroupFamily",
        "redis 7.1 needs family redis7",
    ),
    ("production", _set("redis.snapshotRetentionDays", 3), "redis.snapshotRetentionDays", "production keeps snapshots at least 7"),
    ("staging", _set("redis.snapshotRetentionDays", 0), "redis.snapshotRetentionDays", "at least 1"),
    ("production", _set("redis.snapshotWindow", "02:00-02:30"), "redis.snapshotWindow", "at least 60 minutes"),
    ("production", _set("redis.maintenanceWindow", "mon:02:30-mon:03:30"), "redis.maintenanceWindow", "overlaps the snapshot window"),
    # ElastiCache's minimum is 60 minutes, the database's 30: a 45-minute window passes only there.
    ("production", _set("redis.maintenanceWindow", "sun:05:30-sun:06:15"), "redis.maintenanceWindow", "at least 60 minutes"),
    ("production", _set("database.maintenanceWindow", "sun:04:30-sun:04:50"), "database.maintenanceWindow", "at least 30 minutes"),
    ("production", _set("redis.clusterMode", "disabled"), "email-platform:redis.clusterMode", "unknown key"),
    ("production", _delete("backup.copyRegion"), "email-platform:backup.copyRegion", "set backup.copyRegion to a second region"),
    ("staging", _set("backup.copyRegion", "us-east-1"), "backup.copyRegion", "must differ from aws:region (us-east-1)"),
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
    ("production", _set("backup.retentionDays", 14), "backup.retentionDays", "at least 35 days"),
    ("production", _set("backup.schedule", "daily"), "backup.schedule", "AWS cron expression"),
    ("production", _set("backup.vaultLockGraceDays", 1), "backup.vaultLockGraceDays", "between 3 and 36500"),
]


@pytest.mark.parametrize(("stack", "edit", "key", "allowed"), REJECTS, ids=[f"{r[0]}-{r[2]}-{i}" for i, r in enumerate(REJECTS)])
def test_bad_value_stops_before_any_resource(run_stack_with: Any, stack: str, edit: Edit, key: str, allowed: str) -> None:
    assert_refused_before_any_resource(run_stack_with, stack, edit, key, allowed)


ACCEPTS = [
    ("staging", _set("database.instances", 1)),  # allowed outside production
    ("production", _both(_set("database.engineVersion", "17.5"), _set("database.parameterGroupFamily", "aurora-postgresql17"))),
    ("production", _set("database.maintenanceWindow", "sun:04:30-sun:05:15")),  # 45 minutes: enough for RDS
    ("production", _set("database.instanceClass", "db.r8g.xlarge")),
    ("production", _both(_set("redis.engineVersion", "7.2"), _set("redis.parameterGroupFamily", "valkey7"))),
    ("production", _both(_set("redis.engine", "redis"), _set("redis.engineVersion", "7.1"), _set("redis.parameterGroupFamily", "redis7"))),
]


@pytest.mark.parametrize(("stack", "edit"), ACCEPTS)
def test_good_values_are_accepted(load_config_with: Any, stack: str, edit: Edit) -> None:
    settings = load_config_with(stack, edit)
    assert settings.database.instance_class
    assert settings.redis.node_type


def test_a_pinned_minor_turns_automatic_minor_upgrades_off(run_stack_with: Any) -> None:
    run = run_stack_with("production", _set("database.engineVersion", "16.12"))
    (cluster,) = run.of_type("aws:rds/cluster:Cluster")
    assert cluster.inputs["engineVersion"] == "16.12"
    assert cluster.inputs["autoMinorVersionUpgrade"] is False
    assert all(i.inputs["autoMinorVersionUpgrade"] is False for i in run.of_type("aws:rds/clusterInstance:ClusterInstance"))


def test_production_with_three_instances_spreads_them_over_three_zones(run_stack_with: Any) -> None:
    run = run_stack_with("production", _set("database.instances", 3))
    zones = [i.inputs["availabilityZone"] for i in run.of_type("aws:rds/clusterInstance:ClusterInstance")]
    assert sorted(zones) == ["us-east-1a", "us-east-1b", "us-east-1c"]


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
