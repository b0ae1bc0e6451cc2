"""Which API call creates each AWS resource type the program declares, and how its inputs map.

One row per pulumi-aws type: the botocore service and the operation that creates it, where its
properties sit in that request (`root`), and overrides for properties whose name or place differs
from the API's. Everything else maps by name (case aside) at the same place.

Overrides (`members`), keyed by the property's path without list indices (`rules.copyActions.lifecycle`):

* `Member.Member` — a member path below the API structure the property's parent maps to;
* `/Member…` — from the top of the row's request (outside `root`);
* `Operation:Member…` — from the top of another call of the same service that the provider makes
  for this property (e.g. `PutRetentionPolicy` for a log group's retention);
* `Member{key}` — one entry of a map, or the `Value` of the `{Key: key, Value}` entry of a
  list (ELB attributes, SQS and SNS attributes).

`not_api` lists properties that are not API members, each with the reason (tags the provider
applies in another call count as members of that call, not here). `supplied` lists required
members the provider fills in itself (names it generates, identifiers it reads from the parent).

To add a type: find the operation in botocore (`botocore/data/<service>/*/service-2.json`, or the
API reference's "Request Parameters"), add a row, run `make plan`: a property that maps nowhere is
printed as unmapped and fails `tests/test_aws_api_model.py` until the row names it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Why a property has no API member, shared by the rows that use it.
_PROVIDER_ONLY = "provider-only option: it changes what the provider does, and no API call carries it"
_TAGS_ELSEWHERE = "applied by the provider through the service's tagging call"
_WAITS = "the provider waits on it; no API call carries it"


@dataclass(frozen=True)
class ApiMapping:
    service: str
    operation: str
    root: str = ""
    members: Mapping[str, str] = field(default_factory=dict)
    not_api: Mapping[str, str] = field(default_factory=dict)
    supplied: Mapping[str, str] = field(default_factory=dict)


_NAMED = "the provider generates it from the resource name when the program leaves it out"
_PARENT = "the provider reads it from the resource it belongs to"
_EC2_TAGS = {"tags": "/TagSpecifications.Tags"}
_LB_ATTRIBUTE = "ModifyLoadBalancerAttributes:Attributes{%s}"
_TG_ATTRIBUTE = "ModifyTargetGroupAttributes:Attributes{%s}"
_LISTENER_ATTRIBUTE = "ModifyListenerAttributes:Attributes{%s}"

MAPPINGS: dict[str, ApiMapping] = {
    # ── certificates ──
    "aws:acm/certificate:Certificate": ApiMapping("acm", "RequestCertificate"),
    "aws:acm/certificateValidation:CertificateValidation": ApiMapping(
        "acm", "DescribeCertificate", not_api={"validationRecordFqdns": _WAITS}
    ),
    # ── application auto scaling ──
    "aws:appautoscaling/policy:Policy": ApiMapping(
        "application-autoscaling", "PutScalingPolicy", members={"name": "PolicyName"}, supplied={"PolicyName": _NAMED}
    ),
    "aws:appautoscaling/target:Target": ApiMapping("application-autoscaling", "RegisterScalableTarget"),
    # ── AppConfig ──
    "aws:appconfig/application:Application": ApiMapping("appconfig", "CreateApplication"),
    "aws:appconfig/configurationProfile:ConfigurationProfile": ApiMapping("appconfig", "CreateConfigurationProfile"),
    "aws:appconfig/deploymentStrategy:DeploymentStrategy": ApiMapping("appconfig", "CreateDeploymentStrategy"),
    "aws:appconfig/environment:Environment": ApiMapping("appconfig", "CreateEnvironment"),
    # ── AWS Backup ──
    "aws:backup/plan:Plan": ApiMapping(
        "backup",
        "CreateBackupPlan",
        root="BackupPlan",
        members={
            "name": "BackupPlanName",
            "rules.targetVaultName": "TargetBackupVaultName",
            "rules.schedule": "ScheduleExpression",
            "rules.startWindow": "StartWindowMinutes",
            "rules.completionWindow": "CompletionWindowMinutes",
            "rules.lifecycle.deleteAfter": "DeleteAfterDays",
            "rules.lifecycle.coldStorageAfter": "MoveToColdStorageAfterDays",
            "rules.copyActions.destinationVaultArn": "DestinationBackupVaultArn",
            "rules.copyActions.lifecycle.deleteAfter": "DeleteAfterDays",
            "rules.copyActions.lifecycle.coldStorageAfter": "MoveToColdStorageAfterDays",
            "tags": "/BackupPlanTags",
        },
    ),
    "aws:backup/selection:Selection": ApiMapping(
        "backup",
        "CreateBackupSelection",
        root="BackupSelection",
        members={"name": "SelectionName", "planId": "/BackupPlanId"},
    ),
    "aws:backup/vault:Vault": ApiMapping(
        "backup",
        "CreateBackupVault",
        members={"name": "BackupVaultName", "kmsKeyArn": "EncryptionKeyArn", "tags": "BackupVaultTags"},
        not_api={"forceDestroy": _PROVIDER_ONLY},
    ),
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": ApiMapping(
        "backup", "PutBackupVaultLockConfiguration", members={"backupVaultName": "BackupVaultName"}
    ),
    "aws:backup/vaultNotifications:VaultNotifications": ApiMapping(
        "backup", "PutBackupVaultNotifications", members={"snsTopicArn": "SNSTopicArn", "backupVaultEvents": "BackupVaultEvents"}
    ),
    # ── Budgets ──
    "aws:budgets/budget:Budget": ApiMapping(
        "budgets",
        "CreateBudget",
        root="Budget",
        members={
            "name": "BudgetName",
            "limitAmount": "BudgetLimit.Amount",
            "limitUnit": "BudgetLimit.Unit",
            "accountId": "/AccountId",
            "notifications": "/NotificationsWithSubscribers",
            "notifications.comparisonOperator": "Notification.ComparisonOperator",
            "notifications.notificationType": "Notification.NotificationType",
            "notifications.threshold": "Notification.Threshold",
            "notifications.thresholdType": "Notification.ThresholdType",
            "notifications.subscriberEmailAddresses": "Subscribers.Address",
            "notifications.subscriberSnsTopicArns": "Subscribers.Address",
        },
        supplied={"AccountId": "the provider reads the caller's account when accountId is left out"},
    ),
    # ── Cost Explorer: one tag's entry of the status list (the provider sends one per resource) ──
    "aws:costexplorer/costAllocationTag:CostAllocationTag": ApiMapping(
        "ce",
        "UpdateCostAllocationTagsStatus",
        members={"tagKey": "CostAllocationTagsStatus.TagKey", "status": "CostAllocationTagsStatus.Status"},
    ),
    # ── CloudFront ──
    "aws:cloudfront/distribution:Distribution": ApiMapping(
        "cloudfront",
        "CreateDistribution",
        root="DistributionConfig",
        members={
            "orderedCacheBehaviors": "CacheBehaviors",
            "defaultCacheBehavior.cachedMethods": "AllowedMethods.CachedMethods",
            "orderedCacheBehaviors.cachedMethods": "AllowedMethods.CachedMethods",
            "origins.originId": "Id",
            "webAclId": "WebACLId",
        },
        not_api={
            "waitForDeployment": _WAITS,
            "retainOnDelete": _PROVIDER_ONLY,
            "tags": "applied by the provider through CreateDistributionWithTags / TagResource",
        },
        supplied={"CallerReference": "the provider generates a unique caller reference"},
    ),
    "aws:cloudfront/originAccessControl:OriginAccessControl": ApiMapping(
        "cloudfront", "CreateOriginAccessControl", root="OriginAccessControlConfig"
    ),
    "aws:cloudfront/originRequestPolicy:OriginRequestPolicy": ApiMapping(
        "cloudfront", "CreateOriginRequestPolicy", root="OriginRequestPolicyConfig"
    ),
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": ApiMapping(
        "cloudfront", "CreateResponseHeadersPolicy", root="ResponseHeadersPolicyConfig"
    ),
    "aws:cloudfront/vpcOrigin:VpcOrigin": ApiMapping("cloudfront", "CreateVpcOrigin"),
    # ── CloudWatch ──
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": ApiMapping("cloudwatch", "PutCompositeAlarm"),
    "aws:cloudwatch/dashboard:Dashboard": ApiMapping("cloudwatch", "PutDashboard"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ApiMapping(
        "cloudwatch",
        "PutMetricAlarm",
        members={
            "name": "AlarmName",
            "metricQueries": "Metrics",
            "metricQueries.metric": "MetricStat",
            "metricQueries.metric.metricName": "Metric.MetricName",
            "metricQueries.metric.namespace": "Metric.Namespace",
            "metricQueries.metric.dimensions": "Metric.Dimensions",
        },
    ),
    # ── EventBridge ──
    "aws:cloudwatch/eventArchive:EventArchive": ApiMapping("events", "CreateArchive", members={"name": "ArchiveName"}),
    "aws:cloudwatch/eventBus:EventBus": ApiMapping("events", "CreateEventBus"),
    "aws:cloudwatch/eventRule:EventRule": ApiMapping("events", "PutRule", supplied={"Name": _NAMED}),
    "aws:cloudwatch/eventTarget:EventTarget": ApiMapping(
        "events",
        "PutTargets",
        members={
            "targetId": "Targets.Id",
            "arn": "Targets.Arn",
            "roleArn": "Targets.RoleArn",
            "input": "Targets.Input",
            "retryPolicy": "Targets.RetryPolicy",
        },
        not_api={"forceDestroy": _PROVIDER_ONLY},
    ),
    "aws:cloudwatch/eventConnection:EventConnection": ApiMapping(
        "events",
        "CreateConnection",
        members={
            "authParameters.apiKey": "ApiKeyAuthParameters",
            "authParameters.apiKey.key": "ApiKeyName",
            "authParameters.apiKey.value": "ApiKeyValue",
        },
    ),
    "aws:cloudwatch/eventApiDestination:EventApiDestination": ApiMapping(
        "events", "CreateApiDestination", members={"invocationEndpoint": "InvocationEndpoint"}
    ),
    # ── CloudWatch Logs ──
    "aws:cloudwatch/logDelivery:LogDelivery": ApiMapping("logs", "CreateDelivery"),
    "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": ApiMapping("logs", "PutDeliveryDestination"),
    "aws:cloudwatch/logDeliverySource:LogDeliverySource": ApiMapping("logs", "PutDeliverySource"),
    "aws:cloudwatch/logGroup:LogGroup": ApiMapping(
        "logs",
        "CreateLogGroup",
        members={"name": "logGroupName", "retentionInDays": "PutRetentionPolicy:retentionInDays"},
        not_api={"skipDestroy": _PROVIDER_ONLY},
        supplied={"logGroupName": _NAMED},
    ),
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": ApiMapping(
        "logs",
        "PutMetricFilter",
        members={
            "name": "filterName",
            "pattern": "filterPattern",
            "metricTransformation": "metricTransformations",
            "metricTransformation.name": "metricName",
            "metricTransformation.namespace": "metricNamespace",
            "metricTransformation.value": "metricValue",
        },
    ),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ApiMapping("logs", "PutResourcePolicy"),
    # ── EC2 / VPC ──
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ApiMapping(
        "ec2",
        "DescribeSecurityGroups",
        not_api={
            "vpcId": "the provider adopts the VPC's default group (found by VPC) and revokes its rules; no call creates it",
            "tags": "applied by the provider through CreateTags",
        },
    ),
    "aws:ec2/eip:Eip": ApiMapping("ec2", "AllocateAddress", members=_EC2_TAGS),
    "aws:ec2/flowLog:FlowLog": ApiMapping(
        "ec2",
        "CreateFlowLogs",
        members={**_EC2_TAGS, "iamRoleArn": "DeliverLogsPermissionArn", "vpcId": "ResourceIds"},
        supplied={"ResourceType": "the provider sets VPC for vpcId"},
    ),
    "aws:ec2/internetGateway:InternetGateway": ApiMapping(
        "ec2", "CreateInternetGateway", members={**_EC2_TAGS, "vpcId": "AttachInternetGateway:VpcId"}
    ),
    "aws:ec2/launchTemplate:LaunchTemplate": ApiMapping(
        "ec2",
        "CreateLaunchTemplate",
        root="LaunchTemplateData",
        members={
            **_EC2_TAGS,
            "name": "/LaunchTemplateName",
            "description": "/VersionDescription",
            "vpcSecurityGroupIds": "SecurityGroupIds",
        },
        not_api={"updateDefaultVersion": "the provider calls ModifyLaunchTemplate with the new version; no member carries it"},
        supplied={"LaunchTemplateName": _NAMED},
    ),
    "aws:ec2/natGateway:NatGateway": ApiMapping("ec2", "CreateNatGateway", members=_EC2_TAGS),
    "aws:ec2/routeTable:RouteTable": ApiMapping(
        "ec2",
        "CreateRouteTable",
        members={
            **_EC2_TAGS,
            "routes.cidrBlock": "CreateRoute:DestinationCidrBlock",
            "routes.gatewayId": "CreateRoute:GatewayId",
            "routes.natGatewayId": "CreateRoute:NatGatewayId",
            "routes.vpcEndpointId": "CreateRoute:VpcEndpointId",
        },
    ),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": ApiMapping("ec2", "AssociateRouteTable"),
    "aws:ec2/securityGroup:SecurityGroup": ApiMapping(
        "ec2",
        "CreateSecurityGroup",
        members={**_EC2_TAGS, "name": "GroupName"},
        not_api={"revokeRulesOnDelete": _PROVIDER_ONLY},
        supplied={"GroupName": _NAMED, "Description": "the provider sends 'Managed by Pulumi' when the program leaves it out"},
    ),
    "aws:ec2/subnet:Subnet": ApiMapping(
        "ec2",
        "CreateSubnet",
        members={**_EC2_TAGS, "mapPublicIpOnLaunch": "ModifySubnetAttribute:MapPublicIpOnLaunch.Value"},
    ),
    "aws:ec2/vpc:Vpc": ApiMapping(
        "ec2",
        "CreateVpc",
        members={
            **_EC2_TAGS,
            "enableDnsHostnames": "ModifyVpcAttribute:EnableDnsHostnames.Value",
            "enableDnsSupport": "ModifyVpcAttribute:EnableDnsSupport.Value",
        },
    ),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ApiMapping(
        "ec2",
        "AuthorizeSecurityGroupIngress",
        members={
            **_EC2_TAGS,
            "securityGroupId": "GroupId",
            "fromPort": "IpPermissions.FromPort",
            "toPort": "IpPermissions.ToPort",
            "ipProtocol": "IpPermissions.IpProtocol",
            "referencedSecurityGroupId": "IpPermissions.UserIdGroupPairs.GroupId",
            "cidrIpv4": "IpPermissions.IpRanges.CidrIp",
            "cidrIpv6": "IpPermissions.Ipv6Ranges.CidrIpv6",
            "prefixListId": "IpPermissions.PrefixListIds.PrefixListId",
            "description": "IpPermissions.IpRanges.Description",
        },
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ApiMapping(
        "ec2",
        "AuthorizeSecurityGroupEgress",
        members={
            **_EC2_TAGS,
            "securityGroupId": "GroupId",
            "fromPort": "IpPermissions.FromPort",
            "toPort": "IpPermissions.ToPort",
            "ipProtocol": "IpPermissions.IpProtocol",
            "referencedSecurityGroupId": "IpPermissions.UserIdGroupPairs.GroupId",
            "cidrIpv4": "IpPermissions.IpRanges.CidrIp",
            "cidrIpv6": "IpPermissions.Ipv6Ranges.CidrIpv6",
            "prefixListId": "IpPermissions.PrefixListIds.PrefixListId",
            "description": "IpPermissions.IpRanges.Description",
        },
    ),
    # ── ECR ──
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": ApiMapping(
        "ecr", "PutLifecyclePolicy", members={"policy": "lifecyclePolicyText", "repository": "repositoryName"}
    ),
    "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": ApiMapping("ecr", "PutRegistryScanningConfiguration"),
    "aws:ecr/repository:Repository": ApiMapping(
        "ecr",
        "CreateRepository",
        members={
            "name": "repositoryName",
            "encryptionConfigurations": "encryptionConfiguration",
            "forceDelete": "DeleteRepository:force",
        },
        supplied={"repositoryName": _NAMED},
    ),
    # ── EKS ──
    "aws:eks/accessEntry:AccessEntry": ApiMapping("eks", "CreateAccessEntry"),
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": ApiMapping("eks", "AssociateAccessPolicy"),
    "aws:eks/addon:Addon": ApiMapping(
        "eks",
        "CreateAddon",
        members={"resolveConflictsOnCreate": "resolveConflicts", "resolveConflictsOnUpdate": "UpdateAddon:resolveConflicts"},
        not_api={"preserve": "the provider passes it to DeleteAddon as a query flag"},
    ),
    "aws:eks/cluster:Cluster": ApiMapping(
        "eks",
        "CreateCluster",
        members={"vpcConfig": "resourcesVpcConfig", "enabledClusterLogTypes": "logging.clusterLogging.types"},
        not_api={"defaultAddonsToRemoves": _PROVIDER_ONLY, "forceUpdateVersion": _PROVIDER_ONLY},
        supplied={"name": _NAMED},
    ),
    "aws:eks/nodeGroup:NodeGroup": ApiMapping(
        "eks",
        "CreateNodegroup",
        members={"nodeRoleArn": "nodeRole", "subnetIds": "subnets", "nodeGroupName": "nodegroupName"},
        not_api={"forceUpdateVersion": _PROVIDER_ONLY},
        supplied={"nodegroupName": _NAMED},
    ),
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": ApiMapping("eks", "CreatePodIdentityAssociation"),
    # ── ElastiCache ──
    "aws:elasticache/parameterGroup:ParameterGroup": ApiMapping(
        "elasticache",
        "CreateCacheParameterGroup",
        members={
            "name": "CacheParameterGroupName",
            "family": "CacheParameterGroupFamily",
            "parameters": "ModifyCacheParameterGroup:ParameterNameValues",
            "parameters.name": "ParameterName",
            "parameters.value": "ParameterValue",
        },
        supplied={"CacheParameterGroupName": _NAMED},
    ),
    "aws:elasticache/replicationGroup:ReplicationGroup": ApiMapping(
        "elasticache",
        "CreateReplicationGroup",
        members={
            "description": "ReplicationGroupDescription",
            "nodeType": "CacheNodeType",
            "parameterGroupName": "CacheParameterGroupName",
            "subnetGroupName": "CacheSubnetGroupName",
            "maintenanceWindow": "PreferredMaintenanceWindow",
            "multiAzEnabled": "MultiAZEnabled",
            "authTokenUpdateStrategy": "ModifyReplicationGroup:AuthTokenUpdateStrategy",
            "finalSnapshotIdentifier": "DeleteReplicationGroup:FinalSnapshotIdentifier",
            "applyImmediately": "ModifyReplicationGroup:ApplyImmediately",
            "logDeliveryConfigurations.destination": "DestinationDetails.CloudWatchLogsDetails.LogGroup",
        },
    ),
    "aws:elasticache/subnetGroup:SubnetGroup": ApiMapping(
        "elasticache",
        "CreateCacheSubnetGroup",
        members={"name": "CacheSubnetGroupName", "description": "CacheSubnetGroupDescription"},
        supplied={"CacheSubnetGroupName": _NAMED},
    ),
    # ── IAM ──
    "aws:iam/policy:Policy": ApiMapping(
        "iam", "CreatePolicy", members={"name": "PolicyName", "policy": "PolicyDocument"}, supplied={"PolicyName": _NAMED}
    ),
    "aws:iam/role:Role": ApiMapping(
        "iam",
        "CreateRole",
        members={"name": "RoleName", "assumeRolePolicy": "AssumeRolePolicyDocument"},
        not_api={"forceDetachPolicies": _PROVIDER_ONLY},
        supplied={"RoleName": _NAMED},
    ),
    "aws:iam/rolePolicy:RolePolicy": ApiMapping(
        "iam",
        "PutRolePolicy",
        members={"name": "PolicyName", "policy": "PolicyDocument", "role": "RoleName"},
        supplied={"PolicyName": _NAMED},
    ),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ApiMapping("iam", "AttachRolePolicy", members={"role": "RoleName"}),
    # ── KMS ──
    "aws:kms/alias:Alias": ApiMapping("kms", "CreateAlias", members={"name": "AliasName"}, supplied={"AliasName": _NAMED}),
    "aws:kms/key:Key": ApiMapping(
        "kms",
        "CreateKey",
        members={
            "deletionWindowInDays": "ScheduleKeyDeletion:PendingWindowInDays",
            "rotationPeriodInDays": "EnableKeyRotation:RotationPeriodInDays",
            "customerMasterKeySpec": "KeySpec",
            "isEnabled": "EnableKey:KeyId",
        },
        not_api={"enableKeyRotation": "the provider calls EnableKeyRotation when true; no member carries the flag"},
    ),
    "aws:kms/keyPolicy:KeyPolicy": ApiMapping("kms", "PutKeyPolicy", supplied={"PolicyName": "the provider sends 'default'"}),
    # ── Elastic Load Balancing ──
    "aws:lb/listener:Listener": ApiMapping(
        "elbv2",
        "CreateListener",
        members={
            "certificateArn": "Certificates.CertificateArn",
            "defaultActions.fixedResponse": "FixedResponseConfig",
            "defaultActions.forward": "ForwardConfig",
            "defaultActions.forward.targetGroups.arn": "TargetGroupArn",
            "defaultActions.forward.stickiness": "TargetGroupStickinessConfig",
            "defaultActions.forward.stickiness.duration": "DurationSeconds",
            "defaultActions.redirect": "RedirectConfig",
            "routingHttpResponseServerEnabled": _LISTENER_ATTRIBUTE % "routing.http.response.server.enabled",
            "routingHttpResponseStrictTransportSecurityHeaderValue": _LISTENER_ATTRIBUTE
            % "routing.http.response.strict_transport_security.header_value",
            "routingHttpResponseXContentTypeOptionsHeaderValue": _LISTENER_ATTRIBUTE
            % "routing.http.response.x_content_type_options.header_value",
        },
    ),
    "aws:lb/listenerRule:ListenerRule": ApiMapping(
        "elbv2",
        "CreateRule",
        members={
            "actions.forward": "ForwardConfig",
            "actions.forward.targetGroups.arn": "TargetGroupArn",
            "actions.forward.stickiness": "TargetGroupStickinessConfig",
            "actions.forward.stickiness.duration": "DurationSeconds",
            "actions.fixedResponse": "FixedResponseConfig",
            "actions.redirect": "RedirectConfig",
            "conditions.hostHeader": "HostHeaderConfig",
            "conditions.httpHeader": "HttpHeaderConfig",
            "conditions.pathPattern": "PathPatternConfig",
            "conditions.sourceIp": "SourceIpConfig",
        },
        supplied={"Priority": "the provider picks the next free priority when the program leaves it out"},
    ),
    "aws:lb/loadBalancer:LoadBalancer": ApiMapping(
        "elbv2",
        "CreateLoadBalancer",
        members={
            "loadBalancerType": "Type",
            "accessLogs.bucket": _LB_ATTRIBUTE % "access_logs.s3.bucket",
            "accessLogs.enabled": _LB_ATTRIBUTE % "access_logs.s3.enabled",
            "accessLogs.prefix": _LB_ATTRIBUTE % "access_logs.s3.prefix",
            "desyncMitigationMode": _LB_ATTRIBUTE % "routing.http.desync_mitigation_mode",
            "dropInvalidHeaderFields": _LB_ATTRIBUTE % "routing.http.drop_invalid_header_fields.enabled",
            "enableDeletionProtection": _LB_ATTRIBUTE % "deletion_protection.enabled",
            "enableHttp2": _LB_ATTRIBUTE % "routing.http2.enabled",
            "idleTimeout": _LB_ATTRIBUTE % "idle_timeout.timeout_seconds",
        },
        not_api={"internal": "the provider turns it into Scheme (internal / internet-facing)"},
        supplied={"Name": _NAMED},
    ),
    "aws:lb/targetGroup:TargetGroup": ApiMapping(
        "elbv2",
        "CreateTargetGroup",
        members={
            "healthCheck.enabled": "/HealthCheckEnabled",
            "healthCheck.healthyThreshold": "/HealthyThresholdCount",
            "healthCheck.interval": "/HealthCheckIntervalSeconds",
            "healthCheck.matcher": "/Matcher.HttpCode",
            "healthCheck.path": "/HealthCheckPath",
            "healthCheck.port": "/HealthCheckPort",
            "healthCheck.protocol": "/HealthCheckProtocol",
            "healthCheck.timeout": "/HealthCheckTimeoutSeconds",
            "healthCheck.unhealthyThreshold": "/UnhealthyThresholdCount",
            "deregistrationDelay": _TG_ATTRIBUTE % "deregistration_delay.timeout_seconds",
            "slowStart": _TG_ATTRIBUTE % "slow_start.duration_seconds",
        },
        supplied={"Name": _NAMED},
    ),
    # ── RDS ──
    "aws:rds/cluster:Cluster": ApiMapping(
        "rds",
        "CreateDBCluster",
        members={
            "clusterIdentifier": "DBClusterIdentifier",
            "enabledCloudwatchLogsExports": "EnableCloudwatchLogsExports",
            "iamDatabaseAuthenticationEnabled": "EnableIAMDatabaseAuthentication",
            "masterPassword": "MasterUserPassword",
            "allowMajorVersionUpgrade": "ModifyDBCluster:AllowMajorVersionUpgrade",
            "applyImmediately": "ModifyDBCluster:ApplyImmediately",
            "dbInstanceParameterGroupName": "ModifyDBCluster:DBInstanceParameterGroupName",
            "deleteAutomatedBackups": "DeleteDBCluster:DeleteAutomatedBackups",
            "finalSnapshotIdentifier": "DeleteDBCluster:FinalDBSnapshotIdentifier",
            "skipFinalSnapshot": "DeleteDBCluster:SkipFinalSnapshot",
        },
        supplied={"DBClusterIdentifier": _NAMED},
    ),
    "aws:rds/clusterInstance:ClusterInstance": ApiMapping(
        "rds",
        "CreateDBInstance",
        members={
            "identifier": "DBInstanceIdentifier",
            "clusterIdentifier": "DBClusterIdentifier",
            "instanceClass": "DBInstanceClass",
            "caCertIdentifier": "CACertificateIdentifier",
            "performanceInsightsEnabled": "EnablePerformanceInsights",
            "applyImmediately": "ModifyDBInstance:ApplyImmediately",
        },
        supplied={"DBInstanceIdentifier": _NAMED},
    ),
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": ApiMapping(
        "rds",
        "CreateDBClusterParameterGroup",
        members={
            "name": "DBClusterParameterGroupName",
            "family": "DBParameterGroupFamily",
            "parameters": "ModifyDBClusterParameterGroup:Parameters",
            "parameters.name": "ParameterName",
            "parameters.value": "ParameterValue",
        },
        supplied={"DBClusterParameterGroupName": _NAMED, "Description": "the provider sends 'Managed by Pulumi' when left out"},
    ),
    "aws:rds/parameterGroup:ParameterGroup": ApiMapping(
        "rds",
        "CreateDBParameterGroup",
        members={
            "name": "DBParameterGroupName",
            "family": "DBParameterGroupFamily",
            "parameters": "ModifyDBParameterGroup:Parameters",
            "parameters.name": "ParameterName",
            "parameters.value": "ParameterValue",
        },
        supplied={"DBParameterGroupName": _NAMED, "Description": "the provider sends 'Managed by Pulumi' when left out"},
    ),
    "aws:rds/subnetGroup:SubnetGroup": ApiMapping(
        "rds",
        "CreateDBSubnetGroup",
        members={"name": "DBSubnetGroupName", "description": "DBSubnetGroupDescription"},
        supplied={"DBSubnetGroupName": _NAMED, "DBSubnetGroupDescription": "the provider sends 'Managed by Pulumi' when left out"},
    ),
    # ── Route 53 ──
    "aws:route53/record:Record": ApiMapping(
        "route53",
        "ChangeResourceRecordSets",
        root="ChangeBatch.Changes.ResourceRecordSet",
        members={
            "zoneId": "/HostedZoneId",
            "records": "ResourceRecords.Value",
            "aliases": "AliasTarget",
            "aliases.name": "DNSName",
            "aliases.zoneId": "HostedZoneId",
        },
        not_api={"allowOverwrite": "the provider sends UPSERT instead of CREATE when true"},
    ),
    # ── S3 ──
    "aws:s3/bucket:Bucket": ApiMapping(
        "s3",
        "CreateBucket",
        not_api={"forceDestroy": "the provider empties the bucket before DeleteBucket when true"},
        supplied={"Bucket": _NAMED},
    ),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ApiMapping(
        "s3", "PutBucketLifecycleConfiguration", members={"rules": "LifecycleConfiguration.Rules"}
    ),
    "aws:s3/bucketObjectv2:BucketObjectv2": ApiMapping(
        "s3", "PutObject", not_api={"source": "a file the provider uploads as the request body"}
    ),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ApiMapping(
        "s3", "PutBucketOwnershipControls", members={"rule": "OwnershipControls.Rules"}
    ),
    "aws:s3/bucketPolicy:BucketPolicy": ApiMapping("s3", "PutBucketPolicy"),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ApiMapping(
        "s3", "PutPublicAccessBlock", root="PublicAccessBlockConfiguration", members={"bucket": "/Bucket"}
    ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": ApiMapping(
        "s3", "PutBucketEncryption", members={"rules": "ServerSideEncryptionConfiguration.Rules"}
    ),
    "aws:s3/bucketVersioning:BucketVersioning": ApiMapping("s3", "PutBucketVersioning"),
    # ── SNS / SQS ──
    "aws:sns/topic:Topic": ApiMapping(
        "sns",
        "CreateTopic",
        members={
            "displayName": "Attributes{DisplayName}",
            "kmsMasterKeyId": "Attributes{KmsMasterKeyId}",
            "policy": "Attributes{Policy}",
            "deliveryPolicy": "Attributes{DeliveryPolicy}",
        },
        supplied={"Name": _NAMED},
    ),
    "aws:sns/topicPolicy:TopicPolicy": ApiMapping(
        "sns",
        "SetTopicAttributes",
        members={"arn": "TopicArn", "policy": "AttributeValue"},
        supplied={"AttributeName": "the provider sends 'Policy'"},
    ),
    "aws:sns/topicSubscription:TopicSubscription": ApiMapping(
        "sns", "Subscribe", members={"topic": "TopicArn"}, not_api={"endpointAutoConfirms": _WAITS}
    ),
    "aws:sqs/queue:Queue": ApiMapping(
        "sqs",
        "CreateQueue",
        members={
            "name": "QueueName",
            "messageRetentionSeconds": "Attributes{MessageRetentionPeriod}",
            "sqsManagedSseEnabled": "Attributes{SqsManagedSseEnabled}",
            "kmsMasterKeyId": "Attributes{KmsMasterKeyId}",
            "visibilityTimeoutSeconds": "Attributes{VisibilityTimeout}",
            "policy": "Attributes{Policy}",
        },
        supplied={"QueueName": _NAMED},
    ),
    "aws:sqs/queuePolicy:QueuePolicy": ApiMapping("sqs", "SetQueueAttributes", members={"policy": "Attributes{Policy}"}),
    # ── CloudWatch Synthetics ──
    "aws:synthetics/canary:Canary": ApiMapping(
        "synthetics",
        "CreateCanary",
        members={
            "handler": "Code.Handler",
            "s3Bucket": "Code.S3Bucket",
            "s3Key": "Code.S3Key",
            "s3Version": "Code.S3Version",
            "zipFile": "Code.ZipFile",
            "failureRetentionPeriod": "FailureRetentionPeriodInDays",
            "successRetentionPeriod": "SuccessRetentionPeriodInDays",
            "deleteLambda": "DeleteCanary:DeleteLambda",
        },
        not_api={"startCanary": "the provider calls StartCanary when true; no member carries the flag"},
    ),
    # ── WAF ──
    "aws:wafv2/ipSet:IpSet": ApiMapping("wafv2", "CreateIPSet"),
    "aws:wafv2/webAcl:WebAcl": ApiMapping("wafv2", "CreateWebACL", supplied={"Name": _NAMED}),
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": ApiMapping(
        "wafv2", "PutLoggingConfiguration", root="LoggingConfiguration"
    ),
}
