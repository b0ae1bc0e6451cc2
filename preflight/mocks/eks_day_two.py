"""EKS on day two: add-on versions per Kubernetes version, access entries, Pod Identity, Karpenter's queue.

EventBridge rules and targets are answered by the integrations mocks.

`aws eks describe-addon-versions` answers with the newest build of each add-on for a given
Kubernetes version; the table below has the shape of those answers (kube-proxy tracks the
Kubernetes minor, coredns moves every few minors), so a plan shows that raising
`cluster.version` moves the add-ons with it. An add-on or version EKS does not publish is an
error, as it is from the API.
"""

from __future__ import annotations

from typing import Any

import pulumi

from preflight.mocks.common import MockContext, arn, short_hash
from preflight.mocks.observability import _LATEST

Args = pulumi.runtime.MockResourceArgs
CallArgs = pulumi.runtime.MockCallArgs

_COREDNS = {
    "1.31": "v1.11.4-eksbuild.2",
    "1.32": "v1.11.4-eksbuild.14",
    "1.33": "v1.12.1-eksbuild.2",
    "1.34": "v1.12.3-eksbuild.1",
    "1.35": "v1.12.4-eksbuild.1",
    "1.36": "v1.13.1-eksbuild.1",
}
_KUBE_PROXY_PATCH = {
    "1.31": "14-eksbuild.2",
    "1.32": "9-eksbuild.2",
    "1.33": "5-eksbuild.2",
    "1.34": "1-eksbuild.2",
    "1.35": "0-eksbuild.3",
    "1.36": "0-eksbuild.1",
}


def addon_version(addon: str, kubernetes_version: str) -> str:
    if kubernetes_version not in _COREDNS:
        raise ValueError(f"InvalidParameterException: Kubernetes version {kubernetes_version} is not supported")
    minor = int(kubernetes_version.split(".")[1])
    if addon == "coredns":
        return _COREDNS[kubernetes_version]
    if addon == "kube-proxy":
        return f"v{kubernetes_version}.{_KUBE_PROXY_PATCH[kubernetes_version]}"
    if addon == "vpc-cni":
        return "v1.20.4-eksbuild.1" if minor >= 33 else "v1.19.6-eksbuild.7"
    if addon in _LATEST:
        return _LATEST[addon]
    if addon == "metrics-server":
        return "v0.8.0-eksbuild.2" if minor >= 32 else "v0.7.2-eksbuild.4"
    raise ValueError(f"ResourceNotFoundException: no add-on named {addon}")


def _get_addon_version(args: CallArgs, ctx: MockContext) -> dict[str, Any]:
    addon = str(args.args.get("addonName"))
    kubernetes_version = str(args.args.get("kubernetesVersion"))
    version = addon_version(addon, kubernetes_version)
    return {
        "id": addon,
        "addonName": addon,
        "kubernetesVersion": kubernetes_version,
        "mostRecent": bool(args.args.get("mostRecent")),
        "region": ctx.region,
        "version": version,
    }


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
CALLS = {"aws:eks/getAddonVersion:getAddonVersion": _get_addon_version}
