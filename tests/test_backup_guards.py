"""What keeps the backups honest: the vault lock's bounds, the lock never replaced, failed jobs heard.

- A locked vault fails every backup and copy job whose retention lies outside the lock's bounds
  (botocore `backup`, PutBackupVaultLockConfiguration), and after its lock date the lock cannot
  change: config refuses such a retention naming both keys, and the lock is `protect`ed.
- Failed, aborted and expired backup, copy and restore jobs reach the alarm topic through an
  EventBridge rule, which the topic's policy and key admit.

Config is tested by parsing the section alone, the component by building it with settings made
here; the grants need the whole graph (the topic is the monitoring component's).
"""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pulumi
import pulumi_aws as aws
import pytest

from components.backup import BACKUP_EVENTS_SOURCE, FAILED_JOB_STATES, JOB_EVENTS, Backup, BackupArgs
from config import ConfigError
from config.backup import BackupSettings, parse_backup
from config.basics import Basics, Tags
from config.reader import Section
from preflight.recorder import RecordedResource, RecordingMonitor
from preflight.runner import Run
from pricing.free_types import is_free

LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
TOPIC = "arn:aws:sns:us-east-1:123456789012:email-platform-staging-alarms"
CLUSTER = "arn:aws:rds:us-east-1:123456789012:cluster:email-platform-staging"


def _settings(environment: str = "staging", **raw: Any) -> BackupSettings:
    basics = Basics(environment, "us-east-1", "mail.example.com", Tags("owner", "cost-centre", {}))  # type: ignore[arg-type]
    return parse_backup(Section("email-platform:backup", dict(raw)), basics)


def _refusal(**raw: Any) -> str:
    with pytest.raises(ConfigError) as raised:
        _settings(**raw)
    message = str(raised.value)
    assert "\n" not in message, "one line"
    return message


def test_a_copy_region_aws_does_not_have_is_refused_with_the_nearest_one() -> None:
    message = _refusal(copyRegion="us-wset-2")
    assert message.startswith("invalid stack config: email-platform:backup.copyRegion = 'us-wset-2': not an AWS region")
    assert "did you mean us-west-2?" in message


# ── config: a retention the locked vaults would refuse ───────────────────────────────────


def test_a_retention_below_the_locks_minimum_is_refused_naming_both_keys() -> None:
    message = _refusal(retentionDays=10, vaultLock=True, vaultLockMinRetentionDays=20)
    assert "email-platform:backup.retentionDays = 10" in message
    assert "backup.vaultLockMinRetentionDays = 20" in message
    assert "fail every backup and copy job" in message


def test_a_retention_above_the_locks_maximum_is_refused_naming_both_keys() -> None:
    message = _refusal(retentionDays=400, vaultLock=True, vaultLockMinRetentionDays=7, vaultLockMaxRetentionDays=365)
    assert "email-platform:backup.retentionDays = 400" in message
    assert "backup.vaultLockMaxRetentionDays = 365" in message


def test_a_lock_maximum_below_its_minimum_is_refused_naming_both_keys() -> None:
    message = _refusal(vaultLock=True, vaultLockMinRetentionDays=30, vaultLockMaxRetentionDays=10)
    assert "vaultLockMaxRetentionDays = 10" in message and "vaultLockMinRetentionDays = 30" in message


def test_the_lock_minimum_is_at_least_the_one_day_aws_allows() -> None:
    lock = botocore.session.get_session().get_service_model("backup").operation_model("PutBackupVaultLockConfiguration")
    assert "The shortest minimum retention period you can specify is 1 day" in lock.input_shape.members["MinRetentionDays"].documentation
    assert "vaultLockMinRetentionDays" in _refusal(vaultLock=True, vaultLockMinRetentionDays=0)


def test_the_lock_bounds_apply_only_to_locked_vaults_and_follow_config() -> None:
    unlocked = _settings(retentionDays=10, vaultLockMinRetentionDays=20)  # no lock: nothing to fail
    assert not unlocked.vault_lock
    locked = _settings(retentionDays=30, vaultLock=True, vaultLockMinRetentionDays=20, vaultLockMaxRetentionDays=400)
    assert (locked.vault_lock_min_retention_days, locked.vault_lock_max_retention_days) == (20, 400)
    # The defaults agree with the retention defaults in each environment: turning the lock on alone is accepted.
    for environment in ("production", "staging"):
        default = _settings(environment, copyRegion="us-west-2", vaultLock=True)
        assert default.vault_lock_min_retention_days <= default.retention_days
        assert default.vault_lock_max_retention_days is None


# ── the component: the lock's settings and resource options ──────────────────────────────


def _build(monitor: RecordingMonitor, settings: BackupSettings) -> list[RecordedResource]:
    start = len(monitor.recorded)

    @pulumi.runtime.test
    def program() -> Any:
        copy = aws.Provider("aws-us-west-2", region="us-west-2") if settings.copy_region else None
        backup = Backup(
            "backup",
            BackupArgs(settings, prefix="email-platform-staging", database_cluster_arn=CLUSTER, alarm_topic_arn=TOPIC, copy_provider=copy),
        )
        return backup.plan.id

    program()
    return list(monitor.recorded[start:])


def test_each_vaults_lock_keeps_its_own_minimum_and_is_never_replaced(pulumi_mocks: RecordingMonitor) -> None:
    """The lock promises recovery points stay at least `vaultLockMinRetentionDays`, whatever the plan keeps."""
    settings = _settings(copyRegion="us-west-2", retentionDays=30, vaultLock=True, vaultLockMinRetentionDays=20, vaultLockGraceDays=5)
    built = _build(pulumi_mocks, settings)
    vaults = {v.outputs["name"] for v in built if v.type == "aws:backup/vault:Vault"}
    locks = [r for r in built if r.type == LOCK]
    assert {lock.inputs["backupVaultName"] for lock in locks} == vaults and len(vaults) == 2
    for lock in locks:
        assert lock.inputs["minRetentionDays"] == 20 != settings.retention_days
        assert "maxRetentionDays" not in lock.inputs  # none configured: AWS sets no maximum
        assert lock.inputs["changeableForDays"] == 5
        # Every setting is force-new and AWS refuses a change after the lock date: a replace must
        # stop at the preview, never reach AWS.
        assert lock.protect
    (plan,) = [r for r in built if r.type == "aws:backup/plan:Plan"]
    (rule,) = plan.inputs["rules"]
    kept = [rule["lifecycle"]["deleteAfter"], *(copy["lifecycle"]["deleteAfter"] for copy in rule["copyActions"])]
    assert all(days >= 20 for days in kept), "a job below the lock's minimum fails"


def test_a_configured_maximum_reaches_every_vaults_lock(pulumi_mocks: RecordingMonitor) -> None:
    settings = _settings(
        copyRegion="us-west-2", retentionDays=30, vaultLock=True, vaultLockMinRetentionDays=20, vaultLockMaxRetentionDays=400
    )
    locks = [r for r in _build(pulumi_mocks, settings) if r.type == LOCK]
    assert len(locks) == 2 and {lock.inputs["maxRetentionDays"] for lock in locks} == {settings.vault_lock_max_retention_days} == {400}


def test_an_unlocked_vault_has_no_lock(pulumi_mocks: RecordingMonitor) -> None:
    assert not [r for r in _build(pulumi_mocks, _settings(vaultLockMinRetentionDays=20)) if r.type == LOCK]


# ── failed jobs reach the alarm topic ─────────────────────────────────────────────────────


def test_failed_backup_copy_and_restore_jobs_are_matched_and_sent_to_the_topic(pulumi_mocks: RecordingMonitor) -> None:
    settings = _settings()
    built = _build(pulumi_mocks, settings)
    (rule,) = [r for r in built if r.type == RULE]
    (target,) = [r for r in built if r.type == TARGET]
    assert rule.inputs["name"] == settings.jobs_rule == "email-platform-staging-backup-jobs"
    assert target.inputs["rule"] == rule.outputs["name"] and target.inputs["arn"] == TOPIC
    pattern = json.loads(rule.inputs["eventPattern"])
    assert pattern["source"] == [BACKUP_EVENTS_SOURCE] == ["aws.backup"]
    # The detail-types AWS Backup sends for its jobs (EventBridge events reference, "AWS Backup events").
    assert pattern["detail-type"] == list(JOB_EVENTS) == ["Backup Job State Change", "Copy Job State Change", "Restore Job State Change"]
    # Backup and copy jobs report `state`, restore jobs `status`: either field matches.
    assert pattern["detail"] == {"$or": [{"state": list(FAILED_JOB_STATES)}, {"status": list(FAILED_JOB_STATES)}]}
    assert set(FAILED_JOB_STATES) == {"FAILED", "ABORTED", "EXPIRED"}


def test_the_failed_states_are_states_aws_backup_reports() -> None:
    model = botocore.session.get_session().get_service_model("backup")
    enums = {shape: set(model.shape_for(shape).enum) for shape in ("BackupJobState", "CopyJobState", "RestoreJobStatus")}
    assert set(FAILED_JOB_STATES) <= set().union(*enums.values())
    assert all("FAILED" in states for states in enums.values()), "every kind of job can fail"
    assert {"ABORTED", "EXPIRED"} <= enums["BackupJobState"]


def test_the_topic_and_its_key_admit_the_rule(each_stack: Run) -> None:
    (rule,) = [r for r in each_stack.of_type(RULE) if r.name == "backup-failed-jobs"]
    (target,) = [t for t in each_stack.of_type(TARGET) if t.name == "backup-failed-jobs"]
    (topic,) = [t for t in each_stack.of_type("aws:sns/topic:Topic") if t.outputs["arn"] == target.inputs["arn"]]
    assert topic.outputs["arn"] == each_stack.outputs["alarmTopicArn"]
    (policy,) = [
        json.loads(p.inputs["policy"])
        for p in each_stack.of_type("aws:sns/topicPolicy:TopicPolicy")
        if p.inputs["arn"] == topic.outputs["arn"]
    ]
    assert any(
        s["Principal"] == {"Service": "events.amazonaws.com"}
        and s["Action"] == "SNS:Publish"
        and s["Resource"] == topic.outputs["arn"]
        and s["Condition"] == {"ArnEquals": {"aws:SourceArn": rule.outputs["arn"]}}
        for s in policy["Statement"]
    )
    (key,) = [k for k in each_stack.of_type("aws:kms/key:Key") if k.outputs["arn"] == topic.inputs["kmsMasterKeyId"]]
    (key_policy,) = [
        json.loads(p.inputs["policy"])
        for p in each_stack.of_type("aws:kms/keyPolicy:KeyPolicy")
        if p.inputs["keyId"] == key.outputs["keyId"]
    ]
    assert any(
        "events.amazonaws.com" in s["Principal"].get("Service", ()) and {"kms:Decrypt", "kms:GenerateDataKey*"} <= set(s["Action"])
        for s in key_policy["Statement"]
    ), "SNS encrypts EventBridge's message with the topic's key on its behalf"


def test_the_rule_is_priced_as_free_not_left_unpriced(production: Run) -> None:
    from preflight.document import build_document
    from pricing import parse_document, price_resources
    from pricing.estimate import stack_usage

    (rule,) = [r for r in production.of_type(RULE) if r.name == "backup-failed-jobs"]
    # AWS service events on the default bus cost nothing (EventBridge pricing: "AWS management events
    # are ingested by the event bus for free"); pricing/free_types.py lists rules and targets.
    assert is_free(RULE) and is_free(TARGET)
    document = parse_document(build_document(production))
    report = price_resources(document.records, document.region or "us-east-1", stack_usage(document))
    assert rule.urn not in {u["urn"] for u in report["unpriced"]}


def test_copy_jobs_start_in_the_stack_region_where_the_rule_listens(production: Run) -> None:
    """A copy job is started in its source region: StartCopyJob takes the source vault by name (a
    vault of the region it is called in) and the destination by ARN, so the rule there hears it."""
    copy = botocore.session.get_session().get_service_model("backup").operation_model("StartCopyJob").input_shape.members
    assert {"SourceBackupVaultName", "DestinationBackupVaultArn"} <= set(copy) and "SourceBackupVaultArn" not in copy
    (rule,) = [r for r in production.of_type(RULE) if r.name == "backup-failed-jobs"]
    (vault,) = [v for v in production.of_type("aws:backup/vault:Vault") if v.name == "backup-vault"]
    assert rule.provider == vault.provider, "the rule lives where the plan's own vault (the copies' source) does"
