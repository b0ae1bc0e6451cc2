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

from config.declare import Derived, PerEnvironment, boolean, computed, integer, number, rule, section, sibling, string
from config.network import log_retention
from config.reader import nearest
from config.reading import At, parser
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


DEFAULT_CA_BUNDLE_PATH = "/etc/ssl/certs/rds-global-bundle.pem"
RESERVED_USERNAMES = ("postgres", "rdsadmin", "admin", "root")


def family_for(engine: str, major: int) -> str:
    return f"{engine}{major}"


def _major(version: str) -> int:
    return int(version.split(".")[0])


@rule(f"majors {', '.join(ENGINE_MAJORS)} (TLS 1.3 needs {MIN_ENGINE_MAJOR} or later); a major alone is refused (docs/data.md)")
def _supported_pinned_minor(version: str, at: At) -> None:
    major_text = version.split(".")[0]
    if int(major_text) < MIN_ENGINE_MAJOR:
        raise at.refuse(version, f"ssl_min_protocol_version = TLSv1.3 needs Aurora PostgreSQL {MIN_ENGINE_MAJOR} or later")
    if major_text not in ENGINE_MAJORS:
        raise at.refuse(version, "Aurora PostgreSQL majors known to this program: " + ", ".join(ENGINE_MAJORS))
    if "." not in version:
        raise at.refuse(
            version,
            f'give major.minor (e.g. "{major_text}.9"): a major alone is resent as a downgrade once the cluster runs a minor (docs/data.md)',
        )


def _matches_the_major(family: str, at: At) -> None:
    """must match `engineVersion`'s major"""
    version = at.reading["engine_version"]
    expected = family_for(ENGINE, _major(version))
    if family != expected:
        raise at.refuse(family, f"engineVersion {version} needs family {expected}; change both together on a major upgrade")


def _with_a_major_upgrade(apply_now: bool, at: At) -> None:
    """required with `allowMajorVersionUpgrade: true`: the new family's parameter groups apply at once"""
    # An engine upgrade left to the maintenance window would meanwhile run a major on parameter groups of the next one.
    if at.reading["allow_major_version_upgrade"] and not apply_now:
        raise at.refuse(apply_now, "set it to true with allowMajorVersionUpgrade: true (the upgrade run applies now)")


def _known_class(instance_class: str, at: At) -> None:
    """a class of the table in `config/database.py`; production runs no burstable `db.t*`"""
    known = AURORA_INSTANCE_CLASSES.get(instance_class)
    if known is None:
        raise at.refuse(
            instance_class,
            f"not a known Aurora PostgreSQL instance class (the table in config/database.py); "
            f"{nearest(instance_class, list(AURORA_INSTANCE_CLASSES), RECOMMENDED_CLASSES)}",
        )
    if at.production and known.burstable:
        raise at.refuse_in_production(
            instance_class,
            f"production runs no burstable (T) class: CPU credits run out under load (e.g. {', '.join(RECOMMENDED_CLASSES)})",
        )


def _not_reserved(username: str, at: At) -> None:
    """not `postgres`, `rdsadmin`, `admin`, `root` or `rds…`"""
    if username in RESERVED_USERNAMES or username.startswith("rds"):
        raise at.refuse(username, "is reserved by RDS or PostgreSQL; choose another name")


@dataclass(frozen=True)
class ReplicaScaling:
    """Aurora Auto Scaling of readers (`rds:cluster:ReadReplicaCount`), tracking reader CPU."""

    min_replicas: int = integer(
        "fewest readers",
        default=Derived("max(`instances` − 1, 1)", lambda reading: max(reading.parent["instances"] - 1, 1)),
        minimum=1,
        maximum=MAX_READ_REPLICAS,
    )
    max_replicas: int = integer("most readers", minimum=sibling("min_replicas"), maximum=MAX_READ_REPLICAS)
    target_cpu_percent: float = number("the readers' average CPU that scaling keeps to", default=70, minimum=10, maximum=90)


@dataclass(frozen=True)
class DatabaseSettings:
    engine_version: str = string(
        "the Aurora PostgreSQL version, major.minor; raise it on purpose to take a newer minor",
        pattern=r"\d+(\.\d+)?",
        meaning='must be major.minor ("16.9")',
        checks=(_supported_pinned_minor,),
    )
    parameter_group_family: str = string(
        "the parameter groups' family; change it with the major version",
        default=Derived(f"`{ENGINE}<major>`", lambda reading: family_for(ENGINE, _major(reading["engine_version"]))),
        checks=(_matches_the_major,),
    )
    # A pinned minor drifts once AWS applies a newer one, and the next update would ask for a downgrade.
    auto_minor_version_upgrade: bool = boolean(
        "AWS applies minor versions in the maintenance window (off: a newer running minor than the pin breaks updates)",
        default=False,
        choices=(False,),
        meaning="must be false: a minor pin (engineVersion) drifts once AWS applies a newer minor, and the next update would "
        "ask for a downgrade; raise engineVersion on purpose",
    )
    allow_major_version_upgrade: bool = boolean("set for the one deployment that moves to a new major", default=False)
    apply_immediately: bool = boolean(
        "apply engine and class changes now rather than in the maintenance window (set for a major upgrade's run)",
        default=False,
        checks=(_with_a_major_upgrade,),
    )
    instance_class: str = string("the writer's and readers' instance class", checks=(_known_class,))
    instances: int = integer(
        "the writer and the readers the stack creates (reader autoscaling may add more)",
        default=PRODUCTION_MIN_INSTANCES,
        minimum=PerEnvironment(PRODUCTION_MIN_INSTANCES, 1),
        maximum=MAX_INSTANCES,
        why="a writer and a reader in another zone to fail over to",
    )
    replica_scaling: ReplicaScaling = section(ReplicaScaling, "Aurora Auto Scaling of readers on their CPU", name="readReplicaScaling")
    master_username: str = string(
        "the master user; the app connects as it (its password is generated and kept as a Pulumi secret)",
        default="email_admin",
        pattern=r"[a-z][a-z0-9_]{0,62}",
        meaning="must start with a letter and hold lower-case letters, digits and _ (at most 63)",
        checks=(_not_reserved,),
    )
    backup_retention_days: int = integer(
        "days of automated backups (point-in-time restore)",
        default=PerEnvironment(PRODUCTION_MIN_BACKUP_RETENTION_DAYS, MIN_BACKUP_RETENTION_DAYS),
        minimum=PerEnvironment(PRODUCTION_MIN_BACKUP_RETENTION_DAYS, MIN_BACKUP_RETENTION_DAYS),
        maximum=MAX_BACKUP_RETENTION_DAYS,
    )
    backup_window: str = daily_window("when the daily backup runs (UTC)", "03:00-04:00", minimum_minutes=30)
    maintenance_window: str = weekly_window("when AWS may patch the cluster (UTC)", "sun:04:30-sun:05:30", apart_from="backup_window")
    performance_insights_retention_days: int = integer(
        "days Performance Insights keeps (7 are free)",
        default=7,
        choices=PERFORMANCE_INSIGHTS_RETENTION_DAYS,
        meaning="allowed: 7 (free), a multiple of 31 up to 713, or 731",
    )
    log_retention_days: int = log_retention("the PostgreSQL logs")
    # The RDS CA bundle inside the app image, for sslmode=verify-full (not in the OS trust store).
    ca_bundle_path: str = string(
        "where the app image carries the RDS CA bundle (`sslrootcert` in DATABASE_URL)",
        default=DEFAULT_CA_BUNDLE_PATH,
        pattern=r"/[\w./-]+\.pem",
        meaning="must be an absolute path to a .pem file inside the app image",
    )
    identifier: str = computed(lambda reading: reading.basics.name_prefix)


parse_database = parser(DatabaseSettings)
