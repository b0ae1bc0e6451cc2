"""Regenerate preflight/scan/terraform_names.json from the installed pulumi_aws SDK.

    .venv/bin/python -m preflight.scan.names_build PLAN.json [PLAN.json …]

The Pulumi AWS provider is bridged from the Terraform AWS provider. Three facts decide how a
Pulumi input becomes a Terraform argument, and each comes from a real source:

- the Terraform type of each Pulumi token: TERRAFORM_TYPES below, extracted from the bridge's
  own table, ``renames.resources`` in provider/cmd/pulumi-resource-aws/bridge-metadata.json of
  github.com/pulumi/pulumi-aws (stored commit 07d08a0a50a459620181440fbb00ba497843f6c6). That
  copy predates v7, which renamed ``aws:s3/bucketV2:BucketV2`` and the other ``…V2`` S3 tokens to
  their plain names: the installed SDK records the old tokens as aliases of the new ones, which
  the build checks. The three log-delivery types, and the CloudFront VPC origin, backup, canary,
  pod-identity, access-entry, SQS, WAF IP set and cost-allocation-tag types, are newer than that copy or
  absent from it; their Terraform names are the provider's resources of the same name (its website/docs/r/ pages:
  ``wafv2_ip_set``, ``ce_cost_allocation_tag``) (``aws_s3_object`` is the bridge's BucketObjectv2 since v5).
- the shape of every argument: the SDK's generated Args classes (pulumi_aws, the version in
  SDK_VERSION) say whether a property is a single nested block (MaxItems=1: the bridge flattens it
  to an object, Terraform keeps a one-element list), a repeated block (a list of objects), a map,
  a policy document (a JSON string in Terraform) or a plain value; the Python name of a property
  is its Terraform name.
- repeated blocks: the bridge pluralises a list block's Terraform name (``rule`` → ``rules``);
  REPEATED_BLOCKS gives the Terraform block name for each one this program uses, and the build
  checks that the bridge's plural of it is the Pulumi name.

Only the types and arguments the program's plans use are kept; tests/test_scan.py fails when a
plan uses an argument the file does not map, so the file grows with the program.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).with_name("terraform_names.json")
SDK_VERSION = version("pulumi_aws")
BRIDGE_METADATA = {
    "repository": "https://github.com/pulumi/pulumi-aws",
    "path": "provider/cmd/pulumi-resource-aws/bridge-metadata.json",
    "commit": "07d08a0a50a459620181440fbb00ba497843f6c6",
}

TERRAFORM_TYPES = {
    "aws:acm/certificate:Certificate": "aws_acm_certificate",
    "aws:appconfig/application:Application": "aws_appconfig_application",
    "aws:appconfig/configurationProfile:ConfigurationProfile": "aws_appconfig_configuration_profile",
    "aws:appconfig/deploymentStrategy:DeploymentStrategy": "aws_appconfig_deployment_strategy",
    "aws:appconfig/environment:Environment": "aws_appconfig_environment",
    "aws:acm/certificateValidation:CertificateValidation": "aws_acm_certificate_validation",
    "aws:appautoscaling/policy:Policy": "aws_appautoscaling_policy",
    "aws:appautoscaling/target:Target": "aws_appautoscaling_target",
    "aws:budgets/budget:Budget": "aws_budgets_budget",
    "aws:cloudfront/distribution:Distribution": "aws_cloudfront_distribution",
    "aws:cloudfront/originAccessControl:OriginAccessControl": "aws_cloudfront_origin_access_control",
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": "aws_cloudfront_response_headers_policy",
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": "aws_cloudwatch_composite_alarm",
    "aws:cloudwatch/dashboard:Dashboard": "aws_cloudwatch_dashboard",
    "aws:cloudwatch/eventApiDestination:EventApiDestination": "aws_cloudwatch_event_api_destination",
    "aws:cloudwatch/eventArchive:EventArchive": "aws_cloudwatch_event_archive",
    "aws:cloudwatch/eventBus:EventBus": "aws_cloudwatch_event_bus",
    "aws:cloudwatch/eventConnection:EventConnection": "aws_cloudwatch_event_connection",
    "aws:cloudwatch/eventRule:EventRule": "aws_cloudwatch_event_rule",
    "aws:cloudwatch/eventTarget:EventTarget": "aws_cloudwatch_event_target",
    "aws:cloudwatch/logDelivery:LogDelivery": "aws_cloudwatch_log_delivery",
    "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": "aws_cloudwatch_log_delivery_destination",
    "aws:cloudwatch/logDeliverySource:LogDeliverySource": "aws_cloudwatch_log_delivery_source",
    "aws:cloudwatch/logGroup:LogGroup": "aws_cloudwatch_log_group",
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": "aws_cloudwatch_log_metric_filter",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "aws_cloudwatch_log_resource_policy",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "aws_cloudwatch_metric_alarm",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "aws_default_security_group",
    "aws:ec2/eip:Eip": "aws_eip",
    "aws:ec2/flowLog:FlowLog": "aws_flow_log",
    "aws:ec2/internetGateway:InternetGateway": "aws_internet_gateway",
    "aws:ec2/launchTemplate:LaunchTemplate": "aws_launch_template",
    "aws:ec2/natGateway:NatGateway": "aws_nat_gateway",
    "aws:ec2/routeTable:RouteTable": "aws_route_table",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "aws_route_table_association",
    "aws:ec2/securityGroup:SecurityGroup": "aws_security_group",
    "aws:ec2/subnet:Subnet": "aws_subnet",
    "aws:costexplorer/costAllocationTag:CostAllocationTag": "aws_ce_cost_allocation_tag",
    "aws:ec2/vpc:Vpc": "aws_vpc",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "aws_ecr_lifecycle_policy",
    "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": "aws_ecr_registry_scanning_configuration",
    "aws:ecr/repository:Repository": "aws_ecr_repository",
    "aws:eks/addon:Addon": "aws_eks_addon",
    "aws:eks/cluster:Cluster": "aws_eks_cluster",
    "aws:eks/nodeGroup:NodeGroup": "aws_eks_node_group",
    "aws:elasticache/parameterGroup:ParameterGroup": "aws_elasticache_parameter_group",
    "aws:elasticache/replicationGroup:ReplicationGroup": "aws_elasticache_replication_group",
    "aws:elasticache/subnetGroup:SubnetGroup": "aws_elasticache_subnet_group",
    "aws:iam/policy:Policy": "aws_iam_policy",
    "aws:iam/role:Role": "aws_iam_role",
    "aws:iam/rolePolicy:RolePolicy": "aws_iam_role_policy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "aws_iam_role_policy_attachment",
    "aws:kms/alias:Alias": "aws_kms_alias",
    "aws:kms/key:Key": "aws_kms_key",
    "aws:kms/keyPolicy:KeyPolicy": "aws_kms_key_policy",
    "aws:lb/listener:Listener": "aws_lb_listener",
    "aws:lb/listenerRule:ListenerRule": "aws_lb_listener_rule",
    "aws:lb/loadBalancer:LoadBalancer": "aws_lb",
    "aws:lb/targetGroup:TargetGroup": "aws_lb_target_group",
    "aws:rds/cluster:Cluster": "aws_rds_cluster",
    "aws:rds/clusterInstance:ClusterInstance": "aws_rds_cluster_instance",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": "aws_rds_cluster_parameter_group",
    "aws:rds/parameterGroup:ParameterGroup": "aws_db_parameter_group",
    "aws:rds/subnetGroup:SubnetGroup": "aws_db_subnet_group",
    "aws:route53/record:Record": "aws_route53_record",
    "aws:s3/bucket:Bucket": "aws_s3_bucket",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "aws_s3_bucket_lifecycle_configuration",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "aws_s3_bucket_ownership_controls",
    "aws:s3/bucketPolicy:BucketPolicy": "aws_s3_bucket_policy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "aws_s3_bucket_public_access_block",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        "aws_s3_bucket_server_side_encryption_configuration"
    ),
    "aws:s3/bucketVersioning:BucketVersioning": "aws_s3_bucket_versioning",
    "aws:sns/topic:Topic": "aws_sns_topic",
    "aws:sns/topicPolicy:TopicPolicy": "aws_sns_topic_policy",
    "aws:sns/topicSubscription:TopicSubscription": "aws_sns_topic_subscription",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "aws_vpc_security_group_egress_rule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "aws_vpc_security_group_ingress_rule",
    "aws:wafv2/ipSet:IpSet": "aws_wafv2_ip_set",
    "aws:wafv2/webAcl:WebAcl": "aws_wafv2_web_acl",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": "aws_wafv2_web_acl_logging_configuration",
    "aws:backup/plan:Plan": "aws_backup_plan",
    "aws:backup/selection:Selection": "aws_backup_selection",
    "aws:backup/vault:Vault": "aws_backup_vault",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": "aws_backup_vault_lock_configuration",
    "aws:cloudfront/originRequestPolicy:OriginRequestPolicy": "aws_cloudfront_origin_request_policy",
    "aws:cloudfront/vpcOrigin:VpcOrigin": "aws_cloudfront_vpc_origin",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": "aws_eks_pod_identity_association",
    "aws:s3/bucketObjectv2:BucketObjectv2": "aws_s3_object",
    "aws:synthetics/canary:Canary": "aws_synthetics_canary",
    "aws:eks/accessEntry:AccessEntry": "aws_eks_access_entry",
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": "aws_eks_access_policy_association",
    "aws:sqs/queue:Queue": "aws_sqs_queue",
    "aws:sqs/queuePolicy:QueuePolicy": "aws_sqs_queue_policy",
}
# v7 tokens whose pre-v7 names are the ones the bridge table above was read under.
V7_RENAMES = {
    "aws:s3/bucket:Bucket": "aws:s3/bucketV2:BucketV2",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": (
        "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
    ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
    ),
    "aws:s3/bucketVersioning:BucketVersioning": "aws:s3/bucketVersioningV2:BucketVersioningV2",
}
# (Pulumi token, Pulumi property) → the Terraform name of that repeated block.
REPEATED_BLOCKS = {
    ("aws:backup/plan:Plan", "copyActions"): "copy_action",
    ("aws:backup/plan:Plan", "rules"): "rule",
    ("aws:appconfig/environment:Environment", "monitors"): "monitor",
    ("aws:budgets/budget:Budget", "costFilters"): "cost_filter",
    ("aws:budgets/budget:Budget", "notifications"): "notification",
    ("aws:eks/addon:Addon", "podIdentityAssociations"): "pod_identity_association",
    ("aws:cloudfront/distribution:Distribution", "orderedCacheBehaviors"): "ordered_cache_behavior",
    ("aws:cloudfront/distribution:Distribution", "origins"): "origin",
    ("aws:cloudfront/distribution:Distribution", "customErrorResponses"): "custom_error_response",
    ("aws:cloudwatch/metricAlarm:MetricAlarm", "metricQueries"): "metric_query",
    ("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "egress"): "egress",
    ("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "ingress"): "ingress",
    ("aws:ec2/launchTemplate:LaunchTemplate", "blockDeviceMappings"): "block_device_mappings",
    ("aws:ec2/launchTemplate:LaunchTemplate", "tagSpecifications"): "tag_specifications",
    ("aws:ec2/routeTable:RouteTable", "routes"): "route",
    ("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration", "rules"): "rule",
    ("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration", "repositoryFilters"): "repository_filter",
    ("aws:ecr/repository:Repository", "encryptionConfigurations"): "encryption_configuration",
    ("aws:elasticache/parameterGroup:ParameterGroup", "parameters"): "parameter",
    ("aws:elasticache/replicationGroup:ReplicationGroup", "logDeliveryConfigurations"): "log_delivery_configuration",
    ("aws:lb/listener:Listener", "defaultActions"): "default_action",
    ("aws:lb/listenerRule:ListenerRule", "actions"): "action",
    ("aws:lb/listenerRule:ListenerRule", "targetGroups"): "target_group",
    ("aws:lb/listenerRule:ListenerRule", "conditions"): "condition",
    ("aws:rds/clusterParameterGroup:ClusterParameterGroup", "parameters"): "parameter",
    ("aws:rds/parameterGroup:ParameterGroup", "parameters"): "parameter",
    ("aws:route53/record:Record", "aliases"): "alias",
    ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "rules"): "rule",
    ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "transitions"): "transition",
    ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "rules"): "rule",
    ("aws:wafv2/webAcl:WebAcl", "rules"): "rule",
    ("aws:wafv2/webAcl:WebAcl", "ruleActionOverrides"): "rule_action_override",
    ("aws:wafv2/webAcl:WebAcl", "ruleLabels"): "rule_label",
    ("aws:wafv2/webAcl:WebAcl", "statements"): "statement",
    ("aws:wafv2/webAcl:WebAcl", "textTransformations"): "text_transformation",
    ("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "redactedFields"): "redacted_fields",
}


def bridge_plural(name: str) -> str:
    """The bridge's plural of a Terraform list name, as it appears in Pulumi's camelCase."""
    camel = _camel(name)
    if camel.endswith(("ss", "sh", "ch", "x", "as")):
        return camel + "es"
    if camel.endswith("s"):
        return camel
    if camel.endswith("y"):
        return camel[:-1] + "ies"
    return camel + "s"


def _camel(name: str) -> str:
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)


def _properties(cls: type) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for python_name, member in inspect.getmembers(cls):
        getter = member.fget if isinstance(member, property) else None
        if getter is not None and hasattr(getter, "_pulumi_name"):
            annotation = getter.__annotations__.get("return", "")
            found[getter._pulumi_name] = (python_name, annotation if isinstance(annotation, str) else repr(annotation))
    return found


def _shape(annotation: str) -> tuple[str, str | None]:
    nested = re.search(r"'(\w+Args)'", annotation)
    if nested and re.search(r"Union\[(_builtins\.)?str, (ForwardRef\()?'\w+Args'", annotation):
        return "json", None
    if nested and "Mapping[" not in annotation:
        return ("blocks" if "Sequence[" in annotation else "object"), nested.group(1)
    if "Mapping[" in annotation:
        return "map", None
    return "value", None


def _fields(token: str, namespace: Any, args_class: str, values: list[dict[str, Any]], table: dict[str, Any]) -> None:
    properties = _properties(getattr(namespace, args_class))
    for value in values:
        for key, item in value.items():
            if key not in properties:
                raise SystemExit(f"{token}: the SDK's {args_class} has no property {key!r}")
            python_name, annotation = properties[key]
            shape, nested = _shape(annotation)
            name = python_name
            if shape == "blocks":
                if (token, key) not in REPEATED_BLOCKS:
                    raise SystemExit(f"{token}.{key}: a repeated block; add its Terraform name to REPEATED_BLOCKS")
                name = REPEATED_BLOCKS[(token, key)]
                # Terraform names already plural (or uncountable, as `ingress`) are kept as they are.
                if key not in (bridge_plural(name), _camel(name)):
                    raise SystemExit(f"{token}.{key}: the bridge's plural of {name!r} is {bridge_plural(name)!r}")
            entry = table.setdefault(key, {"name": name, "shape": shape})
            if nested is not None:
                children = [c for c in (item if isinstance(item, list) else [item]) if isinstance(c, dict)]
                _fields(token, namespace, nested, children, entry.setdefault("fields", {}))


def build(plan_paths: list[str]) -> dict[str, Any]:
    inputs: dict[str, list[dict[str, Any]]] = {}
    for path in plan_paths:
        for resource in json.loads(Path(path).read_text())["resources"]:
            if resource["type"].startswith("aws:") and resource.get("custom", True):
                inputs.setdefault(resource["type"], []).append(resource.get("inputs") or {})
    resources: dict[str, Any] = {}
    for token in sorted(set(inputs) | set(TERRAFORM_TYPES)):
        if token not in TERRAFORM_TYPES:
            raise SystemExit(f"{token}: no Terraform type; add it to TERRAFORM_TYPES from the bridge metadata")
        module, class_name = token.split(":")[1].split("/")[0], token.split(":")[2]
        resource_class = getattr(importlib.import_module(f"pulumi_aws.{module}"), class_name)
        namespace = sys.modules[resource_class.__module__]
        if token in V7_RENAMES:
            source = inspect.getsource(resource_class)
            if f'type_="{V7_RENAMES[token]}"' not in source:
                raise SystemExit(f"{token}: the SDK no longer names {V7_RENAMES[token]} as its alias")
        fields: dict[str, Any] = {}
        # Where an input type already holds the name `<Class>Args`, the SDK calls the resource's `…InitArgs`.
        args_class = f"{class_name}InitArgs" if hasattr(namespace, f"{class_name}InitArgs") else f"{class_name}Args"
        _fields(token, namespace, args_class, inputs.get(token, []), fields)
        resources[token] = {"terraform_type": TERRAFORM_TYPES[token], "fields": fields}
    return {
        "origin": {"pulumi_aws": SDK_VERSION, "bridge_metadata": BRIDGE_METADATA, "built_by": "python -m preflight.scan.names_build"},
        "resources": resources,
    }


if __name__ == "__main__":
    OUTPUT.write_text(json.dumps(build(sys.argv[1:]), indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUTPUT}")
