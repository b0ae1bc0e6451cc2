"""What every mocked AWS resource gets: a provider-style id, an ARN and ``tagsAll``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi

ACCOUNT_ID = "123456789012"


@dataclass
class MockContext:
    region: str
    account_id: str = ACCOUNT_ID


ComputedFn = Callable[[pulumi.runtime.MockResourceArgs, str, MockContext], dict[str, Any]]
IdFn = Callable[[pulumi.runtime.MockResourceArgs, MockContext], str]

# Id prefixes the EC2 API uses, so that code and humans reading a plan see familiar ids.
_ID_PREFIXES = {
    "aws:ec2/vpc:Vpc": "vpc-",
    "aws:ec2/subnet:Subnet": "subnet-",
    "aws:ec2/internetGateway:InternetGateway": "igw-",
    "aws:ec2/natGateway:NatGateway": "nat-",
    "aws:ec2/eip:Eip": "eipalloc-",
    "aws:ec2/routeTable:RouteTable": "rtb-",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc-",
    "aws:ec2/securityGroup:SecurityGroup": "sg-",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg-",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
    "aws:ec2/flowLog:FlowLog": "fl-",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr-",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr-",
}


def short_hash(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def mock_id(type_token: str, name: str) -> str:
    prefix = _ID_PREFIXES.get(type_token)
    if prefix is not None:
        return prefix + short_hash(type_token, name)
    return f"{name}-{short_hash(type_token, name, length=8)}"


def arn(context: MockContext, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
    return f"arn:aws:{service}:{context.region if region else ''}:{context.account_id if account else ''}:{resource}"


def generic_outputs(type_token: str, name: str, resource_id: str, inputs: dict[str, Any], context: MockContext) -> dict[str, Any]:
    if not type_token.startswith("aws:"):
        return {}
    module = type_token.split(":")[1].split("/")[0]
    kind = type_token.rsplit(":", 1)[1]
    outputs: dict[str, Any] = {"arn": arn(context, module, f"{kind.lower()}/{resource_id}")}
    if "tags" in inputs or module in ("ec2", "eks", "rds", "elasticache", "lb", "s3", "kms", "cloudwatch", "iam"):
        # The provider merges default tags in; the mock cannot see them, so tagsAll echoes tags.
        outputs["tagsAll"] = dict(inputs.get("tags") or {})
    return outputs
