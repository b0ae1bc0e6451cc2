"""The app's replicas: autoscalers, disruption budgets, rollouts and parked colours, built alone
(`build_app` in app_build.py: what was registered, and each resource's dependencies)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from app_build import DEPLOYMENT, TARGET_GROUPS, _container, build_app, production_build
from component_build import Built
from owned_stacks import app_settings

from policy import workloads
from preflight.recorder import RecordedResource, RecordingMonitor


@pytest.fixture
def built(pulumi_mocks: RecordingMonitor) -> Built:
    """The production build, made once per test process (app_build.production_build): the tests only read it."""
    return production_build(pulumi_mocks)


def test_a_pod_that_is_not_ready_never_blocks_a_node_drain(built: Built) -> None:
    """colour.py: only healthy pods count against the budget ("AlwaysAllow policy means that all running
    pods ... but not yet healthy are considered disrupted and can be evicted", PodDisruptionBudgetSpec)."""
    for budget in built.of_type("kubernetes:policy/v1:PodDisruptionBudget"):
        assert budget.inputs["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow"


def test_the_autoscalers_scale_down_slowly(built: Built) -> None:
    """colour.py: after five minutes of lower load, one pod a minute. Kubernetes' own scale-down window is
    300 s ("If not set ... For scale down: 300", HPAScalingRules); the test holds both the window and the pace."""
    for hpa in built.of_type("kubernetes:autoscaling/v2:HorizontalPodAutoscaler"):
        down = hpa.inputs["spec"]["behavior"]["scaleDown"]
        assert down["stabilizationWindowSeconds"] >= 300
        assert down["policies"] == [{"type": "Pods", "value": 1, "periodSeconds": 60}]
        assert "scaleUp" not in hpa.inputs["spec"]["behavior"], "scaling up is not held back"


def test_rollouts_are_awaited_and_follow_each_colours_config(pulumi_mocks: RecordingMonitor) -> None:
    def canary(config: dict[str, Any]) -> None:
        config["email-platform:app"]["green"] |= {"image": "ghcr.io/example/email-platform:1.1.0", "replicas": 4}

    built = build_app(pulumi_mocks, app_settings("production", canary))
    blue, green = built.one(DEPLOYMENT, "app-blue"), built.one(DEPLOYMENT, "app-green")
    # A running colour's size belongs to its HPA (declaring it would conflict under server-side
    # apply); the configured replicas are the HPA's floor.
    assert "replicas" not in blue.inputs["spec"] and "replicas" not in green.inputs["spec"]
    floors = {hpa.name: hpa.inputs["spec"]["minReplicas"] for hpa in built.of_type("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")}
    assert floors == {"app-blue": 3, "app-green": 4}
    for deployment in (blue, green):
        assert deployment.inputs["metadata"]["annotations"]["pulumi.com/patchForce"] == "true"
    assert _container(green)["image"] == "ghcr.io/example/email-platform:1.1.0"
    for deployment in (blue, green):
        assert "pulumi.com/skipAwait" not in deployment.inputs["metadata"].get("annotations", {})


def test_moving_the_weights_changes_no_kubernetes_object(pulumi_mocks: RecordingMonitor) -> None:
    base = app_settings("production")
    green = dataclasses.replace(base.green, replicas=3)
    before = dataclasses.replace(base, green=green)
    after = dataclasses.replace(
        before, blue=dataclasses.replace(base.blue, replicas=3, weight=0), green=dataclasses.replace(green, weight=100)
    )
    first = {r.urn: r.inputs for r in build_app(pulumi_mocks, before).resources}
    second = {r.urn: r.inputs for r in build_app(pulumi_mocks, after).resources}
    assert first == second


def test_disruption_budgets_and_autoscalers_agree(built: Built) -> None:
    settings = app_settings("production")
    for colour in TARGET_GROUPS:
        deployment = built.one(DEPLOYMENT, f"app-{colour}")
        budget = built.one("kubernetes:policy/v1:PodDisruptionBudget", f"app-{colour}")
        hpa = built.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", f"app-{colour}")
        labels = deployment.inputs["spec"]["template"]["metadata"]["labels"]
        assert budget.inputs["spec"]["selector"]["matchLabels"] == labels
        spec = hpa.inputs["spec"]
        assert spec["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment.inputs["metadata"]["name"]}
        assert spec["minReplicas"] == settings.autoscaling.min_replicas >= 3
        assert spec["maxReplicas"] == settings.autoscaling.max_replicas
        targets = {m["resource"]["name"]: m["resource"]["target"] for m in spec["metrics"]}
        assert targets == {
            "cpu": {"type": "Utilization", "averageUtilization": 70},
            "memory": {"type": "Utilization", "averageUtilization": 80},
        }
        # At the autoscaler's floor a drain may take one pod and still leave two serving.
        assert spec["minReplicas"] - budget.inputs["spec"]["maxUnavailable"] >= 2
    findings = workloads.pod_disruption_budgets(
        [policies_resource(r) for r in built.resources if r.type in (DEPLOYMENT, "kubernetes:policy/v1:PodDisruptionBudget")], {}
    )
    assert findings == []


def policies_resource(resource: RecordedResource) -> Any:
    return type("Resource", (), {"urn": resource.urn, "type": resource.type, "name": resource.name, "props": resource.inputs})()


def test_a_parked_colour_declares_zero_replicas(pulumi_mocks: RecordingMonitor) -> None:
    built = build_app(pulumi_mocks, app_settings("production"))
    green = built.one(DEPLOYMENT, "app-green")
    assert green.inputs["spec"]["replicas"] == 0  # committed production: green idle
