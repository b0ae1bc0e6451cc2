"""Regional price tables kept as data: one JSON file per region in ``pricing/region_data/``.

``python -m preflight prices import`` writes these files from AWS's Price List offer files; a
region read from a secondary source (a third-party copy of those files, a regional ratio) uses
the same shape, with each entry's ``basis`` saying which it is, so that an import replaces the
secondary entries one by one and the plan can say how many of its prices are secondary.

A file holds, for one region::

    {"region": "eu-west-2",
     "prices": {"ebs.gp3": {"amount": "0.0928", "unit": "GB-month", "basis": "secondary",
                            "date": "2026-10-05", "source": "..."}},
     "ratios": {"ec2.instance.": {"ratio": "0.0472/0.0416", "date": "2026-10-05", "source": "..."}},
     "same":   {"secretsmanager.": {"basis": "secondary", "why": "..."}}}

``prices`` are exact figures in the catalogue's unit for the key; ``ratios`` carry a whole
family from us-east-1 by the ratio of one reference read in the region; ``same`` names the
``SAME_EVERYWHERE`` prefixes this region takes at the us-east-1 figure, and why.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pricing.regions import RegionPrices

DATA_DIR = Path(__file__).resolve().parent / "region_data"
# How a figure was obtained. The first two are AWS's own; the rest are marked secondary.
PRIMARY_BASES = ("price-list", "page")
SECONDARY_BASES = ("secondary", "ratio", "assumed")
BASES = PRIMARY_BASES + SECONDARY_BASES


class RegionFileError(ValueError):
    """A region data file that cannot be used; the message names the file and the entry."""


def _text(entry: Mapping[str, Any], field: str, where: str) -> str:
    value = entry.get(field)
    if not isinstance(value, str) or not value:
        raise RegionFileError(f"{where}: '{field}' must be a non-empty string")
    return value


def _basis(entry: Mapping[str, Any], where: str) -> str:
    basis = _text(entry, "basis", where)
    if basis not in BASES:
        raise RegionFileError(f"{where}: basis {basis!r} is not one of {', '.join(BASES)}")
    return basis


def _amount(text: str, where: str) -> None:
    try:
        figure = Decimal(text.split("/")[0]) if "/" in text else Decimal(text)
    except InvalidOperation:
        raise RegionFileError(f"{where}: {text!r} is not a decimal number") from None
    if not figure.is_finite() or figure < 0:
        raise RegionFileError(f"{where}: {text!r} is not a number >= 0")


def region_prices(data: Mapping[str, Any], where: str) -> RegionPrices:
    """The table of one region data file (already parsed)."""
    exact: dict[str, tuple[str, str]] = {}
    dated: dict[str, tuple[str, str]] = {}
    for key, entry in (data.get("prices") or {}).items():
        at = f"{where}: prices.{key}"
        if not isinstance(entry, Mapping):
            raise RegionFileError(f"{at}: must be an object")
        amount = _text(entry, "amount", at)
        _amount(amount, at)
        exact[key] = (amount, _text(entry, "source", at))
        dated[key] = (_text(entry, "date", at), _basis(entry, at))
    ratios: dict[str, tuple[str, str]] = {}
    ratio_dates: dict[str, str] = {}
    for prefix, entry in (data.get("ratios") or {}).items():
        at = f"{where}: ratios.{prefix}"
        if not isinstance(entry, Mapping):
            raise RegionFileError(f"{at}: must be an object")
        ratio = _text(entry, "ratio", at)
        _amount(ratio, at)
        ratios[prefix] = (ratio, _text(entry, "source", at))
        ratio_dates[prefix] = _text(entry, "date", at)
    same: dict[str, tuple[str, str]] = {}
    for prefix, entry in (data.get("same") or {}).items():
        at = f"{where}: same.{prefix}"
        if not isinstance(entry, Mapping):
            raise RegionFileError(f"{at}: must be an object")
        same[prefix] = (_text(entry, "why", at), _basis(entry, at))
    return RegionPrices(exact, ratios, same, dated, ratio_dates)


def read_region_file(path: Path) -> tuple[str, RegionPrices]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RegionFileError(f"{path.name}: cannot read ({type(error).__name__}: {error})") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("region"), str):
        raise RegionFileError(f"{path.name}: expected an object with 'region'")
    if path.stem != data["region"]:
        raise RegionFileError(f"{path.name}: holds region {data['region']!r}; name the file {data['region']}.json")
    return data["region"], region_prices(data, path.name)


def load_region_files(directory: Path = DATA_DIR) -> dict[str, RegionPrices]:
    """Every region data file in ``directory``, by region."""
    tables: dict[str, RegionPrices] = {}
    for path in sorted(directory.glob("*.json")):
        region, table = read_region_file(path)
        tables[region] = table
    return tables
