"""Where the app's image comes from and where it may run: private registries, and node architectures."""

from __future__ import annotations

from typing import Any

import pulumi
from app_build import build_app
from config_edits import set_key
from owned_stacks import app_settings

from config.capacity import node_architectures
from config.node_pool import KUBERNETES_ARCH
from preflight.recorder import RecordingMonitor
from preflight.runner import Run

DEPLOYMENT = "kubernetes:apps/v1:Deployment"


def _pod(deployment: Any) -> dict[str, Any]:
    spec: dict[str, Any] = deployment.inputs["spec"]["template"]["spec"]
    return spec


def _arches(deployment: Any) -> list[str]:
    (term,) = _pod(deployment)["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    (expression,) = term["matchExpressions"]
    assert (expression["key"], expression["operator"]) == ("kubernetes.io/arch", "In")
    values: list[str] = expression["values"]
    return values


def test_pods_land_only_on_architectures_their_image_has(staging: Run, production: Run, pulumi_mocks: RecordingMonitor) -> None:
    for run in (staging, production):
        images = app_settings(run.stack).image_architectures
        for deployment in run.of_type(DEPLOYMENT):
            assert sorted(_arches(deployment)) == sorted(KUBERNETES_ARCH[a] for a in images)
    built = build_app(pulumi_mocks, settings=app_settings("production", set_key("app.imageArchitectures", ["x86_64"])))
    for deployment in built.of_type(DEPLOYMENT):
        assert _arches(deployment) == ["amd64"]


def test_the_stacks_architectures_are_covered_by_the_image(staging: Run, production: Run, load_config_with: Any) -> None:
    for stack in ("staging", "production"):
        settings = load_config_with(stack, lambda config: None)
        assert node_architectures(settings.cluster) <= set(settings.app.image_architectures)


def test_private_registry_credentials_become_a_pull_secret(pulumi_mocks: RecordingMonitor) -> None:
    settings = app_settings("production", set_key("app.imagePullSecrets", ["ghcr-readonly"]))
    built = build_app(pulumi_mocks, settings=settings, registry_credentials=pulumi.Output.secret('{"auths": {}}'))
    (secret,) = [s for s in built.of_type("kubernetes:core/v1:Secret") if s.name == "app-registry"]
    assert secret.inputs["type"] == "kubernetes.io/dockerconfigjson"
    assert secret.inputs["stringData"] == "[secret]"
    for deployment in built.of_type(DEPLOYMENT):
        names = [ref["name"] for ref in _pod(deployment)["imagePullSecrets"]]
        assert names[0] == "ghcr-readonly"
        assert names[1].startswith("app-registry-")


def test_no_pull_secrets_unless_configured(production: Run) -> None:
    for deployment in production.of_type(DEPLOYMENT):
        assert "imagePullSecrets" not in _pod(deployment)
