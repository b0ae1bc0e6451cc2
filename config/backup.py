"""Backup settings: AWS Backup copies of the Aurora cluster, kept in the stack's region and another.

Aurora's own automated backups (``database.backupRetentionDays``) live in the cluster's region
and go with it. An AWS Backup plan adds recovery points in a vault of this region and copies
each one to a vault in ``copyRegion``: a regional outage, or a mistake that deletes the cluster
and its automated backups, still leaves a restorable copy. Production needs the copy region.

A vault lock in compliance mode (``vaultLock: true``) makes the recovery points undeletable
before their retention ends, by anyone, the account's root included, once its grace period
(``vaultLockGraceDays``) has passed: turn it on deliberately.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.basics import Basics
from config.declare import OPTIONAL, Group, PerEnvironment, boolean, integer, string
from config.reader import ConfigError, Section, refuse_in_production

__all__ = ["BACKUP", "BackupSettings", "parse_backup"]

_REGION = r"[a-z]{2}(-gov)?-[a-z]+-\d"
PRODUCTION_MIN_RETENTION_DAYS = 35
MIN_RETENTION_DAYS = 7
# AWS Backup's limit on a rule's retention (100 years).
MAX_RETENTION_DAYS = 36500
# A compliance-mode lock can be removed during its grace period only; AWS's minimum is 3 days.
MIN_LOCK_GRACE_DAYS = 3

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
    "lock both vaults in compliance mode: recovery points cannot be deleted before their retention ends",
    default=False,
)
VAULT_LOCK_GRACE_DAYS = integer(
    "vaultLockGraceDays",
    "days during which a new compliance lock can still be removed",
    default=MIN_LOCK_GRACE_DAYS,
    minimum=MIN_LOCK_GRACE_DAYS,
    maximum=MAX_RETENTION_DAYS,
)
BACKUP = Group(
    "backup",
    "AWS Backup of the Aurora cluster, copied to a second region",
    (COPY_REGION, RETENTION_DAYS, SCHEDULE, VAULT_LOCK, VAULT_LOCK_GRACE_DAYS),
)


@dataclass(frozen=True)
class BackupSettings:
    # None: no copy (allowed outside production only).
    copy_region: str | None
    retention_days: int
    schedule: str
    vault_lock: bool
    vault_lock_grace_days: int


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
    settings = BackupSettings(
        copy_region=copy_region,
        retention_days=retention,
        schedule=SCHEDULE.read(section),
        vault_lock=VAULT_LOCK.read(section),
        vault_lock_grace_days=VAULT_LOCK_GRACE_DAYS.read(section),
    )
    section.finish()
    return settings
