"""A price data file in pricing/region_data/ that cannot be used is refused in one line naming the
file and the entry: by the reader, and by every `python -m preflight` command, since the catalogue
reads the folder when `pricing` is imported (`prices` included, the command that would rewrite it).

The folder is the package's own, so the command-line cases run in a copy of `pricing/` that shadows
the real one (the working directory comes first on `python -m`'s path); the real data is not touched.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pricing.region_files import DATA_DIR, RegionFileError, read_region_file, region_prices

ROOT = Path(__file__).resolve().parent.parent
REGION_FILE = DATA_DIR / "eu-west-2.json"
GOOD: dict[str, Any] = json.loads(REGION_FILE.read_text(encoding="utf-8"))

Edit = Callable[[dict[str, Any]], None]


def _set(section: str, key: str, field: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        data[section][key][field] = value

    return edit


def _replace(section: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        data[section] = value

    return edit


def bad(edit: Edit) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    edit(data)
    return data


# (what is wrong, the edit, what the one line says after "eu-west-2.json: ")
CASES = [
    ("amount-not-a-number", _set("prices", "ebs.gp3", "amount", "abc"), "prices.ebs.gp3: 'abc' is not a decimal number"),
    ("amount-a-ratio", _set("prices", "ebs.gp3", "amount", "0.05/2"), "prices.ebs.gp3: '0.05/2' is not a decimal number"),
    ("ratio-over-zero", _set("ratios", "ec2.instance.", "ratio", "0.05/0"), "ratios.ec2.instance.: '0.05/0' divides by zero"),
    ("ratio-over-text", _set("ratios", "ec2.instance.", "ratio", "0.05/x"), "ratios.ec2.instance.: '0.05/x' is not a decimal number"),
    ("ratio-over-negative", _set("ratios", "ec2.instance.", "ratio", "1/-2"), "ratios.ec2.instance.: '1/-2' is not a number >= 0"),
    ("ratio-of-three", _set("ratios", "ec2.instance.", "ratio", "1/2/3"), "ratios.ec2.instance.: '1/2/3' is not a decimal number"),
    ("prices-a-list", _replace("prices", [1]), "'prices' must be an object of entries by key, not list"),
    ("ratios-text", _replace("ratios", "1.1"), "'ratios' must be an object of entries by key, not str"),
    ("same-a-list", _replace("same", []), "'same' must be an object of entries by key, not list"),
]


def test_the_committed_region_files_are_read() -> None:
    assert read_region_file(REGION_FILE)[0] == "eu-west-2"


@pytest.mark.parametrize(("edit", "message"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_a_bad_entry_is_refused_naming_the_file_and_the_key(edit: Edit, message: str) -> None:
    with pytest.raises(RegionFileError) as raised:
        region_prices(bad(edit), "eu-west-2.json")
    assert str(raised.value) == f"eu-west-2.json: {message}"


def test_a_ratio_without_a_slash_and_absent_sections_are_still_read() -> None:
    table = region_prices({"region": "x", "ratios": {"synthetics.": {"ratio": "1", "date": "2026-10-01", "source": "s"}}}, "x.json")
    assert table.ratios == {"synthetics.": ("1", "s")} and table.exact == {} and table.same == {}


@pytest.fixture
def shadowed_pricing(tmp_path: Path) -> Path:
    """A directory holding a copy of `pricing/` (the region data to spoil included), run from."""
    shutil.copytree(ROOT / "pricing", tmp_path / "pricing", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def preflight(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "preflight", *argv],
        cwd=cwd,
        env={**_environment(), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


def spoil(directory: Path, edit: Edit) -> None:
    (directory / "pricing" / "region_data" / "eu-west-2.json").write_text(json.dumps(bad(edit)), encoding="utf-8")


def test_the_copy_is_the_pricing_the_commands_read(shadowed_pricing: Path) -> None:
    """Unspoilt, the copy prices as the real folder does; the cases below change only its data."""
    result = preflight(shadowed_pricing, "prices", "urls", "--region", "eu-west-2")
    assert result.returncode == 0 and "AmazonEC2/current/eu-west-2/index.csv" in result.stdout, result.stderr
    probe = subprocess.run(
        [sys.executable, "-c", "import pricing; print(pricing.__file__)"],
        cwd=shadowed_pricing,
        env={**_environment(), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == str(shadowed_pricing / "pricing" / "__init__.py")


@pytest.mark.parametrize(
    ("edit", "message"),
    [case[1:] for case in CASES if case[0] in ("amount-not-a-number", "ratio-over-zero", "prices-a-list")],
    ids=["amount-not-a-number", "ratio-over-zero", "prices-a-list"],
)
def test_every_bad_file_is_one_line_and_exit_2_from_prices(shadowed_pricing: Path, edit: Edit, message: str) -> None:
    spoil(shadowed_pricing, edit)
    result = preflight(shadowed_pricing, "prices", "urls", "--region", "eu-west-2")
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"error: eu-west-2.json: {message}\n")


@pytest.mark.parametrize(
    "argv",
    [
        ["cost", "doc.json"],
        ["diff", "base.json", "head.json"],
        ["check", "doc.json"],
        ["policy-config", "--stack", "production"],
        ["new-stack", "x", "--region", "eu-west-2", "--environment", "staging"],
        ["prices", "import", "--region", "eu-west-2", "offer.json"],
        ["plan", "--stack", "production"],
    ],
    ids=lambda argv: argv[0] if argv[0] != "prices" else "prices-import",
)
def test_every_command_that_prices_says_which_file_in_one_line(shadowed_pricing: Path, argv: list[str]) -> None:
    spoil(shadowed_pricing, _set("prices", "ebs.gp3", "amount", "abc"))
    result = preflight(shadowed_pricing, *argv)
    assert (result.returncode, result.stderr) == (2, "error: eu-west-2.json: prices.ebs.gp3: 'abc' is not a decimal number\n")
    assert not (shadowed_pricing / "Pulumi.x.yaml").exists()
