"""Blue-green on the whole stack: the traffic step waits for the rollout, and moving the
weights (or moving them back: the rollback) changes nothing but the listener rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml
from owned_stacks import settings, stack_config

from preflight.changes import compare
from preflight.document import build_document
from preflight.runner import Run, run_program
from preflight.stack_files import load_stack_file
from pricing import parse_document

NEW_IMAGE = "ghcr.io/example/email-platform:1.2.0"


def _canary(config: dict[str, Any]) -> None:
    """Step 2 of a release on the test staging stack, whose idle colour already runs the new release: 90/10."""
    config["email-platform:app"]["blue"]["weight"] = 90
    config["email-platform:app"]["green"]["weight"] = 10


def _rule(run: Run) -> Any:
    (rule,) = [r for r in run.of_type("aws:lb/listenerRule:ListenerRule") if r.name == "traffic-rule"]
    return rule


def test_the_traffic_rule_waits_for_the_rollout_of_the_colour_that_gets_traffic(staging: Run) -> None:
    deployments = {d.name.removeprefix("app-"): d for d in staging.of_type("kubernetes:apps/v1:Deployment")}
    for colour, weight in settings("staging").app.weights.items():
        assert (deployments[colour].urn in _rule(staging).dependencies) is (weight > 0)
        assert "pulumi.com/skipAwait" not in str(deployments[colour].inputs)


def _run_edited(tmp_path_factory: pytest.TempPathFactory, edit: Callable[[dict[str, Any]], None]) -> Run:
    config = stack_config("staging")
    edit(config)
    folder = tmp_path_factory.mktemp(edit.__name__)
    (folder / "Pulumi.staging.yaml").write_text(yaml.safe_dump({"config": config}))
    return run_program(load_stack_file("staging", root=folder))


def test_the_test_staging_stack_is_step_one_of_a_release() -> None:
    """The idle colour runs (replicas) without traffic: what the tests below start from."""
    app = settings("staging").app
    assert app.green.replicas > 0 and app.green.weight == 0 and app.blue.weight == 100


def test_moving_the_weights_changes_only_the_listener_rule(staging: Run, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A canary step (and, compared the other way, its rollback) changes nothing but the rule."""
    moved = _run_edited(tmp_path_factory, _canary)
    changes = compare(parse_document(build_document(staging)), parse_document(build_document(moved)))
    every = changes.added + changes.changed + changes.replaced + changes.removed
    assert [(c.kind, c.type) for c in every] == [("changed", "aws:lb/listenerRule:ListenerRule")]
    green = next(d for d in moved.of_type("kubernetes:apps/v1:Deployment") if d.name.endswith("green"))
    assert green.urn in _rule(moved).dependencies, "the rule now waits for green's rollout"
    weights = {group["arn"].split("/")[1]: group["weight"] for group in _rule(moved).inputs["actions"][0]["forward"]["targetGroups"]}
    assert sorted(weights.values()) == [10, 90]


def _green_new_image(config: dict[str, Any]) -> None:
    """A new image on the idle colour, nothing else: step 1 of the next release."""
    config["email-platform:app"]["green"]["image"] = NEW_IMAGE


def test_a_new_image_on_the_idle_colour_changes_only_that_colours_deployment(
    staging: Run, tmp_path_factory: pytest.TempPathFactory
) -> None:
    moved = _run_edited(tmp_path_factory, _green_new_image)
    changes = compare(parse_document(build_document(staging)), parse_document(build_document(moved)))
    every = changes.added + changes.changed + changes.replaced + changes.removed
    assert [(c.kind, c.type, c.name) for c in every] == [("changed", "kubernetes:apps/v1:Deployment", "app-green")]
    (green,) = [d for d in moved.of_type("kubernetes:apps/v1:Deployment") if d.name.endswith("green")]
    assert green.inputs["spec"]["template"]["spec"]["containers"][0]["image"] == NEW_IMAGE
