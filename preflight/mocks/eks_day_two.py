"""EKS on day two: add-ons, access entries, Pod Identity, Karpenter's queue.

EventBridge rules and targets are answered by the integrations mocks. The add-ons' versions are
the program's own (config/addon_versions.py): it asks EKS for none, so there is no
`aws:eks/getAddonVersion` mock, and a program that called it would stop with "no mock for
provider function".
"""

from __future__ import annotations

from typing import Any

import pulumi

from preflight.mocks.common import MockContext, arn, short_hash

Args = pulumi.runtime.MockResourceArgs


def _addon(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    cluster, addon = args.inputs.get("clusterName", "cluster"), args.inputs.get("addonName", args.name)
    return {
        "arn": arn(ctx, "eks", f"addon/{cluster}/{addon}/{short_hash(args.name, length=8)}"),
        "createdAt": "2026-11-01T00:00:00Z",
        "modifiedAt": "2026-11-01T00:00:00Z",
    }


def _access_entry(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    cluster = args.inputs.get("clusterName", "cluster")
    principal = str(args.inputs.get("principalArn", ""))
    kind = args.inputs.get("type") or "STANDARD"
    user = principal.replace(":role/", ":assumed-role/").replace(":iam::", ":sts::") + "/{{SessionName}}"
    return {
        "accessEntryArn": arn(ctx, "eks", f"access-entry/{cluster}/role/{ctx.account_id}/{short_hash(principal, length=8)}"),
        "type": kind,
        "userName": user if kind == "STANDARD" else "system:node:{{EC2PrivateDNSName}}",
        "kubernetesGroups": [] if kind == "STANDARD" else ["system:nodes"],
        "createdAt": "2026-11-01T00:00:00Z",
    }


def _policy_association(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {"associatedAt": "2026-11-01T00:00:00Z", "modifiedAt": "2026-11-01T00:00:00Z"}


def _queue_name(args: Args) -> str:
    return str(args.inputs.get("name") or f"{args.name}-{short_hash('sqs', args.name, length=7)}")


def _queue_url(args: Args, ctx: MockContext) -> str:
    return f"https://sqs.{ctx.region}.amazonaws.com/{ctx.account_id}/{_queue_name(args)}"


def _queue(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = _queue_name(args)
    return {"name": name, "arn": arn(ctx, "sqs", name), "url": _queue_url(args, ctx)}


COMPUTED = {
    "aws:eks/addon:Addon": _addon,
    "aws:eks/accessEntry:AccessEntry": _access_entry,
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": _policy_association,
    "aws:sqs/queue:Queue": _queue,
}
# The provider's id of a queue is its URL.
IDS = {"aws:sqs/queue:Queue": _queue_url}
