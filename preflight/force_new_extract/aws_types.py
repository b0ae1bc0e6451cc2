"""Pulumi's names for terraform-provider-aws's resources and attributes: a token's Terraform type, the
inputs the installed SDK takes, and an attribute path as the bridge renames it."""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

from preflight.force_new_extract.aws_index import AwsSource
from preflight.go_literals import camel

# Pulumi tokens whose Terraform name does not follow `aws_<module>_<name>` nor `aws_<name>`.
TERRAFORM_NAMES = {
    "aws:lb/loadBalancer:LoadBalancer": "aws_lb",
    "aws:rds/parameterGroup:ParameterGroup": "aws_db_parameter_group",
    "aws:rds/subnetGroup:SubnetGroup": "aws_db_subnet_group",
    "aws:s3/bucketObjectv2:BucketObjectv2": "aws_s3_object",
    "aws:ec2/securityGroup:SecurityGroup": "aws_security_group",
    "aws:rds/cluster:Cluster": "aws_rds_cluster",
    "aws:rds/clusterInstance:ClusterInstance": "aws_rds_cluster_instance",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": "aws_rds_cluster_parameter_group",
    "aws:costexplorer/costAllocationTag:CostAllocationTag": "aws_ce_cost_allocation_tag",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def terraform_name(token: str, source: AwsSource) -> str | None:
    if token in TERRAFORM_NAMES:
        return TERRAFORM_NAMES[token]
    module, name = token.split(":")[1].split("/")
    for candidate in (f"aws_{module}_{_snake(name)}", f"aws_{_snake(name)}"):
        if source.has(candidate):
            return candidate
    return None


def sdk_inputs(token: str) -> set[str] | None:
    """The input property names of a pulumi_aws resource: the parameters of its class's `_internal_init`
    (Python names, which the SDK derives from the camelCase ones)."""
    package, rest = token.split(":", 1)
    module, cls = rest.split(":")[0].split("/")[0], rest.split(":")[-1]
    try:
        resource = getattr(importlib.import_module(f"pulumi_{package}.{module}"), cls)
    except (ImportError, AttributeError):
        return None
    parameters = inspect.signature(resource._internal_init).parameters
    return {camel(name) for name in parameters if name not in ("__self__", "resource_name", "opts", "__props__")}


# Where the bridge gives a Terraform attribute another Pulumi name (besides camelCase and plurals).
PULUMI_RENAMES = {
    ("aws:cloudwatch/metricAlarm:MetricAlarm", "alarmName"): "name",
    # aws_sns_topic_subscription's `topic_arn` is the SDK's `topic` (TopicSubscription has no `topicArn` input).
    ("aws:sns/topicSubscription:TopicSubscription", "topicArn"): "topic",
}


def pulumi_path(token: str, path: str, inputs: set[str]) -> str:
    """A camelCase path with its first segment as the SDK spells it: exact, plural, or a known rename."""
    head, _, rest = path.partition(".")
    if inputs and head not in inputs:
        head = PULUMI_RENAMES.get((token, head)) or (f"{head}s" if f"{head}s" in inputs else head)
    return f"{head}.{rest}" if rest else head


def camel_path(path: str) -> str:
    return ".".join(camel(p) for p in path.split("."))


def aws_entry(token: str, terraform_type: str, source: AwsSource) -> dict[str, Any]:
    """The replace-on-change entry of a pulumi-aws type; a path whose first segment is no SDK input is kept
    under `unmapped`, never dropped."""
    found, where = source.schema(terraform_type)
    inputs = sdk_inputs(token) or set()
    replace = sorted({pulumi_path(token, camel_path(p), inputs) for p in found.replace})
    unmapped = sorted(p for p in replace if inputs and p.split(".")[0] not in inputs)
    return {
        "upstream": terraform_type,
        "upstreamSource": where,
        "replaceOn": [p for p in replace if p not in unmapped],
        "replaceIf": sorted(camel_path(p) for p in found.conditional),
        "unmapped": unmapped,
    }
