"""Price resource records against the catalogue: one pricer for plans, previews and exports.

Money is ``Decimal`` throughout and each component's monthly figure is rounded half-up to
the cent; a resource's figure is the sum of its components, and the total the sum of the
resources. Hand-computed examples therefore match to the cent.

Nothing is silently zero. A resource is either priced, recognised as free (``free_types``),
or listed in ``unpriced`` with the reason: a region without prices, an instance class not in
the catalogue, a value unknown until apply, or a type nobody has priced yet. A usage figure
that the stack does not set prices its component at zero and is shown as ``"not set"``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypedDict

from preflight.pricing.catalogue import CATALOGUE, HOURS_PER_MONTH, Price
from preflight.pricing.documents import SECRET, UNKNOWN, DocumentError, urn_parts
from preflight.pricing.free_types import is_free

CENT = Decimal("0.01")
MILLION = Decimal(1_000_000)
NOT_SET = "not set"

# EKS versions older than this are in extended support as of the catalogue date (2026-11):
# 1.33 left standard support in 2026-07, 1.34 leaves it in 2026-12. Unconfirmed: re-check
# the EKS version calendar whenever the catalogue is re-dated.
EKS_OLDEST_STANDARD_VERSION = (1, 34)


class Component(TypedDict):
    name: str
    unit: str
    quantity: float
    unitPrice: float
    monthly: float


class ResourceCost(TypedDict):
    urn: str
    type: str
    name: str
    monthly: float
    components: list[Component]


class Unpriced(TypedDict):
    urn: str
    type: str
    reason: str


class CostReport(TypedDict):
    currency: str
    region: str
    monthly: float
    resources: list[ResourceCost]
    unpriced: list[Unpriced]
    assumptions: dict[str, dict[str, float | str]]
    byComponent: dict[str, float]
    notes: list[str]


class UnpricedError(Exception):
    """This resource (or one of its parts) has no price; the message says why."""


class BadValueError(Exception):
    """A value of the wrong shape (a list that is a string, an infinite count): bad input, not unpriced."""


@dataclass(frozen=True)
class Line:
    name: str
    unit: str
    quantity: Decimal
    price: Decimal

    @property
    def monthly(self) -> Decimal:
        return (self.quantity * self.price).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class _Context:
    region: str
    usage: Mapping[str, Mapping[str, float]]
    by_urn: dict[str, Mapping[str, Any]]
    children: dict[str | None, list[Mapping[str, Any]]]
    assumptions: dict[str, dict[str, float | str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    partial: list[Unpriced] = field(default_factory=list)

    def prices(self, record: Mapping[str, Any]) -> dict[str, Price]:
        region = str(record.get("region") or self.region)
        prices = CATALOGUE.get(region)
        if prices is None:
            raise UnpricedError(f"no prices for region {region}")
        return prices

    def price(self, record: Mapping[str, Any], key: str, what: str) -> Decimal:
        found = self.prices(record).get(key)
        if found is None:
            region = record.get("region") or self.region
            raise UnpricedError(f"no price for {what} in {region}")
        return found.amount

    def figure(self, record: Mapping[str, Any], key: str) -> Decimal:
        """A usage figure: per URN, then per resource name, then per type; unset = 0."""
        for scope in (record["urn"], record["name"], record["type"]):
            figures = self.usage.get(scope)
            if figures is not None and key in figures:
                value = figures[key]
                self.assumptions.setdefault(scope, {})[key] = value
                return Decimal(str(value))
        self.assumptions.setdefault(record["type"], {}).setdefault(key, NOT_SET)
        return Decimal(0)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def unpriced_part(self, record: Mapping[str, Any], reason: str) -> None:
        self.partial.append({"urn": record["urn"], "type": record["type"], "reason": reason})


def _known(value: Any, what: str) -> Any:
    if value in (UNKNOWN, SECRET):
        raise UnpricedError(f"{what} is unknown until apply")
    return value


def _number(value: Any, what: str, default: int | None = None) -> Decimal:
    if value is None and default is not None:
        return Decimal(default)
    value = _known(value, what)
    try:
        number = Decimal(str(value))
    except ArithmeticError as exc:
        raise UnpricedError(f"{what} is not a number: {value!r}") from exc
    if not number.is_finite() or number < 0:
        raise BadValueError(f"{what} = {value!r} is not a finite number >= 0")
    return number


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    value = _known(value, what)
    if not isinstance(value, Mapping):
        raise BadValueError(f"{what} is {type(value).__name__}, expected an object")
    return value


def _list(value: Any, what: str) -> list[Any]:
    value = _known(value, what)
    if not isinstance(value, list):
        raise BadValueError(f"{what} is {type(value).__name__}, expected a list")
    return value


def _hours(count: Decimal) -> Decimal:
    return HOURS_PER_MONTH * count


Pricer = Callable[[Mapping[str, Any], _Context], list[Line]]


def _eks_cluster(r: Mapping[str, Any], ctx: _Context) -> list[Line]:
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
    return [Line(f"control plane ({tier} support)", "hours", _hours(Decimal(1)), price)]


def _launch_template_for(r: Mapping[str, Any], ctx: _Context) -> Mapping[str, Any] | None:
    siblings = [s for s in ctx.children.get(r.get("parent"), []) if s["type"] == "aws:ec2/launchTemplate:LaunchTemplate"]
    wanted = (r["inputs"].get("launchTemplate") or {}).get("name")
    for sibling in siblings:
        if wanted and sibling["inputs"].get("name") == wanted:
            return sibling
    if len(siblings) > 1:
        ctx.note(f"{r['name']}: several launch templates beside the node group; the first one's volumes are priced.")
    return siblings[0] if siblings else None


def _eks_node_group(r: Mapping[str, Any], ctx: _Context) -> list[Line]:
    inputs = r["inputs"]
    if inputs.get("capacityType") == "SPOT":
        raise UnpricedError("SPOT capacity has no fixed price")
    types = _list(inputs.get("instanceTypes") or ["t3.medium"], "instanceTypes")
    instance_type = str(_known(types[0], "instanceTypes"))
    if len(types) > 1:
        ctx.note(f"{r['name']}: priced as {instance_type}, the first of its instance types.")
    scaling = _mapping(inputs.get("scalingConfig") or {}, "scalingConfig")
    nodes = _number(scaling.get("desiredSize"), "scalingConfig.desiredSize")
    if scaling.get("maxSize") not in (None, UNKNOWN) and _number(scaling["maxSize"], "scalingConfig.maxSize") > nodes:
        ctx.note(f"{r['name']}: priced at desiredSize {nodes}; it may scale to maxSize {scaling['maxSize']}.")
    lines = [
        Line(
            f"instance hours ({instance_type})",
            "hours",
            _hours(nodes),
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
    size_gb = _number(size, "root volume size")
    lines.append(
        Line(
            f"root volumes ({volume_type}, {size_gb} GiB each)",
            "GB-month",
            nodes * size_gb,
            ctx.price(r, f"ebs.{volume_type}", f"EBS {volume_type}"),
        )
    )
    return lines


def _nat_gateway(r: Mapping[str, Any], ctx: _Context) -> list[Line]:
    return [
        Line("NAT gateway hours", "hours", _hours(Decimal(1)), ctx.price(r, "nat.hour", "NAT gateway hours")),
        Line("data processed", "GB", ctx.figure(r, "monthly_data_processed_gb"), ctx.price(r, "nat.gb", "NAT data")),
    ]


def _eip(r: Mapping[str, Any], ctx: _Context) -> list[Line]:
    return [Line("public IPv4 address hours", "hours", _hours(Decimal(1)), ctx.price(r, "ipv4.public.hour", "public IPv4"))]


def _load_balancer(r: Mapping[str, Any], ctx: _Context) -> list[Line]:
    inputs = r["inputs"]
    kind = inputs.get("loadBalancerType") or "application"
    if kind != "application":
        raise UnpricedError(f"{kind} load balancers are not in the catalogue")
    lines = [
        Line("load balancer hours", "hours", _hours(Decimal(1)), ctx.price(r, "alb.hour", "ALB hours")),
        Line("load balancer capacity units", "LCU-hours", ctx.figure(r, "lcu_hours"), ctx.price(r, "alb.lcu", "ALB LCUs")),
    ]
    if not inputs.get("internal"):
        subnets = inputs.get("subnets") or inputs.get("subnetMappings")
        if isinstance(subnets, list) and UNKNOWN not in subnets:
            addresses = Decimal(len(subnets))
            ipv4 = ctx.price(r, "ipv4.public.hour", "public IPv4")
            lines.append(Line(f"public IPv4 addresses ({addresses}, one per subnet)", "hours", _hours(addresses), ipv4))
        else:
            ctx.unpriced_part(r, "public IPv4 addresses: its subnets are unknown until apply")
    return lines


def _replication_group(r: Mapping[str, Any], ctx: _Context) -> list[Line]:
    inputs = r["inputs"]
    engine = str(inputs.get("engine") or "redis")
    node_type = str(_known(inputs.get("nodeType"), "nodeType"))
    if inputs.get("numCacheClusters") is not None:
        nodes = _number(inputs["numCacheClusters"], "numCacheClusters")
    else:
        shards = _number(inputs.get("numNodeGroups"), "numNodeGroups", default=1)
        replicas = _number(inputs.get("replicasPerNodeGroup"), "replicasPerNodeGroup", default=0)
        nodes = shards * (1 + replicas)
    price = ctx.price(r, f"elasticache.{engine}.{node_type}", f"ElastiCache {engine} {node_type}")
    return [Line(f"cache node hours ({nodes} x {node_type}, {engine})", "hours", _hours(nodes), price)]


def _storage_config(inputs: Mapping[str, Any]) -> str:
    return "iopt1" if inputs.get("storageType") == "aurora-iopt1" else "standard"


def _rds_cluster(r: Mapping[str, Any], ctx: _Context) -> list[Line]:
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


def _cluster_of(r: Mapping[str, Any], ctx: _Context) -> Mapping[str, Any] | None:
    wanted = r["inputs"].get("clusterIdentifier")
    clusters = [c for c in ctx.by_urn.values() if c["type"] == "aws:rds/cluster:Cluster"]
    for cluster in clusters:
        if wanted and cluster["inputs"].get("clusterIdentifier") == wanted:
            return cluster
    siblings = [c for c in clusters if c.get("parent") == r.get("parent")]
    return siblings[0] if len(siblings) == 1 else None


def _rds_cluster_instance(r: Mapping[str, Any], ctx: _Context) -> list[Line]:
    inputs = r["inputs"]
    engine = str(inputs.get("engine") or "aurora-postgresql")
    klass = str(_known(inputs.get("instanceClass"), "instanceClass"))
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
    return [Line(f"instance hours ({klass})", "hours", _hours(Decimal(1)), price)]


def _cloudfront(r: Mapping[str, Any], ctx: _Context) -> list[Line]:
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


def _s3_bucket(r: Mapping[str, Any], ctx: _Context) -> list[Line]:
    return [Line("storage (Standard)", "GB-month", ctx.figure(r, "storage_gb"), ctx.price(r, "s3.standard.storage", "S3 Standard"))]


def _monthly(key: str, name: str) -> Pricer:
    def price(r: Mapping[str, Any], ctx: _Context) -> list[Line]:
        return [Line(name, "months", Decimal(1), ctx.price(r, key, name))]

    return price


def _health_check(r: Mapping[str, Any], ctx: _Context) -> list[Line]:
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


def _log_group(r: Mapping[str, Any], ctx: _Context) -> list[Line]:
    return [
        Line("log ingestion", "GB", ctx.figure(r, "monthly_data_ingested_gb"), ctx.price(r, "cloudwatch.logs.ingest", "log ingestion")),
        Line("log storage", "GB-month", ctx.figure(r, "storage_gb"), ctx.price(r, "cloudwatch.logs.storage", "log storage")),
    ]


def _metric_alarm(r: Mapping[str, Any], ctx: _Context) -> list[Line]:
    inputs = r["inputs"]
    queries = inputs.get("metricQueries") or []
    metrics = sum(1 for q in queries if isinstance(q, dict) and q.get("metric")) or 1
    period = inputs.get("period")
    periods = [q["metric"].get("period") for q in queries if isinstance(q, dict) and isinstance(q.get("metric"), dict)]
    high_res = any(isinstance(p, int) and p < 60 for p in [period, *periods])
    key, name = ("cloudwatch.alarm.highres", "high-resolution") if high_res else ("cloudwatch.alarm.standard", "standard")
    return [Line(f"alarm metrics ({name})", "alarm metric-months", Decimal(metrics), ctx.price(r, key, f"{name} alarms"))]


def _web_acl(r: Mapping[str, Any], ctx: _Context) -> list[Line]:
    rules = r["inputs"].get("rules") or []
    count = Decimal(len(rules)) if isinstance(rules, list) else Decimal(0)
    requests = ctx.figure(r, "monthly_requests")
    return [
        Line("web ACL", "months", Decimal(1), ctx.price(r, "waf.webacl", "WAF web ACL")),
        Line("rules", "rule-months", count, ctx.price(r, "waf.rule", "WAF rules")),
        Line("requests", "1M requests", requests / MILLION, ctx.price(r, "waf.requests", "WAF requests")),
    ]


def _flow_log(r: Mapping[str, Any], ctx: _Context) -> list[Line]:
    to_s3 = r["inputs"].get("logDestinationType") == "s3"
    key = "cloudwatch.vended.s3" if to_s3 else "cloudwatch.logs.ingest"
    ctx.note("Flow-log ingestion is priced on the flow log; do not set the same GB on its log group.")
    ingested = ctx.figure(r, "monthly_data_ingested_gb")
    return [Line(f"flow-log delivery ({'S3' if to_s3 else 'CloudWatch Logs'})", "GB", ingested, ctx.price(r, key, "vended logs"))]


def _vpc_endpoint(r: Mapping[str, Any], ctx: _Context) -> list[Line]:
    inputs = r["inputs"]
    if (inputs.get("vpcEndpointType") or "Gateway") == "Gateway":
        return []
    subnets = _known(inputs.get("subnetIds") or [], "subnetIds")
    zones = Decimal(max(len(subnets), 1))
    return [
        Line(f"endpoint hours ({zones} AZ)", "hours", _hours(zones), ctx.price(r, "vpce.interface.hour", "interface endpoint")),
        Line("data processed", "GB", ctx.figure(r, "monthly_data_processed_gb"), ctx.price(r, "vpce.interface.gb", "endpoint data")),
    ]


PRICERS: dict[str, Pricer] = {
    "aws:eks/cluster:Cluster": _eks_cluster,
    "aws:eks/nodeGroup:NodeGroup": _eks_node_group,
    "aws:ec2/natGateway:NatGateway": _nat_gateway,
    "aws:ec2/eip:Eip": _eip,
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:alb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:elasticache/replicationGroup:ReplicationGroup": _replication_group,
    "aws:rds/cluster:Cluster": _rds_cluster,
    "aws:rds/clusterInstance:ClusterInstance": _rds_cluster_instance,
    "aws:cloudfront/distribution:Distribution": _cloudfront,
    "aws:s3/bucket:Bucket": _s3_bucket,
    "aws:s3/bucketV2:BucketV2": _s3_bucket,
    "aws:route53/zone:Zone": _monthly("route53.zone", "hosted zone"),
    "aws:route53/healthCheck:HealthCheck": _health_check,
    "aws:kms/key:Key": _monthly("kms.key", "customer managed key"),
    "aws:secretsmanager/secret:Secret": _monthly("secretsmanager.secret", "secret"),
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _metric_alarm,
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": _monthly("cloudwatch.alarm.composite", "composite alarm"),
    "aws:cloudwatch/dashboard:Dashboard": _monthly("cloudwatch.dashboard", "dashboard"),
    "aws:wafv2/webAcl:WebAcl": _web_acl,
    "aws:ec2/flowLog:FlowLog": _flow_log,
    "aws:ec2/vpcEndpoint:VpcEndpoint": _vpc_endpoint,
}


def _notes_for_free(r: Mapping[str, Any], ctx: _Context) -> None:
    inputs = r["inputs"]
    if r["type"] == "aws:appautoscaling/target:Target" and inputs.get("serviceNamespace") == "rds":
        ctx.note(
            f"{r['name']}: Aurora read replicas may scale up to maxCapacity {inputs.get('maxCapacity')}; "
            "only the declared instances are priced."
        )


def _top_component(record: Mapping[str, Any], by_urn: Mapping[str, Mapping[str, Any]]) -> str:
    """The name of the outermost component (a child of the stack) that holds this resource."""
    current = record
    seen: set[str] = set()
    while True:
        parent_urn = current.get("parent")
        if not parent_urn or parent_urn in seen:
            return "(stack)" if current is record else str(current["name"])
        seen.add(parent_urn)
        parent = by_urn.get(parent_urn)
        if parent is None:
            _, _, parent_type, parent_name = urn_parts(parent_urn)
            if parent_type == "pulumi:pulumi:Stack":
                return "(stack)" if current is record else str(current["name"])
            return parent_name
        if parent["type"] == "pulumi:pulumi:Stack":
            return "(stack)" if current is record else str(current["name"])
        current = parent


def _money(value: Decimal) -> float:
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def price_resources(
    records: Iterable[Mapping[str, Any]],
    region: str,
    usage: Mapping[str, Mapping[str, float]] | None = None,
) -> CostReport:
    """Price every record; ``region`` applies to records that do not carry their own."""
    records = list(records)
    by_urn = {str(r["urn"]): r for r in records}
    children: dict[str | None, list[Mapping[str, Any]]] = {}
    for r in records:
        children.setdefault(r.get("parent"), []).append(r)
    ctx = _Context(region, usage or {}, by_urn, children)
    resources: list[ResourceCost] = []
    unpriced: list[Unpriced] = []
    by_component: dict[str, Decimal] = {}
    total = Decimal(0)
    for r in records:
        r = {**r, "inputs": r.get("inputs") or {}}
        type_token = str(r["type"])
        if not r.get("custom", True) or is_free(type_token):
            _notes_for_free(r, ctx)
            continue
        pricer = PRICERS.get(type_token)
        if pricer is None:
            unpriced.append({"urn": r["urn"], "type": type_token, "reason": "no pricing rule for this type"})
            continue
        try:
            lines = pricer(r, ctx)
        except BadValueError as exc:
            raise DocumentError(f"resource {r['urn']}: {exc}") from None
        except UnpricedError as exc:
            unpriced.append({"urn": r["urn"], "type": type_token, "reason": str(exc)})
            continue
        monthly = sum((line.monthly for line in lines), Decimal(0))
        total += monthly
        owner = _top_component(r, by_urn)
        by_component[owner] = by_component.get(owner, Decimal(0)) + monthly
        resources.append(
            {
                "urn": str(r["urn"]),
                "type": type_token,
                "name": str(r["name"]),
                "monthly": _money(monthly),
                "components": [
                    {
                        "name": line.name,
                        "unit": line.unit,
                        "quantity": float(line.quantity),
                        "unitPrice": float(line.price),
                        "monthly": _money(line.monthly),
                    }
                    for line in lines
                ],
            }
        )
    return {
        "currency": "USD",
        "region": region,
        "monthly": _money(total),
        "resources": resources,
        "unpriced": unpriced + ctx.partial,
        "assumptions": ctx.assumptions,
        "byComponent": {name: _money(value) for name, value in sorted(by_component.items())},
        "notes": ctx.notes,
    }
