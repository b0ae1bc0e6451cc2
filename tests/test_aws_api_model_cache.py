"""The compact botocore models the API-model checks read (policy/aws_api/models.py): botocore's own
shapes for the calls the mapping table names, the same verdicts as the full models, and a cache
file that follows botocore's version and the model file's contents."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from plan_documents import plan_before_checks

from policy.aws_api import models
from policy.aws_api.checker import check
from policy.aws_api.mappings import MAPPINGS
from policy.values import normalize

SERVICES = sorted({mapping.service for mapping in MAPPINGS.values()})


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache of our own (not the virtualenv's), and no compact model left from another test."""
    monkeypatch.setattr(models, "CACHE_ROOT", tmp_path / "cache")
    models._checked.cache_clear()
    yield tmp_path / "cache"
    models._checked.cache_clear()


def _without_documentation(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_documentation(item) for key, item in value.items() if key != "documentation"}
    if isinstance(value, list):
        return [_without_documentation(item) for item in value]
    return value


def _verdicts() -> list[dict[str, Any]]:
    """Every AWS resource of the plan from before the checks existed, as the checks judge it."""
    return [
        {"urn": entry["urn"], **asdict(check(entry["type"], normalize(entry["inputs"])))}
        for entry in plan_before_checks()["resources"]
        if entry["type"].startswith("aws:")
    ]


@pytest.mark.parametrize("service", SERVICES)
def test_the_compact_model_holds_botocores_shapes_for_every_call_the_table_names(cache_root: Path, service: str) -> None:
    full = models.service_model(service)
    compact = models._checked(service)
    assert set(compact["operations"]) == set(models.operations_checked(service))
    reachable: set[str] = set()
    waiting = [full["operations"][operation]["input"]["shape"] for operation in models.operations_checked(service)]
    while waiting:
        name = waiting.pop()
        if name not in reachable:
            reachable.add(name)
            found = full["shapes"][name]
            waiting += [
                ref["shape"]
                for ref in [*found.get("members", {}).values(), found.get("member"), found.get("key"), found.get("value")]
                if ref
            ]
    assert set(compact["shapes"]) == reachable
    for name in reachable:
        assert compact["shapes"][name] == _without_documentation(full["shapes"][name]), name


def test_the_checks_give_the_same_verdicts_from_the_cache_as_from_botocores_models(
    cache_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _verdicts()  # compact models made from the full ones, and written
    assert list(cache_root.glob("*/*.json")), "the compact models were written"

    models._checked.cache_clear()
    models.service_model.cache_clear()
    from_cache = _verdicts()  # read back from the files
    assert models.service_model.cache_info().currsize == 0, "a lookup missed the compact model and read botocore's"

    with monkeypatch.context() as patched:
        patched.setattr(models, "_checked", models.service_model)  # the full models, documentation and all
        from_botocore = _verdicts()
    assert made == from_cache == from_botocore
    assert any(verdict["findings"] for verdict in from_botocore), "the document holds findings to compare"


def test_the_cache_follows_botocores_version(cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    models._checked("logs")
    (first,) = cache_root.glob("*/logs-*.json")
    assert first.parent.name == models.botocore_version()

    monkeypatch.setattr(models, "botocore_version", lambda: "99.0.0")
    models._checked.cache_clear()
    models._checked("logs")
    (moved,) = cache_root.glob("*/logs-*.json")
    assert moved.parent.name == "99.0.0"
    assert not first.parent.exists(), "the previous botocore's cache is left behind"


def test_a_changed_model_file_is_read_anew_not_from_the_cache(cache_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    operation = "CreateLogGroup"
    _, request = models.input_shape("logs", operation)
    member_shape = request["members"]["logGroupName"]["shape"]
    before = models._checked("logs")["shapes"][member_shape]

    model = models.service_model("logs")
    edited = json.loads(json.dumps(model))
    edited["shapes"][member_shape]["max"] = 7
    moved_file = tmp_path / "service-2.json.gz"
    moved_file.write_bytes(gzip.compress(json.dumps(edited).encode()))
    monkeypatch.setattr(models, "_model_file", lambda service: moved_file)
    models._checked.cache_clear()
    after = models._checked("logs")["shapes"][member_shape]
    assert after["max"] == 7 and before.get("max") != 7
    assert len(list(cache_root.glob("*/logs-*.json"))) == 2, "one cache file per model file"


def test_a_damaged_cache_file_is_made_again(cache_root: Path) -> None:
    expected = models._checked("sqs")
    (cached,) = cache_root.glob("*/sqs-*.json")
    cached.write_text('{"operations": {')
    models._checked.cache_clear()
    assert models._checked("sqs") == expected
    assert json.loads(cached.read_text()) == expected


def test_without_a_virtualenv_nothing_is_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "CACHE_ROOT", None)
    models._checked.cache_clear()
    try:
        assert models._checked("sqs")["operations"]
    finally:
        models._checked.cache_clear()
    monkeypatch.setattr(models.sys, "base_prefix", models.sys.prefix)
    assert models._default_cache_root() is None
