"""Operations: who is told: the composite alarm, the alarm topics, their keys, policies and subscriptions.

The component is built under the autouse mocks with the identifiers the real resources would
hand over (tests/monitoring_build.py); the assertions read what the engine would have received.
"""

from __future__ import annotations

import json
import re

import pytest
from monitoring_build import ALARM, Built, build, shared_build

from components.monitoring.alarms import alarm_rule
from preflight.recorder import RecordingMonitor


@pytest.fixture(scope="module")
def built(module_mocks: RecordingMonitor) -> Built:
    """The component as most tests here see it, built once per test process (monitoring_build.shared_build)."""
    return shared_build(module_mocks)


# ── us-east-1's alarms notify a topic in us-east-1 ──────────────────────────────────────


def test_in_another_region_the_us_east_1_alarms_notify_a_us_east_1_topic(pulumi_mocks: RecordingMonitor) -> None:
    built = build(pulumi_mocks, region="eu-west-1")
    topics = {t.outputs["arn"]: t for t in built.of_type("aws:sns/topic:Topic") if t.inputs["name"].endswith("-alarms")}
    assert len(topics) == 2
    for role in ("cdn-5xx-rate",):
        (action,) = built.alarm(role).inputs["alarmActions"]
        assert built.is_east(topics[action]), "alarm actions must be in the alarm's region"
    (regional,) = built.alarm("db-writer-cpu").inputs["alarmActions"]
    assert not built.is_east(topics[regional])
    keys = {k.outputs["arn"]: k for k in built.of_type("aws:kms/key:Key")}
    assert built.is_east(keys[topics[action].inputs["kmsMasterKeyId"]]), "a topic's key is in the topic's region"
    east_subscriptions = [
        s for s in built.of_type("aws:sns/topicSubscription:TopicSubscription") if built.is_east(s) and s.inputs["topic"] == action
    ]
    assert {s.inputs["endpoint"] for s in east_subscriptions} == {"oncall@example.com", "[secret]"}


def test_in_us_east_1_one_topic_serves_every_alarm(built: Built) -> None:
    topic = built.named_typed("aws:sns/topic:Topic", "monitoring-alarms")
    assert built.alarm("cdn-5xx-rate").inputs["alarmActions"] == [topic.outputs["arn"]]


# ── who is told ─────────────────────────────────────────────────────────────────────────


def test_service_degraded_composite_covers_the_symptoms_and_alone_notifies_for_them(built: Built) -> None:
    composite = built.named_typed("aws:cloudwatch/compositeAlarm:CompositeAlarm", "monitoring-service-degraded")
    topic = built.named_typed("aws:sns/topic:Topic", "monitoring-alarms")
    symptoms = ["alb-target-5xx-rate", "alb-elb-5xx-rate", "alb-response-time", "alb-blue-unhealthy-hosts", "alb-green-unhealthy-hosts"]
    symptoms += ["canary-us-east-1-success", "canary-us-east-1-duration"]
    names = re.findall(r'ALARM\("([^"]+)"\)', composite.inputs["alarmRule"])
    assert sorted(names) == sorted(built.alarm(role).inputs["name"] for role in symptoms)
    assert composite.inputs["alarmRule"] == alarm_rule(names)
    assert composite.inputs["alarmActions"] == composite.inputs["okActions"] == [topic.outputs["arn"]]
    for role in symptoms:
        assert built.alarm(role).inputs["alarmActions"] == []
    for cause in ("db-reader-cpu", "db-replica-lag", "cache-1-memory"):
        assert built.alarm(cause).inputs["alarmActions"] == [topic.outputs["arn"]]
        assert built.alarm(cause).inputs["name"] not in names


def test_every_alarm_is_either_in_a_composite_or_notifies(built: Built) -> None:
    rules = " ".join(c.inputs["alarmRule"] for c in built.of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm"))
    for alarm in built.of_type(ALARM):
        assert alarm.inputs["alarmActions"] or f'ALARM("{alarm.inputs["name"]}")' in rules, alarm.name


def test_topic_is_encrypted_with_a_key_cloudwatch_budgets_and_deployment_events_may_use(built: Built) -> None:
    topic = built.named_typed("aws:sns/topic:Topic", "monitoring-alarms")
    key = built.named_typed("aws:kms/key:Key", "monitoring-topic")
    assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"]
    assert key.inputs["enableKeyRotation"] is True
    key_policy = built.named_typed("aws:kms/keyPolicy:KeyPolicy", "monitoring-topic")
    assert key_policy.inputs["keyId"] == key.outputs["keyId"]
    statements = json.loads(key_policy.inputs["policy"])["Statement"]
    services = [s for s in statements if "Service" in s["Principal"]]
    # EventBridge forwards deployment failures (components/integrations): it encrypts with the key too.
    assert services[0]["Principal"]["Service"] == ["cloudwatch.amazonaws.com", "budgets.amazonaws.com", "events.amazonaws.com"]
    assert set(services[0]["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}
    assert any(s["Principal"].get("AWS") == "arn:aws:iam::123456789012:root" for s in statements), "the account keeps control"
    topic_policy = built.named_typed("aws:sns/topicPolicy:TopicPolicy", "monitoring-alarms")
    publish, events, findings, backup_jobs = json.loads(topic_policy.inputs["policy"])["Statement"]
    assert publish["Resource"] == topic.outputs["arn"] == topic_policy.inputs["arn"]
    assert publish["Principal"]["Service"] == ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]
    assert publish["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    # Only the rules of this stack's deployment-events bus may publish as EventBridge.
    assert events["Principal"]["Service"] == "events.amazonaws.com" and events["Resource"] == topic.outputs["arn"]
    assert events["Condition"] == {
        "ArnLike": {"aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/email-platform-production-deployments/*"}
    }
    # And the registry's CRITICAL image-findings rule on the default bus.
    assert findings["Principal"]["Service"] == "events.amazonaws.com" and findings["Resource"] == topic.outputs["arn"]
    assert findings["Condition"] == {
        "ArnEquals": {"aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/email-platform-production-image-findings"}
    }
    # And the backup component's failed-jobs rule on the default bus (tests/test_backup.py holds the wiring).
    assert backup_jobs["Principal"]["Service"] == "events.amazonaws.com" and backup_jobs["Resource"] == topic.outputs["arn"]
    assert backup_jobs["Condition"] == {
        "ArnEquals": {"aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/email-platform-production-backup-jobs"}
    }


def test_subscriptions_come_from_config(built: Built) -> None:
    topic = built.named_typed("aws:sns/topic:Topic", "monitoring-alarms")
    on_topic = [s for s in built.of_type("aws:sns/topicSubscription:TopicSubscription") if s.inputs["topic"] == topic.outputs["arn"]]
    subscriptions = {(s.inputs["protocol"], s.inputs["endpoint"]) for s in on_topic}
    # A webhook URL may carry a token: secret in state, and not in the resource name either.
    assert subscriptions == {("email", "oncall@example.com"), ("https", "[secret]")}
    assert not [s for s in built.resources if "hooks" in s.urn]


def test_a_webhook_subscription_is_confirmed_by_its_receiver_not_awaited(built: Built) -> None:
    """The receiver visits SNS's SubscribeURL itself: with `endpointAutoConfirms` the provider would wait for a
    confirmation (pulumi_aws sns.TopicSubscription: "the endpoint is capable of auto confirming") that may never
    come while the subscription stays pending."""
    webhooks = [s for s in built.of_type("aws:sns/topicSubscription:TopicSubscription") if s.inputs["protocol"] == "https"]
    assert webhooks and all(s.inputs["endpointAutoConfirms"] is False for s in webhooks)


# ── publishers and the policies they need ───────────────────────────────────────────────


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_publishers_wait_for_the_topics_policy_and_key_policy(pulumi_mocks: RecordingMonitor, region: str) -> None:
    """Budgets does not check the topic when the budget is saved: its first notification must find
    SNS and KMS already allowing it, so the budget and the alarms depend on both policies."""
    built = build(pulumi_mocks, region=region)
    topics = {t.outputs["arn"]: t for t in built.of_type("aws:sns/topic:Topic")}
    topic_policies = {p.inputs["arn"]: p.urn for p in built.of_type("aws:sns/topicPolicy:TopicPolicy")}
    key_ids = {k.outputs["arn"]: k.outputs["keyId"] for k in built.of_type("aws:kms/key:Key")}
    key_policies = {k.inputs["keyId"]: k.urn for k in built.of_type("aws:kms/keyPolicy:KeyPolicy")}
    (budget,) = built.of_type("aws:budgets/budget:Budget")
    notifying = {budget.name: (budget, budget.inputs["notifications"][0]["subscriberSnsTopicArns"][0])}
    notifying.update({a.name: (a, a.inputs["alarmActions"][0]) for a in built.of_type(ALARM) if a.inputs.get("alarmActions")})
    assert len(notifying) > 10
    for name, (publisher, topic_arn) in notifying.items():
        topic = topics[topic_arn]
        assert topic_policies[topic_arn] in publisher.dependencies, name
        assert key_policies[key_ids[topic.inputs["kmsMasterKeyId"]]] in publisher.dependencies, name
