"""The direction of imports, checked on the source (docs/ARCHITECTURE.md, "Which way imports go").

    __main__ -> components -> config;  components/cost_estimate -> pricing;
    preflight -> the program, policy, pricing;  nothing imports preflight;
    documents (the document reader) imports nothing of the project.

Imports are read with `ast` from every module, including imports inside functions, so a rule
cannot be dodged by importing late.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROGRAM_FOLDERS = ("components", "config", "documents", "pricing", "policy")
PROJECT_PACKAGES = ("__main__", "components", "config", "policy", "pricing", "preflight")

# Helpers several components use live in components/shared/: every component may import it, and it
# imports no component. No component imports another: __main__.py composes them, handing one's
# outputs to the next. A package under components/ counts as one unit (its modules may import each other).
SHARED = "shared"


def modules(folder: str) -> Iterator[Path]:
    for path in sorted((ROOT / folder).rglob("*.py")):
        if not any(part in ("venv", ".venv", "node_modules") for part in path.relative_to(ROOT).parts):
            yield path


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def imported(path: Path) -> frozenset[str]:
    """Every module `path` imports, as an absolute dotted name (relative imports resolved); each file parsed once."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}  # `from pkg import submodule`
    return frozenset(found)


def is_under(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def violations(folders: tuple[str, ...], forbidden: str) -> list[str]:
    paths = [path for folder in folders for path in modules(folder)]
    return [f"{path.relative_to(ROOT)} imports {name}" for path in paths for name in sorted(imported(path)) if is_under(name, forbidden)]


def test_the_scanner_sees_imports_it_should() -> None:
    assert "pricing" in imported(ROOT / "components" / "cost_estimate.py")
    assert "config" in imported(ROOT / "__main__.py")
    assert "documents.reader.DocumentError" in imported(ROOT / "preflight" / "arguments.py")


@pytest.mark.parametrize("folder", [*PROGRAM_FOLDERS, "__main__.py"])
def test_nothing_imports_preflight(folder: str) -> None:
    paths = [ROOT / folder] if folder.endswith(".py") else list(modules(folder))
    assert paths, f"no modules under {folder}"
    found = [f"{path.relative_to(ROOT)} imports {name}" for path in paths for name in sorted(imported(path)) if is_under(name, "preflight")]
    assert found == [], "preflight is the offline tool; the program, its policies and pricing never import it"


def test_config_imports_no_component() -> None:
    assert violations(("config",), "components") == [], "config is read by components, never the other way"


@pytest.mark.parametrize("forbidden", ["components", "preflight"])
def test_pricing_imports_neither_components_nor_preflight(forbidden: str) -> None:
    assert violations(("pricing",), forbidden) == [], "pricing prices records; the program and the tool both call it"


def _component_unit(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if parts[0] == "components" and len(parts) > 1 else None


def test_no_component_imports_another() -> None:
    found = []
    for path in modules("components"):
        unit = _component_unit(module_name(path))
        # `from components.cdn import X` reads as components.cdn and components.cdn.X: both name cdn.
        others = {other for name in imported(path) if (other := _component_unit(name)) not in (None, SHARED, unit)}
        found += [f"{path.relative_to(ROOT)} imports components.{other}" for other in sorted(others)]
    assert found == [], f"a component takes another's outputs as arguments (composed in __main__.py), never imports it: {found}"


# The policy pack's tables the program reads (the pack needs them too; they import nothing of the program).
PACK_TABLES = {"policy.eks_calendar", "policy.kubernetes_reads"}


def test_the_program_reads_only_the_packs_tables() -> None:
    found = [
        f"{path.relative_to(ROOT)} imports {name}"
        for folder in ("config", "components")
        for path in modules(folder)
        for name in sorted(imported(path))
        # `from policy import kubernetes_reads` also names the package, whose __init__ is only its docstring.
        if is_under(name, "policy") and name != "policy" and name not in PACK_TABLES and name.rpartition(".")[0] not in PACK_TABLES
    ]
    assert found == [], f"the program reads the pack's tables ({sorted(PACK_TABLES)}) and nothing else of it: {found}"
    for table in PACK_TABLES:
        path = ROOT / (table.replace(".", "/") + ".py")
        program = ("__main__", "components", "config", "preflight")
        assert not any(is_under(name, p) for name in imported(path) for p in program), f"{table} imports the program"


def test_the_document_reader_imports_nothing_of_the_project() -> None:
    found = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules("documents")
        for name in sorted(imported(path))
        if any(is_under(name, package) for package in PROJECT_PACKAGES)
    ]
    assert found == [], "documents/ reads what the tools are handed; the program, the pack, pricing and preflight all use it"


def test_shared_helpers_import_no_component() -> None:
    found = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(f"components/{SHARED}")
        for name in sorted(imported(path))
        if (unit := _component_unit(name)) is not None and unit != SHARED
    ]
    assert found == [], f"components/{SHARED}/ is below every component and imports none: {found}"


def test_tests_import_helpers_not_other_test_modules() -> None:
    found = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules("tests")
        for name in sorted(imported(path))
        if name.split(".")[0] in ("conftest", "tests") or name.split(".")[0].startswith("test_")
    ]
    assert found == [], (
        "shared test helpers belong in helper modules (config_edits.py, committed_stacks.py …), not in test_*.py or conftest.py"
    )
