"""Data rows of the mapping table: the databases (Aurora and its replica scaling, ElastiCache), S3,
AWS Backup and the KMS keys that encrypt them."""

from __future__ import annotations

from policy.aws_api.api_mapping import NAMED, PROVIDER_ONLY, ApiMapping

MANAGED_BY_PULUMI = "the provider sends 'Managed by Pulumi' when left out"


def _parameters(call: str) -> dict[str, str]:
    """A parameter group's parameters: not in the create call, but set by the modify call that follows it."""
    return {"parameters": call, "parameters.name": "ParameterName", "parameters.value": "ParameterValue"}


def _rds_parameter_group(kind: str) -> ApiMapping:
    """An Aurora cluster's (`DBCluster`) or its instances' (`DB`) parameter group: the calls differ only by name."""
    name = f"{kind}ParameterGroupName"
    return ApiMapping(
        "rds",
        f"Create{kind}ParameterGroup",
        members={"name": name, "family": "DBParameterGroupFamily", **_parameters(f"Modify{kind}ParameterGroup:Parameters")},
        supplied={name: NAMED, "Description": MANAGED_BY_PULUMI},
    )


DATA: dict[str, ApiMapping] = {
    # ── application auto scaling ──
    "aws:appautoscaling/policy:Policy": ApiMapping(
        "application-autoscaling", "PutScalingPolicy", members={"name": "PolicyName"}, supplied={"PolicyName": NAMED}
    ),
    "aws:appautoscaling/target:Target": ApiMapping("application-autoscaling", "RegisterScalableTarget"),
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
        not_api={"forceDestroy": PROVIDER_ONLY},
    ),
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": ApiMapping(
        "backup", "PutBackupVaultLockConfiguration", members={"backupVaultName": "BackupVaultName"}
    ),
    "aws:backup/vaultNotifications:VaultNotifications": ApiMapping(
        "backup", "PutBackupVaultNotifications", members={"snsTopicArn": "SNSTopicArn", "backupVaultEvents": "BackupVaultEvents"}
    ),
    # ── ElastiCache ──
    "aws:elasticache/parameterGroup:ParameterGroup": ApiMapping(
        "elasticache",
        "CreateCacheParameterGroup",
        members={
            "name": "CacheParameterGroupName",
            "family": "CacheParameterGroupFamily",
            **_parameters("ModifyCacheParameterGroup:ParameterNameValues"),
        },
        supplied={"CacheParameterGroupName": NAMED},
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
        supplied={"CacheSubnetGroupName": NAMED},
    ),
    # ── KMS ──
    "aws:kms/alias:Alias": ApiMapping("kms", "CreateAlias", members={"name": "AliasName"}, supplied={"AliasName": NAMED}),
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
        supplied={"DBClusterIdentifier": NAMED},
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
        supplied={"DBInstanceIdentifier": NAMED},
    ),
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": _rds_parameter_group("DBCluster"),
    "aws:rds/parameterGroup:ParameterGroup": _rds_parameter_group("DB"),
    "aws:rds/subnetGroup:SubnetGroup": ApiMapping(
        "rds",
        "CreateDBSubnetGroup",
        members={"name": "DBSubnetGroupName", "description": "DBSubnetGroupDescription"},
        supplied={"DBSubnetGroupName": NAMED, "DBSubnetGroupDescription": MANAGED_BY_PULUMI},
    ),
    # ── S3 ──
    "aws:s3/bucket:Bucket": ApiMapping(
        "s3",
        "CreateBucket",
        not_api={"forceDestroy": "the provider empties the bucket before DeleteBucket when true"},
        supplied={"Bucket": NAMED},
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
}
