"""Rules the services document but their models do not carry as `pattern`/`min`/`max`.

Most are stated in the member's own documentation inside botocore's model (quoted in `quote`, and
`tests/test_aws_api_model.py` fails if the installed model stops saying it); the S3 bucket rules
are in the S3 user guide. Each rule is checked wherever the program sets that property.

To add a rule: a `ServiceRule` below with the resource types, the property path (as in
`mappings.py`: `rules.name`), a function that returns the problem or None, and the source.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ServiceRule:
    types: frozenset[str]
    path: str
    check: Callable[[Any], str | None]
    source: str  # shown in the finding
    # Where the rule is written, and the words that state it (checked against the installed model).
    service: str = ""
    shape: str = ""
    member: str = ""
    quote: str = ""
    url: str = ""

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return None
        return self.check(value)


def _charset(allowed: str, maximum: int) -> Callable[[Any], str | None]:
    compiled = re.compile(f"[{re.escape(allowed)}]*")

    def check(value: Any) -> str | None:
        value = str(value)
        bad = sorted({char for char in value if not compiled.fullmatch(char)})
        if bad:
            return f"has {''.join(bad)!r}; allowed: a-z, A-Z, 0-9, spaces and {allowed[62:].strip()}"
        if len(value) > maximum:
            return f"is {len(value)} characters; at most {maximum}"
        return None

    return check


_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# EC2 CreateSecurityGroup GroupName / Description and IpRange.Description (VPC).
_SG_TEXT = _ALNUM + " ._-:/()#,@[]+=&;{}!$*"
# UserIdGroupPair.Description leaves out `&`.
_SG_PAIR_TEXT = _ALNUM + " ._-:/()#,@[]+=;{}!$*"


def _group_name(value: Any) -> str | None:
    value = str(value)
    if value.startswith("sg-"):
        return "starts with 'sg-'"
    return _charset(_SG_TEXT, 255)(value)


def _elb_name(internal_prefix: bool) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        value = str(value)
        if len(value) > 32:
            return f"is {len(value)} characters; at most 32"
        if not re.fullmatch(r"[A-Za-z0-9-]+", value):
            return "may hold only letters, digits and hyphens"
        if value.startswith("-") or value.endswith("-"):
            return "begins or ends with a hyphen"
        if internal_prefix and value.startswith("internal-"):
            return "begins with 'internal-'"
        return None

    return check


def _identifier(maximum: int, extra: str = "") -> Callable[[Any], str | None]:
    """RDS / ElastiCache identifiers: letters, digits, hyphens; a letter first; no `--`, no trailing `-`."""

    def check(value: Any) -> str | None:
        value = str(value)
        if not 1 <= len(value) <= maximum:
            return f"is {len(value)} characters; 1 to {maximum}"
        if not re.fullmatch(rf"[A-Za-z0-9-{re.escape(extra)}]+", value):
            return "may hold only letters, digits and hyphens"
        if not value[0].isalpha():
            return "does not begin with a letter"
        if value.endswith("-") or "--" in value:
            return "ends with a hyphen or holds two in a row"
        return None

    return check


def _db_subnet_group(value: Any) -> str | None:
    value = str(value)
    if value.lower() == "default":
        return "is 'default'"
    if len(value) > 255 or not re.fullmatch(r"[A-Za-z0-9._ -]+", value):
        return "must be up to 255 letters, digits, periods, underscores, spaces or hyphens"
    if not value[0].isalpha():
        return "does not begin with a letter"
    return None


def _cache_subnet_group(value: Any) -> str | None:
    value = str(value)
    if len(value) > 255 or not re.fullmatch(r"[A-Za-z0-9-]+", value):
        return "must be up to 255 letters, digits or hyphens"
    return None


def _kms_alias(value: Any) -> str | None:
    value = str(value)
    if not value.startswith("alias/"):
        return "does not begin with 'alias/'"
    if value.startswith("alias/aws/"):
        return "begins with the reserved 'alias/aws/'"
    return None


def _bucket_name(value: Any) -> str | None:
    value = str(value)
    if not 3 <= len(value) <= 63:
        return f"is {len(value)} characters; 3 to 63"
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*[a-z0-9]", value):
        return "may hold only lowercase letters, digits, dots and hyphens, and begins and ends with a letter or digit"
    if ".." in value:
        return "holds two adjacent periods"
    try:
        ipaddress.IPv4Address(value)
        return "is formatted as an IP address"
    except ValueError:
        pass
    for prefix in ("xn--", "sthree-", "amzn-s3-demo-"):
        if value.startswith(prefix):
            return f"begins with the reserved {prefix!r}"
    for suffix in ("-s3alias", "--ol-s3", ".mrap", "--x-s3"):
        if value.endswith(suffix):
            return f"ends with the reserved {suffix!r}"
    return None


def _between(low: int, high: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return None if low <= number <= high else f"is outside {low} to {high}"

    return check


def _no_control_characters(value: Any) -> str | None:
    value = str(value)
    return "holds an ASCII control character" if any(ord(char) < 32 or ord(char) == 127 for char in value) else None


_SG = "aws:ec2/securityGroup:SecurityGroup"
_SG_RULES = frozenset(
    {
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        "aws:ec2/securityGroupRule:SecurityGroupRule",
    }
)
_SG_DOC = "Valid characters: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*"
_RDS_ID_DOC = "First character must be a letter. Can't end with a hyphen or contain two consecutive hyphens."
_S3_RULES = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"

RULES: list[ServiceRule] = [
    ServiceRule(
        frozenset({_SG}),
        "description",
        _charset(_SG_TEXT, 255),
        "EC2 CreateSecurityGroup: security group description characters",
        "ec2",
        "CreateSecurityGroupRequest",
        "Description",
        _SG_DOC,
    ),
    ServiceRule(
        frozenset({_SG}),
        "name",
        _group_name,
        "EC2 CreateSecurityGroup: security group name",
        "ec2",
        "CreateSecurityGroupRequest",
        "GroupName",
        "Can't start with sg- . Valid characters: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*",
    ),
    *[
        ServiceRule(
            frozenset({_SG}),
            f"{direction}.description",
            _charset(_SG_PAIR_TEXT, 255),
            "EC2 security group rule description characters",
            "ec2",
            "UserIdGroupPair",
            "Description",
            "Allowed characters are a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=;{}!$*",
        )
        for direction in ("ingress", "egress")
    ],
    ServiceRule(
        _SG_RULES,
        "description",
        _charset(_SG_PAIR_TEXT, 255),
        "EC2 security group rule description characters",
        "ec2",
        "UserIdGroupPair",
        "Description",
        "Allowed characters are a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=;{}!$*",
    ),
    ServiceRule(
        frozenset({"aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"}),
        "name",
        _elb_name(True),
        "ELB CreateLoadBalancer: load balancer name",
        "elbv2",
        "CreateLoadBalancerInput",
        "Name",
        "can have a maximum of 32 characters, must contain only alphanumeric characters or hyphens, must not begin or end with a hyphen, "
        'and must not begin with "internal-"',
    ),
    ServiceRule(
        frozenset({"aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"}),
        "name",
        _elb_name(False),
        "ELB CreateTargetGroup: target group name",
        "elbv2",
        "CreateTargetGroupInput",
        "Name",
        "can have a maximum of 32 characters, must contain only alphanumeric characters or hyphens, and must not begin or end with a hyphen",
    ),
    ServiceRule(
        frozenset({"aws:rds/cluster:Cluster"}),
        "clusterIdentifier",
        _identifier(63),
        "RDS CreateDBCluster: DB cluster identifier",
        "rds",
        "CreateDBClusterMessage",
        "DBClusterIdentifier",
        _RDS_ID_DOC,
    ),
    ServiceRule(
        frozenset({"aws:rds/cluster:Cluster"}),
        "finalSnapshotIdentifier",
        _identifier(255),
        "RDS DeleteDBCluster: final snapshot identifier",
        "rds",
        "DeleteDBClusterMessage",
        "FinalDBSnapshotIdentifier",
        "Must be 1 to 255 letters, numbers, or hyphens.",
    ),
    ServiceRule(
        frozenset({"aws:rds/clusterInstance:ClusterInstance", "aws:rds/instance:Instance"}),
        "identifier",
        _identifier(63),
        "RDS CreateDBInstance: DB instance identifier",
        "rds",
        "CreateDBInstanceMessage",
        "DBInstanceIdentifier",
        _RDS_ID_DOC,
    ),
    ServiceRule(
        frozenset({"aws:rds/parameterGroup:ParameterGroup"}),
        "name",
        _identifier(255),
        "RDS CreateDBParameterGroup: parameter group name",
        "rds",
        "CreateDBParameterGroupMessage",
        "DBParameterGroupName",
        "Must be 1 to 255 letters, numbers, or hyphens.",
    ),
    ServiceRule(
        frozenset({"aws:rds/subnetGroup:SubnetGroup"}),
        "name",
        _db_subnet_group,
        "RDS CreateDBSubnetGroup: subnet group name",
        "rds",
        "CreateDBSubnetGroupMessage",
        "DBSubnetGroupName",
        "Must contain no more than 255 letters, numbers, periods, underscores, spaces, or hyphens. Must not be default.",
    ),
    ServiceRule(
        frozenset({"aws:elasticache/replicationGroup:ReplicationGroup"}),
        "replicationGroupId",
        _identifier(40),
        "ElastiCache CreateReplicationGroup: replication group identifier",
        "elasticache",
        "CreateReplicationGroupMessage",
        "ReplicationGroupId",
        "A name must contain from 1 to 40 alphanumeric characters or hyphens.",
    ),
    ServiceRule(
        frozenset({"aws:elasticache/subnetGroup:SubnetGroup"}),
        "name",
        _cache_subnet_group,
        "ElastiCache CreateCacheSubnetGroup: subnet group name",
        "elasticache",
        "CreateCacheSubnetGroupMessage",
        "CacheSubnetGroupName",
        "Must contain no more than 255 alphanumeric characters or hyphens.",
    ),
    ServiceRule(
        frozenset({"aws:kms/alias:Alias"}),
        "name",
        _kms_alias,
        "KMS CreateAlias: alias name",
        "kms",
        "CreateAliasRequest",
        "AliasName",
        "The alias name cannot begin with alias/aws/ .",
    ),
    ServiceRule(
        frozenset({"aws:kms/key:Key"}),
        "deletionWindowInDays",
        _between(7, 30),
        "KMS ScheduleKeyDeletion: waiting period",
        "kms",
        "ScheduleKeyDeletionRequest",
        "PendingWindowInDays",
        "it must be between 7 and 30, inclusive",
    ),
    ServiceRule(
        frozenset({"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"}),
        "bucket",
        _bucket_name,
        "S3 bucket naming rules",
        url=_S3_RULES,
        quote="Bucket names can consist only of lowercase letters, numbers, dots (.), and hyphens (-).",
    ),
    ServiceRule(
        frozenset({"aws:cloudwatch/metricAlarm:MetricAlarm"}),
        "name",
        _no_control_characters,
        "CloudWatch PutMetricAlarm: alarm name",
        "cloudwatch",
        "PutMetricAlarmInput",
        "AlarmName",
        "can't contain ASCII control characters",
    ),
]


def rules_for(resource_type: str) -> list[ServiceRule]:
    return [rule for rule in RULES if resource_type in rule.types]
