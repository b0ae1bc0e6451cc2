"""A major upgrade applies now: a parameter-group family change whose engine would wait for the
maintenance window is refused, by the config (Aurora) and by `preflight diff` (Aurora and ElastiCache)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from config_edits import both, set_key

from preflight.diff_command import main
from preflight.document import build_document
from preflight.runner import Run

MAJOR_UPGRADE = both(
    set_key("database.engineVersion", "17.5"),
    set_key("database.parameterGroupFamily", "aurora-postgresql17"),
    set_key("database.allowMajorVersionUpgrade", True),
    set_key("database.applyImmediately", True),
)


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    import yaml
    from owned_stacks import stack_config

    from preflight.runner import run_program
    from preflight.stack_files import load_stack_file

    config = stack_config("production")
    MAJOR_UPGRADE(config)
    folder = tmp_path_factory.mktemp("upgrade")
    (folder / "Pulumi.production.yaml").write_text(yaml.safe_dump({"config": config}))
    return build_document(run_program(load_stack_file("production", root=folder)))


def _diff(tmp_path: Path, base: dict[str, Any], head: dict[str, Any]) -> int:
    (tmp_path / "base.json").write_text(json.dumps(base))
    (tmp_path / "head.json").write_text(json.dumps(head))
    return main([str(tmp_path / "base.json"), str(tmp_path / "head.json")])


def _inputs(document: dict[str, Any], type_token: str) -> list[dict[str, Any]]:
    return [r["inputs"] for r in document["resources"] if r["type"] == type_token]


def test_the_recipes_upgrade_run_applies_immediately_and_passes(
    production: Run, upgraded: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (cluster,) = _inputs(upgraded, "aws:rds/cluster:Cluster")
    assert cluster["applyImmediately"] is True and cluster["allowMajorVersionUpgrade"] is True
    assert all(i["applyImmediately"] is True for i in _inputs(upgraded, "aws:rds/clusterInstance:ClusterInstance"))
    assert _diff(tmp_path, build_document(production), upgraded) == 0
    assert "refused" not in capsys.readouterr().err


def test_committed_stacks_leave_changes_to_the_maintenance_window(production: Run) -> None:
    for type_token in (
        "aws:rds/cluster:Cluster",
        "aws:rds/clusterInstance:ClusterInstance",
        "aws:elasticache/replicationGroup:ReplicationGroup",
    ):
        assert all("applyImmediately" not in r.inputs for r in production.of_type(type_token)), type_token


def test_a_family_change_that_would_wait_for_the_window_is_refused_in_one_line(
    production: Run, upgraded: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    waiting = copy.deepcopy(upgraded)
    for inputs in _inputs(waiting, "aws:rds/cluster:Cluster"):
        del inputs["applyImmediately"]
    assert _diff(tmp_path, build_document(production), waiting) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("refused change: ") and "database.applyImmediately: true" in err and "\n" not in err
    assert "aurora-postgresql16 -> aurora-postgresql17" in err


def test_a_cache_family_change_needs_redis_apply_immediately(production: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = build_document(production)
    head = copy.deepcopy(base)
    for inputs in _inputs(head, "aws:elasticache/parameterGroup:ParameterGroup"):
        inputs["family"] = "valkey9"
    assert _diff(tmp_path, base, head) == 1
    assert "redis.applyImmediately: true" in capsys.readouterr().err
    for inputs in _inputs(head, "aws:elasticache/replicationGroup:ReplicationGroup"):
        inputs["applyImmediately"] = True
    assert _diff(tmp_path, base, head) == 0
