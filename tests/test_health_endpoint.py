"""One health endpoint: the pods' probes, both target groups' health checks and the uptime canaries
all request `app.healthCheckEndpoint`, so changing it moves all of them together.

Run on the whole program, on both test stacks: production checks the default endpoint, staging
another, so a path hard-coded in any one place (a component, or __main__ not passing the setting
on) fails here for one of them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from owned_stacks import settings

from preflight.runner import Run

DEFAULT = "/health"
PROBES = ("startupProbe", "readinessProbe", "livenessProbe")


def _probe_paths(run: Run) -> dict[str, str]:
    paths = {}
    for deployment in run.of_type("kubernetes:apps/v1:Deployment"):
        (container,) = deployment.inputs["spec"]["template"]["spec"]["containers"]
        for probe in PROBES:
            paths[f"{deployment.name} {probe}"] = container[probe]["httpGet"]["path"]
    return paths


def _target_group_paths(run: Run) -> dict[str, str]:
    return {group.name: group.inputs["healthCheck"]["path"] for group in run.of_type("aws:lb/targetGroup:TargetGroup")}


def _uptime_path(run: Run) -> str:
    """The path every region's canary calls (the same for all of them)."""
    paths = {urlsplit(c.inputs["tags"]["CheckedUrl"]).path for c in run.of_type("aws:synthetics/canary:Canary")}
    (path,) = paths
    return path


def _routed_to_the_app(run: Run) -> list[str]:
    """The path patterns CloudFront sends to the load balancer."""
    (distribution,) = run.of_type("aws:cloudfront/distribution:Distribution")
    return [b["pathPattern"] for b in distribution.inputs["orderedCacheBehaviors"] if b["targetOriginId"] == "api"]


def _config_map_path(run: Run) -> str:
    """What every colour's ConfigMap tells the app (one path, or the set of them if they differ)."""
    paths = {config_map.inputs["data"]["HEALTH_CHECK_ENDPOINT"] for config_map in run.of_type("kubernetes:core/v1:ConfigMap")}
    assert len(run.of_type("kubernetes:core/v1:ConfigMap")) == 2, "one per colour"
    (path,) = paths
    return str(path)


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_every_check_requests_the_configured_endpoint(stack: str, request: pytest.FixtureRequest) -> None:
    """The test stacks differ here: production leaves the default, staging moves the endpoint."""
    run: Run = request.getfixturevalue(stack)
    configured = settings(stack)
    path = configured.app.health_check_endpoint
    probes = _probe_paths(run)
    assert len(probes) == 2 * len(PROBES), "both colours, every probe"
    assert probes == dict.fromkeys(probes, path)
    # CloudFront routes the endpoint to the app (not to the assets bucket, which would answer 403).
    assert path in _routed_to_the_app(run)
    assert _target_group_paths(run) == {"lb-blue": path, "lb-green": path}
    assert _uptime_path(run) == path
    assert _config_map_path(run) == path  # what the app itself is told to serve
    assert run.outputs["healthUrl"] == f"https://{configured.basics.domain}{path}"


def test_the_test_stacks_check_different_endpoints() -> None:
    """Only then does a path hard-coded anywhere (a component, or __main__ not passing the setting on) fail above."""
    assert settings("production").app.health_check_endpoint != settings("staging").app.health_check_endpoint
    assert DEFAULT in (settings("production").app.health_check_endpoint, settings("staging").app.health_check_endpoint)


def test_the_uptime_alarm_and_dashboard_name_the_endpoint_checked(staging: Run) -> None:
    configured = settings("staging")
    path, domain = configured.app.health_check_endpoint, configured.basics.domain
    alarms: dict[str, Any] = {a.name: a for a in staging.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    for region in configured.monitoring.canaries.regions:
        assert alarms[f"monitoring-canary-{region}-success"].inputs["alarmDescription"].startswith(f"https://{domain}{path} succeeds")
    for colour in ("blue", "green"):
        assert f"failing the {path} check" in alarms[f"monitoring-alb-{colour}-unhealthy-hosts"].inputs["alarmDescription"]
    (dashboard,) = staging.of_type("aws:cloudwatch/dashboard:Dashboard")
    for region in configured.monitoring.canaries.regions:
        assert f"Uptime: {path} from {region}" in dashboard.inputs["dashboardBody"]
