"""SNS, CloudWatch alarms and dashboards, Route 53 health checks, Budgets, as their APIs answer."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from typing import Any

import pulumi

from preflight.mocks.common import MockContext, arn, short_hash

Args = pulumi.runtime.MockResourceArgs


def _in_region(args: Args, ctx: MockContext) -> MockContext:
    """The provider's region when its name says it (``aws-us-east-1``): mocks cannot read its inputs.

    A us-east-1 topic and the stack's own topic share a name; their ARNs differ only by region.
    """
    found = re.search(r"::pulumi:providers:aws::[\w-]*?([a-z]{2}(?:-gov)?-[a-z]+-\d)::", args.provider or "")
    return replace(ctx, region=found.group(1)) if found else ctx


def _auto_name(args: Args, key: str = "name") -> str:
    return str(args.inputs.get(key) or f"{args.name}-{short_hash(args.name, length=7)}")


def _topic(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = _auto_name(args)
    topic_arn = arn(_in_region(args, ctx), "sns", name)
    return {"name": name, "arn": topic_arn, "owner": ctx.account_id}


def _subscription(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    topic_arn = str(args.inputs.get("topic") or arn(ctx, "sns", "topic"))
    # Email and HTTPS subscriptions stay "pending confirmation" until the address confirms.
    pending = args.inputs.get("protocol") in ("email", "email-json", "http", "https")
    return {"arn": f"{topic_arn}:{uuid.UUID(short_hash('sub', args.name, length=32))}", "pendingConfirmation": pending,
            "ownerId": ctx.account_id, "confirmationWasAuthenticated": False}  # fmt: skip


def _alarm(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = _auto_name(args)
    return {"name": name, "arn": arn(_in_region(args, ctx), "cloudwatch", f"alarm:{name}")}


def _composite_alarm(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = _auto_name(args, "alarmName")
    return {"alarmName": name, "arn": arn(_in_region(args, ctx), "cloudwatch", f"alarm:{name}")}


def _dashboard(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = str(args.inputs.get("dashboardName"))
    return {"dashboardArn": arn(ctx, "cloudwatch", f"dashboard/{name}", region=False)}


def _budget(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = _auto_name(args)
    return {"name": name, "arn": arn(ctx, "budgets", f"budget/{name}", region=False), "accountId": ctx.account_id}


def _cost_allocation_tag(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {"type": "UserDefined"}


COMPUTED = {
    "aws:sns/topic:Topic": _topic,
    "aws:sns/topicSubscription:TopicSubscription": _subscription,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": _composite_alarm,
    "aws:cloudwatch/dashboard:Dashboard": _dashboard,
    "aws:budgets/budget:Budget": _budget,
    "aws:costexplorer/costAllocationTag:CostAllocationTag": _cost_allocation_tag,
}
