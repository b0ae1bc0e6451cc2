"""A release moves everything a colour runs, config included, and starts an un-parked colour at its size.

- Un-parking: the apply that starts a parked colour carries its configured replicas (the
  replicas handover), and the traffic step waits for it, not for a one-pod rollout.
- Config: each colour has its own ConfigMap, Secret and TLS Secret, so a change to one colour's
  settings touches only that colour's objects; the live colour is untouched.
- The cache: REDIS_URL is a cluster-mode configuration endpoint, and REDIS_CLUSTER says so.
"""

from __future__ import annotations

from typing import Any

from app_build import build_app
from owned_stacks import app_settings
from run_lookup import one

from components.redis import CLUSTER_MODE
from preflight.recorder import RecordingMonitor
from preflight.runner import Run

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
HANDOVER = "kubernetes:apps/v1:DeploymentPatch"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"


def _green_running(config: dict[str, Any]) -> None:
    config["email-platform:app"]["green"] |= {"image": "ghcr.io/example/email-platform:1.1.0", "replicas": 4}


def test_the_un_park_apply_carries_the_configured_replicas(pulumi_mocks: RecordingMonitor) -> None:
    parked = build_app(pulumi_mocks, app_settings("production"))
    assert [h.name for h in parked.of_type(HANDOVER)] == ["app-blue-replicas-handover"]  # green parked: none
    running = build_app(pulumi_mocks, app_settings("production", _green_running))
    handover = running.one(HANDOVER, "app-green-replicas-handover")
    deployment = running.one(DEPLOYMENT, "app-green")
    # The handover applies spec.replicas = the configured 4 to the green Deployment, taking the
    # field over from the Deployment's own apply (which declared 0 while parked) ...
    assert handover.inputs["spec"] == {"replicas": 4}
    assert handover.inputs["metadata"]["name"] == deployment.inputs["metadata"]["name"] == "email-platform-green"
    assert handover.inputs["metadata"]["namespace"] == deployment.inputs["metadata"]["namespace"]
    assert handover.inputs["metadata"]["annotations"]["pulumi.com/patchForce"] == "true"
    assert running.depends_on(handover, deployment)
    # ... once: later applies of the colour leave the autoscaled size alone.
    assert handover.ignore_changes == ["spec"]
    # The running Deployment itself still leaves replicas to the HPA, whose floor is the same 4.
    assert "replicas" not in deployment.inputs["spec"]
    hpa = running.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "app-green")
    assert hpa.inputs["spec"]["minReplicas"] == 4
    # What the await of the handover counts: the mocked API server reports the replicas it set.
    assert handover.outputs["status"]["readyReplicas"] == 4


def test_the_traffic_step_waits_for_the_handover_of_the_colour_it_sends_traffic_to(production: Run) -> None:
    rule = one(production, "aws:lb/listenerRule:ListenerRule", "traffic-rule")
    blue = one(production, HANDOVER, "app-blue-replicas-handover")
    assert blue.urn in rule.dependencies
    assert blue.inputs["spec"] == {"replicas": app_settings("production").colours["blue"].replicas}


def test_a_config_change_on_the_idle_colour_touches_only_that_colours_config(pulumi_mocks: RecordingMonitor) -> None:
    def debug_on_green(config: dict[str, Any]) -> None:
        _green_running(config)
        config["email-platform:app"]["green"]["logLevel"] = "debug"

    before = {r.urn: r for r in build_app(pulumi_mocks, app_settings("production", _green_running)).resources}
    after = {r.urn: r for r in build_app(pulumi_mocks, app_settings("production", debug_on_green)).resources}
    assert set(before) == set(after)
    changed = {after[urn].name for urn in after if after[urn].inputs != before[urn].inputs}
    assert changed == {"app-green-settings"}
    settings = after[next(urn for urn in after if after[urn].name == "app-green-settings")]
    assert settings.inputs["data"]["LOG_LEVEL"] == "debug" and settings.inputs["immutable"] is True
    # Immutable and auto-named: the new data is a new object under a new name, which only the
    # green pod template references, so only the green Deployment rolls.
    assert "name" not in settings.inputs["metadata"]
    green = after[next(urn for urn in after if after[urn].name == "app-green" and after[urn].type == DEPLOYMENT)]
    references = {
        e["valueFrom"].get("configMapKeyRef", {}).get("name") for e in green.inputs["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    assert settings.outputs["metadata"]["name"] in references
    blue_settings = after[next(urn for urn in after if after[urn].name == "app-blue-settings")]
    assert blue_settings.inputs["data"]["LOG_LEVEL"] == "info"


def test_the_app_is_told_the_cache_is_in_cluster_mode_on_every_stack(each_stack: Run) -> None:
    group = one(each_stack, "aws:elasticache/replicationGroup:ReplicationGroup", "redis-group")
    assert group.inputs["clusterMode"] == CLUSTER_MODE == "enabled"
    # REDIS_URL names the configuration endpoint, which only a cluster-mode group has ...
    assert each_stack.outputs["redisConfigurationEndpoint"] == group.outputs["configurationEndpointAddress"] != ""
    assert group.outputs["primaryEndpointAddress"] == ""
    # ... so every colour's ConfigMap tells the app to open a cluster client, one shard or many.
    for config_map in each_stack.of_type(CONFIG_MAP):
        assert config_map.inputs["data"]["REDIS_CLUSTER"] == "true"
