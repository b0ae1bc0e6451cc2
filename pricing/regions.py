"""Prices outside us-east-1: exact figures where the page gives one per region, ratios otherwise.

Each region has ``exact`` figures (read from the service's pricing page with that region
selected) and ``ratios``: for instance families, one reference size is read in the region and
its ratio to us-east-1 is applied to every size of the service, because the pages list
dozens of sizes per region. The source of every derived price says which reference it came
from. ``REGION_INDEPENDENT`` prices (the EKS control plane, KMS keys, Route 53, CloudFront) apply
in every region, listed here or not; ``SAME_EVERYWHERE`` holds the prices found equal to
us-east-1 in the regions of this table (each region says which of them it takes). A key that
matches none of these has no price in that region: the pricer then lists the resource as
unpriced; it never falls back to the us-east-1 figure silently.

Regions whose prices come from AWS's Price List offer files (``python -m preflight prices
import``), or from a secondary source in that same shape, are data files in
``pricing/region_data/`` (``pricing/region_files.py`` reads them into this table).

All figures here were read on ``READ_ON`` and are ``confirmed=False`` (one reading, one source).
"""

from __future__ import annotations

from dataclasses import dataclass, field

READ_ON = "2026-11-29"

# Key prefix -> why its price does not depend on the region: these apply in every region, even
# one the table below does not list (a stack there is then priced in part, never at zero).
REGION_INDEPENDENT: dict[str, str] = {
    "eks.cluster.": (
        "aws.amazon.com/eks/pricing: one control-plane rate per cluster-hour with no per-region table "
        "(also read at $0.10 in the AmazonEKS offer file for eu-west-2, 2026-09-28)"
    ),
    "cloudfront.": (
        "aws.amazon.com/cloudfront/pricing: priced by the viewer's edge location, not by the origin's region; "
        "botocore endpoints.json: cloudfront is a global endpoint (aws-global)"
    ),
    "route53.": "aws.amazon.com/route53/pricing: one rate card; botocore endpoints.json: route53 is a global endpoint (aws-global)",
    "kms.key": (
        "aws.amazon.com/kms/pricing: $1 per key-month with no per-region rate "
        "(also read at $1 in the awskms offer file for eu-west-2, 2026-09-18)"
    ),
}

# Key prefix -> why its us-east-1 price holds in the regions of the table (each region's
# ``same`` names the ones it takes; the four regions read first take them all).
SAME_EVERYWHERE: dict[str, str] = {
    "ipv4.public.": "aws.amazon.com/vpc/pricing: public IPv4 is $0.005/h in every region",
    "secretsmanager.": "aws.amazon.com/secrets-manager/pricing: $0.40 per secret-month in every region",
    "cloudwatch.alarm.": "aws.amazon.com/cloudwatch/pricing: alarm rates equal in these four regions",
    "cloudwatch.dashboard": "aws.amazon.com/cloudwatch/pricing: $3 per dashboard in every region",
    "waf.": "aws.amazon.com/waf/pricing: one rate card for every region",
    "cloudwatch.metric.": "aws.amazon.com/cloudwatch/pricing: custom metrics $0.30 in every one of these four regions",
    "events.": "aws.amazon.com/eventbridge/pricing: event, archive and API-destination rates equal in these four regions",
    "appconfig.": "aws.amazon.com/systems-manager/pricing: AppConfig rates equal in these four regions",
    # Assumed, not read per region: re-check on the AWS Backup page before relying on it outside the US.
    "backup.": "aws.amazon.com/backup/pricing: Aurora warm storage and cross-Region copy transfer taken as in us-east-1",
    "ecr.storage": "aws.amazon.com/ecr/pricing: private repository storage $0.10 per GB-month in these four regions",
    "inspector.ecr.": "aws.amazon.com/inspector/pricing: image scan rates taken as equal in these four regions (not read per region)",
    "sqs.": "aws.amazon.com/sqs/pricing: standard-queue requests $0.40 per 1M in these four regions",
}
# Of those, the ones taken without a reading in the region: marked secondary wherever they apply.
ASSUMED_SAME = ("backup.", "inspector.ecr.")


@dataclass(frozen=True)
class RegionPrices:
    # key -> (USD, page the figure was read from)
    exact: dict[str, tuple[str, str]] = field(default_factory=dict)
    # key prefix -> (ratio to us-east-1, the reference it was computed from)
    ratios: dict[str, tuple[str, str]] = field(default_factory=dict)
    # SAME_EVERYWHERE prefix -> (why it holds here, basis); None: every prefix, as SAME_EVERYWHERE states
    same: dict[str, tuple[str, str]] | None = None
    # key -> (date, basis) where an entry is not a page read on READ_ON (a data file's entries)
    dated: dict[str, tuple[str, str]] = field(default_factory=dict)
    # ratio prefix -> date the reference was read (a data file's ratios)
    ratio_dates: dict[str, str] = field(default_factory=dict)


def _same_as_us_east_1(page: str, keys: tuple[str, ...], values: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    return {key: (value, page) for key, value in zip(keys, values, strict=True)}


_EBS = ("ebs.gp3", "ebs.gp2")
_NAT = ("nat.hour", "nat.gb")
_ALB = ("alb.hour", "alb.lcu")
_VPCE = ("vpce.interface.hour", "vpce.interface.gb")
_AURORA = ("aurora.standard.storage", "aurora.standard.io", "aurora.iopt1.storage")
_S3 = ("s3.standard.storage",)
# cloudwatch.vended.cwl: vended logs delivered to CloudWatch Logs, first 10 TB (the region's standard ingestion rate).
_LOGS = ("cloudwatch.logs.ingest", "cloudwatch.logs.storage", "cloudwatch.vended.s3", "cloudwatch.vended.cwl")


def _region(name: str, values: dict[tuple[str, ...], tuple[str, ...]], ratios: dict[str, tuple[str, str]]) -> RegionPrices:
    pages = {
        _EBS: "aws.amazon.com/ebs/pricing",
        _NAT: "aws.amazon.com/vpc/pricing",
        _ALB: "aws.amazon.com/elasticloadbalancing/pricing",
        _VPCE: "aws.amazon.com/privatelink/pricing",
        _AURORA: "aws.amazon.com/rds/aurora/pricing",
        _S3: "aws.amazon.com/s3/pricing",
        _LOGS: "aws.amazon.com/cloudwatch/pricing",
    }
    exact: dict[str, tuple[str, str]] = {}
    for keys, figures in values.items():
        exact.update(_same_as_us_east_1(f"{pages[keys]} ({name})", keys, figures))
    return RegionPrices(exact, ratios)


REGIONS: dict[str, RegionPrices] = {
    "us-west-2": _region(
        "us-west-2",
        {
            _EBS: ("0.08", "0.10"),
            _NAT: ("0.045", "0.045"),
            _ALB: ("0.0225", "0.008"),
            _VPCE: ("0.01", "0.01"),
            _AURORA: ("0.10", "0.20", "0.225"),
            _S3: ("0.023",),
            _LOGS: ("0.50", "0.03", "0.25", "0.50"),
        },
        {
            "ec2.instance.": ("1", "m6i.large $0.096/h in us-west-2 = us-east-1 (EC2 on-demand page)"),
            "aurora-postgresql.": ("1", "db.r6g.large $0.26/h in us-west-2 = us-east-1 (Aurora pricing page)"),
            "elasticache.": ("1", "cache.r6g.large $0.206/h in us-west-2 = us-east-1 (ElastiCache pricing page)"),
        },
    ),
    "eu-west-1": _region(
        "eu-west-1",
        {
            _EBS: ("0.088", "0.11"),
            _NAT: ("0.048", "0.048"),
            _ALB: ("0.0252", "0.008"),
            _VPCE: ("0.011", "0.01"),
            _AURORA: ("0.11", "0.22", "0.248"),
            _S3: ("0.023",),
            _LOGS: ("0.57", "0.03", "0.285", "0.57"),
        },
        {
            "ec2.instance.": ("0.107/0.096", "m6i.large $0.107/h in eu-west-1 vs $0.096 (EC2 on-demand page)"),
            "aurora-postgresql.": ("0.288/0.26", "db.r6g.large $0.288/h in eu-west-1 vs $0.26 (Aurora pricing page)"),
            "elasticache.": ("0.228/0.206", "cache.r6g.large $0.228/h in eu-west-1 vs $0.206 (ElastiCache pricing page)"),
        },
    ),
    "eu-central-1": _region(
        "eu-central-1",
        {
            _EBS: ("0.0952", "0.119"),
            _NAT: ("0.052", "0.052"),
            _ALB: ("0.027", "0.0081"),
            _VPCE: ("0.012", "0.01"),
            _AURORA: ("0.12", "0.22", "0.27"),
            _S3: ("0.0245",),
            _LOGS: ("0.63", "0.0324", "0.315", "0.63"),
        },
        {
            "ec2.instance.": ("0.115/0.096", "m6i.large $0.115/h in eu-central-1 vs $0.096 (EC2 on-demand page)"),
            "aurora-postgresql.": ("0.31/0.26", "db.r6g.large $0.31/h in eu-central-1 vs $0.26 (Aurora pricing page)"),
            "elasticache.": ("0.248/0.206", "cache.r6g.large $0.248/h in eu-central-1 vs $0.206 (ElastiCache pricing page)"),
        },
    ),
}

# CloudWatch Synthetics canary runs. us-west-2 (the default second canary region) was read at the
# us-east-1 rate; the two EU figures are assumed equal to it and not yet read: re-check them.
for _region_name, _note in (("us-west-2", "read"), ("eu-west-1", "assumed, re-check"), ("eu-central-1", "assumed, re-check")):
    REGIONS[_region_name].exact["synthetics.canary.run"] = (
        "0.0012",
        f"aws.amazon.com/cloudwatch/pricing ({_region_name}, Synthetics canary runs; {_note})",
    )
