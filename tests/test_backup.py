"""AWS Backup of Aurora: a protected vault per region, a plan that copies to the other region,
and the AWS Backup facts (service principal, managed policies, copy by vault ARN) it relies on."""

from __future__ import annotations

import json

from owned_stacks import settings, stack_config
from run_lookup import publish_grants, region_of

from components.backup import BACKUP_SERVICE, SERVICE_POLICIES
from preflight.runner import Run


def _vaults(run: Run) -> dict[str, dict[str, object]]:
    return {
        v.name: {"arn": v.outputs["arn"], "protect": v.protect, "key": v.inputs["kmsKeyArn"]} for v in run.of_type("aws:backup/vault:Vault")
    }


def test_production_keeps_a_protected_vault_in_its_region_and_in_the_copy_region(production: Run) -> None:
    vaults = _vaults(production)
    assert sorted(vaults) == ["backup-copy-vault", "backup-vault"]
    assert all(v["protect"] for v in vaults.values())
    config = stack_config("production")
    region, copy_region = config["aws:region"], config["email-platform:backup"]["copyRegion"]
    assert f":{region}:" in str(vaults["backup-vault"]["arn"]) and f":{copy_region}:" in str(vaults["backup-copy-vault"]["arn"])
    keys = {k.name: k for k in production.of_type("aws:kms/key:Key") if k.name.startswith("backup")}
    assert all(key.protect and key.inputs["enableKeyRotation"] for key in keys.values())
    copy_key = keys["backup-copy-vault"]
    assert region_of(production, copy_key) == copy_region, "a KMS key never leaves its region"


def test_the_plan_copies_each_recovery_point_to_the_copy_vault_and_keeps_both(production: Run) -> None:
    (plan,) = production.of_type("aws:backup/plan:Plan")
    (rule,) = plan.inputs["rules"]
    vaults = _vaults(production)
    configured = settings("production")
    assert rule["targetVaultName"] == f"{configured.basics.name_prefix}-aurora"
    (copy,) = rule["copyActions"]
    # AWS Backup names a copy's destination by the vault's ARN (its region comes from the ARN).
    assert copy["destinationVaultArn"] == vaults["backup-copy-vault"]["arn"]
    assert copy["lifecycle"]["deleteAfter"] == rule["lifecycle"]["deleteAfter"] == configured.backup.retention_days


def test_aws_backup_reads_the_cluster_as_a_role_it_may_assume(production: Run) -> None:
    (selection,) = production.of_type("aws:backup/selection:Selection")
    (cluster,) = production.of_type("aws:rds/cluster:Cluster")
    assert selection.inputs["resources"] == [cluster.outputs["arn"]]
    role = production.named("backup-role")
    assert selection.inputs["iamRoleArn"] == role.outputs["arn"]
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": BACKUP_SERVICE} == {"Service": "backup.amazonaws.com"}
    attached = {
        a.inputs["policyArn"] for a in production.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment") if a.parent == role.parent
    }
    assert set(SERVICE_POLICIES) <= attached
    assert "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup" in attached


def test_staging_without_a_copy_region_keeps_one_vault_and_no_copy(staging: Run) -> None:
    assert sorted(_vaults(staging)) == ["backup-vault"]
    (plan,) = staging.of_type("aws:backup/plan:Plan")
    assert not plan.inputs["rules"][0].get("copyActions")


def test_the_backup_plan_is_priced_with_its_copies(production: Run) -> None:
    from preflight.document import build_document
    from pricing import parse_document, price_resources
    from pricing.estimate import stack_usage

    document = parse_document(build_document(production))
    report = price_resources(document.records, document.region or "us-east-1", stack_usage(document))
    (plan,) = [r for r in report["resources"] if r["type"] == "aws:backup/plan:Plan"]
    names = [c["name"] for c in plan["components"]]
    assert names == ["recovery points (warm storage)", "copied recovery points (1 region)", "cross-region copy transfer"]
    assert plan["monthly"] > 0


def test_the_failed_jobs_target_waits_for_the_topic_and_key_policies(each_stack: Run) -> None:
    (target,) = [t for t in each_stack.of_type("aws:cloudwatch/eventTarget:EventTarget") if t.name == "backup-failed-jobs"]
    assert {g.urn for g in publish_grants(each_stack, target.inputs["arn"])} <= set(target.dependencies)
