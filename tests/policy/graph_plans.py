"""Small plans for the actors and ordering tables: records shaped like the plan document's, built in
the test, and today's production plan document (tests/data/plan_production_before_round3.json.gz).

`Plan` keeps records by logical name so a test reads as "this chart waits for that association";
`check` runs the whole pack the way `preflight check` does (`check_resources`) and returns one line per
finding of the named policy.
"""

from __future__ import annotations

import copy
import gzip
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from preflight.check_command import check_resources

DATA = Path(__file__).resolve().parent.parent / "data"
BEFORE_ROUND3 = DATA / "plan_production_before_round3.json.gz"
P = "urn:pulumi:production::email-platform::"
ACCOUNT = "123456789012"
GRANTS = "actors-have-their-grants"  # the actors table's policy (tests/policy/test_actors_*.py)


def before_round3() -> dict[str, Any]:
    """Today's production plan document (before the fixes of this round), a fresh copy each call."""
    with gzip.open(BEFORE_ROUND3, "rt", encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    return document


def by_name(document: Mapping[str, Any], name: str, kind: str = "") -> dict[str, Any]:
    (found,) = [r for r in document["resources"] if r["name"] == name and (not kind or r["type"] == kind)]
    return found  # type: ignore[no-any-return]


class Plan:
    """Records of one small stack, each added with its inputs and the names of what it waits for."""

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self.config = dict(config or {})

    def add(self, kind: str, name: str, inputs: Mapping[str, Any] | None = None, *, waits: Iterable[str] = (), rid: str = "") -> str:
        urn = f"{P}{kind}::{name}"
        self.records[name] = {
            "urn": urn,
            "type": kind,
            "name": name,
            "custom": True,
            "id": rid or f"{name}-1a2b3c4d",
            "inputs": copy.deepcopy(dict(inputs or {})),
            "dependencies": [self.records[w]["urn"] for w in waits],
        }
        return name

    def wait(self, name: str, on: str) -> None:
        self.records[name]["dependencies"].append(self.records[on]["urn"])

    def unwait(self, name: str, on: str) -> None:
        self.records[name]["dependencies"].remove(self.records[on]["urn"])

    def document(self) -> dict[str, Any]:
        return {
            "version": 1,
            "project": "email-platform",
            "stack": "production",
            "config": self.config,
            "resources": list(self.records.values()),
        }


def findings(document: Mapping[str, Any], policy: str) -> list[str]:
    """`<resource name>: <message>` for each finding of `policy`, as `preflight check` computes them."""
    violations = check_resources(document["resources"], stack_config=document.get("config") or {})
    return sorted(f"{v.urn.rsplit('::', 1)[-1]}: {v.message}" for v in violations if v.policy == policy)


def policy_doc(*statements: Mapping[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal: Mapping[str, Any], actions: list[str] | str, resource: str = "*", **condition: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": actions, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


POD_IDENTITY_TRUST = policy_doc(allow({"Service": "pods.eks.amazonaws.com"}, ["sts:AssumeRole", "sts:TagSession"]))


def controller_stack() -> Plan:
    """The Pod Identity agent, a controller chart, its role and its association, all in order (on a
    cluster made elsewhere, so the CI-identity rows have nothing to say)."""
    plan = Plan()
    plan.add("aws:eks/addon:Addon", "agent", {"addonName": "eks-pod-identity-agent", "clusterName": "c"})
    plan.add("aws:iam/role:Role", "lbc-role", {"assumeRolePolicy": POD_IDENTITY_TRUST})
    plan.add(
        "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        "lbc-identity",
        {
            "clusterName": "c",
            "namespace": "kube-system",
            "serviceAccount": "aws-load-balancer-controller",
            "roleArn": "arn:aws:iam::1:role/lbc-role-5f3e2a1",
        },
        waits=["agent", "lbc-role"],
    )
    plan.add(
        "kubernetes:helm.sh/v4:Chart",
        "lbc-chart",
        {
            "chart": "aws-load-balancer-controller",
            "namespace": "kube-system",
            "values": {"serviceAccount": {"name": "aws-load-balancer-controller"}},
        },
        waits=["agent", "lbc-identity"],
    )
    return plan


def topic_stack(*, key_services: list[str], topic_services: list[str]) -> Plan:
    """An encrypted alarm topic with its key and topic policies, and an alarm publishing to it."""
    plan = Plan()
    topic_arn = f"arn:aws:sns:us-east-1:{ACCOUNT}:alarms"
    plan.add("aws:kms/key:Key", "topic-key", {"enableKeyRotation": True})
    plan.add(
        "aws:kms/keyPolicy:KeyPolicy",
        "topic-key-policy",
        {"keyId": "k-1", "policy": policy_doc(allow({"Service": key_services}, ["kms:Decrypt", "kms:GenerateDataKey*"]))},
        waits=["topic-key"],
    )
    plan.add(
        "aws:sns/topic:Topic",
        "topic",
        {"name": "alarms", "kmsMasterKeyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k-1"},
        waits=["topic-key"],
    )
    plan.add(
        "aws:sns/topicPolicy:TopicPolicy",
        "topic-policy",
        {"arn": topic_arn, "policy": policy_doc(allow({"Service": topic_services}, "SNS:Publish", topic_arn))},
        waits=["topic"],
    )
    plan.add(
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "alarm",
        {"alarmActions": [topic_arn], "metricName": "CPUUtilization"},
        waits=["topic", "topic-policy", "topic-key-policy"],
    )
    return plan
