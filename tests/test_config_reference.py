"""The key declarations: the config reference (docs/config-reference.md) is rendered from them, and they hold what the parsers enforce."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest

import config
from config import reference
from config.declare import OPTIONAL, REQUIRED, Derived, Group, Key, PerEnvironment, integer, string
from config.reader import ConfigError, Section


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


def _declared() -> list[tuple[str, Key[Any] | Group]]:
    """Every Key and Group bound to a name at module level anywhere in config/."""
    found = []
    for module_info in pkgutil.iter_modules(config.__path__):
        module = importlib.import_module(f"config.{module_info.name}")
        for name, value in vars(module).items():
            if isinstance(value, (Key, Group)):
                found.append((f"config.{module_info.name}.{name}", value))
    return found


def _reachable() -> list[Key[Any] | Group]:
    entries: list[Key[Any] | Group] = list(reference.ROOTS)
    for root in reference.ROOTS:
        entries += [entry for _, entry in root.walk()]
    return entries


def test_every_declared_key_is_in_the_reference() -> None:
    reachable = {id(entry) for entry in _reachable()}
    missing = [name for name, value in _declared() if id(value) not in reachable]
    assert _declared(), "no declarations found"
    assert not missing, f"declared but in no group the reference lists: {missing}"


def _static(value: Any) -> bool:
    return not isinstance(value, Derived)


@pytest.mark.parametrize("production", [True, False], ids=["production", "other"])
def test_every_declared_default_passes_its_own_checks(production: bool) -> None:
    """A default outside its own bounds, choices or pattern would stop every stack that omits the key."""
    checked = 0
    for entry in _reachable():
        if not isinstance(entry, Key) or entry.default is REQUIRED or entry.default is OPTIONAL:
            continue
        if not all(_static(v) for v in (entry.default, entry.minimum, entry.maximum, entry.choices)):
            continue
        section = Section("email-platform:test", {})
        value = entry.read(section, production=production)
        expected = entry.default.pick(production) if isinstance(entry.default, PerEnvironment) else entry.default
        assert value == expected, entry.name
        checked += 1
    assert checked > 50


def test_a_parser_cannot_override_what_is_declared() -> None:
    fixed = integer("size", "a size", default=3, minimum=1)
    with pytest.raises(TypeError, match="change the declaration"):
        fixed.read(Section("k", {}), default=5)
    derived = integer("size", "a size", default=Derived("`other`"))
    with pytest.raises(TypeError, match="the parser must pass it"):
        derived.read(Section("k", {}))
    assert derived.read(Section("k", {}), default=7) == 7
    per_environment = integer("size", "a size", default=PerEnvironment(3, 1))
    with pytest.raises(TypeError, match="pass production="):
        per_environment.read(Section("k", {}))


def test_a_read_refuses_in_one_line_naming_key_value_and_allowed() -> None:
    size = integer("size", "a size", default=PerEnvironment(3, 1), minimum=PerEnvironment(3, 1), maximum=10)
    with pytest.raises(ConfigError, match=r"^invalid stack config: k\.size = 2: must be between 3 and 10$"):
        size.read(Section("k", {"size": 2}), production=True)
    assert size.read(Section("k", {"size": 2}), production=False) == 2
    bits = integer("bits", "key size", default=3072, choices=(3072, 4096), meaning="allowed: 3072, 4096 (RSA strength)")
    with pytest.raises(ConfigError, match=r"k\.bits = 2048: allowed: 3072, 4096 \(RSA strength\)$"):
        bits.read(Section("k", {"bits": 2048}))


def test_a_pattern_needs_its_meaning_and_a_description_is_one_line() -> None:
    with pytest.raises(ValueError, match="meaning"):
        string("name", "a name", pattern=r"[a-z]+")
    with pytest.raises(ValueError, match="one line"):
        string("name", "a name\nover two lines")


def test_the_reference_shows_environment_defaults_and_derived_bounds() -> None:
    text = reference.render()
    assert "| `flowLogRetentionDays` | whole number | `365` in production, `30` otherwise |" in text
    assert "| `nodeGroup.maxSize` | whole number | required | `desiredSize`–100 |" in text
    assert "| `kubeconfig` | with `cluster.mode: existing` |" in text
    assert "| `emailApiKey` | yes |" in text
