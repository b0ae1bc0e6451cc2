"""docs/requirements.md names only tests, settings and code that exist.

Every row of its tables is one requirement of the deployment guide. Its references are read
from the table (the page's first section says how): a config key must be in the generated
config reference (rendered from the declarations; `test_config_reference.py` holds the two
equal), a code symbol must be defined in its file, a file must exist, a test must be a test
function of its file. A failure names the row and the reference, so the row can follow a rename.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "requirements.md"
CONFIG_REFERENCE = ROOT / "docs" / "config-reference.md"
ROW_ID = re.compile(r"[A-Z]\d+")
TICKED = re.compile(r"`([^`]+)`")
OUTSIDE = ("Not in the program", "Not checked")


class Row(NamedTuple):
    id: str
    requirement: str
    met_by: str
    held_by: str
    real_deploy: str


def where(row: Row) -> str:
    return f"docs/requirements.md row {row.id} ({row.requirement})"


def rows(text: str) -> list[Row]:
    """The requirement rows of every table on the page (a row whose first cell is an ID such as I1)."""
    found = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if cells and ROW_ID.fullmatch(cells[0]):
            assert len(cells) == 5, f"docs/requirements.md row {cells[0]} has {len(cells)} cells, not 5: {line}"
            found.append(Row(*cells))
    return found


@cache
def config_keys() -> frozenset[str]:
    """Every key of the config reference: `section.path` under a section's heading, the name alone for
    stack-wide keys and secrets."""
    keys, section = set(), ""
    for line in CONFIG_REFERENCE.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            heading = TICKED.search(line)
            section = heading.group(1) if heading else ""
        elif line.startswith("| `"):
            key = TICKED.search(line).group(1)  # type: ignore[union-attr]  # the line starts with one
            keys.add(f"{section}.{key}" if section else key)
    return frozenset(keys)


@cache
def definitions(path: Path) -> dict[str, ast.AST]:
    """Names a module defines at its top level and, as `Class.name`, in its classes' bodies."""
    found: dict[str, ast.AST] = {}

    def names(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found[prefix + node.name] = node
                if isinstance(node, ast.ClassDef) and not prefix:
                    names(node.body, f"{node.name}.")
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if isinstance(target, ast.Name):
                        found[prefix + target.id] = node

    names(ast.parse(path.read_text(encoding="utf-8"), str(path)).body, "")
    return found


def symbol_problem(reference: str) -> str | None:
    """Why `path.py::Name` does not resolve, or None."""
    file, _, name = reference.partition("::")
    path = ROOT / file
    if not path.is_file():
        return f"no file {file}"
    if name not in definitions(path):
        return f"{file} defines no {name}"
    return None


def held_by_problem(reference: str) -> str | None:
    """Why `tests/file.py::test_name` is not a test function, or None."""
    file, _, name = reference.partition("::")
    if not (file.startswith("tests/") and file.endswith(".py") and name.rpartition(".")[2].startswith("test_")):
        return "is not written tests/<file>.py::test_<name>"
    problem = symbol_problem(reference)
    if problem is None and not isinstance(definitions(ROOT / file)[name], ast.FunctionDef | ast.AsyncFunctionDef):
        return f"{reference} is not a function"
    return problem


def setting_problem(reference: str) -> str | None:
    """Why a Met-by reference (`path.py::Name`, a file, or a config key) does not resolve, or None."""
    if "::" in reference:
        return symbol_problem(reference)
    if "/" in reference and "." in reference.rpartition("/")[2]:
        return None if (ROOT / reference).is_file() else f"no file {reference}"
    return None if reference in config_keys() else "is not a key of docs/config-reference.md (nor `path.py::Name`, nor a file)"


ROWS = rows(PAGE.read_text(encoding="utf-8"))


def test_the_page_lists_the_guides_requirements_once_each() -> None:
    ids = [row.id for row in ROWS]
    assert len(ids) >= 40, f"docs/requirements.md has {len(ids)} requirement rows; the table reader found too few"
    assert len(set(ids)) == len(ids), f"an ID is used twice: {sorted(i for i in ids if ids.count(i) > 1)}"
    assert {"aws:region", "domain", "redis.snapshotRetentionDays", "app.blue.image", "emailApiKey"} <= config_keys(), "the reference reader"


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_every_setting_of_the_row_exists(row: Row) -> None:
    broken = [f"`{ref}` {problem}" for ref in TICKED.findall(row.met_by) if (problem := setting_problem(ref))]
    assert broken == [], f"{where(row)}, Met by: " + "; ".join(broken)


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_every_test_of_the_row_exists(row: Row) -> None:
    references = TICKED.findall(row.held_by)
    broken = [f"`{ref}` {problem}" for ref in references if (problem := held_by_problem(ref))]
    assert broken == [], f"{where(row)}, Held by: " + "; ".join(broken)
    if not row.met_by.startswith(OUTSIDE):
        assert references, f"{where(row)}: met by the program but held by no test (or say 'Not checked: why')"
