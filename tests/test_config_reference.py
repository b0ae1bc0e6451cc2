"""The key declarations: the config reference (docs/config-reference.md) is rendered from them, each key
is declared once (nothing in config/ names a key by a string of its own), and a read refuses in one line."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest

import config
from config import StackConfig, reference
from config.basics import AwsProvider, Basics
from config.declare import DECLARED, OPTIONAL, REQUIRED, Derived, Key, PerEnvironment, declared_fields, integer, string, walk
from config.reader import ConfigError, Section
from config.reading import read

CONFIG = Path(config.__file__).parent


def test_the_readme_reference_is_what_the_declarations_render() -> None:
    readme = reference.REFERENCE_PAGE.read_text(encoding="utf-8")
    assert reference.updated(readme) == readme, "docs/config-reference.md differs from the declarations in config/: run `make docs`"


def test_the_check_mode_names_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "config-reference.md"
    stale.write_text(f"# x\n{reference.START}\n| `old` | hand-written |\n{reference.END}\nrest\n", encoding="utf-8")
    monkeypatch.setattr(reference, "REFERENCE_PAGE", stale)
    assert reference.main(["--check"]) == 1
    assert "run `make docs`" in capsys.readouterr().err
    assert reference.main([]) == 0
    assert reference.main(["--check"]) == 0
    text = stale.read_text(encoding="utf-8")
    assert "hand-written" not in text and text.endswith(f"{reference.END}\nrest\n")


def _roots() -> list[tuple[str, Any]]:
    return [*walk(AwsProvider), *walk(Basics), *walk(StackConfig)]


def _settings_classes() -> list[type]:
    """Every dataclass in config/ with a declared field."""
    found = []
    for module_info in pkgutil.iter_modules(config.__path__):
        module = importlib.import_module(f"config.{module_info.name}")
        for value in vars(module).values():
            own = isinstance(value, type) and value.__module__ == module.__name__ and dataclasses.is_dataclass(value)
            if own and any(DECLARED in item.metadata for item in dataclasses.fields(value)):
                found.append(value)
    return found


def test_every_settings_class_is_in_the_reference() -> None:
    """A declared class no section reaches would be a key the stack file can never set."""
    reachable = {AwsProvider, Basics, StackConfig} | {declared.owner for _, declared in _roots()}
    classes = _settings_classes()
    assert len(classes) > 30, "no declarations found"
    assert not [cls.__name__ for cls in classes if cls not in reachable]
    for cls in classes:
        declared_fields(cls)  # every field of a settings class is a key, an object or a computed value


def _read_alone(key: Key, production: bool) -> Any:
    """One declared key read from an empty object: its default, through its own checks."""
    probe = dataclasses.make_dataclass(
        "Probe", [("value", Any, dataclasses.field(metadata={DECLARED: dataclasses.replace(key, name="value")}))]
    )
    return read(probe, Section("email-platform:test", {}), production=production).value  # type: ignore[attr-defined]


def _static(value: Any) -> bool:
    return not isinstance(value, Derived)


@pytest.mark.parametrize("production", [True, False], ids=["production", "other"])
def test_every_declared_default_passes_its_own_bounds(production: bool) -> None:
    """A default outside its own bounds, choices or pattern would stop every stack that omits the key."""
    checked = 0
    for _, declared in _roots():
        key = declared.declaration
        if not isinstance(key, Key) or key.default in (REQUIRED, OPTIONAL) or key.checks or key.only_with or key.convert:
            continue
        if not all(_static(v) for v in (key.default, key.minimum, key.maximum, key.choices)):
            continue
        expected = key.default.pick(production) if isinstance(key.default, PerEnvironment) else key.default
        if expected in (REQUIRED, OPTIONAL):
            continue
        value = _read_alone(key, production)
        assert value == expected, declared.name
        checked += 1
    assert checked > 50


def _is_reading(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "reading") or (isinstance(node, ast.Attribute) and node.attr == "reading")


def _literal_key_names() -> list[str]:
    """Calls in config/ that name a key by a string literal (`section.key("cidr")`, `.raw("x")`, `.has("x")`).

    A `Reading` is asked by field name (`reading.key("pre_stop_seconds")`), as any consumer names an attribute."""
    found = []
    for path in sorted(CONFIG.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("key", "raw", "has", "section", "known")
                and not _is_reading(node.func.value)
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.append(f"{path.name}:{node.lineno}: .{node.func.attr}({node.args[0].value!r})")
    return found


def test_no_parser_repeats_a_key_name() -> None:
    """A key's name lives in its declaration only: the parser, the validator and the reference read it there."""
    assert _literal_key_names() == []


@dataclasses.dataclass(frozen=True)
class _Sample:
    size: int = integer("a size", default=PerEnvironment(3, 1), minimum=PerEnvironment(3, 1), maximum=10, why="three zones")
    bits: int = integer("key size", default=3072, choices=(3072, 4096), meaning="allowed: 3072, 4096 (RSA strength)")


def test_a_read_refuses_in_one_line_naming_key_value_and_allowed() -> None:
    with pytest.raises(
        ConfigError, match=r"^invalid stack config: k\.size = 2: must be between 3 and 10: three zones \(environment: production\)$"
    ):
        read(_Sample, Section("k", {"size": 2}), production=True)
    assert read(_Sample, Section("k", {"size": 2}), production=False).size == 2
    with pytest.raises(ConfigError, match=r"^invalid stack config: k\.size = 0: must be between 1 and 10$"):
        read(_Sample, Section("k", {"size": 0}), production=False)
    with pytest.raises(ConfigError, match=r"k\.bits = 2048: allowed: 3072, 4096 \(RSA strength\)$"):
        read(_Sample, Section("k", {"bits": 2048}), production=False)
    with pytest.raises(ConfigError, match=r"k\.sise = 4: unknown key; did you mean 'size'\?$"):
        read(_Sample, Section("k", {"sise": 4}), production=False)


def test_a_pattern_needs_its_meaning_a_check_its_words_and_a_description_is_one_line() -> None:
    with pytest.raises(ValueError, match="meaning"):
        string("a name", pattern=r"[a-z]+")
    with pytest.raises(ValueError, match="one line"):
        string("a name\nover two lines")

    def wordless(value: str, at: Any) -> None:
        pass

    with pytest.raises(ValueError, match="docstring"):
        string("a name", checks=(wordless,))


def test_the_reference_shows_environment_defaults_derived_bounds_and_rules_across_sections() -> None:
    text = reference.render()
    assert "| `flowLogRetentionDays` | whole number | `365` in production, `30` otherwise |" in text
    assert "| `nodeGroup.maxSize` | whole number | required | `desiredSize`–100 |" in text
    assert "| `snapshotRetentionDays` | whole number | `7` in production, `1` otherwise | 7–35 in production, 1–35 otherwise |" in text
    assert "| `kubeconfig` | with `cluster.mode: existing` |" in text
    assert "| `emailApiKey` | yes |" in text
    assert "- `app.shutdown.preStopSeconds` is longer than `edge.targetGroup.deregistrationDelaySeconds`" in text
