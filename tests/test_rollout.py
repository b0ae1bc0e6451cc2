"""Blue-green on the whole stack: the traffic step waits for the rollout, and moving the
weights (or moving them back: the rollback) changes nothing but the listener rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from preflight.changes import compare
from preflight.document import build_document
from preflight.runner import Run
from pricing import parse_document


def _green_ready(config: dict[str, Any]) -> None:
    """Step 1 of a release: the new image on green, with replicas, still without traffic."""
    app = config["email-platform:app"]
    app["green"] = {**app.get("green", {}), "image": "ghcr.io/example/email-platform:1.1.0", "replicas": 3, "weight": 0}


def _green_takes_traffic(config: dict[str, Any]) -> None:
    _green_ready(config)
    config["email-platform:app"]["blue"]["weight"] = 0
    config["email-platform:app"]["green"]["weight"] = 100


def _canary(config: dict[str, Any]) -> None:
    _green_ready(config)
    config["email-platform:app"]["blue"]["weight"] = 90
    config["email-platform:app"]["green"]["weight"] = 10


def _rule(run: Run) -> Any:
    (rule,) = [r for r in run.of_type("aws:lb/listenerRule:ListenerRule") if r.name == "traffic-rule"]
    return rule


def test_the_traffic_rule_waits_for_the_rollout_of_the_colour_that_gets_traffic(production: Run) -> None:
    (blue,) = [d for d in production.of_type("kubernetes:apps/v1:Deployment") if d.name.endswith("blue")]
    assert blue.urn in _rule(production).dependencies
    assert "pulumi.com/skipAwait" not in str(blue.inputs)


@pytest.fixture(scope="module")
def green_ready(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _run_edited(tmp_path_factory, _green_ready)


def _run_edited(tmp_path_factory: pytest.TempPathFactory, edit: Callable[[dict[str, Any]], None]) -> Run:
    import yaml
    from owned_stacks import stack_config

    from preflight.runner import run_program
    from preflight.stack_files import load_stack_file

    config = stack_config("production")
    edit(config)
    folder = tmp_path_factory.mktemp(edit.__name__)
    (folder / "Pulumi.production.yaml").write_text(yaml.safe_dump({"config": config}))
    return run_program(load_stack_file("production", root=folder))


@pytest.mark.parametrize("move", [_green_takes_traffic, _canary])
def test_moving_the_weights_changes_only_the_listener_rule(
    green_ready: Run, move: Callable[[dict[str, Any]], None], tmp_path_factory: pytest.TempPathFactory
) -> None:
    moved = _run_edited(tmp_path_factory, move)
    changes = compare(parse_document(build_document(green_ready)), parse_document(build_document(moved)))
    every = changes.added + changes.changed + changes.replaced + changes.removed
    assert [(c.kind, c.type) for c in every] == [("changed", "aws:lb/listenerRule:ListenerRule")]
    green = next(d for d in moved.of_type("kubernetes:apps/v1:Deployment") if d.name.endswith("green"))
    assert green.urn in _rule(moved).dependencies, "the rule now waits for green's rollout"
    weights = {group["arn"].split("/")[1]: group["weight"] for group in _rule(moved).inputs["actions"][0]["forward"]["targetGroups"]}
    assert sorted(weights.values()) == sorted([0, 100] if move is _green_takes_traffic else [90, 10])


def _green_new_image(config: dict[str, Any]) -> None:
    """A new image on the idle colour, nothing else: step 1 of the next release."""
    _green_ready(config)
    config["email-platform:app"]["green"]["image"] = "ghcr.io/example/email-platform:1.2.0"


def test_a_new_image_on_the_idle_colour_changes_only_that_colours_deployment(
    green_ready: Run, tmp_path_factory: pytest.TempPathFactory
) -> None:
    moved = _run_edited(tmp_path_factory, _green_new_image)
    changes = compare(parse_document(build_document(green_ready)), parse_document(build_document(moved)))
    every = changes.added + changes.changed + changes.replaced + changes.removed
    assert [(c.kind, c.type, c.name) for c in every] == [("changed", "kubernetes:apps/v1:Deployment", "app-green")]
    (green,) = [d for d in moved.of_type("kubernetes:apps/v1:Deployment") if d.name.endswith("green")]
    assert green.inputs["spec"]["template"]["spec"]["containers"][0]["image"] == "ghcr.io/example/email-platform:1.2.0"
