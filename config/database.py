"""Database settings: Aurora PostgreSQL, sized and kept per stack, validated before anything registers.

The engine is pinned to a major version (``"16"``): AWS picks that major's default minor at
creation and applies later minors in the maintenance window. The provider compares the
configured version with the running one on a dot boundary ("16" matches "16.9"), so a minor
upgrade shows no drift on the next preview. A full ``"16.9"`` pin is allowed only with
``autoMinorVersionUpgrade: false``: AWS moving to 16.10 by itself would otherwise make every
later preview try to go back to 16.9, which RDS refuses.

The parameter-group family follows from the major (``aurora-postgresql16``); a family given
in config must agree with the engine version, because AWS refuses a parameter group of
another family and the mismatch would only show at ``pulumi up``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from config.basics import Basics
from config.network import log_retention
from config.reader import ConfigError, Section

ENGINE = "aurora-postgresql"
DATABASE_NAME = "email_db"  # the name in DATABASE_URL (REQUIREMENTS.md)
PORT = 5432

# `ssl_min_protocol_version = TLSv1.3` needs PostgreSQL 16 or later (REQUIREMENTS.md).
MIN_ENGINE_MAJOR = 16
# Aurora PostgreSQL majors offered in November 2026 that meet the TLS 1.3 floor.
ENGINE_MAJORS = ("16", "17")
MIN_BACKUP_RETENTION_DAYS = 7
PRODUCTION_MIN_BACKUP_RETENTION_DAYS = 14
MAX_BACKUP_RETENTION_DAYS = 35  # the most RDS keeps automated backups
PRODUCTION_MIN_INSTANCES = 2
MAX_INSTANCES = 16  # a writer and 15 Aurora Replicas
MAX_READ_REPLICAS = 15
# Performance Insights keeps 7 days free, or whole months (31-day multiples) up to 731 days.
PERFORMANCE_INSIGHTS_RETENTION_DAYS = (7, *range(31, 713 + 1, 31), 731)


@dataclass(frozen=True)
class InstanceClass:
    name: str
    vcpu: int
    memory_gib: float
    graviton: bool

    @property
    def burstable(self) -> bool:
        """T classes run on CPU credits; AWS recommends them for development and test only."""
        return self.name.startswith("db.t")


def _classes(family: str, graviton: bool, memory_per_vcpu: int, sizes: dict[str, int]) -> list[InstanceClass]:
    return [InstanceClass(f"db.{family}.{size}", vcpu, vcpu * memory_per_vcpu, graviton) for size, vcpu in sizes.items()]


_MEMORY_SIZES = {"large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32, "12xlarge": 48, "16xlarge": 64}

# Provisioned instance classes Aurora PostgreSQL 16/17 offers (the Aurora "DB instance classes"
# page); Graviton (arm64) classes cost less for the same size. Serverless v2 is not offered here.
AURORA_INSTANCE_CLASSES: dict[str, InstanceClass] = {
    c.name: c
    for c in [
        # Memory optimised: 8 GiB per vCPU.
        *_classes("r6g", True, 8, _MEMORY_SIZES),
        *_classes("r7g", True, 8, _MEMORY_SIZES),
        *_classes("r8g", True, 8, _MEMORY_SIZES),
        *_classes("r6i", False, 8, {**_MEMORY_SIZES, "24xlarge": 96, "32xlarge": 128}),
        *_classes("r7i", False, 8, {**_MEMORY_SIZES, "24xlarge": 96, "48xlarge": 192}),
        # Memory optimised, extra memory: 16 GiB per vCPU.
        *_classes("x2g", True, 16, _MEMORY_SIZES),
        # Burstable.
        InstanceClass("db.t4g.medium", 2, 4, True),
        InstanceClass("db.t4g.large", 2, 8, True),
        InstanceClass("db.t3.medium", 2, 4, False),
        InstanceClass("db.t3.large", 2, 8, False),
    ]
}
RECOMMENDED_CLASSES = ("db.r7g.large", "db.r6g.large")

# UTC windows as RDS and ElastiCache write them.
_DAILY_WINDOW = r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)"
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKLY_WINDOW = r"(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)"
_WEEK_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class ReplicaScaling:
    """Aurora Auto Scaling of readers (`rds:cluster:ReadReplicaCount`), tracking reader CPU."""

    min_replicas: int
    max_replicas: int
    target_cpu_percent: float


DEFAULT_CA_BUNDLE_PATH = "/etc/ssl/certs/rds-global-bundle.pem"


@dataclass(frozen=True)
class DatabaseSettings:
    identifier: str
    engine_version: str
    engine_major: int
    parameter_group_family: str
    auto_minor_version_upgrade: bool
    allow_major_version_upgrade: bool
    instance_class: str
    instances: int
    replica_scaling: ReplicaScaling
    master_username: str
    backup_retention_days: int
    backup_window: str
    maintenance_window: str
    performance_insights_retention_days: int
    log_retention_days: int
    # The RDS CA bundle inside the app image, for sslmode=verify-full (not in the OS trust store).
    ca_bundle_path: str = DEFAULT_CA_BUNDLE_PATH

    @property
    def final_snapshot_identifier(self) -> str:
        """Named, not random: whoever restores after a deliberate delete knows what to look for."""
        return f"{self.identifier}-final"


def family_for(engine: str, major: int) -> str:
    return f"{engine}{major}"


def daily_window(section: Section, name: str, default: str, *, minimum_minutes: int) -> tuple[str, tuple[int, int]]:
    """`hh:mm-hh:mm` in UTC; returns the text and its (start, end) minute of the day."""
    text = section.string(name, default, pattern=_DAILY_WINDOW, meaning="must be hh:mm-hh:mm in UTC, e.g. 03:00-04:00")
    h1, m1, h2, m2 = (int(x) for x in re.fullmatch(_DAILY_WINDOW, text).groups())  # type: ignore[union-attr]
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if (end - start) % (24 * 60) < minimum_minutes:
        raise ConfigError(section.key(name), text, f"must last at least {minimum_minutes} minutes")
    return text, (start, end)


def weekly_window(section: Section, name: str, default: str) -> tuple[str, tuple[int, int]]:
    """`ddd:hh:mm-ddd:hh:mm` in UTC; returns the text and its (start, end) minute of the week."""
    text = section.string(name, default, pattern=_WEEKLY_WINDOW, meaning="must be ddd:hh:mm-ddd:hh:mm in UTC, e.g. sun:05:00-sun:06:00")
    d1, h1, m1, d2, h2, m2 = re.fullmatch(_WEEKLY_WINDOW, text).groups()  # type: ignore[union-attr]
    start = _DAYS.index(d1) * 1440 + int(h1) * 60 + int(m1)
    end = _DAYS.index(d2) * 1440 + int(h2) * 60 + int(m2)
    if (end - start) % _WEEK_MINUTES < 30:
        raise ConfigError(section.key(name), text, "must last at least 30 minutes")
    return text, (start, end)


def _minutes(start: int, end: int, period: int) -> set[int]:
    return {(start + i) % period for i in range((end - start) % period)}


def windows_overlap(daily: tuple[int, int], weekly: tuple[int, int]) -> bool:
    """Whether a daily window meets a weekly one on any day (AWS refuses overlapping windows)."""
    day_minutes = _minutes(*daily, 1440)
    return any(minute % 1440 in day_minutes for minute in _minutes(*weekly, _WEEK_MINUTES))


def parse_database(section: Section, basics: Basics) -> DatabaseSettings:
    version_key = section.key("engineVersion")
    engine_version = section.string(
        "engineVersion", pattern=r"\d+(\.\d+)?", meaning='must be a major version ("16") or major.minor ("16.9")'
    )
    major_text = engine_version.split(".")[0]
    if int(major_text) < MIN_ENGINE_MAJOR:
        raise ConfigError(
            version_key, engine_version, f"ssl_min_protocol_version = TLSv1.3 needs Aurora PostgreSQL {MIN_ENGINE_MAJOR} or later"
        )
    if major_text not in ENGINE_MAJORS:
        raise ConfigError(version_key, engine_version, "Aurora PostgreSQL majors known to this program: " + ", ".join(ENGINE_MAJORS))
    major = int(major_text)
    family = section.string("parameterGroupFamily", family_for(ENGINE, major))
    if family != family_for(ENGINE, major):
        raise ConfigError(
            section.key("parameterGroupFamily"),
            family,
            f"engineVersion {engine_version} needs family {family_for(ENGINE, major)}; change both together on a major upgrade",
        )
    auto_minor = section.boolean("autoMinorVersionUpgrade", True)
    if auto_minor and "." in engine_version:
        raise ConfigError(
            version_key,
            engine_version,
            f'a minor pin drifts once AWS applies a newer minor; give the major alone ("{major}") or set autoMinorVersionUpgrade: false',
        )
    allow_major = section.boolean("allowMajorVersionUpgrade", False)

    instance_class = section.string("instanceClass")
    known = AURORA_INSTANCE_CLASSES.get(instance_class)
    if known is None:
        raise ConfigError(
            section.key("instanceClass"),
            instance_class,
            f"not a known Aurora PostgreSQL instance class; choose one of the table in config/database.py, "
            f"e.g. {', '.join(RECOMMENDED_CLASSES)}",
        )
    if basics.is_production and known.burstable:
        raise ConfigError(
            section.key("instanceClass"),
            instance_class,
            f"production runs no burstable (T) class: CPU credits run out under load (e.g. {', '.join(RECOMMENDED_CLASSES)})",
        )
    instances = section.integer("instances", PRODUCTION_MIN_INSTANCES, minimum=1, maximum=MAX_INSTANCES)
    if basics.is_production and instances < PRODUCTION_MIN_INSTANCES:
        raise ConfigError(
            section.key("instances"),
            instances,
            f"production needs at least {PRODUCTION_MIN_INSTANCES}: a writer and a reader in another zone to fail over to",
        )

    scaling_section = section.section("readReplicaScaling")
    min_replicas = scaling_section.integer("minReplicas", max(instances - 1, 1), minimum=1, maximum=MAX_READ_REPLICAS)
    max_replicas = scaling_section.integer("maxReplicas", minimum=min_replicas, maximum=MAX_READ_REPLICAS)
    target_cpu = scaling_section.number("targetCpuPercent", 70, minimum=10, maximum=90)
    scaling_section.finish()

    username = section.string(
        "masterUsername",
        "email_admin",
        pattern=r"[a-z][a-z0-9_]{0,62}",
        meaning="must start with a letter and hold lower-case letters, digits and _ (at most 63)",
    )
    if username in ("postgres", "rdsadmin", "admin", "root") or username.startswith("rds"):
        raise ConfigError(section.key("masterUsername"), username, "is reserved by RDS or PostgreSQL; choose another name")

    minimum_retention = PRODUCTION_MIN_BACKUP_RETENTION_DAYS if basics.is_production else MIN_BACKUP_RETENTION_DAYS
    retention = section.integer("backupRetentionDays", minimum_retention, maximum=MAX_BACKUP_RETENTION_DAYS)
    if retention < minimum_retention:
        where = "production keeps" if basics.is_production else "keep"
        raise ConfigError(section.key("backupRetentionDays"), retention, f"{where} backups at least {minimum_retention} days")
    backup_window, backup_span = daily_window(section, "backupWindow", "03:00-04:00", minimum_minutes=30)
    maintenance_window, maintenance_span = weekly_window(section, "maintenanceWindow", "sun:04:30-sun:05:30")
    if windows_overlap(backup_span, maintenance_span):
        raise ConfigError(section.key("maintenanceWindow"), maintenance_window, f"overlaps the backup window {backup_window}")

    insights = section.integer("performanceInsightsRetentionDays", 7)
    if insights not in PERFORMANCE_INSIGHTS_RETENTION_DAYS:
        raise ConfigError(
            section.key("performanceInsightsRetentionDays"), insights, "allowed: 7 (free), a multiple of 31 up to 713, or 731"
        )
    logs = log_retention(section, "logRetentionDays", 365 if basics.is_production else 30)
    ca_bundle = section.string(
        "caBundlePath",
        DEFAULT_CA_BUNDLE_PATH,
        pattern=r"/[\w./-]+\.pem",
        meaning="must be an absolute path to a .pem file inside the app image",
    )
    section.finish()
    return DatabaseSettings(
        identifier=basics.name_prefix,
        engine_version=engine_version,
        engine_major=major,
        parameter_group_family=family,
        auto_minor_version_upgrade=auto_minor,
        allow_major_version_upgrade=allow_major,
        instance_class=instance_class,
        instances=instances,
        replica_scaling=ReplicaScaling(min_replicas, max_replicas, target_cpu),
        master_username=username,
        backup_retention_days=retention,
        backup_window=backup_window,
        maintenance_window=maintenance_window,
        performance_insights_retention_days=insights,
        log_retention_days=logs,
        ca_bundle_path=ca_bundle,
    )
