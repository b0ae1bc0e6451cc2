"""AWS Backup of the Aurora cluster: a vault here, a vault in another region, a daily plan that copies.

Both vaults are encrypted with a customer-managed key of their own region (a KMS key never
leaves its region), are `protect`ed, and may be locked in compliance mode (config). The plan
takes a recovery point on the configured schedule into the local vault and copies it to the
vault in ``backup.copyRegion``; both keep it for ``backup.retentionDays``.

AWS Backup reads the cluster and writes the vaults as the role below: it trusts
``backup.amazonaws.com`` and carries AWS's managed policies for backups and restores
(AWS Backup Developer Guide, "Creating a backup plan" and "AWS managed policies for AWS
Backup"; "Creating backup copies across AWS Regions" for the copy action, which names the
destination vault by its ARN). tests/test_backup.py holds the plan to these facts.

The vault lock (``backup.vaultLock``) is `protect`ed: every one of its settings is force-new in
the provider (terraform-provider-aws ``internal/service/backup/vault_lock_configuration.go``:
``min_retention_days``, ``max_retention_days`` and ``changeable_for_days`` are ``ForceNew`` and
there is no update), and after its lock date AWS refuses to change or delete it. A changed lock
setting therefore stops at the preview ("a protected resource cannot be deleted ... including a
replacement", Pulumi's ``protect`` option) instead of half-running against a vault AWS will not
unlock: after the lock date a different lock needs a new vault (docs/operations.md).

Failed jobs are not silent: AWS Backup sends "Backup Job State Change", "Copy Job State Change"
and "Restore Job State Change" events to EventBridge (EventBridge events reference, "AWS Backup
events", source ``aws.backup``), and a rule on the default bus forwards the failed, aborted and
expired ones to the alarm topic (topic and key policies in components/monitoring/notifications.py).
Copy jobs run in the source region — StartCopyJob names its source vault by name and its
destination by ARN (botocore ``backup``) — so the rule in the stack's region sees them too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.shared.iam import assume_role_policy
from config.backup import BackupSettings

BACKUP_SERVICE = "backup.amazonaws.com"
BACKUP_EVENTS_SOURCE = "aws.backup"
# The detail-types AWS Backup sends to EventBridge for its jobs (EventBridge events reference,
# https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-backup.html).
JOB_EVENTS = ("Backup Job State Change", "Copy Job State Change", "Restore Job State Change")
# Terminal states that mean no recovery point, copy or restore: the BackupJobState, CopyJobState and
# RestoreJobStatus enums of botocore's `backup` model (a copy job has FAILED only).
FAILED_JOB_STATES = ("FAILED", "ABORTED", "EXPIRED")
SERVICE_POLICIES = (
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
)


@dataclass
class BackupArgs:
    settings: BackupSettings
    prefix: str  # e.g. email-platform-production: vault names are unique per account and region
    database_cluster_arn: pulumi.Input[str]
    # Where failed backup, copy and restore jobs are reported (the stack's alarm topic).
    alarm_topic_arn: pulumi.Input[str]
    # A provider for settings.copy_region (None when there is no copy region).
    copy_provider: aws.Provider | None = None
    # The alarm topic's and its key's policies: EventBridge publishes only once both admit it.
    alarm_topic_ready: Sequence[pulumi.Resource] = ()


def failed_jobs_pattern() -> str:
    """Backup, copy and restore jobs that ended without their result.

    Backup and copy job events report `state`, restore job events `status` ("Some events report
    status: COMPLETED whereas other events report state: COMPLETED. This is consistent with the
    AWS Backup API", AWS Backup developer guide, "Monitoring AWS Backup events using Amazon
    EventBridge"): `$or` matches either field ("Comparison operators only work on leaf nodes, with
    the exception of $or and anything-but", EventBridge user guide, eb-create-pattern-operators).
    """
    states = list(FAILED_JOB_STATES)
    return json.dumps(
        {
            "source": [BACKUP_EVENTS_SOURCE],
            "detail-type": list(JOB_EVENTS),
            "detail": {"$or": [{"state": states}, {"status": states}]},
        }
    )


class Backup(pulumi.ComponentResource):
    vault: aws.backup.Vault
    copy_vault: aws.backup.Vault | None = None
    plan: aws.backup.Plan
    locks: list[aws.backup.VaultLockConfiguration]
    jobs_rule: aws.cloudwatch.EventRule

    def __init__(self, name: str, args: BackupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:data:Backup", name, None, opts)
        settings = args.settings
        if (settings.copy_region is None) != (args.copy_provider is None):
            raise ValueError("a copy region needs its provider, and a provider needs the copy region")
        here = pulumi.ResourceOptions(parent=self)
        self.locks = []
        self.vault = self._vault(name, f"{args.prefix}-aurora", settings, here)
        copy_actions = []
        if args.copy_provider is not None:
            there = pulumi.ResourceOptions(parent=self, provider=args.copy_provider)
            self.copy_vault = self._vault(f"{name}-copy", f"{args.prefix}-aurora-copy", settings, there)
            copy_actions.append(
                aws.backup.PlanRuleCopyActionArgs(
                    destination_vault_arn=self.copy_vault.arn,
                    lifecycle=aws.backup.PlanRuleCopyActionLifecycleArgs(delete_after=settings.retention_days),
                )
            )
        role = aws.iam.Role(f"{name}-role", assume_role_policy=assume_role_policy(BACKUP_SERVICE), opts=here)
        attachments = [
            aws.iam.RolePolicyAttachment(f"{name}-{arn.rsplit('/', 1)[1]}", role=role.name, policy_arn=arn, opts=here)
            for arn in SERVICE_POLICIES
        ]
        self.plan = aws.backup.Plan(
            f"{name}-plan",
            name=f"{args.prefix}-aurora",
            rules=[
                aws.backup.PlanRuleArgs(
                    rule_name="daily",
                    target_vault_name=self.vault.name,
                    schedule=settings.schedule,
                    start_window=60,
                    completion_window=360,
                    lifecycle=aws.backup.PlanRuleLifecycleArgs(delete_after=settings.retention_days),
                    copy_actions=copy_actions or None,
                )
            ],
            opts=here,
        )
        aws.backup.Selection(
            f"{name}-aurora",
            name=f"{args.prefix}-aurora",
            plan_id=self.plan.id,
            iam_role_arn=role.arn,
            resources=[args.database_cluster_arn],
            opts=pulumi.ResourceOptions(parent=self, depends_on=attachments),
        )
        self.jobs_rule = aws.cloudwatch.EventRule(
            f"{name}-failed-jobs",
            name=settings.jobs_rule,
            description="AWS Backup backup, copy and restore jobs that failed, were aborted or expired",
            event_pattern=failed_jobs_pattern(),
            opts=here,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-failed-jobs",
            rule=self.jobs_rule.name,
            arn=args.alarm_topic_arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.alarm_topic_ready)),
        )
        self.register_outputs({})

    def _vault(self, name: str, vault_name: str, settings: BackupSettings, opts: pulumi.ResourceOptions) -> aws.backup.Vault:
        """A vault and its key, both protected: deleting either would lose the recovery points."""
        key = aws.kms.Key(
            f"{name}-vault",
            description=f"Encrypts the recovery points in the {vault_name} backup vault",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=True)),
        )
        aws.kms.Alias(f"{name}-vault", name=f"alias/{vault_name}-backup", target_key_id=key.key_id, opts=opts)
        vault = aws.backup.Vault(
            f"{name}-vault",
            name=vault_name,
            kms_key_arn=key.arn,
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=True)),
        )
        if settings.vault_lock:
            # Compliance mode: with changeable_for_days set, the lock cannot be removed after the grace
            # period. Its own retention bounds, not the plan's: raising the plan's retention later
            # leaves the lock (immutable by then) untouched; config refuses a retention outside them.
            self.locks.append(
                aws.backup.VaultLockConfiguration(
                    f"{name}-lock",
                    backup_vault_name=vault.name,
                    changeable_for_days=settings.vault_lock_grace_days,
                    min_retention_days=settings.vault_lock_min_retention_days,
                    max_retention_days=settings.vault_lock_max_retention_days,
                    opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=True)),
                )
            )
        return vault
