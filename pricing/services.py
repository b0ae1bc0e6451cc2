"""One pricing function per billable AWS resource type, and the table that names them.

Each function turns a record's inputs (and, where a price depends on usage, the stack's usage
figures) into priced lines; the dispatcher in ``pricer`` sums them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from documents.reader import UNKNOWN
from pricing.context import (
    MILLION,
    Line,
    Pricer,
    PricingContext,
    UnpricedError,
    as_list,
    as_mapping,
    known_value,
    monthly_hours,
    non_negative_number,
)
from pricing.integrations import PRICERS as INTEGRATION_PRICERS

# EKS versions older than this are in extended support as of the catalogue date (2026-11):
# 1.33 left standard support in 2026-07, 1.34 leaves it in 2026-12. Unconfirmed: re-check
# the EKS version calendar whenever the catalogue is re-dated.
EKS_OLDEST_STANDARD_VERSION = (1, 34)
# AWS WAF log destinations must be named with this prefix (WAFV2 API, LoggingConfiguration).
WAF_LOG_GROUP_PREFIX = "aws-waf-logs-"


def _eks_cluster(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    inputs = r["inputs"]
    version = inputs.get("version")
    support = (inputs.get("upgradePolicy") or {}).get("supportType")
    extended = False
    if isinstance(version, str) and version != UNKNOWN:
        major, _, minor = version.partition(".")
        if major.isdigit() and minor.isdigit():
            extended = (int(major), int(minor)) < EKS_OLDEST_STANDARD_VERSION and support != "STANDARD"
    else:
        ctx.note("An EKS cluster without a version is priced at standard support.")
    tier = "extended" if extended else "standard"
    price = ctx.price(r, f"eks.cluster.{tier}", f"EKS {tier} support")
    return [Line(f"control plane ({tier} support)", "hours", monthly_hours(Decimal(1)), price)]


def _launch_template_for(r: Mapping[str, Any], ctx: PricingContext) -> Mapping[str, Any] | None:
    siblings = [s for s in ctx.children.get(r.get("parent"), []) if s["type"] == "aws:ec2/launchTemplate:LaunchTemplate"]
    wanted = (r["inputs"].get("launchTemplate") or {}).get("name")
    for sibling in siblings:
        if wanted and sibling["inputs"].get("name") == wanted:
            return sibling
    if len(siblings) > 1:
        ctx.note(f"{r['name']}: several launch templates beside the node group; the first one's volumes are priced.")
    return siblings[0] if siblings else None


def _eks_node_group(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    inputs = r["inputs"]
    if inputs.get("capacityType") == "SPOT":
        raise UnpricedError("SPOT capacity has no fixed price")
    types = as_list(inputs.get("instanceTypes") or ["t3.medium"], "instanceTypes")
    instance_type = str(known_value(types[0], "instanceTypes"))
    if len(types) > 1:
        ctx.note(f"{r['name']}: priced as {instance_type}, the first of its instance types.")
    scaling = as_mapping(inputs.get("scalingConfig") or {}, "scalingConfig")
    nodes = non_negative_number(scaling.get("desiredSize"), "scalingConfig.desiredSize")
    if scaling.get("maxSize") not in (None, UNKNOWN) and non_negative_number(scaling["maxSize"], "scalingConfig.maxSize") > nodes:
        ctx.note(f"{r['name']}: priced at desiredSize {nodes}; it may scale to maxSize {scaling['maxSize']}.")
    lines = [
        Line(
            f"instance hours ({instance_type})",
            "hours",
            monthly_hours(nodes),
            ctx.price(r, f"ec2.instance.{instance_type}", f"EC2 instance type {instance_type}"),
        )
    ]
    template = _launch_template_for(r, ctx)
    size: Any = inputs.get("diskSize") or 20
    volume_type = "gp2"
    if template is not None:
        mappings = template["inputs"].get("blockDeviceMappings") or []
        ebs = next((m.get("ebs") for m in mappings if isinstance(m, dict) and isinstance(m.get("ebs"), dict)), None)
        if ebs is not None:
            size = ebs.get("volumeSize", size)
            if "volumeType" not in ebs:
                ctx.note(f"{r['name']}: the launch template names no volume type; gp3 is assumed.")
            volume_type = str(ebs.get("volumeType") or "gp3")
    size_gb = non_negative_number(size, "root volume size")
    lines.append(
        Line(
            f"root volumes ({volume_type}, {size_gb} GiB each)",
            "GB-month",
            nodes * size_gb,
            ctx.price(r, f"ebs.{volume_type}", f"EBS {volume_type}"),
        )
    )
    return lines


def _nat_gateway(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    return [
        Line("NAT gateway hours", "hours", monthly_hours(Decimal(1)), ctx.price(r, "nat.hour", "NAT gateway hours")),
        Line("data processed", "GB", ctx.figure(r, "monthly_data_processed_gb"), ctx.price(r, "nat.gb", "NAT data")),
    ]


def _eip(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    return [Line("public IPv4 address hours", "hours", monthly_hours(Decimal(1)), ctx.price(r, "ipv4.public.hour", "public IPv4"))]


def _load_balancer(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    inputs = r["inputs"]
    kind = inputs.get("loadBalancerType") or "application"
    if kind != "application":
        raise UnpricedError(f"{kind} load balancers are not in the catalogue")
    lines = [
        Line("load balancer hours", "hours", monthly_hours(Decimal(1)), ctx.price(r, "alb.hour", "ALB hours")),
        Line("load balancer capacity units", "LCU-hours", ctx.figure(r, "lcu_hours"), ctx.price(r, "alb.lcu", "ALB LCUs")),
    ]
    if not inputs.get("internal"):
        subnets = inputs.get("subnets") or inputs.get("subnetMappings")
        if isinstance(subnets, list) and UNKNOWN not in subnets:
            addresses = Decimal(len(subnets))
            ipv4 = ctx.price(r, "ipv4.public.hour", "public IPv4")
            lines.append(Line(f"public IPv4 addresses ({addresses}, one per subnet)", "hours", monthly_hours(addresses), ipv4))
        else:
            ctx.unpriced_part(r, "public IPv4 addresses: its subnets are unknown until apply")
    return lines


def _replication_group(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    inputs = r["inputs"]
    engine = str(inputs.get("engine") or "redis")
    node_type = str(known_value(inputs.get("nodeType"), "nodeType"))
    if inputs.get("numCacheClusters") is not None:
        nodes = non_negative_number(inputs["numCacheClusters"], "numCacheClusters")
    else:
        shards = non_negative_number(inputs.get("numNodeGroups"), "numNodeGroups", default=1)
        replicas = non_negative_number(inputs.get("replicasPerNodeGroup"), "replicasPerNodeGroup", default=0)
        nodes = shards * (1 + replicas)
    price = ctx.price(r, f"elasticache.{engine}.{node_type}", f"ElastiCache {engine} {node_type}")
    return [Line(f"cache node hours ({nodes} x {node_type}, {engine})", "hours", monthly_hours(nodes), price)]


def _serverless_cache(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    engine = str(r["inputs"].get("engine") or "valkey")
    minimum = Decimal("0.1") if engine == "valkey" else Decimal(1)  # GB metered at the least
    stored = max(ctx.figure(r, "data_stored_gb"), minimum)
    ecpus = ctx.figure(r, "monthly_ecpus")
    return [
        Line(
            f"data stored ({engine}, at least {minimum} GB)",
            "GB-hours",
            monthly_hours(stored),
            ctx.price(r, f"elasticache.serverless.{engine}.gb-hour", "ElastiCache Serverless data"),
        ),
        Line(
            "ElastiCache Processing Units",
            "1M ECPUs",
            ecpus / MILLION,
            ctx.price(r, f"elasticache.serverless.{engine}.ecpu", "ElastiCache Serverless ECPUs"),
        ),
    ]


def _storage_config(inputs: Mapping[str, Any]) -> str:
    return "iopt1" if inputs.get("storageType") == "aurora-iopt1" else "standard"


def _rds_cluster(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    inputs = r["inputs"]
    engine = str(inputs.get("engine") or "")
    if not engine.startswith("aurora"):
        raise UnpricedError(f"engine {engine or '(none)'} is not an Aurora engine in the catalogue")
    config = _storage_config(inputs)
    ctx.note("Aurora backup storage up to the cluster's size is free and not priced.")
    lines = [
        Line(
            f"storage ({'I/O-Optimized' if config == 'iopt1' else 'Standard'})",
            "GB-month",
            ctx.figure(r, "storage_gb"),
            ctx.price(r, f"aurora.{config}.storage", "Aurora storage"),
        )
    ]
    if config == "standard":
        requests = ctx.figure(r, "monthly_io_requests")
        lines.append(Line("I/O requests", "1M requests", requests / MILLION, ctx.price(r, "aurora.standard.io", "Aurora I/O")))
    return lines


def _cluster_of(r: Mapping[str, Any], ctx: PricingContext) -> Mapping[str, Any] | None:
    wanted = r["inputs"].get("clusterIdentifier")
    clusters = [c for c in ctx.by_urn.values() if c["type"] == "aws:rds/cluster:Cluster"]
    for cluster in clusters:
        if wanted and cluster["inputs"].get("clusterIdentifier") == wanted:
            return cluster
    siblings = [c for c in clusters if c.get("parent") == r.get("parent")]
    return siblings[0] if len(siblings) == 1 else None


def _rds_cluster_instance(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    inputs = r["inputs"]
    engine = str(inputs.get("engine") or "aurora-postgresql")
    klass = str(known_value(inputs.get("instanceClass"), "instanceClass"))
    if klass == "db.serverless":
        raise UnpricedError("Aurora Serverless v2 is billed per ACU-hour, not in the catalogue")
    cluster = _cluster_of(r, ctx)
    config = _storage_config(cluster["inputs"]) if cluster is not None else "standard"
    if cluster is None:
        ctx.note(f"{r['name']}: its cluster is not in the document; Standard storage pricing is assumed.")
    retention = inputs.get("performanceInsightsRetentionPeriod")
    if inputs.get("performanceInsightsEnabled") and isinstance(retention, int) and retention > 7:
        ctx.unpriced_part(r, f"Performance Insights retention of {retention} days (only the free 7 days is priced)")
    price = ctx.price(r, f"{engine}.{config}.{klass}", f"{engine} {klass} ({config})")
    lines = [Line(f"instance hours ({klass})", "hours", monthly_hours(Decimal(1)), price)]
    if inputs.get("monitoringInterval"):
        # Enhanced Monitoring's OS metrics land in the RDSOSMetrics log group, billed as log ingestion.
        monitoring = ctx.figure(r, "enhanced_monitoring_gb")
        lines.append(Line("Enhanced Monitoring log ingestion", "GB", monitoring, ctx.price(r, "cloudwatch.logs.ingest", "log ingestion")))
    return lines


def _cloudfront(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    if r["inputs"].get("priceClass") not in (None, "PriceClass_100"):
        ctx.note("CloudFront is priced at North America/Europe rates; traffic served elsewhere costs more.")
    transfer = ctx.figure(r, "monthly_data_transfer_to_internet_gb")
    https = ctx.figure(r, "monthly_https_requests")
    http = ctx.figure(r, "monthly_http_requests")
    return [
        Line("data transfer to internet", "GB", transfer, ctx.price(r, "cloudfront.transfer.gb", "CloudFront transfer")),
        Line("HTTPS requests", "requests", https, ctx.price(r, "cloudfront.https.request", "CloudFront HTTPS requests")),
        Line("HTTP requests", "requests", http, ctx.price(r, "cloudfront.http.request", "CloudFront HTTP requests")),
    ]


def _s3_bucket(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    return [Line("storage (Standard)", "GB-month", ctx.figure(r, "storage_gb"), ctx.price(r, "s3.standard.storage", "S3 Standard"))]


def _monthly(key: str, name: str) -> Pricer:
    def price(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
        return [Line(name, "months", Decimal(1), ctx.price(r, key, name))]

    return price


def _health_check(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    inputs = r["inputs"]
    kind = str(inputs.get("type") or "")
    features = [
        name
        for name, on in (
            ("HTTPS", kind.startswith("HTTPS")),
            ("string matching", kind.endswith("STR_MATCH")),
            ("fast interval", inputs.get("requestInterval") == 10),
            ("latency measurement", bool(inputs.get("measureLatency"))),
        )
        if on
    ]
    ctx.note("Route 53 health checks are priced as checks of AWS endpoints.")
    lines = [Line("health check (AWS endpoint)", "months", Decimal(1), ctx.price(r, "route53.healthcheck.aws", "health check"))]
    if features:
        price = ctx.price(r, "route53.healthcheck.feature", "health check features")
        lines.append(Line(f"optional features ({', '.join(features)})", "months", Decimal(len(features)), price))
    return lines


def _log_group(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    storage = Line("log storage", "GB-month", ctx.figure(r, "storage_gb"), ctx.price(r, "cloudwatch.logs.storage", "log storage"))
    if str(r["inputs"].get("name") or "").startswith(WAF_LOG_GROUP_PREFIX):
        # AWS WAF delivers these as vended logs: priced on the web ACL's logging configuration.
        ctx.note("WAF request-log ingestion is priced on the logging configuration (vended logs), not on its log group.")
        return [storage]
    ingestion = Line(
        "log ingestion", "GB", ctx.figure(r, "monthly_data_ingested_gb"), ctx.price(r, "cloudwatch.logs.ingest", "log ingestion")
    )
    return [ingestion, storage]


def _ecr_repository(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    """Storage, and Inspector's enhanced scanning: each pushed image once, then a rescan per image kept."""
    return [
        Line("image storage", "GB-month", ctx.figure(r, "storage_gb"), ctx.price(r, "ecr.storage", "image storage")),
        Line(
            "images scanned on push",
            "images",
            ctx.figure(r, "monthly_images_pushed"),
            ctx.price(r, "inspector.ecr.initial_scan", "initial scan"),
        ),
        Line("continuous rescans", "images", ctx.figure(r, "monthly_image_rescans"), ctx.price(r, "inspector.ecr.rescan", "rescan")),
    ]


def _metric_alarm(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    inputs = r["inputs"]
    queries = inputs.get("metricQueries") or []
    metrics = sum(1 for q in queries if isinstance(q, dict) and q.get("metric")) or 1
    period = inputs.get("period")
    periods = [q["metric"].get("period") for q in queries if isinstance(q, dict) and isinstance(q.get("metric"), dict)]
    high_res = any(isinstance(p, int) and p < 60 for p in [period, *periods])
    key, name = ("cloudwatch.alarm.highres", "high-resolution") if high_res else ("cloudwatch.alarm.standard", "standard")
    return [Line(f"alarm metrics ({name})", "alarm metric-months", Decimal(metrics), ctx.price(r, key, f"{name} alarms"))]


def _web_acl(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    rules = r["inputs"].get("rules") or []
    count = Decimal(len(rules)) if isinstance(rules, list) else Decimal(0)
    requests = ctx.figure(r, "monthly_requests")
    return [
        Line("web ACL", "months", Decimal(1), ctx.price(r, "waf.webacl", "WAF web ACL")),
        Line("rules", "rule-months", count, ctx.price(r, "waf.rule", "WAF rules")),
        Line("requests", "1M requests", requests / MILLION, ctx.price(r, "waf.requests", "WAF requests")),
    ]


def _sqs_queue(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    if r["inputs"].get("fifoQueue"):
        raise UnpricedError("FIFO queues are not in the catalogue")
    ctx.note(f"{r['name']}: SQS requests priced without the account's first 1M free a month.")
    requests = ctx.figure(r, "monthly_requests")
    return [Line("requests", "1M requests", requests / MILLION, ctx.price(r, "sqs.standard.requests", "SQS requests"))]


def _waf_logging(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    """A web ACL's request logs, delivered to CloudWatch Logs as vended logs (priced here, not on the log group)."""
    ingested = ctx.figure(r, "monthly_data_ingested_gb")
    return [
        Line("WAF request-log delivery (CloudWatch Logs, vended)", "GB", ingested, ctx.price(r, "cloudwatch.vended.cwl", "vended logs"))
    ]


def _flow_log(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    to_s3 = r["inputs"].get("logDestinationType") == "s3"
    key = "cloudwatch.vended.s3" if to_s3 else "cloudwatch.logs.ingest"
    ctx.note("Flow-log ingestion is priced on the flow log; do not set the same GB on its log group.")
    ingested = ctx.figure(r, "monthly_data_ingested_gb")
    return [Line(f"flow-log delivery ({'S3' if to_s3 else 'CloudWatch Logs'})", "GB", ingested, ctx.price(r, key, "vended logs"))]


def _vpc_endpoint(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    inputs = r["inputs"]
    if (inputs.get("vpcEndpointType") or "Gateway") == "Gateway":
        return []
    subnets = known_value(inputs.get("subnetIds") or [], "subnetIds")
    zones = Decimal(max(len(subnets), 1))
    return [
        Line(f"endpoint hours ({zones} AZ)", "hours", monthly_hours(zones), ctx.price(r, "vpce.interface.hour", "interface endpoint")),
        Line("data processed", "GB", ctx.figure(r, "monthly_data_processed_gb"), ctx.price(r, "vpce.interface.gb", "endpoint data")),
    ]


def _backup_plan(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    """Recovery points in the plan's vault, and, per copy action, their copies and the transfer there."""
    rules = as_list(r["inputs"].get("rules") or [], "rules")
    copies = sum(len(as_list(rule.get("copyActions") or [], "copyActions")) for rule in rules if isinstance(rule, Mapping))
    stored = ctx.figure(r, "storage_gb")
    warm = ctx.price(r, "backup.aurora.warm", "AWS Backup warm storage")
    lines = [Line("recovery points (warm storage)", "GB-month", stored, warm)]
    if copies:
        ctx.note("Copied recovery points are priced at the stack region's storage rate.")
        lines.append(Line(f"copied recovery points ({copies} region)", "GB-month", stored * copies, warm))
        transfer = ctx.figure(r, "monthly_copy_gb")
        price = ctx.price(r, "backup.copy.transfer", "cross-region transfer")
        lines.append(Line("cross-region copy transfer", "GB", transfer * copies, price))
    return lines


_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours)\)")


def _canary(r: Mapping[str, Any], ctx: PricingContext) -> list[Line]:
    """Runs a month from the schedule (`rate(N minutes)`), each billed; the free 100 runs are not subtracted."""
    expression = str((r["inputs"].get("schedule") or {}).get("expression") or "")
    match = _RATE.fullmatch(expression)
    if match is None:
        raise UnpricedError(f"schedule {expression!r} is not rate(N minutes|hours)")
    minutes = Decimal(match.group(1)) * (60 if match.group(2).startswith("hour") else 1)
    runs = (monthly_hours(Decimal(1)) * 60 / minutes).to_integral_value()
    return [Line(f"canary runs ({expression})", "runs", runs, ctx.price(r, "synthetics.canary.run", "Synthetics canary runs"))]


PRICERS: dict[str, Pricer] = {
    "aws:eks/cluster:Cluster": _eks_cluster,
    "aws:eks/nodeGroup:NodeGroup": _eks_node_group,
    "aws:ec2/natGateway:NatGateway": _nat_gateway,
    "aws:ec2/eip:Eip": _eip,
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:alb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:elasticache/replicationGroup:ReplicationGroup": _replication_group,
    "aws:elasticache/serverlessCache:ServerlessCache": _serverless_cache,
    "aws:rds/cluster:Cluster": _rds_cluster,
    "aws:rds/clusterInstance:ClusterInstance": _rds_cluster_instance,
    "aws:cloudfront/distribution:Distribution": _cloudfront,
    "aws:s3/bucket:Bucket": _s3_bucket,
    "aws:s3/bucketV2:BucketV2": _s3_bucket,
    "aws:route53/zone:Zone": _monthly("route53.zone", "hosted zone"),
    "aws:route53/healthCheck:HealthCheck": _health_check,
    "aws:kms/key:Key": _monthly("kms.key", "customer managed key"),
    "aws:ecr/repository:Repository": _ecr_repository,
    "aws:secretsmanager/secret:Secret": _monthly("secretsmanager.secret", "secret"),
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _metric_alarm,
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": _monthly("cloudwatch.alarm.composite", "composite alarm"),
    "aws:cloudwatch/dashboard:Dashboard": _monthly("cloudwatch.dashboard", "dashboard"),
    "aws:wafv2/webAcl:WebAcl": _web_acl,
    "aws:ec2/flowLog:FlowLog": _flow_log,
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": _waf_logging,
    "aws:ec2/vpcEndpoint:VpcEndpoint": _vpc_endpoint,
    "aws:synthetics/canary:Canary": _canary,
    **INTEGRATION_PRICERS,
    "aws:backup/plan:Plan": _backup_plan,
    "aws:sqs/queue:Queue": _sqs_queue,
}
