"""CloudFront's VPC origin and origin request policy, the security group CloudFront makes for it,
and the Synthetics canaries (with their code objects), as the providers answer."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pulumi

from preflight.mocks.common import MockContext, arn, short_hash

Args = pulumi.runtime.MockResourceArgs
CallArgs = pulumi.runtime.MockCallArgs


def _in_region(args: Args, ctx: MockContext) -> MockContext:
    found = re.search(r"::pulumi:providers:aws::[\w-]*?([a-z]{2}(?:-gov)?-[a-z]+-\d)::", args.provider or "")
    return replace(ctx, region=found.group(1)) if found else ctx


def _vpc_origin(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    origin_id = "vo_" + short_hash("vpc-origin", args.name, length=22)
    return {
        "id": origin_id,
        "arn": f"arn:aws:cloudfront::{ctx.account_id}:vpcorigin/{origin_id}",
        "etag": "E" + short_hash("etag", "vpc-origin", args.name, length=13).upper(),
    }


def _origin_request_policy(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    h = short_hash("orp", args.name, length=32)
    return {
        "id": f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}",
        "etag": "E" + short_hash("etag", "orp", args.name, length=13).upper(),
    }


def _canary(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    here = _in_region(args, ctx)
    name = str(args.inputs.get("name") or args.name)
    function = f"cwsyn-{name[:40]}-{short_hash('canary-fn', name, length=36)}"
    return {
        "id": name,
        "name": name,
        "arn": arn(here, "synthetics", f"canary:{name}"),
        "engineArn": arn(here, "lambda", f"function:{function}:1"),
        "sourceLocationArn": arn(here, "lambda", f"layer:cwsyn-{name[:40]}:1"),
        "status": "RUNNING",
        "timelines": [{"created": "2026-11-01T00:00:00Z", "lastModified": "2026-11-01T00:00:00Z"}],
    }


def _bucket_object(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    key = str(args.inputs.get("key") or args.name)
    return {
        "key": key,
        "versionId": short_hash("object-version", args.name, key, length=32),
        "etag": short_hash("object-etag", args.name, key, length=32),
        "storageClass": "STANDARD",
        "serverSideEncryption": "AES256",
    }


def _get_security_group(args: CallArgs, ctx: MockContext) -> dict[str, Any]:
    filters = {f["name"]: f["values"] for f in args.args.get("filters") or []}
    name = str(args.args.get("name") or (filters.get("group-name") or ["default"])[0])
    vpc = str(args.args.get("vpcId") or (filters.get("vpc-id") or ["vpc-" + short_hash("vpc", length=17)])[0])
    group_id = "sg-" + short_hash("security-group", name, vpc, length=17)
    return {
        "id": group_id,
        "arn": arn(ctx, "ec2", f"security-group/{group_id}"),
        "name": name,
        "vpcId": vpc,
        "description": "CloudFront managed security group for VPC origins" if name.startswith("CloudFront-") else name,
        "filters": args.args.get("filters"),
        "tags": {},
    }


COMPUTED = {
    "aws:cloudfront/vpcOrigin:VpcOrigin": _vpc_origin,
    "aws:cloudfront/originRequestPolicy:OriginRequestPolicy": _origin_request_policy,
    "aws:synthetics/canary:Canary": _canary,
    "aws:s3/bucketObjectv2:BucketObjectv2": _bucket_object,
}
CALLS = {"aws:ec2/getSecurityGroup:getSecurityGroup": _get_security_group}
