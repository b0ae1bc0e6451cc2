"""`python -m preflight prices import|urls --region R`: catalogue prices from AWS's Price List offer files.

    prices urls --region eu-west-2           the offer files to download (public, no credentials)
    prices import --region eu-west-2 FILE…   read them (index.json or index.csv) into
                                             pricing/region_data/eu-west-2.json

The import writes an exact entry (basis ``price-list``, the file's URL, publication date and SKU)
for every price the program uses that the files hold, replacing a secondary entry of the same
key; what they do not hold stays as it was. A region without a table yet also gets the prices
found equal to us-east-1 elsewhere (``SAME_EVERYWHERE``), each marked ``assumed``, so the plan
prices it in full and says which figures are assumptions. Exit 0 written; 2 bad input (an
unknown region, an unreadable file, two prices for one key).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from config.aws_regions import AWS_REGIONS, closest_region
from config.database import AURORA_INSTANCE_CLASSES
from config.instance_types import NODE_INSTANCE_TYPES
from config.redis import ELASTICACHE_NODE_TYPES
from documents.reader import DocumentError
from preflight.arguments import OneLineParser
from pricing.catalogue import US_EAST_1, find_price
from pricing.offer_import import FIXED, OFFER_URL, OfferError, catalogue_entry, import_prices, read_offer
from pricing.region_files import DATA_DIR, RegionFileError, read_region_data, region_prices
from pricing.regions import SAME_EVERYWHERE

# The offer codes the program's prices come from (the `urls` list).
SERVICES = (
    "AmazonEC2",
    "AmazonVPC",
    "AWSELB",
    "AmazonRDS",
    "AmazonElastiCache",
    "AmazonS3",
    "AmazonCloudWatch",
    "AmazonECR",
    "AWSQueueService",
)


def program_keys() -> list[str]:
    """Every catalogue key the program can ask for: the us-east-1 entries and every size the config accepts."""
    keys = set(US_EAST_1)
    keys |= {f"ec2.instance.{name}" for name in NODE_INSTANCE_TYPES}
    keys |= {f"aurora-postgresql.{config}.{name}" for name in AURORA_INSTANCE_CLASSES for config in ("standard", "iopt1")}
    keys |= {f"elasticache.{engine}.{name}" for name in ELASTICACHE_NODE_TYPES for engine in ("redis", "valkey")}
    return sorted(keys)


def _unit(key: str) -> str:
    price = find_price("us-east-1", key)
    if price is None:  # every key the program asks for is priced in us-east-1 (a catalogue test holds it)
        raise DocumentError(f"{key} has no us-east-1 price to take its unit from")
    return price.unit


def merge(existing: dict[str, Any] | None, region: str, imported: dict[str, dict[str, str]], published: list[str]) -> dict[str, Any]:
    """The region's data file with the imported entries laid over what it held."""
    data: dict[str, Any] = dict(existing or {"region": region})
    new_region = existing is None
    data["prices"] = {**(data.get("prices") or {}), **imported}
    sources = ", ".join(sorted(set(published)))
    data["about"] = (
        f"{AWS_REGIONS[region]}. Prices imported from AWS's Price List offer files ({sources}) by `python -m preflight prices import`."
    )
    if new_region:
        # Not in the offer files read: taken as in us-east-1, and said so (the plan counts them as secondary).
        # (An imported exact entry wins over these for its own key.)
        data["same"] = {
            prefix: {"basis": "assumed", "why": f"taken as in us-east-1 ({why}); not read in {region}"}
            for prefix, why in SAME_EVERYWHERE.items()
        }
        if not any(key.startswith("synthetics.") for key in imported):
            data["ratios"] = {
                "synthetics.": {
                    "ratio": "1",
                    "date": min(published, default=""),
                    "source": f"assumed equal to us-east-1 (not read in {region})",
                }
            }
    return data


def import_command(region: str, files: list[Path], directory: Path) -> int:
    # The file to update is read first: a corrupt one, or a --data-dir that is not a folder, is
    # refused before the (large) offer files are read.
    if directory.exists() and not directory.is_dir():
        raise RegionFileError(f"--data-dir {directory}: not a directory")
    target = directory / f"{region}.json"
    existing = read_region_data(target) if target.exists() else None
    offers = [read_offer(path) for path in files]
    found = import_prices(offers, region, program_keys())
    if not found:
        raise OfferError(f"none of the prices the program uses is in these files for {region}: are they {region}'s offer files?")
    entries = {item.key: catalogue_entry(item, region, _unit(item.key)) for item in found}
    data = merge(existing, region, entries, [f"{o.service} {o.published[:10]}" for o in offers])
    region_prices(data, target.name)  # refuse to write a file the catalogue could not read
    try:
        directory.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    except OSError as error:
        raise RegionFileError(f"cannot write {target} ({error.strerror or error})") from None
    matched_services = sorted({item.service for item in found})
    missing = sorted(key for key in FIXED if key not in entries)
    print(f"{region}: {len(entries)} price(s) imported from {len(offers)} offer file(s) ({', '.join(matched_services)}) into {target}")
    if missing:
        print(f"  not in these files (still from the file's other entries, or unpriced): {', '.join(missing)}")
    return 0


def main(argv: list[str]) -> int:
    parser = OneLineParser(prog="python -m preflight prices", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("action", choices=("import", "urls"))
    parser.add_argument("--region", required=True)
    parser.add_argument("files", nargs="*", type=Path, help="offer files (index.json or index.csv) of the region")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="where region data files live (default: pricing/region_data)")
    try:
        args = parser.parse_intermixed_args(argv)
        if args.region not in AWS_REGIONS:
            close = closest_region(args.region)
            raise DocumentError(f"--region {args.region}: not an AWS region" + (f"; did you mean {close}?" if close else ""))
        if args.action == "urls":
            for service in SERVICES:
                print(OFFER_URL.format(service=service, region=args.region, ext="csv"))
            return 0
        if not args.files:
            raise DocumentError("import needs the offer files: `prices urls --region R` lists them")
        return import_command(args.region, args.files, args.data_dir)
    except SystemExit as exit_:
        return 0 if exit_.code in (0, None) else 2
    except (DocumentError, OfferError, RegionFileError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
