"""What the App component hands to the others and registers as its outputs, built alone
(`build_app` in app_build.py: what was registered, and each resource's dependencies)."""

from __future__ import annotations

from typing import Any

import pulumi_kubernetes as k8s
from app_build import DEPLOYMENT, build_app
from google.protobuf import json_format  # type: ignore[import-untyped]

from components.app import App
from preflight.recorder import RecordingMonitor


def test_each_colour_exposes_its_objects(pulumi_mocks: RecordingMonitor) -> None:
    """`App.colours`: one record per colour, what other components read (the Deployments, for the alarms)."""
    names: dict[str, str] = {}

    def check(app: App) -> None:
        assert set(app.colours) == {"blue", "green"}
        for colour, made in app.colours.items():
            assert isinstance(made.deployment, k8s.apps.v1.Deployment)
            made.deployment.metadata.apply(lambda m, c=colour: names.update({c: m.name}))

    build_app(pulumi_mocks, check=check)
    assert names == {"blue": "email-platform-blue", "green": "email-platform-green"}


def test_the_app_registers_what_it_exposes_as_its_outputs(pulumi_mocks: RecordingMonitor) -> None:
    """`register_outputs` lists the App's objects (names, role), so a stack's state shows what the component made."""
    registered: dict[str, Any] = {}
    record = pulumi_mocks.RegisterResourceOutputs

    def capture(request: Any) -> Any:
        if request.urn.endswith("email:app:App::app"):
            registered.update(json_format.MessageToDict(request.outputs))
        return record(request)

    pulumi_mocks.RegisterResourceOutputs = capture  # type: ignore[method-assign]
    built = build_app(pulumi_mocks)
    deployments = {d.name.removeprefix("app-"): d.inputs["metadata"]["name"] for d in built.of_type(DEPLOYMENT)}
    assert {colour: made["deployment"] for colour, made in registered["colourObjects"].items()} == deployments

    def name(type_token: str, logical: str) -> str:
        (found,) = [r for r in built.of_type(type_token) if r.name == logical]
        return str(found.outputs["metadata"]["name"])

    for colour, made in registered["colourObjects"].items():
        (binding,) = [r for r in built.of_type("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding") if r.name == f"app-{colour}-binding"]
        assert made == {
            "configMap": name("kubernetes:core/v1:ConfigMap", f"app-{colour}-settings"),
            "secret": name("kubernetes:core/v1:Secret", f"app-{colour}-secrets"),
            "tlsSecret": name("kubernetes:core/v1:Secret", f"app-{colour}-tls"),
            "service": name("kubernetes:core/v1:Service", f"app-{colour}"),
            "deployment": name(DEPLOYMENT, f"app-{colour}"),
            "disruptionBudget": name("kubernetes:policy/v1:PodDisruptionBudget", f"app-{colour}"),
            "autoscaler": name("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", f"app-{colour}"),
            "targetGroupBinding": binding.urn,
        }
    expected = {"namespaceName", "serviceAccountName", "roleArn", "roleName", "webhookAddress", "networkPolicyName", "controllerRelease"}
    assert expected <= set(registered)
