"""Backup settings: AWS Backup copies of the Aurora cluster, kept in the stack's region and another.

Aurora's own automated backups (``database.backupRetentionDays``) live in the cluster's region
and go with it. An AWS Backup plan adds recovery points in a vault of this region and copies
each one to a vault in ``copyRegion``: a regional outage, or a mistake that deletes the cluster
and its automated backups, still leaves a restorable copy. Production needs the copy region.

A vault lock in compliance mode (``vaultLock: true``) makes the recovery points undeletable
before the lock's minimum retention, by anyone, the account's root included, once its grace
period (``vaultLockGraceDays``) has passed: turn it on deliberately. After that date the lock
itself cannot be changed or deleted (botocore ``backup``, PutBackupVaultLockConfiguration:
"On and after the lock date, the Vault Lock becomes immutable and cannot be changed or
deleted"), so its retention bounds are keys of their own (``vaultLockMinRetentionDays``,
``vaultLockMaxRetentionDays``) rather than following ``retentionDays``: the plan's retention
may rise later without touching the lock. A locked vault fails every backup and copy job whose
retention lies outside the lock's bounds (same source: "If the job's retention period is shorter
than that minimum retention period, then the vault fails that backup or copy job"), so such a
retention is refused here, naming both keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.basics import Basics
from config.declare import OPTIONAL, Derived, Group, PerEnvironment, boolean, integer, string
from config.reader import ConfigError, Section, refuse_in_production

__all__ = ["BACKUP", "BackupSettings", "backup_jobs_rule_name", "parse_backup"]

_REGION = r"[a-z]{2}(-gov)?-[a-z]+-\d"
PRODUCTION_MIN_RETENTION_DAYS = 35
MIN_RETENTION_DAYS = 7
# AWS Backup's limit on a rule's retention (100 years).
MAX_RETENTION_DAYS = 36500
# A compliance-mode lock can be removed during its grace period only; AWS's minimum is 3 days.
MIN_LOCK_GRACE_DAYS = 3
# PutBackupVaultLockConfiguration: "The shortest minimum retention period you can specify is 1 day";
# "The longest maximum retention period you can specify is 36500 days".
MIN_LOCK_RETENTION_DAYS = 1

COPY_REGION = string(
    "copyRegion",
    "the region the recovery points are copied to (a second vault there)",
    default=OPTIONAL,
    pattern=_REGION,
    meaning="must be an AWS region name such as us-west-2",
    rule="required in production; must differ from `aws:region`",
)
RETENTION_DAYS = integer(
    "retentionDays",
    "days AWS Backup keeps each recovery point, in both vaults",
    default=PerEnvironment(PRODUCTION_MIN_RETENTION_DAYS, MIN_RETENTION_DAYS),
    minimum=1,
    maximum=MAX_RETENTION_DAYS,
    rule=f"at least {PRODUCTION_MIN_RETENTION_DAYS} in production",
)
SCHEDULE = string(
    "schedule",
    "when the daily recovery point is taken (UTC, AWS Backup cron expression)",
    default="cron(0 6 * * ? *)",
    pattern=r"cron\([0-9*?/,\- A-Z#L]+\)",
    meaning="must be an AWS cron expression such as cron(0 6 * * ? *)",
)
VAULT_LOCK = boolean(
    "vaultLock",
    "lock both vaults in compliance mode: recovery points cannot be deleted before `vaultLockMinRetentionDays`",
    default=False,
)
VAULT_LOCK_GRACE_DAYS = integer(
    "vaultLockGraceDays",
    "days during which a new compliance lock can still be removed",
    default=MIN_LOCK_GRACE_DAYS,
    minimum=MIN_LOCK_GRACE_DAYS,
    maximum=MAX_RETENTION_DAYS,
)
VAULT_LOCK_MIN_RETENTION_DAYS = integer(
    "vaultLockMinRetentionDays",
    "the lock's minimum retention: no recovery point can be deleted sooner (fixed for good after the grace period)",
    default=PerEnvironment(PRODUCTION_MIN_RETENTION_DAYS, MIN_RETENTION_DAYS),
    minimum=MIN_LOCK_RETENTION_DAYS,
    maximum=MAX_RETENTION_DAYS,
    rule="with `vaultLock`, `retentionDays` must be at least this (a locked vault fails shorter jobs)",
)
VAULT_LOCK_MAX_RETENTION_DAYS = integer(
    "vaultLockMaxRetentionDays",
    "the lock's maximum retention (unset: none); fixed for good after the grace period",
    default=OPTIONAL,
    minimum=Derived("`vaultLockMinRetentionDays`", key="vaultLockMinRetentionDays"),
    maximum=MAX_RETENTION_DAYS,
    rule="with `vaultLock`, `retentionDays` must be at most this (a locked vault fails longer jobs)",
)
BACKUP = Group(
    "backup",
    "AWS Backup of the Aurora cluster, copied to a second region",
    (
        COPY_REGION,
        RETENTION_DAYS,
        SCHEDULE,
        VAULT_LOCK,
        VAULT_LOCK_GRACE_DAYS,
        VAULT_LOCK_MIN_RETENTION_DAYS,
        VAULT_LOCK_MAX_RETENTION_DAYS,
    ),
)


def backup_jobs_rule_name(prefix: str) -> str:
    """The EventBridge rule (default bus) that forwards failed AWS Backup jobs of the stack named `prefix`."""
    return f"{prefix}-backup-jobs"


@dataclass(frozen=True)
class BackupSettings:
    # None: no copy (allowed outside production only).
    copy_region: str | None
    retention_days: int
    schedule: str
    vault_lock: bool
    vault_lock_grace_days: int
    # The lock's retention bounds (read whether or not the vaults are locked; used only when they are).
    vault_lock_min_retention_days: int
    vault_lock_max_retention_days: int | None
    # The rule that tells the alarm topic of failed backup, copy and restore jobs.
    jobs_rule: str


def parse_backup(section: Section, basics: Basics) -> BackupSettings:
    copy_region = COPY_REGION.read(section)
    key = section.key("copyRegion")
    if copy_region is None and basics.is_production:
        raise refuse_in_production(key, None, "set backup.copyRegion to a second region (e.g. us-west-2) for the copies")
    if copy_region is not None and copy_region == basics.region:
        raise ConfigError(key, copy_region, f"must differ from aws:region ({basics.region}): a copy in the same region shares its outages")
    retention = RETENTION_DAYS.read(section, production=basics.is_production)
    if basics.is_production and retention < PRODUCTION_MIN_RETENTION_DAYS:
        raise refuse_in_production(
            section.key("retentionDays"), retention, f"production keeps recovery points at least {PRODUCTION_MIN_RETENTION_DAYS} days"
        )
    vault_lock = VAULT_LOCK.read(section)
    lock_min = VAULT_LOCK_MIN_RETENTION_DAYS.read(section, production=basics.is_production)
    lock_max = VAULT_LOCK_MAX_RETENTION_DAYS.read(section, minimum=lock_min)
    if vault_lock:
        _check_retention_within_lock(section, retention, lock_min, lock_max)
    settings = BackupSettings(
        copy_region=copy_region,
        retention_days=retention,
        schedule=SCHEDULE.read(section),
        vault_lock=vault_lock,
        vault_lock_grace_days=VAULT_LOCK_GRACE_DAYS.read(section),
        vault_lock_min_retention_days=lock_min,
        vault_lock_max_retention_days=lock_max,
        jobs_rule=backup_jobs_rule_name(basics.name_prefix),
    )
    section.finish()
    return settings


def _check_retention_within_lock(section: Section, retention: int, lock_min: int, lock_max: int | None) -> None:
    """A locked vault fails every backup and copy job whose retention lies outside the lock's bounds.

    The plan's rule and its copy action both keep recovery points `retentionDays`, and both vaults
    carry the same lock, so one check covers the backup jobs and the copy jobs.
    """
    key = section.key("retentionDays")
    if retention < lock_min:
        bound = f"{section.key('vaultLockMinRetentionDays')} = {lock_min}"
        raise ConfigError(key, retention, f"below {bound}: the locked vaults would fail every backup and copy job; raise retentionDays")
    if lock_max is not None and retention > lock_max:
        bound = f"{section.key('vaultLockMaxRetentionDays')} = {lock_max}"
        raise ConfigError(key, retention, f"above {bound}: the locked vaults would fail every backup and copy job; lower retentionDays")
