"""Operations rows of the mapping table: monitoring and alerting (CloudWatch alarms, logs, canaries),
events and notifications (EventBridge, SNS, SQS), cost (Budgets, Cost Explorer) and feature flags (AppConfig)."""

from __future__ import annotations

from policy.aws_api.api_mapping import NAMED, PROVIDER_ONLY, WAITS, ApiMapping

OPERATIONS: dict[str, ApiMapping] = {
    # ── AppConfig ──
    "aws:appconfig/application:Application": ApiMapping("appconfig", "CreateApplication"),
    "aws:appconfig/configurationProfile:ConfigurationProfile": ApiMapping("appconfig", "CreateConfigurationProfile"),
    "aws:appconfig/deploymentStrategy:DeploymentStrategy": ApiMapping("appconfig", "CreateDeploymentStrategy"),
    "aws:appconfig/environment:Environment": ApiMapping("appconfig", "CreateEnvironment"),
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
    "aws:cloudwatch/eventRule:EventRule": ApiMapping("events", "PutRule", supplied={"Name": NAMED}),
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
        not_api={"forceDestroy": PROVIDER_ONLY},
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
        not_api={"skipDestroy": PROVIDER_ONLY},
        supplied={"logGroupName": NAMED},
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
        supplied={"Name": NAMED},
    ),
    "aws:sns/topicPolicy:TopicPolicy": ApiMapping(
        "sns",
        "SetTopicAttributes",
        members={"arn": "TopicArn", "policy": "AttributeValue"},
        supplied={"AttributeName": "the provider sends 'Policy'"},
    ),
    "aws:sns/topicSubscription:TopicSubscription": ApiMapping(
        "sns", "Subscribe", members={"topic": "TopicArn"}, not_api={"endpointAutoConfirms": WAITS}
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
        supplied={"QueueName": NAMED},
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
}
