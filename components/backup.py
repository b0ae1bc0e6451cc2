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
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.shared.iam import assume_role_policy
from config.backup import BackupSettings

BACKUP_SERVICE = "backup.amazonaws.com"
SERVICE_POLICIES = (
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
)


@dataclass
class BackupArgs:
    settings: BackupSettings
    prefix: str  # e.g. email-platform-production: vault names are unique per account and region
    database_cluster_arn: pulumi.Input[str]
    # A provider for settings.copy_region (None when there is no copy region).
    copy_provider: aws.Provider | None = None


class Backup(pulumi.ComponentResource):
    vault: aws.backup.Vault
    copy_vault: aws.backup.Vault | None = None
    plan: aws.backup.Plan

    def __init__(self, name: str, args: BackupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:data:Backup", name, None, opts)
        settings = args.settings
        if (settings.copy_region is None) != (args.copy_provider is None):
            raise ValueError("a copy region needs its provider, and a provider needs the copy region")
        here = pulumi.ResourceOptions(parent=self)
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
        self.register_outputs(
            {"vaultArn": self.vault.arn, "copyVaultArn": self.copy_vault.arn if self.copy_vault else None, "planId": self.plan.id}
        )

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
            # Compliance mode: with changeable_for_days set, the lock cannot be removed after the grace period.
            aws.backup.VaultLockConfiguration(
                f"{name}-lock",
                backup_vault_name=vault.name,
                changeable_for_days=settings.vault_lock_grace_days,
                min_retention_days=settings.retention_days,
                opts=opts,
            )
        return vault
