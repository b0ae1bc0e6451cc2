"""Each component registers as its outputs exactly the output attributes it exposes, read from the source.

A component keeps its children and outputs as attributes annotated on the class (STYLE.md); the
ones typed `pulumi.Output` (or holding Outputs) are what it exposes, and `register_outputs` lists
each of them, under its camelCase name, and nothing else, so the engine's state shows what the
program can read. Read with `ast`: no component needs building.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _component_classes() -> Iterator[tuple[str, ast.ClassDef]]:
    for path in sorted((ROOT / "components").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(ast.unparse(base).endswith("ComponentResource") for base in node.bases):
                yield str(path.relative_to(ROOT)), node


COMPONENTS = [(where, node) for where, node in _component_classes()]


def _annotations(node: ast.ClassDef) -> dict[str, str]:
    return {a.target.id: ast.unparse(a.annotation) for a in node.body if isinstance(a, ast.AnnAssign) and isinstance(a.target, ast.Name)}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def test_the_source_reader_finds_the_components() -> None:
    names = {node.name for _, node in _component_classes()}
    assert {"Network", "Database", "Cluster", "Monitoring", "App"} <= names and len(COMPONENTS) >= 15


@pytest.mark.parametrize(("where", "node"), COMPONENTS, ids=[node.name for _, node in COMPONENTS])
def test_register_outputs_lists_the_output_attributes(where: str, node: ast.ClassDef) -> None:
    exposed = {_camel(name): name for name, annotation in _annotations(node).items() if "pulumi.Output" in annotation}
    calls = [c for c in ast.walk(node) if isinstance(c, ast.Call) and ast.unparse(c.func) == "self.register_outputs"]
    assert len(calls) == 1, f"{where}: {node.name} calls register_outputs {len(calls)} times"
    registered = calls[0].args[0]
    assert isinstance(registered, ast.Dict), f"{where}: {node.name} registers {ast.unparse(registered)}, not a dict literal"
    assert None not in registered.keys, f"{where}: {node.name} registers a **spread the check cannot read"
    listed = {ast.literal_eval(k): ast.unparse(v) for k, v in zip(registered.keys, registered.values, strict=True) if k is not None}
    assert listed == {key: f"self.{name}" for key, name in exposed.items()}, (
        f"{where}: {node.name}.register_outputs should list exactly its output attributes, each as self.<attribute>"
    )


@pytest.mark.parametrize(("where", "node"), COMPONENTS, ids=[node.name for _, node in COMPONENTS])
def test_every_public_attribute_is_annotated_on_the_class(where: str, node: ast.ClassDef) -> None:
    assigned = {
        target.attr
        for statement in ast.walk(node)
        if isinstance(statement, ast.Assign | ast.AnnAssign)
        for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target])
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self"
    }
    missing = sorted(name for name in assigned - set(_annotations(node)) if not name.startswith("_"))
    assert missing == [], f"{where}: {node.name} sets {missing} without annotating them on the class"
