"""The actors table (policy/actors.py): AWS services publishing, encrypting and sending where policies allow them,
and roles handed to services; a finding when a grant is missing.

Small plans are built in the test (graph_plans.Plan); today's production plan document is the fixture
for what the checks report on the code before this round's fixes.
"""

from __future__ import annotations

import json

from graph_plans import ACCOUNT, GRANTS, Plan, allow, before_round3, by_name, findings, policy_doc, topic_stack

from policy.actors import ACTORS


def test_every_row_says_what_who_and_where_it_is_written() -> None:
    assert len(ACTORS) >= 10
    for actor in ACTORS:
        assert actor.actor and actor.must and actor.grant
        assert "docs.aws.amazon.com" in actor.source or "kubernetes.io" in actor.source, actor.actor


# ── today's plan ──


def test_a_topic_publisher_missing_from_the_key_policy_is_named_with_its_reason() -> None:
    document = before_round3()
    key_policy = by_name(document, "monitoring-topic", "aws:kms/keyPolicy:KeyPolicy")
    policy = json.loads(key_policy["inputs"]["policy"])
    for statement in policy["Statement"]:
        if isinstance(statement["Principal"].get("Service"), list):
            statement["Principal"]["Service"].remove("events.amazonaws.com")
    key_policy["inputs"]["policy"] = json.dumps(policy)
    assert [f for f in findings(document, GRANTS) if "key policy" in f] == [
        "integrations-on-call: publishes to monitoring-alarms, encrypted with monitoring-topic, whose key policy does not allow "
        "events.amazonaws.com kms:Decrypt, kms:GenerateDataKey",
        "registry-critical-findings: publishes to monitoring-alarms, encrypted with monitoring-topic, whose key policy does not "
        "allow events.amazonaws.com kms:Decrypt, kms:GenerateDataKey",
    ]


def test_a_rule_outside_the_topic_policys_source_arn_condition_is_refused() -> None:
    document = before_round3()
    target = by_name(document, "registry-critical-findings", "aws:cloudwatch/eventTarget:EventTarget")
    target["inputs"]["rule"] = "some-other-rule"
    assert findings(document, GRANTS)[-1] == (
        "registry-critical-findings: publishes to monitoring-alarms, whose topic policy does not allow SNS:Publish for "
        f"events.amazonaws.com from arn:aws:events:us-east-1:{ACCOUNT}:rule/some-other-rule"
    )


# ── AWS services publishing to a topic ──


def test_an_alarm_publishes_where_topic_and_key_policies_allow_cloudwatch() -> None:
    plan = topic_stack(key_services=["cloudwatch.amazonaws.com"], topic_services=["cloudwatch.amazonaws.com"])
    assert findings(plan.document(), GRANTS) == []


def test_an_alarm_whose_service_the_topic_or_key_policy_leaves_out_is_found() -> None:
    plan = topic_stack(key_services=["budgets.amazonaws.com"], topic_services=["budgets.amazonaws.com"])
    assert findings(plan.document(), GRANTS) == [
        "alarm: publishes to topic, encrypted with topic-key, whose key policy does not allow cloudwatch.amazonaws.com kms:Decrypt, kms:GenerateDataKey",
        "alarm: publishes to topic, whose topic policy does not allow SNS:Publish for cloudwatch.amazonaws.com",
    ]


def test_a_topic_key_without_a_key_policy_keeps_the_default_policy_that_no_service_may_use() -> None:
    plan = topic_stack(key_services=["cloudwatch.amazonaws.com"], topic_services=["cloudwatch.amazonaws.com"])
    del plan.records["topic-key-policy"]
    plan.records["alarm"]["dependencies"].pop()
    assert findings(plan.document(), GRANTS) == [
        "alarm: publishes to topic, encrypted with topic-key, whose key policy is the default one: cloudwatch.amazonaws.com is "
        "not allowed kms:Decrypt, kms:GenerateDataKey"
    ]


def test_log_groups_need_the_regional_logs_principal_in_their_key_policy() -> None:
    plan = Plan()
    plan.add("aws:kms/key:Key", "logs-key")
    statement = allow(
        {"Service": "logs.us-east-1.amazonaws.com"},
        ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
    )
    plan.add("aws:kms/keyPolicy:KeyPolicy", "logs-key-policy", {"keyId": "k", "policy": policy_doc(statement)}, waits=["logs-key"])
    key_arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k"
    plan.add("aws:cloudwatch/logGroup:LogGroup", "group", {"kmsKeyId": key_arn}, waits=["logs-key", "logs-key-policy"])
    assert findings(plan.document(), GRANTS) == []
    statement["Principal"] = {"Service": "logs.amazonaws.com"}
    plan.records["logs-key-policy"]["inputs"]["policy"] = policy_doc(statement)
    assert findings(plan.document(), GRANTS) == [
        "group: is encrypted with logs-key, whose key policy does not allow logs.us-east-1.amazonaws.com kms:Encrypt, kms:Decrypt, "
        "kms:ReEncryptFrom, kms:GenerateDataKey, kms:DescribeKey"
    ]


def test_eventbridge_needs_the_queue_policy_to_send_to_sqs() -> None:
    plan = Plan()
    queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:interruptions"
    plan.add("aws:sqs/queue:Queue", "queue", {"name": "interruptions"})
    plan.add(
        "aws:sqs/queuePolicy:QueuePolicy",
        "queue-policy",
        {"queueUrl": "u", "policy": policy_doc(allow({"Service": "sqs.amazonaws.com"}, "sqs:SendMessage"))},
        waits=["queue"],
    )
    plan.add("aws:cloudwatch/eventRule:EventRule", "rule", {"name": "r"})
    plan.add("aws:cloudwatch/eventTarget:EventTarget", "target", {"rule": "r", "arn": queue_arn}, waits=["rule", "queue", "queue-policy"])
    assert findings(plan.document(), GRANTS) == [
        "target: sends to queue, whose queue policy does not allow events.amazonaws.com sqs:SendMessage"
    ]


# ── roles handed to services, and what they may do ──


def test_a_role_handed_to_a_service_must_trust_that_service() -> None:
    plan = Plan()
    plan.add("aws:iam/role:Role", "flow-role", {"assumeRolePolicy": policy_doc(allow({"Service": "ec2.amazonaws.com"}, "sts:AssumeRole"))})
    plan.add("aws:ec2/flowLog:FlowLog", "flow-log", {"iamRoleArn": "arn:aws:iam::1:role/flow-role-0a1b2c3"}, waits=["flow-role"])
    assert findings(plan.document(), GRANTS) == ["flow-role: is flow-log's iamRoleArn, but does not trust vpc-flow-logs.amazonaws.com"]


def test_appconfigs_alarm_monitor_role_must_read_alarms() -> None:
    plan = Plan()
    trust = policy_doc(allow({"Service": "appconfig.amazonaws.com"}, "sts:AssumeRole"))
    plan.add("aws:iam/role:Role", "monitor", {"assumeRolePolicy": trust})
    plan.add(
        "aws:iam/rolePolicy:RolePolicy",
        "monitor-reads",
        {"role": "monitor-9e5ec9e", "policy": policy_doc({"Effect": "Allow", "Action": "cloudwatch:GetMetricData", "Resource": "*"})},
        waits=["monitor"],
    )
    plan.add(
        "aws:appconfig/environment:Environment",
        "flags",
        {"monitors": [{"alarmArn": "a", "alarmRoleArn": "arn:aws:iam::1:role/monitor-9e5ec9e"}]},
        waits=["monitor"],
    )
    assert findings(plan.document(), GRANTS) == ["monitor: is flags's alarmRoleArn, but may not cloudwatch:DescribeAlarms"]
