"""What must be in effect before what when traffic moves, on the dependency graph the engine sees.

Pulumi runs independent steps in parallel (`pulumi up --parallel` is unbounded by default), so
an order holds only as a chain of dependency edges:
- a parked colour scales to 0 only after the listener rule has taken its weight away, and the
  rule still waits for the colour that gets the traffic (no cycle between the two);
- the rule waits for each weighted colour's TargetGroupBinding, and a new target group gets a
  binding of a new name (created before the old one goes) whose readiness gate the colour's pods
  roll to carry.

Built under the mocks from settings made here (App plus a traffic step, as __main__ composes
them); one test reads the whole production graph for the wiring in __main__.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi
import pytest
from app_build import TARGET_GROUPS, build_app
from component_build import Built
from dependency_graph import dependency_map, reaches
from owned_stacks import app_settings
from run_lookup import one

from components.app.colour import BINDING_WAIT_FOR
from components.app.names import BINDING_ANNOTATION
from components.traffic_split import TrafficSplit, TrafficSplitArgs
from config.app import COLOURS, AppSettings
from preflight.recorder import RecordingMonitor
from preflight.runner import Run

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
HANDOVER = "kubernetes:apps/v1:DeploymentPatch"
BINDING = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding"
RULE = "aws:lb/listenerRule:ListenerRule"
LISTENER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/email-lb/50dc6c495c0c9188/f2f7dc8efc522ab2"


def _other(colour: str) -> str:
    (other,) = [c for c in COLOURS if c != colour]
    return other


def _serving(running: str) -> AppSettings:
    """All traffic on `running` at its autoscaler's floor, the other colour parked."""
    floor = app_settings("production").autoscaling.min_replicas

    def edit(config: dict[str, Any]) -> None:
        app = config["email-platform:app"]
        app[running] = {**app.get(running, {}), "replicas": floor, "weight": 100}
        app[_other(running)] = {**app.get(_other(running), {}), "replicas": 0, "weight": 0}

    return app_settings("production", edit)


def _traffic_step(settings: AppSettings) -> Callable[[Mapping[str, Sequence[pulumi.Resource]]], pulumi.Resource]:
    def step(ready: Mapping[str, Sequence[pulumi.Resource]]) -> pulumi.Resource:
        weighted = [resource for colour, weight in settings.weights.items() if weight > 0 for resource in ready[colour]]
        args = TrafficSplitArgs(listener_arn=LISTENER, target_group_arns=dict(TARGET_GROUPS), weights=settings.weights, ready=weighted)
        return TrafficSplit("traffic", args).rule

    return step


def _build(monitor: RecordingMonitor, running: str, **overrides: Any) -> Built:
    settings = _serving(running)
    return build_app(monitor, settings, step=_traffic_step(settings), **overrides)


@pytest.mark.parametrize("running", COLOURS)
def test_a_parked_colour_scales_to_zero_only_after_the_rule_took_its_weight(pulumi_mocks: RecordingMonitor, running: str) -> None:
    built = _build(pulumi_mocks, running)
    (rule,) = built.of_type(RULE)
    parked, serving = built.one(DEPLOYMENT, f"app-{_other(running)}"), built.one(DEPLOYMENT, f"app-{running}")
    assert parked.inputs["spec"]["replicas"] == 0
    assert built.waits_for(parked, rule), "the park would race the rule update (503s)"
    # Rollout first, then traffic, for the colour that serves; and no cycle through the parked one.
    assert built.waits_for(rule, serving)
    assert built.waits_for(rule, built.one(HANDOVER, f"app-{running}-replicas-handover"))
    assert not built.waits_for(rule, parked)
    assert not built.waits_for(serving, rule)


def test_the_rule_waits_for_each_weighted_colours_binding(pulumi_mocks: RecordingMonitor) -> None:
    running = COLOURS[0]
    built = _build(pulumi_mocks, running)
    (rule,) = built.of_type(RULE)
    binding = built.one(BINDING, f"app-{running}-binding")
    assert built.depends_on(rule, binding), "the rule must wait for the binding itself, not only through the Deployment"
    # The binding counts as created once the controller has reconciled it (targets registered).
    assert binding.inputs["metadata"]["annotations"]["pulumi.com/waitFor"] == BINDING_WAIT_FOR
    assert BINDING_WAIT_FOR == "jsonpath={.status.observedGeneration}"


def test_a_new_target_group_gets_a_new_binding_before_the_old_one_goes(pulumi_mocks: RecordingMonitor) -> None:
    colour = COLOURS[0]
    before = _build(pulumi_mocks, colour)
    replaced = {**TARGET_GROUPS, colour: TARGET_GROUPS[colour].rsplit("/", 1)[0] + "/00ff00ff00ff00ff"}
    after = _build(pulumi_mocks, colour, target_group_arns=replaced)
    old, new = before.one(BINDING, f"app-{colour}-binding"), after.one(BINDING, f"app-{colour}-binding")
    assert new.inputs["spec"]["targetGroupARN"] == replaced[colour]
    # Named after its target group: the new binding can exist beside the old one, so Pulumi creates it
    # first (create-before-delete) and deletes the old one at the end, after the rule has moved.
    assert old.inputs["metadata"]["name"] != new.inputs["metadata"]["name"]
    assert new.inputs["metadata"]["name"].endswith(replaced[colour].rsplit("/", 1)[1])
    assert not new.delete_before_replace
    assert "spec.targetGroupARN" in new.replace_on_changes
    # The pods roll with it: a new pod carries the readiness gate of each binding that exists when it
    # is created, so the rollout (which the rule waits for) completes only when they are healthy there.
    old_pods = before.one(DEPLOYMENT, f"app-{colour}").inputs["spec"]["template"]["metadata"]["annotations"]
    new_pods = after.one(DEPLOYMENT, f"app-{colour}").inputs["spec"]["template"]["metadata"]["annotations"]
    assert old_pods[BINDING_ANNOTATION] == old.inputs["metadata"]["name"]
    assert new_pods[BINDING_ANNOTATION] == new.inputs["metadata"]["name"]


def test_the_program_orders_parking_and_traffic_as_its_stack_config_says(production: Run) -> None:
    """__main__ hands the App its traffic step: checked on the whole production graph."""
    settings = app_settings("production")
    graph = dependency_map(production.resources)
    (rule,) = [r for r in production.of_type(RULE) if r.name == "traffic-rule"]
    assert rule.parent is not None and rule.parent.endswith("::traffic")
    for colour in COLOURS:
        deployment = one(production, DEPLOYMENT, f"app-{colour}")
        binding = one(production, BINDING, f"app-{colour}-binding")
        if settings.colours[colour].replicas == 0:
            assert reaches(graph, deployment.urn, rule.urn), f"{colour} is parked: it waits for the rule"
            assert not reaches(graph, rule.urn, deployment.urn)
        if settings.colours[colour].weight > 0:
            assert binding.urn in rule.dependencies and deployment.urn in rule.dependencies
