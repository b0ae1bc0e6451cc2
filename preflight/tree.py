"""The human view of a plan: the component tree with key settings, counts, secrets to set."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from preflight.recorder import RecordedResource
from preflight.runner import Run

# What a reviewer wants to see on each line, by type: input paths (dotted, [n] for lists).
KEY_SETTINGS: dict[str, tuple[str, ...]] = {
    "pulumi:providers:aws": ("region", "defaultTags.tags"),
    "aws:ec2/vpc:Vpc": ("cidrBlock",),
    "aws:ec2/subnet:Subnet": ("availabilityZone", "cidrBlock"),
    "aws:ec2/flowLog:FlowLog": ("trafficType", "logDestinationType"),
    "aws:cloudwatch/logGroup:LogGroup": ("name", "retentionInDays"),
    "aws:kms/key:Key": ("enableKeyRotation", "deletionWindowInDays"),
    "aws:eks/cluster:Cluster": (
        "name",
        "version",
        "encryptionConfig.resources",
        "enabledClusterLogTypes",
        "vpcConfig.endpointPublicAccess",
        "vpcConfig.publicAccessCidrs",
    ),
    "aws:eks/nodeGroup:NodeGroup": ("instanceTypes", "amiType", "capacityType", "scalingConfig"),
    "aws:ec2/launchTemplate:LaunchTemplate": (
        "blockDeviceMappings[0].ebs.volumeSize",
        "blockDeviceMappings[0].ebs.volumeType",
        "blockDeviceMappings[0].ebs.encrypted",
        "metadataOptions.httpTokens",
    ),
    # data tier: Aurora, ElastiCache and the rules that let the app reach them
    "aws:rds/cluster:Cluster": (
        "clusterIdentifier",
        "engineVersion",
        "storageEncrypted",
        "backupRetentionPeriod",
        "deletionProtection",
        "finalSnapshotIdentifier",
        "iamDatabaseAuthenticationEnabled",
        "enabledCloudwatchLogsExports",
    ),
    "aws:rds/clusterInstance:ClusterInstance": ("instanceClass", "availabilityZone", "promotionTier", "publiclyAccessible"),
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": ("family", "parameters"),
    "aws:rds/parameterGroup:ParameterGroup": ("family",),
    "aws:appautoscaling/target:Target": ("scalableDimension", "minCapacity", "maxCapacity"),
    "aws:elasticache/replicationGroup:ReplicationGroup": (
        "engine",
        "engineVersion",
        "nodeType",
        "numNodeGroups",
        "replicasPerNodeGroup",
        "multiAzEnabled",
        "transitEncryptionMode",
        "atRestEncryptionEnabled",
        "snapshotRetentionLimit",
    ),
    "aws:elasticache/parameterGroup:ParameterGroup": ("family",),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ("ipProtocol", "fromPort", "referencedSecurityGroupId"),
    # edge: certificates, load balancer, WAF, CloudFront and its bucket, the internal CA
    "aws:acm/certificate:Certificate": ("domainName", "subjectAlternativeNames", "validationMethod", "keyAlgorithm"),
    "aws:lb/loadBalancer:LoadBalancer": ("internal", "enableDeletionProtection", "dropInvalidHeaderFields", "accessLogs.enabled"),
    "aws:lb/listener:Listener": (
        "port",
        "protocol",
        "sslPolicy",
        "routingHttpResponseStrictTransportSecurityHeaderValue",
        "defaultActions[0].type",
        "defaultActions[0].redirect.statusCode",
        "defaultActions[0].fixedResponse.statusCode",
    ),
    "aws:lb/targetGroup:TargetGroup": ("protocol", "port", "targetType", "healthCheck.path", "deregistrationDelay", "slowStart"),
    "aws:lb/listenerRule:ListenerRule": ("priority", "actions[0].forward.targetGroups"),
    "aws:wafv2/webAcl:WebAcl": ("name", "scope"),
    "aws:wafv2/ipSet:IpSet": ("ipAddressVersion", "addresses"),
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": ("redactedFields",),
    "aws:cloudfront/vpcOrigin:VpcOrigin": ("vpcOriginEndpointConfig.name", "vpcOriginEndpointConfig.originSslProtocols.items"),
    "aws:cloudfront/distribution:Distribution": (
        "aliases",
        "viewerCertificate.minimumProtocolVersion",
        "viewerCertificate.sslSupportMethod",
        "defaultCacheBehavior.viewerProtocolPolicy",
        "httpVersion",
        "priceClass",
    ),
    "aws:cloudfront/originAccessControl:OriginAccessControl": ("signingBehavior", "signingProtocol"),
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": ("securityHeadersConfig.strictTransportSecurity.accessControlMaxAgeSec",),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        "rules[0].applyServerSideEncryptionByDefault.sseAlgorithm",
    ),
    "tls:index/privateKey:PrivateKey": ("algorithm", "ecdsaCurve", "rsaBits"),
    "tls:index/locallySignedCert:LocallySignedCert": ("validityPeriodHours", "earlyRenewalHours"),
    "tls:index/selfSignedCert:SelfSignedCert": ("isCaCertificate", "validityPeriodHours", "earlyRenewalHours"),
    # operations: an alarm's metric, or a metric-math alarm's errors metric and rate
    "aws:cloudwatch/metricAlarm:MetricAlarm": (
        "metricName",
        "statistic",
        "metricQueries[0].metric.metricName",
        "metricQueries[2].expression",
        "comparisonOperator",
        "threshold",
        "evaluationPeriods",
    ),
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": ("alarmName",),
    "aws:sns/topic:Topic": ("name",),
    "aws:sns/topicSubscription:TopicSubscription": ("protocol", "endpoint"),
    "aws:budgets/budget:Budget": ("budgetType", "timeUnit", "limitAmount", "limitUnit"),
    "aws:costexplorer/costAllocationTag:CostAllocationTag": ("tagKey", "status"),
    "aws:cloudwatch/dashboard:Dashboard": ("dashboardName",),
}


def lookup(value: Any, path: str) -> Any:
    for part in path.replace("[", ".[").split("."):
        if isinstance(value, str) and value[:1] == "{":
            value = json.loads(value)  # provider inputs: the engine receives objects as JSON text
        if part.startswith("["):
            index = int(part[1:-1])
            value = value[index] if isinstance(value, list) and index < len(value) else None
        else:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


def _settings(resource: RecordedResource) -> str:
    shown = []
    for path in KEY_SETTINGS.get(resource.type, ()):
        value = lookup(resource.inputs, path)
        if value is not None:
            label = path.rsplit(".", 1)[-1]
            shown.append(f"{label}={_compact(value)}")
    return "  " + " ".join(shown) if shown else ""


def _compact(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ",".join(_compact(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{_compact(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def fit(head: str, tail: str, width: int | None) -> str:
    """`head + tail` in `width` columns: the settings (`tail`) are cut first, then the name (`head`)."""
    line = head + tail
    if width is None or len(line) <= width:
        return line
    room = width - len(head)
    if room >= 12:
        return head + tail[: room - 1] + "…"
    return head[: width - 1] + "…"


def render_tree(run: Run, width: int | None = None) -> list[str]:
    """The component tree, one resource a line; with `width`, each line is cut to fit it."""
    children: dict[str | None, list[RecordedResource]] = {}
    for resource in run.resources:
        children.setdefault(resource.parent, []).append(resource)
    lines: list[str] = []

    def walk(resource: RecordedResource, prefix: str, last: bool, top: bool) -> None:
        branch = "" if top else ("└─ " if last else "├─ ")
        flags = " [protected]" if resource.protect else ""
        kind = resource.type if resource.custom else f"component {resource.type}"
        lines.append(fit(f"{prefix}{branch}{resource.name} ({kind}){flags}", _settings(resource), width))
        kids = children.get(resource.urn, [])
        # Components first, then resources: the shape of the stack before its details.
        kids = sorted(kids, key=lambda r: (r.custom, r.type, r.name))
        for index, kid in enumerate(kids):
            extension = "" if top else ("   " if last else "│  ")
            walk(kid, prefix + extension, index == len(kids) - 1, False)

    for root in children.get(None, []):
        walk(root, "", True, True)
    return lines


def render_counts(run: Run) -> list[str]:
    counts = Counter(r.type for r in run.resources if r.custom)
    width = max((len(t) for t in counts), default=0)
    lines = [f"  {type_token.ljust(width)}  {count:>3}" for type_token, count in sorted(counts.items())]
    lines.append(f"  {'total'.ljust(width)}  {sum(counts.values()):>3}")
    return lines


def render_secrets(run: Run, width: int | None = None) -> list[str]:
    if not run.stack_file.placeholders:
        return ["  none: every required secret is set"]
    return [fit(f"  {key}: ", why, width) for key, why in sorted(run.stack_file.placeholders.items())]
