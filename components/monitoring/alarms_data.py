"""Data-tier alarms: Aurora per role (writer, readers), ElastiCache per node.

These are causes, not symptoms: they notify on their own, so a hot database does not keep the
"service degraded" composite in ALARM and hide a second, user-facing symptom.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.monitoring.alarms import ELASTICACHE, RDS, AlarmMaker, Metric
from components.monitoring.args import MonitoringArgs


def member_cluster(members: Sequence[str], index: int, count: int) -> str:
    """The index-th member cluster, in a stable order, checking the count config promised."""
    ordered = sorted(members)
    if len(ordered) != count:
        raise ValueError(f"the cache has {len(ordered)} member clusters but monitoring was told {count}; pass redis settings' node count")
    return ordered[index]


# Aurora aggregates every instance metric by role under (DBClusterIdentifier, Role): readers that
# Aurora Auto Scaling adds later are covered without an alarm of their own (Aurora User Guide,
# "Amazon CloudWatch dimensions for Aurora"). Maximum/Minimum over the role catch one hot reader.
DB_ROLES = ("WRITER", "READER")


def database_alarms(maker: AlarmMaker, args: MonitoringArgs, topic: aws.sns.Topic) -> dict[str, aws.cloudwatch.MetricAlarm]:
    """Replica lag on the cluster; CPU, memory, connections and local storage per role (writer, every reader)."""
    t = args.settings.database
    alarms = {
        "db-replica-lag": maker.alarm(
            "db-replica-lag",
            f"An Aurora replica lags the writer by more than {t.replica_lag_milliseconds:g} ms",
            Metric(RDS, "AuroraReplicaLagMaximum", {"DBClusterIdentifier": args.db_cluster_identifier}, "Maximum"),
            "GreaterThanThreshold",
            t.replica_lag_milliseconds,
            notify=topic,
        )
    }
    for db_role in DB_ROLES:
        dims = {"DBClusterIdentifier": args.db_cluster_identifier, "Role": db_role}
        who = "the writer" if db_role == "WRITER" else "a reader"
        checks = (
            ("cpu", "CPUUtilization", "Maximum", "GreaterThanThreshold", t.cpu_percent, f"CPU above {t.cpu_percent:g} %"),
            ("memory", "FreeableMemory", "Minimum", "LessThanThreshold", t.freeable_memory_bytes,
             f"freeable memory below {_bytes(t.freeable_memory_bytes)}"),
            ("connections", "DatabaseConnections", "Maximum", "GreaterThanThreshold", t.connections,
             f"more than {t.connections:g} connections"),
            ("local-storage", "FreeLocalStorage", "Minimum", "LessThanThreshold", t.free_local_storage_bytes,
             f"free local (temporary) storage below {_bytes(t.free_local_storage_bytes)}"),
        )  # fmt: skip
        for check, metric, statistic, comparison, threshold, what in checks:
            key = f"db-{db_role.lower()}-{check}"
            # Readers publish nothing while autoscaling has none beyond the writer: not a breach.
            missing = "missing" if db_role == "WRITER" else "notBreaching"
            alarms[key] = maker.alarm(
                key,
                f"Aurora {who}: {what}",
                Metric(RDS, metric, dims, statistic),
                comparison,
                threshold,
                treat_missing=missing,
                notify=topic,
            )
    return alarms


def cache_alarms(maker: AlarmMaker, args: MonitoringArgs, topic: aws.sns.Topic) -> dict[str, aws.cloudwatch.MetricAlarm]:
    """Host and engine CPU, memory, evictions and replication lag on every node."""
    t = args.settings.cache
    members = pulumi.Output.from_input(args.redis_member_clusters)
    count = args.redis_node_count
    alarms = {}
    for index in range(count):
        node: pulumi.Output[str] = members.apply(functools.partial(member_cluster, index=index, count=count))
        dims = {"CacheClusterId": node}
        checks = (
            ("cpu", "CPUUtilization", "Average", t.cpu_percent, f"host CPU above {t.cpu_percent:g} %", "missing"),
            ("engine-cpu", "EngineCPUUtilization", "Average", t.engine_cpu_percent,
             f"engine (single-threaded) CPU above {t.engine_cpu_percent:g} %", "missing"),
            ("memory", "DatabaseMemoryUsagePercentage", "Maximum", t.memory_percent,
             f"memory use above {t.memory_percent:g} %", "missing"),
            ("evictions", "Evictions", "Sum", t.evictions, f"more than {t.evictions:g} keys evicted", "notBreaching"),
            # Primaries publish no ReplicationLag, and which node is primary moves on failover.
            ("replication-lag", "ReplicationLag", "Maximum", t.replication_lag_seconds,
             f"replica lags its primary by more than {t.replication_lag_seconds:g} s", "notBreaching"),
        )  # fmt: skip
        for role, metric, statistic, threshold, what, missing in checks:
            key = f"cache-{index + 1}-{role}"
            alarms[key] = maker.alarm(
                key,
                pulumi.Output.concat("ElastiCache node ", node, " of ", args.redis_replication_group_id, f": {what}"),
                Metric(ELASTICACHE, metric, dims, statistic),
                "GreaterThanThreshold",
                threshold,
                treat_missing=missing,
                notify=topic,
            )
    return alarms


def _bytes(value: float) -> str:
    return f"{value / 1024**3:g} GiB" if value >= 1024**3 else f"{value / 1024**2:g} MiB"
