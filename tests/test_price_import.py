"""`preflight prices import`: AWS's Price List offer files (the documented shape, written small
here) become catalogue entries for the prices the program uses, with their SKU and date; the
neighbours a loose match would catch (other engines, trust-store hours, the regional NAT gateway,
extended-support nodes, the global free tier) stay out; two prices for one key are refused.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from preflight.prices_command import main as prices_main
from preflight.prices_command import program_keys
from pricing import catalogue, price_resources
from pricing.offer_import import matcher_for
from pricing.region_files import read_region_file

REGION = "ap-south-2"  # no table in the catalogue: an import is its only source
PUBLISHED = "2026-10-01T08:00:00Z"
PREFIX = "urn:pulumi:production::email-platform::"


def _product(
    sku: str, family: str, price: str, unit: str, region: str = REGION, **attributes: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    product = {"sku": sku, "productFamily": family, "attributes": {"regionCode": region, "locationType": "AWS Region", **attributes}}
    if not region:
        del product["attributes"]["regionCode"]
    dimension = {f"{sku}.JRTCKXETXF.6YS6EN2CT7": {"unit": unit, "beginRange": "0", "endRange": "Inf", "pricePerUnit": {"USD": price}}}
    term = {f"{sku}.JRTCKXETXF": {"offerTermCode": "JRTCKXETXF", "sku": sku, "priceDimensions": dimension}}
    return product, term


def write_offer(path: Path, service: str, rows: list[tuple[dict[str, Any], dict[str, Any]]]) -> Path:
    """An offer file as AWS documents it: products by SKU, and terms.OnDemand by SKU."""
    document = {
        "formatVersion": "v1.0",
        "offerCode": service,
        "version": "20261001080000",
        "publicationDate": PUBLISHED,
        "products": {product["sku"]: product for product, _ in rows},
        "terms": {"OnDemand": {product["sku"]: term for product, term in rows}},
    }
    path.write_text(json.dumps(document))
    return path


def ec2(tmp: Path) -> Path:
    linux = {"operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used"}
    return write_offer(
        tmp / "AmazonEC2.json",
        "AmazonEC2",
        [
            _product(
                "M6IXL", "Compute Instance", "0.2140000000", "Hrs", instanceType="m6i.xlarge", usagetype="APS5-BoxUsage:m6i.xlarge", **linux
            ),
            # Neighbours: RHEL, a dedicated host, an unused reservation, another region.
            _product(
                "M6IXLRHEL",
                "Compute Instance",
                "0.3000000000",
                "Hrs",
                instanceType="m6i.xlarge",
                usagetype="APS5-BoxUsage:m6i.xlarge",
                **{**linux, "operatingSystem": "RHEL"},
            ),
            _product(
                "M6IXLDED",
                "Compute Instance",
                "0.2400000000",
                "Hrs",
                instanceType="m6i.xlarge",
                usagetype="APS5-DedicatedUsage:m6i.xlarge",
                **{**linux, "tenancy": "Dedicated"},
            ),
            _product(
                "M6IXLUNUSED",
                "Compute Instance",
                "0.2140000000",
                "Hrs",
                instanceType="m6i.xlarge",
                usagetype="APS5-UnusedBox:m6i.xlarge",
                **{**linux, "capacitystatus": "UnusedCapacityReservation"},
            ),
            _product(
                "M6IXLOTHER",
                "Compute Instance",
                "0.1920000000",
                "Hrs",
                "us-east-1",
                instanceType="m6i.xlarge",
                usagetype="BoxUsage:m6i.xlarge",
                **linux,
            ),
            _product("NATH", "NAT Gateway", "0.0560000000", "Hrs", usagetype="APS5-NatGateway-Hours"),
            _product("NATRH", "NAT Gateway", "0.0700000000", "Hrs", usagetype="APS5-RegionalNatGateway-Hours"),
            _product("NATB", "NAT Gateway", "0.0560000000", "GB", usagetype="APS5-NatGateway-Bytes"),
            _product("GP3", "Storage", "0.0912000000", "GB-Mo", volumeApiName="gp3", usagetype="APS5-EBS:VolumeUsage.gp3"),
        ],
    )


def rds(tmp: Path) -> Path:
    aurora = {"databaseEngine": "Aurora PostgreSQL"}
    return write_offer(
        tmp / "AmazonRDS.json",
        "AmazonRDS",
        [
            _product(
                "R7G",
                "Database Instance",
                "0.3100000000",
                "Hrs",
                instanceType="db.r7g.large",
                usagetype="APS5-InstanceUsage:db.r7g.large",
                **aurora,
            ),
            _product(
                "R7GIO",
                "Database Instance",
                "0.4030000000",
                "Hrs",
                instanceType="db.r7g.large",
                usagetype="APS5-InstanceUsageIOOptimized:db.r7g.large",
                **aurora,
            ),
            _product(
                "R7GMY",
                "Database Instance",
                "0.2900000000",
                "Hrs",
                instanceType="db.r7g.large",
                usagetype="APS5-InstanceUsage:db.r7g.large",
                databaseEngine="Aurora MySQL",
            ),
            _product("STOR", "Database Storage", "0.1100000000", "GB-Mo", usagetype="APS5-Aurora:StorageUsage", **aurora),
            _product("IO", "System Operation", "0.0000002200", "IOs", usagetype="APS5-Aurora:StorageIOUsage", **aurora),
        ],
    )


def elb(tmp: Path) -> Path:
    return write_offer(
        tmp / "AWSELB.json",
        "AWSELB",
        [
            _product("ALB", "Load Balancer-Application", "0.0239000000", "Hrs", usagetype="APS5-LoadBalancerUsage"),
            _product("ALBTS", "Load Balancer-Application", "0.0053000000", "Hrs", usagetype="APS5-TS-LoadBalancerUsage"),
            _product("LCU", "Load Balancer-Application", "0.0080000000", "LCU-Hrs", usagetype="APS5-LCUUsage"),
            _product("NLBLCU", "Load Balancer-Network", "0.0060000000", "LCU-Hrs", usagetype="APS5-LCUUsage"),
        ],
    )


def cache(tmp: Path) -> Path:
    return write_offer(
        tmp / "AmazonElastiCache.json",
        "AmazonElastiCache",
        [
            _product(
                "REDIS",
                "Cache Instance",
                "0.2500000000",
                "Hrs",
                instanceType="cache.r7g.large",
                cacheEngine="Redis",
                usagetype="APS5-NodeUsage:cache.r7g.large",
            ),
            _product(
                "VALKEY",
                "Cache Instance",
                "0.2000000000",
                "Hrs",
                instanceType="cache.r7g.large",
                cacheEngine="Valkey",
                usagetype="APS5-NodeUsage:cache.r7g.large",
            ),
            _product(
                "EXTSUP",
                "Cache Instance",
                "0.4100000000",
                "Hrs",
                instanceType="cache.r7g.large",
                cacheEngine="Redis",
                usagetype="APS5-ExtendedSupportYr3-NodeUsage:cache.r7g.large",
            ),
        ],
    )


def sqs_csv(tmp: Path) -> Path:
    """The CSV shape: five metadata rows, a header of display names, then one row per price."""
    path = tmp / "AWSQueueService.csv"
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerows(
            [
                ["FormatVersion", "v1.0"],
                ["Disclaimer", "x"],
                ["Publication Date", PUBLISHED],
                ["Version", "1"],
                ["OfferCode", "AWSQueueService"],
            ]
        )
        out.writerow(
            [
                "SKU",
                "TermType",
                "StartingRange",
                "Unit",
                "PricePerUnit",
                "Currency",
                "Product Family",
                "Queue Type",
                "Region Code",
                "Location Type",
            ]
        )
        out.writerow(["SQS1", "OnDemand", "0", "Requests", "0.0000004400", "USD", "API Request", "Standard", REGION, "AWS Region"])
        out.writerow(
            [
                "SQSFIFO",
                "OnDemand",
                "0",
                "Requests",
                "0.0000005500",
                "USD",
                "API Request",
                "FIFO (first-in, first-out)",
                REGION,
                "AWS Region",
            ]
        )
        out.writerow(["SQSFREE", "OnDemand", "0", "Requests", "0", "USD", "API Request", "Standard", "", "AWS Region"])  # global free tier
        out.writerow(["SQS1", "Reserved", "0", "Requests", "0.0000001", "USD", "API Request", "Standard", REGION, "AWS Region"])
    return path


@pytest.fixture
def imported(tmp_path: Path) -> dict[str, Any]:
    files = [ec2(tmp_path), rds(tmp_path), elb(tmp_path), cache(tmp_path), sqs_csv(tmp_path)]
    data_dir = tmp_path / "region_data"
    assert prices_main(["import", "--region", REGION, *map(str, files), "--data-dir", str(data_dir)]) == 0
    data: dict[str, Any] = json.loads((data_dir / f"{REGION}.json").read_text())
    return data


def test_each_price_the_files_hold_becomes_an_entry_in_the_catalogues_unit(imported: dict[str, Any]) -> None:
    prices = {key: entry["amount"] for key, entry in imported["prices"].items()}
    assert prices == {
        "ec2.instance.m6i.xlarge": "0.214",
        "nat.hour": "0.056",
        "nat.gb": "0.056",
        "ebs.gp3": "0.0912",
        "aurora-postgresql.standard.db.r7g.large": "0.31",
        "aurora-postgresql.iopt1.db.r7g.large": "0.403",
        "aurora.standard.storage": "0.11",
        "aurora.standard.io": "0.22",  # $0.00000022 per I/O = $0.22 per million
        "alb.hour": "0.0239",
        "alb.lcu": "0.008",
        "elasticache.redis.cache.r7g.large": "0.25",
        "elasticache.valkey.cache.r7g.large": "0.2",
        "sqs.standard.requests": "0.44",  # per million, the regional row, not the global free tier
    }


def test_each_entry_names_its_offer_file_sku_and_date(imported: dict[str, Any]) -> None:
    entry = imported["prices"]["nat.hour"]
    assert entry["basis"] == "price-list" and entry["date"] == "2026-10-01" and entry["unit"] == "hour"
    assert "SKU NATH" in entry["source"] and "usage type APS5-NatGateway-Hours" in entry["source"]
    assert f"https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/{REGION}/index.json" in entry["source"]


def test_a_new_region_takes_the_same_everywhere_prices_as_assumptions(imported: dict[str, Any]) -> None:
    assert {entry["basis"] for entry in imported["same"].values()} == {"assumed"}
    assert "cloudwatch.alarm." in imported["same"] and imported["ratios"]["synthetics."]["ratio"] == "1"


def test_the_catalogue_prices_the_region_from_the_imported_file(
    imported: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    region, table = read_region_file(tmp_path / "region_data" / f"{REGION}.json")
    monkeypatch.setitem(catalogue.REGIONS, region, table)
    monkeypatch.setattr(catalogue, "_CACHE", {})
    nat = {"urn": f"{PREFIX}aws:ec2/natGateway:NatGateway::nat", "type": "aws:ec2/natGateway:NatGateway", "name": "nat", "inputs": {}}
    alarm = {
        "urn": f"{PREFIX}aws:cloudwatch/metricAlarm:MetricAlarm::a",
        "type": "aws:cloudwatch/metricAlarm:MetricAlarm",
        "name": "a",
        "inputs": {},
    }
    report = price_resources([nat, alarm], REGION)
    assert report["unpriced"] == [] and report["monthly"] == round(0.056 * 730 + 0.10, 2)
    # The imported price is AWS's own; the alarm's is an assumption, and the notes say so.
    assert any("1 price(s) used in ap-south-2 are secondary" in note and "cloudwatch.alarm.standard" in note for note in report["notes"])


def test_an_import_replaces_a_secondary_entry_and_keeps_the_rest(tmp_path: Path) -> None:
    data_dir = tmp_path / "region_data"
    data_dir.mkdir()
    secondary = {"amount": "0.09", "unit": "GB-month", "basis": "secondary", "date": "2026-09-01", "source": "a third-party table"}
    ratio = {"ratio": "1.1", "date": "2026-09-01", "source": "a reference"}
    (data_dir / f"{REGION}.json").write_text(
        json.dumps(
            {"region": REGION, "prices": {"ebs.gp3": secondary, "s3.standard.storage": secondary}, "ratios": {"ec2.instance.": ratio}}
        )
    )
    assert prices_main(["import", "--region", REGION, str(ec2(tmp_path)), "--data-dir", str(data_dir)]) == 0
    data = json.loads((data_dir / f"{REGION}.json").read_text())
    assert data["prices"]["ebs.gp3"]["basis"] == "price-list" and data["prices"]["ebs.gp3"]["amount"] == "0.0912"
    assert data["prices"]["s3.standard.storage"] == {**secondary, "unit": "GB-month"}  # not in these files: kept
    assert data["ratios"] == {"ec2.instance.": ratio} and "same" not in data


def test_two_prices_for_one_key_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    linux = {"operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used"}
    path = write_offer(
        tmp_path / "AmazonEC2.json",
        "AmazonEC2",
        [
            _product("A", "Compute Instance", "0.2", "Hrs", instanceType="m6i.xlarge", usagetype="APS5-BoxUsage:m6i.xlarge", **linux),
            _product("B", "Compute Instance", "0.3", "Hrs", instanceType="m6i.xlarge", usagetype="APS5-BoxUsage:m6i.xlarge", **linux),
        ],
    )
    assert prices_main(["import", "--region", REGION, str(path), "--data-dir", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.strip() == "error: AmazonEC2.json: two prices for ec2.instance.m6i.xlarge: 0.2 (SKU A) and 0.3 (SKU B)"
    assert not (tmp_path / "out").exists()


def test_a_price_in_an_unexpected_unit_is_refused_not_scaled_wrongly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_offer(
        tmp_path / "AmazonRDS.json",
        "AmazonRDS",
        [_product("IO", "System Operation", "0.22", "1M IOs", usagetype="APS5-Aurora:StorageIOUsage", databaseEngine="Aurora PostgreSQL")],
    )
    assert prices_main(["import", "--region", REGION, str(path), "--data-dir", str(tmp_path)]) == 2
    assert "aurora.standard.io is priced per '1M IOs' (SKU IO); expected IOs" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["import", "--region", "eu-west-9", "x.json"], "error: --region eu-west-9: not an AWS region; did you mean eu-west-"),
        (["import", "--region", REGION], "error: import needs the offer files: `prices urls --region R` lists them"),
        (["import", "--region", REGION, "/nonexistent/AmazonEC2.json"], "error: AmazonEC2.json: cannot read (FileNotFoundError"),
    ],
)
def test_bad_input_is_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert prices_main(argv) == 2
    assert capsys.readouterr().err.startswith(message)


def test_urls_names_each_offer_file_of_the_region(capsys: pytest.CaptureFixture[str]) -> None:
    assert prices_main(["urls", "--region", "eu-west-2"]) == 0
    urls = capsys.readouterr().out.split()
    assert "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/eu-west-2/index.csv" in urls
    services = {url.split("/")[6] for url in urls}
    assert services == {matcher.service for key in program_keys() if (matcher := matcher_for(key)) is not None}


def test_every_key_the_program_uses_is_imported_or_region_independent_or_said_to_be_missing() -> None:
    """The importer covers the instance families and the per-region unit prices; the rest are
    region-independent or in SAME_EVERYWHERE (a new region takes them as assumptions)."""
    from pricing.regions import REGION_INDEPENDENT, SAME_EVERYWHERE

    uncovered = [
        key
        for key in program_keys()
        if matcher_for(key) is None
        and not key.startswith((*REGION_INDEPENDENT, *SAME_EVERYWHERE, "synthetics.", "elasticache.serverless.", "cloudwatch.vended."))
    ]
    assert uncovered == []


@pytest.mark.parametrize(
    ("existing", "message"),
    [
        ("{not json", f"error: {REGION}.json: cannot read (JSONDecodeError: "),
        ("[]", f"error: {REGION}.json: expected an object with 'region'"),
        (json.dumps({"region": REGION, "prices": [1]}), f"error: {REGION}.json: 'prices' must be an object of entries by key, not list"),
    ],
    ids=["not-json", "a-list", "prices-a-list"],
)
def test_a_corrupt_region_file_in_the_data_dir_is_one_line_and_kept(
    existing: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "region_data"
    data_dir.mkdir()
    (data_dir / f"{REGION}.json").write_text(existing)
    assert prices_main(["import", "--region", REGION, str(ec2(tmp_path)), "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1, err
    assert (data_dir / f"{REGION}.json").read_text() == existing  # not overwritten


def test_a_data_dir_that_is_a_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "region_data"
    data_dir.write_text("not a folder")
    assert prices_main(["import", "--region", REGION, str(ec2(tmp_path)), "--data-dir", str(data_dir)]) == 2
    assert capsys.readouterr().err == f"error: --data-dir {data_dir}: not a directory\n"
    assert data_dir.read_text() == "not a folder"


def test_a_folder_where_the_region_file_goes_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "region_data"
    (data_dir / f"{REGION}.json").mkdir(parents=True)
    assert prices_main(["import", "--region", REGION, str(ec2(tmp_path)), "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {REGION}.json: cannot read (IsADirectoryError: ") and err.count("\n") == 1, err


def test_a_region_file_that_cannot_be_written_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "region_data"
    data_dir.mkdir()
    target = data_dir / f"{REGION}.json"
    target.symlink_to(tmp_path / "gone" / f"{REGION}.json")  # into a folder that does not exist
    assert prices_main(["import", "--region", REGION, str(ec2(tmp_path)), "--data-dir", str(data_dir)]) == 2
    assert capsys.readouterr().err == f"error: cannot write {target} (No such file or directory)\n"
