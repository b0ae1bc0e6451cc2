"""AWS services that publish, encrypt, deliver or assume: the grants each needs, derived from the plan.

Rows of the actors table (`policy/actors.py`): services publishing to a topic and the key it uses,
CloudWatch Logs and its keys, EventBridge targets, the buckets CloudFront and ELB read or write,
roles handed to a service (trust) and what those roles must be allowed to do.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from typing import Any

from policy.grant_types import (
    ATTACHMENT,
    BUCKET,
    BUCKET_POLICY,
    EVENT_TARGET,
    KEY,
    KEY_POLICY,
    LOG_GROUP,
    LOG_RESOURCE_POLICY,
    QUEUE,
    QUEUE_POLICY,
    ROLE,
    ROLE_POLICY,
    TOPIC,
    TOPIC_POLICY,
)
from policy.plan_graph import PlanGraph, Statement, action_covers, allows, condition_values, document, granting, policy_name, resolve, short
from policy.specs import Config, Resource, StackFinding
from policy.values import as_list, get

Findings = list[StackFinding]


def topic_publisher_links(graph: PlanGraph) -> list[tuple[Resource, str, Any, str]]:
    """(publisher, service principal, topic ARN, source ARN or "") for every alarm, budget, rule target and vault."""
    found: list[tuple[Resource, str, Any, str]] = []
    for alarm in graph.of_type("aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm"):
        arns = {a for key in ("alarmActions", "okActions", "insufficientDataActions") for a in as_list(alarm.props.get(key))}
        found += [(alarm, "cloudwatch.amazonaws.com", a, "") for a in sorted(arns, key=str) if isinstance(a, str) and ":sns:" in a]
    for budget in graph.of_type("aws:budgets/budget:Budget"):
        arns = {
            a
            for n in as_list(budget.props.get("notifications"))
            if isinstance(n, Mapping)
            for a in as_list(n.get("subscriberSnsTopicArns"))
        }
        found += [(budget, "budgets.amazonaws.com", a, "") for a in sorted(arns, key=str)]
    for target in graph.of_type(EVENT_TARGET):
        arn = target.props.get("arn")
        if isinstance(arn, str) and ":sns:" in arn:
            found.append((target, "events.amazonaws.com", arn, _rule_arn(target, arn)))
    for notify in graph.of_type("aws:backup/vaultNotifications:VaultNotifications"):
        found.append((notify, "backup.amazonaws.com", notify.props.get("snsTopicArn"), ""))
    return found


def _rule_arn(target: Resource, sibling_arn: str) -> str:
    """The ARN of a target's rule, in the region and account of the ARN it sends to."""
    parts = sibling_arn.split(":")
    rule, bus = target.props.get("rule"), target.props.get("eventBusName")
    if len(parts) < 5 or not isinstance(rule, str):
        return ""
    on_bus = f"{bus}/" if isinstance(bus, str) and bus not in ("", "default") else ""
    return f"arn:aws:events:{parts[3]}:{parts[4]}:rule/{on_bus}{rule}"


def _source_allowed(statements: list[Statement], source_arn: str) -> bool:
    """Whether any of the statements' aws:SourceArn conditions (if they have one) admits `source_arn`."""
    for statement in statements:
        values = condition_values(statement, "aws:SourceArn")
        if not values or not source_arn or any(fnmatch.fnmatchcase(source_arn, v) for v in values):
            return True
    return False


def policies_of(graph: PlanGraph, owner: Resource, policy_type: str, key: str, *names: str) -> list[Resource]:
    return [p for p in graph.of_type(policy_type) if resolve(graph, p, p.props.get(key), (owner.type,), *names) is owner]


def topic_publishers(graph: PlanGraph, settings: Config) -> Findings:
    findings: Findings = []
    for publisher, service, arn, source in topic_publisher_links(graph):
        topic = resolve(graph, publisher, arn, TOPIC, "name")
        if topic is None:
            continue  # a topic outside the stack: its owner grants it
        policies = policies_of(graph, topic, TOPIC_POLICY, "arn", "name")
        statements = [s for p in policies for s in document(p.props.get("policy")) or []]
        if not policies:
            findings.append((publisher.urn, f"publishes to {short(topic.urn)} as {service}, but the topic has no topic policy"))
        elif any(document(p.props.get("policy")) is None for p in policies):
            pass  # unknown or secret policy text: decided by code the tests cover
        elif not _source_allowed(granting(statements, f"service:{service}", "sns:Publish"), source):
            grant = f"SNS:Publish for {service}" + (f" from {source}" if source else "")
            findings.append((publisher.urn, f"publishes to {short(topic.urn)}, whose topic policy does not allow {grant}"))
        key_id = topic.props.get("kmsMasterKeyId")
        if key_id is None:
            continue
        key = resolve(graph, topic, key_id, KEY)
        if key is None:
            continue  # an AWS managed key (alias/aws/sns): AWS services cannot use it, the topic policy check above is moot
        missing = _key_policy_missing(graph, key, service, ["kms:Decrypt", "kms:GenerateDataKey"])
        if missing:
            findings.append((publisher.urn, f"publishes to {short(topic.urn)}, encrypted with {short(key.urn)}, {missing}"))
    return findings


def _key_policy_missing(graph: PlanGraph, key: Resource, service: str, actions: Sequence[str]) -> str:
    """Why the key's policy does not let `service` do `actions` ("" when it does)."""
    policies = policies_of(graph, key, KEY_POLICY, "keyId", "keyId") or [key]
    texts = [p.props.get("policy") for p in policies]
    if all(t is None for t in texts):
        return f"whose key policy is the default one: {service} is not allowed {', '.join(actions)}"
    statements = [s for t in texts for s in document(t) or []]
    if any(document(t) is None for t in texts if t is not None):
        return ""
    missing = allows(statements, f"service:{service}", actions)
    return f"whose key policy does not allow {service} {', '.join(missing)}" if missing else ""


def log_group_keys(graph: PlanGraph, settings: Config) -> Findings:
    findings: Findings = []
    for group in graph.of_type(*LOG_GROUP):
        key_id = group.props.get("kmsKeyId")
        if key_id is None:
            continue
        key = resolve(graph, group, key_id, KEY)
        if key is None:
            continue
        region = key_id.split(":")[3] if isinstance(key_id, str) and key_id.startswith("arn:") else ""
        service = f"logs.{region}.amazonaws.com" if region else "logs.amazonaws.com"
        missing = _key_policy_missing(
            graph, key, service, ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey", "kms:DescribeKey"]
        )
        if missing:
            findings.append((group.urn, f"is encrypted with {short(key.urn)}, {missing}"))
    return findings


# ── EventBridge targets that are not topics; buckets that AWS services write or read ──


def event_targets(graph: PlanGraph, settings: Config) -> Findings:
    findings: Findings = []
    for target in graph.of_type(EVENT_TARGET):
        arn = target.props.get("arn")
        if not isinstance(arn, str):
            continue
        if ":sqs:" in arn:
            queue = resolve(graph, target, arn, QUEUE, "name")
            if queue is None:
                continue
            policies = policies_of(graph, queue, QUEUE_POLICY, "queueUrl")
            statements = [s for p in policies for s in document(p.props.get("policy")) or []]
            if not policies or allows(statements, "service:events.amazonaws.com", ["sqs:SendMessage"]):
                findings.append(
                    (target.urn, f"sends to {short(queue.urn)}, whose queue policy does not allow events.amazonaws.com sqs:SendMessage")
                )
        elif ":logs:" in arn:
            policies = graph.of_type(LOG_RESOURCE_POLICY)
            statements = [s for p in policies for s in document(p.props.get("policyDocument")) or []]
            if any(document(p.props.get("policyDocument")) is None for p in policies):
                continue
            need = [
                a
                for a in ("logs:CreateLogStream", "logs:PutLogEvents")
                if not _covers_resource(granting(statements, "service:events.amazonaws.com", a), arn)
            ]
            if need:
                findings.append(
                    (
                        target.urn,
                        f"writes to {arn.split(':log-group:')[-1]}, but no log resource policy allows events.amazonaws.com {', '.join(need)} on it",
                    )
                )
    return findings


def _covers_resource(statements: list[Statement], arn: str) -> bool:
    return any(fnmatch.fnmatchcase(arn, r) or fnmatch.fnmatchcase(f"{arn}:*", r) or r == "*" for s in statements for r in s.resources)


def _bucket_policy_statements(graph: PlanGraph, bucket: Resource) -> list[Statement] | None:
    policies = policies_of(graph, bucket, BUCKET_POLICY, "bucket", "bucket")
    if any(document(p.props.get("policy")) is None for p in policies):
        return None
    return [s for p in policies for s in document(p.props.get("policy")) or []]


def service_buckets(graph: PlanGraph, settings: Config) -> Findings:
    """CloudFront reads its S3 origins through OAC; the load balancer writes its access logs."""
    findings: Findings = []
    for distribution in graph.of_type("aws:cloudfront/distribution:Distribution"):
        if not any(isinstance(o, Mapping) and o.get("originAccessControlId") for o in as_list(distribution.props.get("origins"))):
            continue
        for bucket in graph.direct_of_type(distribution, *BUCKET):
            statements = _bucket_policy_statements(graph, bucket)
            if statements is not None and allows(statements, "service:cloudfront.amazonaws.com", ["s3:GetObject"]):
                findings.append(
                    (
                        bucket.urn,
                        f"is an origin of {short(distribution.urn)} through OAC, but its bucket policy does not allow cloudfront.amazonaws.com s3:GetObject",
                    )
                )
    for balancer in graph.of_type("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"):
        logs = get(balancer.props, "accessLogs")
        if not isinstance(logs, Mapping) or logs.get("enabled") is False or not logs.get("bucket"):
            continue
        log_bucket = resolve(graph, balancer, logs.get("bucket"), BUCKET, "bucket")
        if log_bucket is None:
            continue
        statements = _bucket_policy_statements(graph, log_bucket)
        if statements is None:
            continue
        writers = granting(statements, "service:logdelivery.elasticloadbalancing.amazonaws.com", "s3:PutObject")
        writers += [
            s
            for s in statements
            if s.effect == "Allow"
            and any(p.startswith("aws:arn:aws:iam::") for p in s.principals)
            and any(a.lower() == "s3:putobject" for a in s.actions)
        ]
        if not writers:
            findings.append(
                (
                    bucket.urn,
                    f"receives {short(balancer.urn)}'s access logs, but its bucket policy lets no ELB log delivery principal s3:PutObject",
                )
            )
    return findings


# ── roles handed to AWS services ──

# Where a resource hands a role to a service, and the service principal that must be trusted.
ROLE_HANDOVERS: tuple[tuple[str, str, str], ...] = (
    ("aws:eks/cluster:Cluster", "roleArn", "eks.amazonaws.com"),
    ("aws:eks/nodeGroup:NodeGroup", "nodeRoleArn", "ec2.amazonaws.com"),
    ("aws:rds/clusterInstance:ClusterInstance", "monitoringRoleArn", "monitoring.rds.amazonaws.com"),
    ("aws:ec2/flowLog:FlowLog", "iamRoleArn", "vpc-flow-logs.amazonaws.com"),
    ("aws:backup/selection:Selection", "iamRoleArn", "backup.amazonaws.com"),
    ("aws:synthetics/canary:Canary", "executionRoleArn", "lambda.amazonaws.com"),
    ("aws:appconfig/environment:Environment", "monitors.*.alarmRoleArn", "appconfig.amazonaws.com"),
)


def _values(props: Mapping[str, Any], path: str) -> list[Any]:
    if ".*." not in path:
        return [get(props, path)]
    head, tail = path.split(".*.", 1)
    return [get(item, tail) for item in as_list(get(props, head)) if isinstance(item, Mapping)]


def roles_trust_their_services(graph: PlanGraph, settings: Config) -> Findings:
    findings: Findings = []
    for kind, path, service in ROLE_HANDOVERS:
        for user in graph.of_type(kind):
            for value in _values(user.props, path):
                if value is None:
                    continue
                role = resolve(graph, user, value, ROLE, "name")
                statements = document(role.props.get("assumeRolePolicy")) if role is not None else None
                if role is not None and statements is not None and allows(statements, f"service:{service}", ["sts:AssumeRole"]):
                    findings.append((role.urn, f"is {short(user.urn)}'s {path.split('.')[-1]}, but does not trust {service}"))
    return findings


# Managed policies whose grants the checks below rely on (their documents are AWS's, not in the plan).
MANAGED_POLICY_ACTIONS = {
    "CloudWatchSyntheticsFullAccess": ("*",),
    "CloudWatchReadOnlyAccess": ("cloudwatch:DescribeAlarms",),
}


def _role_actions(graph: PlanGraph, role: Resource) -> list[Statement] | None:
    """The Allow statements of the role's inline policies, plus the managed ones named above; None when unreadable."""
    statements: list[Statement] = []
    for inline in graph.of_type(ROLE_POLICY):
        if resolve(graph, inline, inline.props.get("role"), ROLE, "name") is role:
            parsed = document(inline.props.get("policy"))
            if parsed is None:
                return None
            statements += parsed
    for attachment in graph.of_type(ATTACHMENT):
        if resolve(graph, attachment, attachment.props.get("role"), ROLE, "name") is role:
            actions = MANAGED_POLICY_ACTIONS.get(policy_name(attachment.props.get("policyArn")), ())
            statements.append(Statement("Allow", frozenset({"*"}), actions, ("*",), {}))
    return statements


def _lacks(statements: list[Statement], actions: Sequence[str]) -> list[str]:
    allowed = [p for s in statements if s.effect == "Allow" for p in s.actions]
    return [a for a in actions if not any(action_covers(p, a) for p in allowed)]


# What the role of each kind of user must be allowed to do (identity policy).
ROLE_PERMISSIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("aws:appconfig/environment:Environment", "monitors.*.alarmRoleArn", ("cloudwatch:DescribeAlarms",)),
    (
        "aws:synthetics/canary:Canary",
        "executionRoleArn",
        (
            "s3:PutObject",
            "s3:GetBucketLocation",
            "s3:ListAllMyBuckets",
            "cloudwatch:PutMetricData",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
        ),
    ),
)


def roles_can_do_their_work(graph: PlanGraph, settings: Config) -> Findings:
    findings: Findings = []
    for kind, path, actions in ROLE_PERMISSIONS:
        for user in graph.of_type(kind):
            for value in _values(user.props, path):
                role = resolve(graph, user, value, ROLE, "name") if value is not None else None
                statements = _role_actions(graph, role) if role is not None else None
                if role is None or statements is None:
                    continue
                missing = _lacks(statements, actions)
                if missing:
                    findings.append((role.urn, f"is {short(user.urn)}'s {path.split('.')[-1]}, but may not {', '.join(missing)}"))
    return findings
