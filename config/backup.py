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

from config.basics import an_aws_region
from config.declare import OPTIONAL, REQUIRED, PerEnvironment, boolean, computed, integer, sibling, string
from config.reading import At, parser

__all__ = ["BackupSettings", "backup_jobs_rule_name", "parse_backup"]

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


def backup_jobs_rule_name(prefix: str) -> str:
    """The EventBridge rule (default bus) that forwards failed AWS Backup jobs of the stack named `prefix`."""
    return f"{prefix}-backup-jobs"


def _another_region(copy_region: str, at: At) -> None:
    """must differ from `aws:region`"""
    if copy_region == at.basics.region:
        raise at.refuse(copy_region, f"must differ from aws:region ({at.basics.region}): a copy in the same region shares its outages")


def _within_the_lock(retention: int, at: At) -> None:
    """with `vaultLock`, within `vaultLockMinRetentionDays` and `vaultLockMaxRetentionDays` (a locked vault fails other jobs)"""
    # The plan's rule and its copy action both keep recovery points `retentionDays`, and both vaults
    # carry the same lock, so one check covers the backup jobs and the copy jobs.
    if not at.reading["vault_lock"]:
        return
    lock_min, lock_max = at.reading["vault_lock_min_retention_days"], at.reading["vault_lock_max_retention_days"]
    if retention < lock_min:
        bound = f"{at.reading.key('vault_lock_min_retention_days')} = {lock_min}"
        raise at.refuse(retention, f"below {bound}: the locked vaults would fail every backup and copy job; raise retentionDays")
    if lock_max is not None and retention > lock_max:
        bound = f"{at.reading.key('vault_lock_max_retention_days')} = {lock_max}"
        raise at.refuse(retention, f"above {bound}: the locked vaults would fail every backup and copy job; lower retentionDays")


@dataclass(frozen=True)
class BackupSettings:
    # None: no copy (allowed outside production only).
    copy_region: str | None = string(
        "the region the recovery points are copied to (a second vault there)",
        default=PerEnvironment(REQUIRED, OPTIONAL),
        pattern=_REGION,
        meaning="must be an AWS region name such as us-west-2",
        checks=(an_aws_region, _another_region),
        why="a second region keeps the copies (e.g. us-west-2)",
    )
    retention_days: int = integer(
        "days AWS Backup keeps each recovery point, in both vaults",
        default=PerEnvironment(PRODUCTION_MIN_RETENTION_DAYS, MIN_RETENTION_DAYS),
        minimum=PerEnvironment(PRODUCTION_MIN_RETENTION_DAYS, 1),
        maximum=MAX_RETENTION_DAYS,
        checks=(_within_the_lock,),
    )
    schedule: str = string(
        "when the daily recovery point is taken (UTC, AWS Backup cron expression)",
        default="cron(0 6 * * ? *)",
        pattern=r"cron\([0-9*?/,\- A-Z#L]+\)",
        meaning="must be an AWS cron expression such as cron(0 6 * * ? *)",
    )
    vault_lock: bool = boolean(
        "lock both vaults in compliance mode: recovery points cannot be deleted before `vaultLockMinRetentionDays`", default=False
    )
    vault_lock_grace_days: int = integer(
        "days during which a new compliance lock can still be removed",
        default=MIN_LOCK_GRACE_DAYS,
        minimum=MIN_LOCK_GRACE_DAYS,
        maximum=MAX_RETENTION_DAYS,
    )
    # The lock's retention bounds (read whether or not the vaults are locked; used only when they are).
    vault_lock_min_retention_days: int = integer(
        "the lock's minimum retention: no recovery point can be deleted sooner (fixed for good after the grace period)",
        default=PerEnvironment(PRODUCTION_MIN_RETENTION_DAYS, MIN_RETENTION_DAYS),
        minimum=MIN_LOCK_RETENTION_DAYS,
        maximum=MAX_RETENTION_DAYS,
    )
    vault_lock_max_retention_days: int | None = integer(
        "the lock's maximum retention (unset: none); fixed for good after the grace period",
        default=OPTIONAL,
        minimum=sibling("vault_lock_min_retention_days"),
        maximum=MAX_RETENTION_DAYS,
    )
    # The rule that tells the alarm topic of failed backup, copy and restore jobs.
    jobs_rule: str = computed(lambda reading: backup_jobs_rule_name(reading.basics.name_prefix))


parse_backup = parser(BackupSettings)
