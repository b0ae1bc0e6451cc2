"""A major upgrade applies now: a parameter-group family change whose engine would wait for the
maintenance window is refused, by the config (Aurora) and by `preflight diff` (Aurora and ElastiCache)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from component_build import build
from owned_stacks import PRODUCTION, stack_config, stack_file

from components.database import Database, DatabaseArgs
from config.database import parse_database
from config.reader import Section
from preflight.diff_command import main
from preflight.document import build_document
from preflight.recorder import RecordingMonitor
from preflight.runner import Run

MAJOR_UPGRADE = {
    "engineVersion": "17.5",
    "parameterGroupFamily": "aurora-postgresql17",
    "allowMajorVersionUpgrade": True,
    "applyImmediately": True,
}


def _database_document(monitor: RecordingMonitor, **changes: Any) -> dict[str, Any]:
    """The plan document of the Database component alone, built from the production test stack's
    database section with `changes`: what `preflight diff` compares for a database change."""
    section = {**stack_config("production")["email-platform:database"], **changes}

    def program() -> None:
        Database(
            "database",
            DatabaseArgs(
                parse_database(Section("email-platform:database", section), PRODUCTION),
                vpc_id="vpc-0abc1234def567890",
                private_subnet_ids=["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"],
                client_security_group_id="sg-0123456789abcdef0",
                availability_zones=["us-east-1a", "us-east-1b"],
            ),
        )

    built = build(monitor, program)
    return build_document(Run(stack_file("production"), built.resources, {}))


@pytest.fixture(scope="module")
def current(module_mocks: RecordingMonitor) -> dict[str, Any]:
    return _database_document(module_mocks)


@pytest.fixture(scope="module")
def upgraded(module_mocks: RecordingMonitor) -> dict[str, Any]:
    return _database_document(module_mocks, **MAJOR_UPGRADE)


def _diff(tmp_path: Path, base: dict[str, Any], head: dict[str, Any]) -> int:
    (tmp_path / "base.json").write_text(json.dumps(base))
    (tmp_path / "head.json").write_text(json.dumps(head))
    return main([str(tmp_path / "base.json"), str(tmp_path / "head.json")])


def _inputs(document: dict[str, Any], type_token: str) -> list[dict[str, Any]]:
    return [r["inputs"] for r in document["resources"] if r["type"] == type_token]


def test_the_recipes_upgrade_run_applies_immediately_and_passes(
    current: dict[str, Any], upgraded: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (cluster,) = _inputs(upgraded, "aws:rds/cluster:Cluster")
    assert cluster["applyImmediately"] is True and cluster["allowMajorVersionUpgrade"] is True
    assert all(i["applyImmediately"] is True for i in _inputs(upgraded, "aws:rds/clusterInstance:ClusterInstance"))
    assert _diff(tmp_path, current, upgraded) == 0
    assert "refused" not in capsys.readouterr().err


def test_the_test_stacks_leave_changes_to_the_maintenance_window(production: Run) -> None:
    for type_token in (
        "aws:rds/cluster:Cluster",
        "aws:rds/clusterInstance:ClusterInstance",
        "aws:elasticache/replicationGroup:ReplicationGroup",
    ):
        assert all("applyImmediately" not in r.inputs for r in production.of_type(type_token)), type_token


def test_a_family_change_that_would_wait_for_the_window_is_refused_in_one_line(
    current: dict[str, Any], upgraded: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    waiting = copy.deepcopy(upgraded)
    for inputs in _inputs(waiting, "aws:rds/cluster:Cluster"):
        del inputs["applyImmediately"]
    assert _diff(tmp_path, current, waiting) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("refused change: ") and "database.applyImmediately: true" in err and "\n" not in err
    (family,) = {i["family"] for i in _inputs(current, "aws:rds/clusterParameterGroup:ClusterParameterGroup")}
    assert f"{family} -> {MAJOR_UPGRADE['parameterGroupFamily']}" in err


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
