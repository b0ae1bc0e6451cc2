"""Who hears of an alarm or a budget: an encrypted SNS topic with email and webhook subscriptions.

Topics are encrypted with a customer-managed key: CloudWatch cannot publish to a topic
encrypted with the AWS-managed `alias/aws/sns` key, whose policy cannot be changed.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pulumi
import pulumi_aws as aws

from components.shared.kms import account_administers_key
from config.backup import backup_jobs_rule_name
from config.integrations import bus_name
from config.monitoring import MonitoringSettings
from config.registry import findings_rule_name

# Services that publish to the topics (alarms, budgets), and so need the key and the topic.
PUBLISHERS = ("cloudwatch.amazonaws.com", "budgets.amazonaws.com")
# EventBridge forwards deployment failures and rollbacks (components/integrations), CRITICAL image
# findings (components/registry.py) and failed backup jobs (components/backup.py): it needs the key
# too, and may publish for those rules of this stack only. Source: the EventBridge
# user guide, "Amazon SNS permissions" (docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html).
EVENTS = "events.amazonaws.com"
ALARMS = "alarms"
# Slow, steady burns of an error budget: a ticket, not a page (components/monitoring/slo_alarms.py).
TICKETS = "slo-tickets"


def alarm_topic(
    name: str, prefix: str, settings: MonitoringSettings, opts: pulumi.ResourceOptions
) -> tuple[aws.sns.Topic, list[pulumi.Resource]]:
    """The alarm topic (`<prefix>-alarms`), its key and policies, and a subscription per configured email and webhook.

    Also returns the two policies: whatever publishes (alarms, the budget) depends on them, not only
    on the topic's ARN, so that its first notification finds the service allowed to publish and to
    use the key (Budgets checks neither when the budget is saved).
    """
    return notification_topic(name, prefix, settings.notifications.emails, settings.notifications.webhooks, opts)


def notification_topic(
    name: str,
    prefix: str,
    emails: list[str],
    webhooks: list[str],
    opts: pulumi.ResourceOptions,
    purpose: str = ALARMS,
    shared_key: tuple[pulumi.Input[str], list[pulumi.Resource]] | None = None,
) -> tuple[aws.sns.Topic, list[pulumi.Resource]]:
    """An encrypted topic `<prefix>-<purpose>` with its subscriptions; the alarm topic also admits the
    EventBridge rules that forward deployment events and image findings.

    `shared_key`: another topic's key (its ARN, and what waits for its policy) instead of a new one;
    its policy already lets CloudWatch use it.
    """
    if shared_key is None:
        # Created with AWS's default policy (the account administers it), then given the full
        # policy, which names the account: read from the key's own ARN, with no API call.
        key = aws.kms.Key(
            f"{name}-topic",
            description=f"Encrypts the {prefix} alarm and budget notifications",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            opts=opts,
        )
        key_policy: list[pulumi.Resource] = [
            aws.kms.KeyPolicy(f"{name}-topic", key_id=key.key_id, policy=key.arn.apply(_key_policy), opts=opts)
        ]
        aws.kms.Alias(f"{name}-topic", name=f"alias/{prefix}-{name}-{purpose}", target_key_id=key.key_id, opts=opts)
        key_arn: pulumi.Input[str] = key.arn
    else:
        key_arn, key_policy = shared_key
    topic = aws.sns.Topic(
        f"{name}-{purpose}",
        name=f"{prefix}-{purpose}",
        display_name=f"{prefix} {purpose}",
        kms_master_key_id=key_arn,
        # A shared key's policy is another topic's resource: wait for it explicitly.
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=key_policy)) if shared_key else opts,
    )
    forwarded = purpose == ALARMS
    topic_policy = aws.sns.TopicPolicy(
        f"{name}-{purpose}",
        arn=topic.arn,
        policy=topic.arn.apply(
            lambda arn: _topic_policy(arn, bus_name(prefix), findings_rule_name(prefix), backup_jobs_rule_name(prefix), forwarded)
        ),
        opts=opts,
    )
    for email in emails:
        aws.sns.TopicSubscription(f"{name}-email-{_slug(email)}", topic=topic.arn, protocol="email", endpoint=email, opts=opts)
    for url in webhooks:
        # Webhook URLs often carry a token (Slack, PagerDuty): keep it out of names and state.
        aws.sns.TopicSubscription(
            f"{name}-webhook-{hashlib.sha256(url.encode()).hexdigest()[:10]}",
            topic=topic.arn,
            protocol="https",
            endpoint=pulumi.Output.secret(url),
            endpoint_auto_confirms=False,  # the receiver visits SubscribeURL itself
            opts=opts,
        )
    return topic, [*key_policy, topic_policy]


def _key_policy(key_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                account_administers_key(key_arn),
                {
                    "Sid": "AlarmsAndBudgetsEncryptNotifications",
                    "Effect": "Allow",
                    "Principal": {"Service": [*PUBLISHERS, EVENTS]},
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": "*",
                    # No aws:SourceAccount condition here, as in AWS's documented policy for alarms
                    # on encrypted topics: the KMS call is made through SNS and may not carry it.
                    # The topic policy below limits who may publish to this account's alarms.
                },
            ],
        },
        sort_keys=True,
    )


def _topic_policy(topic_arn: str, deployments_bus: str, findings_rule: str, backup_jobs_rule: str, forwarded: bool = True) -> str:
    region, account = topic_arn.split(":")[3:5]
    statements = [
        {
            "Sid": "AlarmsAndBudgetsPublish",
            "Effect": "Allow",
            "Principal": {"Service": list(PUBLISHERS)},
            "Action": "SNS:Publish",
            "Resource": topic_arn,
            # Only on behalf of this account's alarms and budgets (confused deputy).
            "Condition": {"StringEquals": {"aws:SourceAccount": account}},
        }
    ]
    if forwarded:
        rules = f"arn:aws:events:{region}:{account}:rule/"
        statements += [
            _events_publish("DeploymentEventsPublish", topic_arn, "ArnLike", f"{rules}{deployments_bus}/*"),
            # The registry's rule on the default bus forwards CRITICAL image findings (components/registry.py).
            _events_publish("ImageFindingsPublish", topic_arn, "ArnEquals", f"{rules}{findings_rule}"),
            # The backup component's rule on the default bus forwards failed backup, copy and restore jobs.
            _events_publish("BackupJobFailuresPublish", topic_arn, "ArnEquals", f"{rules}{backup_jobs_rule}"),
        ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def _events_publish(sid: str, topic_arn: str, operator: str, rule_arn: str) -> dict[str, Any]:
    """EventBridge may publish to the topic for this rule (or the rules of this bus) only."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": EVENTS},
        "Action": "SNS:Publish",
        "Resource": topic_arn,
        "Condition": {operator: {"aws:SourceArn": rule_arn}},
    }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]
