"""The direction of imports, checked on the source (docs/ARCHITECTURE.md, "Where things live").

    __main__ -> components -> config;  components/cost_estimate -> pricing;
    preflight -> the program, policy, pricing;  nothing imports preflight.

Imports are read with `ast` from every module, including imports inside functions, so a rule
cannot be dodged by importing late.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROGRAM_FOLDERS = ("components", "config", "pricing", "policy")

# Helpers several components use live in components/shared/: every component may import it, and it
# imports no component. Beyond that, component modules that import another component's module, and
# which: the building blocks they compose. A package under components/ counts as one unit (its
# modules may import each other). Edit this when a component starts or stops composing another; the
# test fails both ways, so the list always says what is true.
SHARED = "shared"
COMPONENT_IMPORTS: dict[str, set[str]] = {}


def modules(folder: str) -> Iterator[Path]:
    for path in sorted((ROOT / folder).rglob("*.py")):
        if not any(part in ("venv", ".venv", "node_modules") for part in path.relative_to(ROOT).parts):
            yield path


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module `path` imports, as an absolute dotted name (relative imports resolved)."""
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
    return found


def is_under(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def violations(folders: tuple[str, ...], forbidden: str) -> list[str]:
    paths = [path for folder in folders for path in modules(folder)]
    return [f"{path.relative_to(ROOT)} imports {name}" for path in paths for name in sorted(imported(path)) if is_under(name, forbidden)]


def test_the_scanner_sees_imports_it_should() -> None:
    assert "pricing" in imported(ROOT / "components" / "cost_estimate.py")
    assert "config" in imported(ROOT / "__main__.py")
    assert "pricing.documents.DocumentError" in imported(ROOT / "preflight" / "arguments.py")


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


def test_components_import_other_components_only_as_listed() -> None:
    units = {unit for path in modules("components") if (unit := _component_unit(module_name(path)))} - {SHARED}
    actual: dict[str, set[str]] = {}
    for path in modules("components"):
        unit = _component_unit(module_name(path))
        # `from components.cdn import X` reads as components.cdn and components.cdn.X: both name cdn.
        others = {other for name in imported(path) if (other := _component_unit(name)) in units and other != unit}
        if unit is not None and others:
            actual.setdefault(unit, set()).update(others)
    unexpected = {unit: sorted(others - COMPONENT_IMPORTS.get(unit, set())) for unit, others in actual.items()}
    stale = {unit: sorted(allowed - actual.get(unit, set())) for unit, allowed in COMPONENT_IMPORTS.items()}
    unexpected = {unit: others for unit, others in unexpected.items() if others}
    stale = {unit: others for unit, others in stale.items() if others}
    assert unexpected == {}, f"components importing other components not listed in COMPONENT_IMPORTS: {unexpected}"
    assert stale == {}, f"COMPONENT_IMPORTS lists imports that are no longer made (remove them): {stale}"


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
