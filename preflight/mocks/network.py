"""VPC, subnets, NAT, security groups and launch templates, as the EC2 API answers."""

from __future__ import annotations

from typing import Any

import pulumi

from preflight.mocks.common import MockContext, arn, short_hash

Args = pulumi.runtime.MockResourceArgs


def _vpc(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {
        "arn": arn(ctx, "ec2", f"vpc/{resource_id}"),
        "defaultSecurityGroupId": "sg-" + short_hash("default-sg", resource_id),
        "mainRouteTableId": "rtb-" + short_hash("main-rtb", resource_id),
        "ownerId": ctx.account_id,
    }


def _subnet(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {"arn": arn(ctx, "ec2", f"subnet/{resource_id}"), "availabilityZoneId": "use1-az" + resource_id[-1]}


def _eip(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    digits = int(short_hash("eip", args.name, length=4), 16)
    return {"allocationId": resource_id, "publicIp": f"198.51.100.{digits % 254 + 1}", "domain": "vpc"}


def _nat(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {"publicIp": "198.51.100.10", "privateIp": "10.0.0.10", "networkInterfaceId": "eni-" + short_hash("nat", resource_id)}


def _security_group(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {"arn": arn(ctx, "ec2", f"security-group/{resource_id}"), "ownerId": ctx.account_id}


def _launch_template(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {"arn": arn(ctx, "ec2", f"launch-template/{resource_id}"), "latestVersion": 1, "defaultVersion": 1}


def _log_group(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = args.inputs.get("name") or f"{args.name}-{short_hash(args.name, length=7)}"
    return {"name": name, "arn": arn(ctx, "logs", f"log-group:{name}")}


def _iam_role(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = args.inputs.get("name") or f"{args.name}-{short_hash(args.name, length=7)}"
    return {"name": name, "arn": arn(ctx, "iam", f"role/{name}", region=False), "uniqueId": "AROA" + short_hash(name).upper()}


def _kms_key(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    key_id = "-".join(short_hash("kms", args.name, length=32)[i : i + n] for i, n in ((0, 8), (8, 4), (12, 4), (16, 4), (20, 12)))
    return {"keyId": key_id, "arn": arn(ctx, "kms", f"key/{key_id}")}


COMPUTED = {
    "aws:ec2/vpc:Vpc": _vpc,
    "aws:ec2/subnet:Subnet": _subnet,
    "aws:ec2/eip:Eip": _eip,
    "aws:ec2/natGateway:NatGateway": _nat,
    "aws:ec2/securityGroup:SecurityGroup": _security_group,
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": _security_group,
    "aws:ec2/launchTemplate:LaunchTemplate": _launch_template,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:iam/role:Role": _iam_role,
    "aws:kms/key:Key": _kms_key,
}
