"""Catalogue entries from AWS's Price List offer files (the bulk API; no credentials needed).

A region's offer file for a service is public, at
``https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<OfferCode>/current/<region>/index.json``
(or ``index.csv``). AWS documents both shapes ("Reading the service price list file for an AWS
service", AWS Billing user guide): the JSON has ``products`` (``sku`` -> ``productFamily`` and
``attributes``) and ``terms.OnDemand`` (``sku`` -> offer terms -> ``priceDimensions`` with
``unit``, ``beginRange`` and ``pricePerUnit.USD``); the CSV has five metadata rows, a header row,
then one row per price dimension. The CSV streams row by row, which matters for AmazonEC2, whose
regional JSON runs to hundreds of megabytes.

``MATCHERS`` says which product prices each catalogue key: the offer code, the product family,
attribute values and the usage type without its region prefix (``EUW2-NatGateway-Hours`` in
eu-west-2, ``NatGateway-Hours`` in us-east-1). The filters follow Infracost's AWS price lookups
(``internal/resources/aws/*.go`` in infracost/infracost), which query a database built from these
same files; the exact usage type keeps neighbours out (``TS-LoadBalancerUsage``, the regional NAT
gateway, extended-support cache nodes). Two different prices for one key are an error, never a
silent pick.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

OFFER_URL = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/{service}/current/{region}/index.{ext}"
# A usage type's region prefix: "EUW2-", "USE1-", "APS3-", and eu-west-1's "EU-" (the pattern
# Infracost's lb.go uses). A prefix without a digit, such as "TS-", is part of the usage type.
_PREFIX = r"(?:[A-Z]{2,4}\d-|EU-)?"
MILLION = Decimal(1_000_000)


class OfferError(ValueError):
    """An offer file that cannot be read or prices a key twice; the message names the file."""


@dataclass(frozen=True)
class Matcher:
    service: str  # offer code
    family: str  # productFamily
    usage: str  # usage type without the region prefix
    attributes: tuple[tuple[str, str], ...] = ()
    units: tuple[str, ...] = ("Hrs",)  # accepted offer units
    scale: Decimal = Decimal(1)  # offer unit -> the catalogue's unit


def _linux(instance_type: str) -> Matcher:
    attributes = (
        ("instanceType", instance_type),
        ("operatingSystem", "Linux"),
        ("tenancy", "Shared"),
        ("preInstalledSw", "NA"),
        ("capacitystatus", "Used"),
    )
    return Matcher("AmazonEC2", "Compute Instance", f"BoxUsage:{instance_type}", attributes)


FIXED: dict[str, Matcher] = {
    "ebs.gp3": Matcher("AmazonEC2", "Storage", "EBS:VolumeUsage.gp3", (("volumeApiName", "gp3"),), ("GB-Mo",)),
    "ebs.gp2": Matcher("AmazonEC2", "Storage", "EBS:VolumeUsage.gp2", (("volumeApiName", "gp2"),), ("GB-Mo",)),
    "nat.hour": Matcher("AmazonEC2", "NAT Gateway", "NatGateway-Hours"),
    "nat.gb": Matcher("AmazonEC2", "NAT Gateway", "NatGateway-Bytes", units=("GB",)),
    "ipv4.public.hour": Matcher("AmazonVPC", "IP Address", "PublicIPv4:InUseAddress"),
    "vpce.interface.hour": Matcher("AmazonVPC", "VpcEndpoint", "VpcEndpoint-Hours"),
    "vpce.interface.gb": Matcher("AmazonVPC", "VpcEndpoint", "VpcEndpoint-Bytes", units=("GB",)),
    "alb.hour": Matcher("AWSELB", "Load Balancer-Application", "LoadBalancerUsage"),
    "alb.lcu": Matcher("AWSELB", "Load Balancer-Application", "LCUUsage", units=("LCU-Hrs",)),
    "aurora.standard.storage": Matcher(
        "AmazonRDS", "Database Storage", "Aurora:StorageUsage", (("databaseEngine", "Aurora PostgreSQL"),), ("GB-Mo",)
    ),
    "aurora.iopt1.storage": Matcher(
        "AmazonRDS", "Database Storage", "Aurora:IO-OptimizedStorageUsage", (("databaseEngine", "Aurora PostgreSQL"),), ("GB-Mo",)
    ),
    "aurora.standard.io": Matcher(
        "AmazonRDS", "System Operation", "Aurora:StorageIOUsage", (("databaseEngine", "Aurora PostgreSQL"),), ("IOs",), MILLION
    ),
    "s3.standard.storage": Matcher("AmazonS3", "Storage", "TimedStorage-ByteHrs", (("volumeType", "Standard"),), ("GB-Mo",)),
    "cloudwatch.logs.ingest": Matcher("AmazonCloudWatch", "Data Payload", "DataProcessing-Bytes", units=("GB",)),
    "cloudwatch.logs.storage": Matcher("AmazonCloudWatch", "Storage Snapshot", "TimedStorage-ByteHrs", units=("GB-Mo",)),
    "ecr.storage": Matcher("AmazonECR", "EC2 Container Registry", "TimedStorage-ByteHrs", units=("GB-Mo",)),
    "sqs.standard.requests": Matcher("AWSQueueService", "API Request", "", (("queueType", "Standard"),), ("Requests",), MILLION),
}


def matcher_for(key: str) -> Matcher | None:
    """The product that prices a catalogue key, or None when the offer files are not read for it."""
    if key in FIXED:
        return FIXED[key]
    if key.startswith("ec2.instance."):
        return _linux(key.removeprefix("ec2.instance."))
    for engine, label in (("redis", "Redis"), ("valkey", "Valkey")):
        prefix = f"elasticache.{engine}."
        if key.startswith(prefix):
            node = key.removeprefix(prefix)
            return Matcher("AmazonElastiCache", "Cache Instance", f"NodeUsage:{node}", (("instanceType", node), ("cacheEngine", label)))
    for config, usage in (("standard", "InstanceUsage"), ("iopt1", "InstanceUsageIOOptimized")):
        prefix = f"aurora-postgresql.{config}."
        if key.startswith(prefix):
            klass = key.removeprefix(prefix)
            attributes = (("instanceType", klass), ("databaseEngine", "Aurora PostgreSQL"))
            return Matcher("AmazonRDS", "Database Instance", f"{usage}:{klass}", attributes)
    return None


def _norm(name: str) -> str:
    """Attribute names as the JSON and the CSV both spell them: "Instance Type" and "instanceType" alike."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class OfferRow:
    sku: str
    family: str
    attributes: dict[str, str]  # normalized name -> value
    unit: str
    price: Decimal
    begin: str  # the tier's beginRange ("0" for the first)


@dataclass
class Offer:
    path: Path
    service: str
    published: str
    rows: Iterable[OfferRow] = field(default_factory=list)


def _decimal(text: str, where: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise OfferError(f"{where}: price {text!r} is not a number") from None


def _json_rows(data: dict[str, Any], where: str) -> Iterator[OfferRow]:
    products = data.get("products")
    on_demand = (data.get("terms") or {}).get("OnDemand")
    if not isinstance(products, dict) or not isinstance(on_demand, dict):
        raise OfferError(f"{where}: not an offer file (expected 'products' and 'terms.OnDemand')")
    for sku, terms in on_demand.items():
        product = products.get(sku) or {}
        attributes = {_norm(k): str(v) for k, v in (product.get("attributes") or {}).items()}
        for term in (terms or {}).values():
            for dimension in (term.get("priceDimensions") or {}).values():
                usd = (dimension.get("pricePerUnit") or {}).get("USD")
                if usd is None:
                    continue
                price = _decimal(str(usd), f"{where}: {sku}")
                begin = str(dimension.get("beginRange", "0"))
                yield OfferRow(sku, str(product.get("productFamily") or ""), attributes, str(dimension.get("unit") or ""), price, begin)


_CSV_PRICING = {"sku", "offertermcode", "ratecode", "termtype", "pricedescription", "effectivedate", "startingrange"}
_CSV_PRICING |= {"endingrange", "unit", "priceperunit", "currency", "productfamily"}


def _csv_rows(lines: Iterator[list[str]], header: list[str], where: str) -> Iterator[OfferRow]:
    names = [_norm(name) for name in header]
    for values in lines:
        row = dict(zip(names, values, strict=False))
        if row.get("termtype") != "OnDemand" or row.get("currency", "USD") != "USD":
            continue
        attributes = {k: v for k, v in row.items() if k not in _CSV_PRICING and v != ""}
        price = _decimal(row.get("priceperunit", ""), f"{where}: {row.get('sku')}")
        yield OfferRow(
            row.get("sku", ""), row.get("productfamily", ""), attributes, row.get("unit", ""), price, row.get("startingrange") or "0"
        )


def _csv_streamed(path: Path) -> Iterator[OfferRow]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = csv.reader(handle)
        for _ in range(5):
            next(lines, None)
        header = next(lines, [])
        yield from _csv_rows(lines, header, path.name)


def _csv_offer(path: Path) -> Offer:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = csv.reader(handle)
        meta = {_norm(row[0]): row[1] for row in (next(lines, []) for _ in range(5)) if len(row) >= 2}
        header = next(lines, None)
    if header is None or "offercode" not in meta:
        raise OfferError(f"{path.name}: not an offer file (five metadata rows, then a header)")
    return Offer(path, meta["offercode"], meta.get("publicationdate", ""), _csv_streamed(path))


def read_offer(path: Path) -> Offer:
    """An offer file's service, publication date and on-demand price rows (CSV rows are streamed)."""
    where = path.name
    try:
        if path.suffix == ".csv":
            return _csv_offer(path)
        data = json.loads(path.read_text(encoding="utf-8"))
    except OfferError:
        raise
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise OfferError(f"{where}: cannot read ({type(error).__name__}: {error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("offerCode"), str):
        raise OfferError(f"{where}: not an offer file (no 'offerCode')")
    return Offer(path, data["offerCode"], str(data.get("publicationDate") or ""), list(_json_rows(data, where)))


def _matches(row: OfferRow, matcher: Matcher, region: str) -> bool:
    attributes = row.attributes
    if row.family != matcher.family or row.begin not in ("0", "0.0"):
        return False
    # Global rows (an account's free tier) carry no region code: they are not the region's price.
    if attributes.get("regioncode") != region or attributes.get("locationtype", "AWS Region") != "AWS Region":
        return False
    if any(attributes.get(_norm(name)) != value for name, value in matcher.attributes):
        return False
    usage = attributes.get("usagetype", "")
    return not matcher.usage or re.fullmatch(_PREFIX + re.escape(matcher.usage), usage) is not None


@dataclass(frozen=True)
class Imported:
    key: str
    amount: Decimal  # in the catalogue's unit
    sku: str
    usage: str
    service: str
    published: str


def import_prices(offers: Iterable[Offer], region: str, keys: Iterable[str]) -> list[Imported]:
    """The price of each key that one of the offers holds, converted to the catalogue's unit."""
    wanted = {key: m for key in keys if (m := matcher_for(key)) is not None}
    by_service: dict[str, dict[str, Matcher]] = {}
    for key, matcher in wanted.items():
        by_service.setdefault(matcher.service, {})[key] = matcher
    found: dict[str, Imported] = {}
    for offer in offers:
        matchers = by_service.get(offer.service, {})
        for row in offer.rows:
            for key, matcher in matchers.items():
                if not _matches(row, matcher, region):
                    continue
                if row.unit not in matcher.units:
                    raise OfferError(
                        f"{offer.path.name}: {key} is priced per {row.unit!r} (SKU {row.sku}); expected {', '.join(matcher.units)}"
                    )
                amount = (row.price * matcher.scale).normalize()
                usage = row.attributes.get("usagetype", "")
                entry = Imported(key, amount, row.sku, usage, offer.service, offer.published[:10])
                earlier = found.get(key)
                if earlier is not None and earlier.amount != amount:
                    raise OfferError(
                        f"{offer.path.name}: two prices for {key}: {earlier.amount} (SKU {earlier.sku}) and {amount} (SKU {row.sku})"
                    )
                found.setdefault(key, entry)
    return [found[key] for key in sorted(found)]


def catalogue_entry(item: Imported, region: str, unit: str) -> dict[str, str]:
    """One entry of a region data file (pricing/region_files.py) for an imported price."""
    url = OFFER_URL.format(service=item.service, region=region, ext="json")
    usage = f", usage type {item.usage}" if item.usage else ""
    return {
        "amount": format(item.amount, "f"),
        "unit": unit,
        "basis": "price-list",
        "date": item.published,
        "source": f"AWS Price List {url} (published {item.published}), SKU {item.sku}{usage}",
    }
