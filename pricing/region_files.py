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

from documents.reader import DocumentError
from pricing.regions import RegionPrices

DATA_DIR = Path(__file__).resolve().parent / "region_data"
# How a figure was obtained. The first two are AWS's own; the rest are marked secondary.
PRIMARY_BASES = ("price-list", "page")
SECONDARY_BASES = ("secondary", "ratio", "assumed")
BASES = PRIMARY_BASES + SECONDARY_BASES


class RegionFileError(DocumentError):
    """A region data file that cannot be used; the message names the file and the entry.

    A ``DocumentError``: one line fit for ``error: ...``, which ``python -m preflight`` prints when
    the catalogue, built at import, cannot read a file (the class is importable without ``pricing``).
    """


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


def _decimal(text: str, whole: str, where: str) -> Decimal:
    try:
        figure = Decimal(text)
    except InvalidOperation:
        raise RegionFileError(f"{where}: {whole!r} is not a decimal number") from None
    if not figure.is_finite() or figure < 0:
        raise RegionFileError(f"{where}: {whole!r} is not a number >= 0")
    return figure


def _ratio(text: str, where: str) -> None:
    """A figure, or ``top/bottom`` of two with the bottom > 0 (the catalogue divides by it)."""
    top, slash, bottom = text.partition("/")
    _decimal(top, text, where)
    if slash and _decimal(bottom, text, where) == 0:
        raise RegionFileError(f"{where}: {text!r} divides by zero")


def _entries(data: Mapping[str, Any], section: str, where: str) -> list[tuple[str, Any]]:
    """The entries of the ``prices``, ``ratios`` or ``same`` object (absent: none)."""
    value = data.get(section)
    if value is None:
        return []
    if not isinstance(value, Mapping):
        raise RegionFileError(f"{where}: '{section}' must be an object of entries by key, not {type(value).__name__}")
    return list(value.items())


def region_prices(data: Mapping[str, Any], where: str) -> RegionPrices:
    """The table of one region data file (already parsed)."""
    exact: dict[str, tuple[str, str]] = {}
    dated: dict[str, tuple[str, str]] = {}
    for key, entry in _entries(data, "prices", where):
        at = f"{where}: prices.{key}"
        if not isinstance(entry, Mapping):
            raise RegionFileError(f"{at}: must be an object")
        amount = _text(entry, "amount", at)
        _decimal(amount, amount, at)
        exact[key] = (amount, _text(entry, "source", at))
        dated[key] = (_text(entry, "date", at), _basis(entry, at))
    ratios: dict[str, tuple[str, str]] = {}
    ratio_dates: dict[str, str] = {}
    for prefix, entry in _entries(data, "ratios", where):
        at = f"{where}: ratios.{prefix}"
        if not isinstance(entry, Mapping):
            raise RegionFileError(f"{at}: must be an object")
        ratio = _text(entry, "ratio", at)
        _ratio(ratio, at)
        ratios[prefix] = (ratio, _text(entry, "source", at))
        ratio_dates[prefix] = _text(entry, "date", at)
    same: dict[str, tuple[str, str]] = {}
    for prefix, entry in _entries(data, "same", where):
        at = f"{where}: same.{prefix}"
        if not isinstance(entry, Mapping):
            raise RegionFileError(f"{at}: must be an object")
        same[prefix] = (_text(entry, "why", at), _basis(entry, at))
    return RegionPrices(exact, ratios, same, dated, ratio_dates)


def read_region_data(path: Path) -> dict[str, Any]:
    """A region data file's JSON: an object whose ``region`` is the file's name, its sections objects
    (their entries are ``region_prices``'s to check: an import may replace a bad one)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RegionFileError(f"{path.name}: cannot read ({type(error).__name__}: {error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("region"), str):
        raise RegionFileError(f"{path.name}: expected an object with 'region'")
    if path.stem != data["region"]:
        raise RegionFileError(f"{path.name}: holds region {data['region']!r}; name the file {data['region']}.json")
    for section in ("prices", "ratios", "same"):
        _entries(data, section, path.name)
    return data


def read_region_file(path: Path) -> tuple[str, RegionPrices]:
    data = read_region_data(path)
    return data["region"], region_prices(data, path.name)


def load_region_files(directory: Path = DATA_DIR) -> dict[str, RegionPrices]:
    """Every region data file in ``directory``, by region."""
    tables: dict[str, RegionPrices] = {}
    for path in sorted(directory.glob("*.json")):
        region, table = read_region_file(path)
        tables[region] = table
    return tables
