"""The dated price catalogue: public on-demand list prices, one entry per billable unit.

Every price carries the month it was checked and where it came from, so a reviewer can
tell a fact from a guess: entries with ``confirmed=False`` have a single source, or are
derived by a rule AWS publishes (Valkey = 0.8 x Redis OSS; Aurora I/O-Optimized instances =
1.3 x Standard), and should be re-checked before anyone relies on them to the cent.

Instance sizes come from one price per family (``instance_prices``); regions other than
us-east-1 from ``regions`` and the data files of ``region_files`` (exact figures where read,
else a per-service regional ratio read from one reference price, and said so in the source).
Region-independent prices (``REGION_INDEPENDENT``) apply everywhere; any other price of a region
absent from the table is missing: the pricer then lists the resource there as unpriced instead
of counting it as zero. ``find_price`` is the one lookup every caller uses.

Each price says how it was obtained (``basis``): ``page`` or ``price-list`` (AWS's own pricing
page or Price List offer file), ``rule`` (a rule AWS states, such as Valkey = 0.8 x Redis OSS),
or, marked ``secondary``, ``secondary`` (a third-party table or copy), ``ratio`` (a regional
ratio) and ``assumed`` (taken as in us-east-1 without a reading there).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pricing import instance_prices
from pricing.region_files import SECONDARY_BASES, load_region_files
from pricing.regions import ASSUMED_SAME, REGION_INDEPENDENT, SAME_EVERYWHERE, RegionPrices
from pricing.regions import READ_ON as REGIONS_READ_ON
from pricing.regions import REGIONS as READ_REGIONS

HOURS_PER_MONTH = Decimal(730)  # the convention AWS's calculator and Infracost use
CHECKED = "2026-11"

# Where the figures come from (shortened in each entry to keep the table readable).
INFRACOST = "Infracost AWS golden files (its test data, us-east-1, derived from the AWS Price List)"
EKS_PAGE = "aws.amazon.com/eks/pricing; AWS containers blog 'EKS extended support pricing'"
EC2_PAGE = "aws.amazon.com/ec2/pricing/on-demand"
EBS_PAGE = "aws.amazon.com/ebs/pricing"
VPC_PAGE = "aws.amazon.com/vpc/pricing (NAT gateway, public IPv4 since 2024-02-01)"
CACHE_PAGE = "aws.amazon.com/elasticache/pricing (Valkey priced 20% below Redis OSS)"
RDS_PAGE = "aws.amazon.com/rds/aurora/pricing (I/O-Optimized instances +30%)"
CF_PAGE = "aws.amazon.com/cloudfront/pricing (North America/Europe, first 10 TB)"
R53_PAGE = "aws.amazon.com/route53/pricing"
KMS_PAGE = "aws.amazon.com/kms/pricing"
CW_PAGE = "aws.amazon.com/cloudwatch/pricing"
WAF_PAGE = "aws.amazon.com/waf/pricing"
SM_PAGE = "aws.amazon.com/secrets-manager/pricing"
PRIVATELINK_PAGE = "aws.amazon.com/privatelink/pricing"
EVENTS_PAGE = "aws.amazon.com/eventbridge/pricing (custom events, archive, API destinations)"
APPCONFIG_PAGE = "aws.amazon.com/systems-manager/pricing (AppConfig)"
BACKUP_PAGE = "aws.amazon.com/backup/pricing (Amazon Aurora snapshot warm storage; cross-Region transfer out of US East)"
ECR_PAGE = "aws.amazon.com/ecr/pricing (private repository storage)"
INSPECTOR_PAGE = "aws.amazon.com/inspector/pricing (ECR container image scanning)"
SQS_PAGE = "aws.amazon.com/sqs/pricing (standard queue, after the first 1M requests a month)"


@dataclass(frozen=True)
class Price:
    amount: Decimal  # USD per unit
    unit: str  # "hour", "GB-month", "GB", "month", "1M requests", "request"
    source: str
    date: str = CHECKED
    confirmed: bool = True
    basis: str = "page"  # how the figure was obtained (module docstring)

    @property
    def secondary(self) -> bool:
        """Read from a secondary source (a third-party table, a regional ratio, an assumption)."""
        return self.basis in SECONDARY_BASES


def _p(amount: str, unit: str, source: str, *, confirmed: bool = True) -> Price:
    return Price(Decimal(amount), unit, source, confirmed=confirmed)


def _derived(base: Price, factor: str, note: str) -> Price:
    amount = (base.amount * Decimal(factor)).normalize()
    return Price(amount, base.unit, f"{base.source}; derived: {note}", date=base.date, confirmed=False, basis=base.basis)


def _us_east_1() -> dict[str, Price]:
    prices: dict[str, Price] = {
        # EKS control plane. Extended support applies to versions past standard support.
        "eks.cluster.standard": _p("0.10", "hour", EKS_PAGE),
        "eks.cluster.extended": _p("0.60", "hour", EKS_PAGE),
        # EC2 on-demand, Linux. m6i and m7g.xlarge agree with Infracost; the rest are from the EC2 page only.
        "ec2.instance.m6i.large": _p("0.096", "hour", INFRACOST),
        "ec2.instance.m6i.xlarge": _p("0.192", "hour", INFRACOST),
        "ec2.instance.m6i.2xlarge": _p("0.384", "hour", INFRACOST),
        "ec2.instance.m6i.4xlarge": _p("0.768", "hour", EC2_PAGE, confirmed=False),
        "ec2.instance.m7g.large": _p("0.0816", "hour", EC2_PAGE, confirmed=False),
        "ec2.instance.m7g.xlarge": _p("0.1632", "hour", INFRACOST),
        "ec2.instance.m7g.2xlarge": _p("0.3264", "hour", EC2_PAGE, confirmed=False),
        "ec2.instance.m5.xlarge": _p("0.192", "hour", EC2_PAGE, confirmed=False),
        "ec2.instance.m6g.xlarge": _p("0.154", "hour", EC2_PAGE, confirmed=False),
        "ebs.gp3": _p("0.08", "GB-month", INFRACOST),
        "ebs.gp2": _p("0.10", "GB-month", EBS_PAGE),
        # Networking.
        "nat.hour": _p("0.045", "hour", INFRACOST),
        "nat.gb": _p("0.045", "GB", INFRACOST),
        "ipv4.public.hour": _p("0.005", "hour", VPC_PAGE),
        "vpce.interface.hour": _p("0.01", "hour", PRIVATELINK_PAGE, confirmed=False),
        "vpce.interface.gb": _p("0.01", "GB", PRIVATELINK_PAGE, confirmed=False),
        "alb.hour": _p("0.0225", "hour", INFRACOST),
        "alb.lcu": _p("0.008", "LCU-hour", INFRACOST),
        # ElastiCache, Redis OSS per node-hour.
        "elasticache.redis.cache.r7g.large": _p("0.219", "hour", INFRACOST),
        "elasticache.redis.cache.r6g.large": _p("0.206", "hour", INFRACOST),
        "elasticache.redis.cache.t4g.medium": _p("0.065", "hour", INFRACOST),
        # ElastiCache Serverless (Valkey; Redis OSS is 1.5x): data stored per GB-hour, ECPUs per million.
        # Valkey is metered from 100 MB, Redis OSS from 1 GB.
        "elasticache.serverless.valkey.gb-hour": _p("0.0837", "GB-hour", CACHE_PAGE, confirmed=False),
        "elasticache.serverless.valkey.ecpu": _p("0.0023", "1M ECPUs", CACHE_PAGE, confirmed=False),
        "elasticache.serverless.redis.gb-hour": _p("0.125", "GB-hour", CACHE_PAGE, confirmed=False),
        "elasticache.serverless.redis.ecpu": _p("0.0034", "1M ECPUs", CACHE_PAGE, confirmed=False),
        # Aurora PostgreSQL, Standard storage configuration.
        "aurora-postgresql.standard.db.r6g.large": _p("0.26", "hour", INFRACOST),
        "aurora-postgresql.standard.db.t4g.medium": _p("0.073", "hour", INFRACOST),
        "aurora-postgresql.standard.db.r7g.large": _p("0.276", "hour", INFRACOST, confirmed=False),
        "aurora.standard.storage": _p("0.10", "GB-month", INFRACOST),
        "aurora.standard.io": _p("0.20", "1M requests", INFRACOST),
        "aurora.iopt1.storage": _p("0.225", "GB-month", RDS_PAGE, confirmed=False),
        # Edge and storage.
        "cloudfront.transfer.gb": _p("0.085", "GB", INFRACOST),
        "cloudfront.https.request": _p("0.000001", "request", INFRACOST),  # $0.01 per 10,000
        "cloudfront.http.request": _p("0.00000075", "request", CF_PAGE, confirmed=False),
        "s3.standard.storage": _p("0.023", "GB-month", INFRACOST),
        "route53.zone": _p("0.50", "month", INFRACOST),
        "route53.healthcheck.aws": _p("0.50", "month", R53_PAGE),
        "route53.healthcheck.feature": _p("1.00", "month", R53_PAGE, confirmed=False),
        # Security and observability.
        "kms.key": _p("1.00", "month", KMS_PAGE),
        "secretsmanager.secret": _p("0.40", "month", SM_PAGE),
        "cloudwatch.logs.ingest": _p("0.50", "GB", CW_PAGE),
        "cloudwatch.logs.storage": _p("0.03", "GB-month", CW_PAGE),
        "cloudwatch.vended.s3": _p("0.25", "GB", CW_PAGE, confirmed=False),
        # Vended logs delivered to CloudWatch Logs (AWS WAF's request logs among them), first 10 TB a month;
        # AWS WAF bills its logs as vended logs of the web ACL's region (AWS WAF Developer Guide, "Pricing
        # for logging web ACL traffic information"). A CLOUDFRONT-scope ACL logs in us-east-1 only.
        "cloudwatch.vended.cwl": _p(
            "0.50", "GB", f"{CW_PAGE} (Logs tab, Vended Logs, delivery to CloudWatch Logs, first 10 TB)", confirmed=False
        ),
        "cloudwatch.alarm.standard": _p("0.10", "month", CW_PAGE),
        "cloudwatch.alarm.highres": _p("0.30", "month", CW_PAGE),
        "cloudwatch.alarm.composite": _p("0.50", "month", CW_PAGE),
        "cloudwatch.dashboard": _p("3.00", "month", CW_PAGE),
        # The image registry and its enhanced scanning (Amazon Inspector).
        "ecr.storage": _p("0.10", "GB-month", ECR_PAGE, confirmed=False),
        "inspector.ecr.initial_scan": _p("0.09", "image", INSPECTOR_PAGE, confirmed=False),
        "inspector.ecr.rescan": _p("0.01", "image", INSPECTOR_PAGE, confirmed=False),
        "waf.webacl": _p("5.00", "month", WAF_PAGE),
        "waf.rule": _p("1.00", "month", WAF_PAGE),
        "waf.requests": _p("0.60", "1M requests", WAF_PAGE),
        "cloudwatch.metric.custom": _p("0.30", "month", CW_PAGE),
        # Deployment events and feature flags.
        "events.custom": _p("1.00", "1M events", EVENTS_PAGE),
        "events.archive.gb": _p("0.10", "GB", EVENTS_PAGE, confirmed=False),
        "events.archive.storage": _p("0.023", "GB-month", EVENTS_PAGE, confirmed=False),
        "events.api_destination": _p("0.20", "1M invocations", EVENTS_PAGE),
        "appconfig.request": _p("0.20", "1M requests", APPCONFIG_PAGE, confirmed=False),  # $0.0000002 per request
        "appconfig.received": _p("0.0008", "configuration", APPCONFIG_PAGE, confirmed=False),
        # AWS Backup of Aurora: recovery points billed per GB-month in each vault; copies to
        # another region pay inter-region transfer per GB.
        "backup.aurora.warm": _p("0.021", "GB-month", BACKUP_PAGE, confirmed=False),
        "backup.copy.transfer": _p("0.02", "GB", BACKUP_PAGE, confirmed=False),
        # CloudWatch Synthetics: per canary run, after the free tier (100 runs a month per account).
        "synthetics.canary.run": _p("0.0012", "run", CW_PAGE),
        "sqs.standard.requests": _p("0.40", "1M requests", SQS_PAGE),
    }
    return prices


US_EAST_1 = _us_east_1()
_FAMILY_TABLES: tuple[tuple[str, dict[str, str], str], ...] = (
    ("ec2.instance.", instance_prices.EC2_LARGE, instance_prices.EC2_PAGE),
    ("aurora-postgresql.standard.db.", instance_prices.AURORA_LARGE, instance_prices.RDS_PAGE),
    ("elasticache.redis.cache.", instance_prices.CACHE_LARGE, instance_prices.CACHE_PAGE),
)


def _us_east_1_price(key: str) -> Price | None:
    """An explicit entry, else one derived from the family's large size (and engine rules)."""
    found = US_EAST_1.get(key)
    if found is not None:
        return found
    if key.startswith("elasticache.valkey."):
        redis = _us_east_1_price(key.replace(".valkey.", ".redis.", 1))
        return None if redis is None else _derived(redis, "0.8", "Valkey = 0.8 x Redis OSS")
    if key.startswith("aurora-postgresql.iopt1."):
        standard = _us_east_1_price(key.replace(".iopt1.", ".standard.", 1))
        return None if standard is None else _derived(standard, "1.3", "I/O-Optimized = 1.3 x Standard")
    for prefix, table, page in _FAMILY_TABLES:
        if key.startswith(prefix):
            name = key[len(prefix) :]
            large = table.get(instance_prices.family(name))
            if large is None or name.rsplit(".", 1)[-1] not in instance_prices.SIZE_FACTOR:
                return None
            amount = (Decimal(large) * instance_prices.size_factor(name)).normalize()
            note = f"read {instance_prices.READ_ON}; size = {instance_prices.size_factor(name)} x the large"
            return Price(amount, "hour", f"{page}; {note}", date=instance_prices.READ_ON, confirmed=False)
    return None


# Every region with a price table: the ones read into ``regions`` and the data files (an
# imported file replaces a hand-read table of the same region).
REGIONS: dict[str, RegionPrices] = {**READ_REGIONS, **load_region_files()}

_CACHE: dict[tuple[str, str], Price | None] = {}
_MISSING = object()


def region_independent(key: str) -> str | None:
    """Why ``key``'s price is the same in every region, or None."""
    return next((why for prefix, why in REGION_INDEPENDENT.items() if key.startswith(prefix)), None)


def find_price(region: str, key: str) -> Price | None:
    """The price of ``key`` in ``region``; None when the catalogue has none (never a silent zero)."""
    cached = _CACHE.get((region, key), _MISSING)
    if cached is not _MISSING:
        return cached  # type: ignore[return-value]
    base = _us_east_1_price(key)
    found: Price | None
    why = region_independent(key)
    if base is None or region == "us-east-1":
        found = base
    elif why is not None:
        found = Price(base.amount, base.unit, f"{base.source}; {why}", date=base.date, confirmed=base.confirmed, basis=base.basis)
    elif region not in REGIONS:
        found = None
    else:
        found = regional_price(region, key, base)
    _CACHE[(region, key)] = found
    return found


def supported(region: str) -> bool:
    """Whether the catalogue has a price table for ``region`` (else only region-independent prices)."""
    return region == "us-east-1" or region in REGIONS


def _ratio(text: str) -> Decimal:
    top, _, bottom = text.partition("/")
    return Decimal(top) / Decimal(bottom or "1")


def regional_price(region: str, key: str, base: Price) -> Price | None:
    """``base`` (the us-east-1 price) carried to ``region`` by the documented method, or None."""
    table = REGIONS[region]
    if key in table.exact:
        figure, page = table.exact[key]
        date, basis = table.dated.get(key, (REGIONS_READ_ON, "page"))
        return Price(Decimal(figure), base.unit, page, date=date, confirmed=False, basis=basis)
    same = (
        table.same
        if table.same is not None
        else {p: (w, "assumed" if p in ASSUMED_SAME else base.basis) for p, w in SAME_EVERYWHERE.items()}
    )
    for prefix, (why, basis) in same.items():
        if key.startswith(prefix):
            return Price(base.amount, base.unit, f"{base.source}; {why}", date=base.date, confirmed=base.confirmed, basis=basis)
    for prefix, (ratio, reference) in table.ratios.items():
        if key.startswith(prefix):
            amount = (base.amount * _ratio(ratio)).quantize(Decimal("0.00001")).normalize()
            source = f"{base.source}; regional ratio {ratio} from {reference}"
            return Price(amount, base.unit, source, date=table.ratio_dates.get(prefix, REGIONS_READ_ON), confirmed=False, basis="ratio")
    return None


# Every explicit entry, per supported region (the table the dated-and-sourced test reads).
CATALOGUE: dict[str, dict[str, Price]] = {
    region: {key: price for key in US_EAST_1 if (price := find_price(region, key)) is not None} for region in ("us-east-1", *REGIONS)
}
