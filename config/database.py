"""Database settings: Aurora PostgreSQL, sized and kept per stack, validated before anything registers.

The engine is pinned to a major.minor version (``"16.9"``) with AWS's automatic minor upgrades
off, and the pin is raised on purpose (docs/data.md). A major alone (``"16"``) is refused:
Terraform AWS provider builds without the fix of terraform-provider-aws PR #49396 (issues
#48936 and #31686) send the configured ``"16"`` with every later ModifyDBCluster while the
cluster runs ``"16.x"``, which RDS refuses as a downgrade, so every later change to the
cluster would fail. ``PROVIDER_CHECKED`` names the pulumi-aws release this was checked for;
a test fails when requirements.txt moves, so the choice is looked at again on a bump.

The parameter-group family follows from the major (``aurora-postgresql16``); a family given
in config must agree with the engine version, because AWS refuses a parameter group of
another family and the mismatch would only show at ``pulumi up``.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.basics import Basics
from config.declare import Derived, Group, PerEnvironment, boolean, integer, number, string
from config.network import log_retention_key
from config.reader import ConfigError, Section, nearest, refuse_in_production
from config.windows import daily_window, weekly_window, windows_overlap

__all__ = ["DATABASE_NAME", "DEFAULT_CA_BUNDLE_PATH", "ENGINE", "PORT", "DatabaseSettings", "parse_database", "windows_overlap"]

ENGINE = "aurora-postgresql"
DATABASE_NAME = "email_db"  # the database name the app expects in DATABASE_URL
PORT = 5432

# The pulumi-aws release the major-only refusal was decided for (see the module docstring):
# not shown to bridge a Terraform AWS provider release carrying PR #49396.
PROVIDER_CHECKED = "pulumi-aws==7.51.1"
# `ssl_min_protocol_version = TLSv1.3` needs PostgreSQL 16 or later.
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
    # Unset (false) leaves pending changes to the maintenance window.
    apply_immediately: bool = False


def family_for(engine: str, major: int) -> str:
    return f"{engine}{major}"


RESERVED_USERNAMES = ("postgres", "rdsadmin", "admin", "root")

ENGINE_VERSION = string(
    "engineVersion",
    "the Aurora PostgreSQL version, major.minor; raise it on purpose to take a newer minor",
    pattern=r"\d+(\.\d+)?",
    meaning='must be major.minor ("16.9")',
    rule=f"majors {', '.join(ENGINE_MAJORS)} (TLS 1.3 needs {MIN_ENGINE_MAJOR} or later); "
    "a major alone is refused (docs/data.md); only with `autoMinorVersionUpgrade: false`",
)
PARAMETER_GROUP_FAMILY = string(
    "parameterGroupFamily",
    "the parameter groups' family; change it with the major version",
    default=Derived(f"`{ENGINE}<major>`"),
    rule="must match `engineVersion`'s major",
)
AUTO_MINOR_VERSION_UPGRADE = boolean(
    "autoMinorVersionUpgrade",
    "AWS applies minor versions in the maintenance window (off: a newer running minor than the pin breaks updates)",
    default=False,
)
ALLOW_MAJOR_VERSION_UPGRADE = boolean("allowMajorVersionUpgrade", "set for the one deployment that moves to a new major", default=False)
APPLY_IMMEDIATELY = boolean(
    "applyImmediately",
    "apply engine and class changes now rather than in the maintenance window (set for a major upgrade's run)",
    default=False,
    rule="required with `allowMajorVersionUpgrade: true`: the new family's parameter groups apply at once",
)
INSTANCE_CLASS = string(
    "instanceClass",
    "the writer's and readers' instance class",
    rule="a class of the table in `config/database.py`; production runs no burstable `db.t*`",
)
INSTANCES = integer(
    "instances",
    "the writer and the readers the stack creates (reader autoscaling may add more)",
    default=PRODUCTION_MIN_INSTANCES,
    minimum=1,
    maximum=MAX_INSTANCES,
    rule=f"production needs at least {PRODUCTION_MIN_INSTANCES} (a writer and a reader in another zone)",
)
MIN_REPLICAS = integer(
    "minReplicas",
    "fewest readers",
    default=Derived("max(`instances` − 1, 1)"),
    minimum=1,
    maximum=MAX_READ_REPLICAS,
)
MAX_REPLICAS = integer("maxReplicas", "most readers", minimum=Derived("`minReplicas`", key="minReplicas"), maximum=MAX_READ_REPLICAS)
TARGET_CPU_PERCENT = number("targetCpuPercent", "the readers' average CPU that scaling keeps to", default=70, minimum=10, maximum=90)
READ_REPLICA_SCALING = Group(
    "readReplicaScaling", "Aurora Auto Scaling of readers on their CPU", (MIN_REPLICAS, MAX_REPLICAS, TARGET_CPU_PERCENT)
)
MASTER_USERNAME = string(
    "masterUsername",
    "the master user; the app connects as it (its password is generated and kept as a Pulumi secret)",
    default="email_admin",
    pattern=r"[a-z][a-z0-9_]{0,62}",
    meaning="must start with a letter and hold lower-case letters, digits and _ (at most 63)",
    rule="not " + ", ".join(f"`{name}`" for name in RESERVED_USERNAMES) + " or `rds…`",
)
BACKUP_RETENTION_DAYS = integer(
    "backupRetentionDays",
    "days of automated backups (point-in-time restore)",
    default=PerEnvironment(PRODUCTION_MIN_BACKUP_RETENTION_DAYS, MIN_BACKUP_RETENTION_DAYS),
    maximum=MAX_BACKUP_RETENTION_DAYS,
    rule=f"at least {PRODUCTION_MIN_BACKUP_RETENTION_DAYS} in production, {MIN_BACKUP_RETENTION_DAYS} otherwise",
)
BACKUP_WINDOW = daily_window("backupWindow", "when the daily backup runs (UTC)", "03:00-04:00", minimum_minutes=30)
MAINTENANCE_WINDOW = weekly_window(
    "maintenanceWindow", "when AWS may patch the cluster (UTC)", "sun:04:30-sun:05:30", apart_from="backupWindow"
)
INSIGHTS_RETENTION_DAYS = integer(
    "performanceInsightsRetentionDays",
    "days Performance Insights keeps (7 are free)",
    default=7,
    choices=PERFORMANCE_INSIGHTS_RETENTION_DAYS,
    meaning="allowed: 7 (free), a multiple of 31 up to 713, or 731",
)
LOG_RETENTION_DAYS = log_retention_key("logRetentionDays", "the PostgreSQL logs")
CA_BUNDLE_PATH = string(
    "caBundlePath",
    "where the app image carries the RDS CA bundle (`sslrootcert` in DATABASE_URL)",
    default=DEFAULT_CA_BUNDLE_PATH,
    pattern=r"/[\w./-]+\.pem",
    meaning="must be an absolute path to a .pem file inside the app image",
)
DATABASE = Group(
    "database",
    "Aurora PostgreSQL",
    (
        ENGINE_VERSION,
        PARAMETER_GROUP_FAMILY,
        AUTO_MINOR_VERSION_UPGRADE,
        ALLOW_MAJOR_VERSION_UPGRADE,
        APPLY_IMMEDIATELY,
        INSTANCE_CLASS,
        INSTANCES,
        READ_REPLICA_SCALING,
        MASTER_USERNAME,
        BACKUP_RETENTION_DAYS,
        BACKUP_WINDOW.key,
        MAINTENANCE_WINDOW.key,
        INSIGHTS_RETENTION_DAYS,
        LOG_RETENTION_DAYS,
        CA_BUNDLE_PATH,
    ),
)


@dataclass(frozen=True)
class _Engine:
    version: str
    major: int
    family: str
    auto_minor_version_upgrade: bool
    allow_major_version_upgrade: bool
    apply_immediately: bool


def _engine(section: Section) -> _Engine:
    version_key = section.key("engineVersion")
    version = ENGINE_VERSION.read(section)
    major_text = version.split(".")[0]
    if int(major_text) < MIN_ENGINE_MAJOR:
        raise ConfigError(version_key, version, f"ssl_min_protocol_version = TLSv1.3 needs Aurora PostgreSQL {MIN_ENGINE_MAJOR} or later")
    if major_text not in ENGINE_MAJORS:
        raise ConfigError(version_key, version, "Aurora PostgreSQL majors known to this program: " + ", ".join(ENGINE_MAJORS))
    if "." not in version:
        raise ConfigError(
            version_key,
            version,
            f'give major.minor (e.g. "{major_text}.9"): a major alone is resent as a downgrade once the cluster runs a minor (docs/data.md)',
        )
    major = int(major_text)
    expected_family = family_for(ENGINE, major)
    family = PARAMETER_GROUP_FAMILY.read(section, default=expected_family)
    if family != expected_family:
        raise ConfigError(
            section.key("parameterGroupFamily"),
            family,
            f"engineVersion {version} needs family {expected_family}; change both together on a major upgrade",
        )
    auto_minor = AUTO_MINOR_VERSION_UPGRADE.read(section)
    if auto_minor:
        raise ConfigError(
            version_key,
            version,
            "a minor pin drifts once AWS applies a newer minor, and the next update would ask for a downgrade; "
            "set autoMinorVersionUpgrade: false and raise the pin on purpose",
        )
    allow_major = ALLOW_MAJOR_VERSION_UPGRADE.read(section)
    apply_now = APPLY_IMMEDIATELY.read(section)
    if allow_major and not apply_now:
        # The new family's parameter groups replace the old at once; an engine upgrade left to the
        # maintenance window would meanwhile run a major on parameter groups of the next one.
        raise ConfigError(
            section.key("applyImmediately"), apply_now, "set it to true with allowMajorVersionUpgrade: true (the upgrade run applies now)"
        )
    return _Engine(version, major, family, auto_minor, allow_major, apply_now)


def _instances(section: Section, basics: Basics) -> tuple[str, int]:
    instance_class = INSTANCE_CLASS.read(section)
    known = AURORA_INSTANCE_CLASSES.get(instance_class)
    if known is None:
        raise ConfigError(
            section.key("instanceClass"),
            instance_class,
            f"not a known Aurora PostgreSQL instance class (the table in config/database.py); "
            f"{nearest(instance_class, list(AURORA_INSTANCE_CLASSES), RECOMMENDED_CLASSES)}",
        )
    if basics.is_production and known.burstable:
        raise refuse_in_production(
            section.key("instanceClass"),
            instance_class,
            f"production runs no burstable (T) class: CPU credits run out under load (e.g. {', '.join(RECOMMENDED_CLASSES)})",
        )
    instances = INSTANCES.read(section)
    if basics.is_production and instances < PRODUCTION_MIN_INSTANCES:
        raise refuse_in_production(
            section.key("instances"),
            instances,
            f"production needs at least {PRODUCTION_MIN_INSTANCES}: a writer and a reader in another zone to fail over to",
        )
    return instance_class, instances


def _replica_scaling(section: Section, instances: int) -> ReplicaScaling:
    scaling = READ_REPLICA_SCALING.open(section)
    min_replicas = MIN_REPLICAS.read(scaling, default=max(instances - 1, 1))
    max_replicas = MAX_REPLICAS.read(scaling, minimum=min_replicas)
    target_cpu = TARGET_CPU_PERCENT.read(scaling)
    scaling.finish()
    return ReplicaScaling(min_replicas, max_replicas, target_cpu)


def _master_username(section: Section) -> str:
    username = MASTER_USERNAME.read(section)
    if username in RESERVED_USERNAMES or username.startswith("rds"):
        raise ConfigError(section.key("masterUsername"), username, "is reserved by RDS or PostgreSQL; choose another name")
    return username


def _backup_retention(section: Section, basics: Basics) -> int:
    retention = BACKUP_RETENTION_DAYS.read(section, production=basics.is_production)
    if basics.is_production and retention < PRODUCTION_MIN_BACKUP_RETENTION_DAYS:
        raise refuse_in_production(
            section.key("backupRetentionDays"), retention, f"production keeps backups at least {PRODUCTION_MIN_BACKUP_RETENTION_DAYS} days"
        )
    if retention < MIN_BACKUP_RETENTION_DAYS:
        raise ConfigError(section.key("backupRetentionDays"), retention, f"keep backups at least {MIN_BACKUP_RETENTION_DAYS} days")
    return retention


def _windows(section: Section) -> tuple[str, str]:
    backup_window, backup_span = BACKUP_WINDOW.read(section)
    maintenance_window, maintenance_span = MAINTENANCE_WINDOW.read(section)
    if windows_overlap(backup_span, maintenance_span):
        raise ConfigError(
            section.key("maintenanceWindow"), maintenance_window, f"overlaps the backup window (backupWindow: {backup_window})"
        )
    return backup_window, maintenance_window


def parse_database(section: Section, basics: Basics) -> DatabaseSettings:
    engine = _engine(section)
    instance_class, instances = _instances(section, basics)
    replica_scaling = _replica_scaling(section, instances)
    username = _master_username(section)
    retention = _backup_retention(section, basics)
    backup_window, maintenance_window = _windows(section)
    insights = INSIGHTS_RETENTION_DAYS.read(section)
    logs = LOG_RETENTION_DAYS.read(section, production=basics.is_production)
    ca_bundle = CA_BUNDLE_PATH.read(section)
    section.finish()
    return DatabaseSettings(
        identifier=basics.name_prefix,
        engine_version=engine.version,
        engine_major=engine.major,
        parameter_group_family=engine.family,
        auto_minor_version_upgrade=engine.auto_minor_version_upgrade,
        allow_major_version_upgrade=engine.allow_major_version_upgrade,
        apply_immediately=engine.apply_immediately,
        instance_class=instance_class,
        instances=instances,
        replica_scaling=replica_scaling,
        master_username=username,
        backup_retention_days=retention,
        backup_window=backup_window,
        maintenance_window=maintenance_window,
        performance_insights_retention_days=insights,
        log_retention_days=logs,
        ca_bundle_path=ca_bundle,
    )
