"""docs/ARCHITECTURE.md names every part of the code, read from the code.

The component classes (from the source of components/), the commands `python -m preflight` runs
(from preflight/__main__.py), the folders, the pages of docs/ and the workflows and scripts of
.github/ and .ci/: each must appear on the page, so a new one cannot land without its line, and a
failure says which one is missing and what line the page needs.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
LINES = PAGE.splitlines()
NOT_OURS = {"__pycache__", "venv", "node_modules"}  # caches and installed packages, never committed


def component_classes() -> Iterator[tuple[str, str]]:
    """(class name, file) of every ComponentResource subclass under components/."""
    for path in sorted((ROOT / "components").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(ast.unparse(base).endswith("ComponentResource") for base in node.bases):
                yield node.name, str(path.relative_to(ROOT))


def preflight_commands() -> list[str]:
    """The keys of the `commands` table `preflight/__main__.py` dispatches on."""
    tree = ast.parse((ROOT / "preflight" / "__main__.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "commands" for t in node.targets):
            assert isinstance(node.value, ast.Dict)
            return [ast.literal_eval(key) for key in node.value.keys if key is not None]
    raise AssertionError("preflight/__main__.py has no `commands` table")


def folders() -> list[str]:
    """The project's folders, two levels deep (the hidden ones only for .github and .ci)."""
    found = []
    for top in sorted(p for p in ROOT.iterdir() if p.is_dir()):
        if top.name in NOT_OURS or (top.name.startswith(".") and top.name not in (".github", ".ci")):
            continue
        found.append(f"{top.name}/")
        found += [f"{top.name}/{sub.name}/" for sub in sorted(top.iterdir()) if sub.is_dir() and sub.name not in NOT_OURS]
    return found


def docs() -> list[str]:
    return sorted(path.name for path in (ROOT / "docs").glob("*.md"))


def automation() -> list[str]:
    """The workflows, the scripts they run and CI's entry points."""
    paths = [*(ROOT / ".github" / "workflows").iterdir(), *(ROOT / ".github" / "scripts").iterdir(), *(ROOT / ".ci").iterdir()]
    return sorted(str(p.relative_to(ROOT)) for p in paths if p.is_file())


COMPONENTS = list(component_classes())


def test_the_readers_find_what_they_read() -> None:
    assert len(COMPONENTS) >= 15 and ("Network", "components/network.py") in COMPONENTS
    assert {"plan", "check", "cost", "diff"} <= set(preflight_commands())
    assert {"components/", "preflight/mocks/", ".github/workflows/"} <= set(folders())
    assert "requirements.md" in docs() and ".github/workflows/deploy.yml" in automation()


@pytest.mark.parametrize(("name", "file"), COMPONENTS, ids=[name for name, _ in COMPONENTS])
def test_every_component_class_has_its_row(name: str, file: str) -> None:
    rows = [line for line in LINES if line.startswith(f"| `{name}` |")]
    assert rows, f"docs/ARCHITECTURE.md, 'The components': no row for `{name}` ({file}); add `| `{name}` | `{file}` | token | purpose |`"
    assert any(f"`{file}`" in row for row in rows), f"docs/ARCHITECTURE.md: the row of `{name}` should name its file `{file}`"


# (section of the page, the start of the row it needs): a command's row goes on with its arguments.
ROWS = [
    *(("The offline tool", f"| `{command}") for command in preflight_commands()),
    *(("Where things live", f"| `{folder}` |") for folder in folders()),
    *(("The docs", f"| [{page}]({page}) |") for page in docs()),
    *(("The workflows and their scripts", f"| `{path}` |") for path in automation()),
]


@pytest.mark.parametrize(("section", "row"), ROWS, ids=[row for _, row in ROWS])
def test_every_command_folder_doc_workflow_and_script_has_its_row(section: str, row: str) -> None:
    assert any(line.startswith(row) for line in LINES), f"docs/ARCHITECTURE.md, '{section}': no row starting {row!r}"
