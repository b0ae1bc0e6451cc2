"""One health endpoint: the pods' probes, both target groups' health checks and the uptime canaries
all request `app.healthCheckEndpoint`, so changing it moves all of them together.

Run on the whole program: a path hard-coded in any one place (a component, or __main__ not
passing the setting on) leaves that place on the default and fails here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from config_edits import set_key
from owned_stacks import stack_config

from preflight.runner import Run, run_program
from preflight.stack_files import load_stack_file

DEFAULT = "/health"
MOVED = "/healthz"
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


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The production stack with the endpoint moved, run once for this module's tests."""
    config = stack_config("production")
    set_key("app.healthCheckEndpoint", MOVED)(config)
    folder = tmp_path_factory.mktemp("moved-health-endpoint")
    (folder / "Pulumi.production.yaml").write_text(yaml.safe_dump({"config": config}))
    return run_program(load_stack_file("production", root=folder))


def test_by_default_everything_checks_the_default_endpoint(production: Run) -> None:
    assert set(_probe_paths(production).values()) == {DEFAULT}
    assert _target_group_paths(production) == {"lb-blue": DEFAULT, "lb-green": DEFAULT}
    assert _uptime_path(production) == DEFAULT
    assert DEFAULT in _routed_to_the_app(production)


def test_changing_the_endpoint_moves_probes_target_groups_and_uptime_check(moved: Run) -> None:
    probes = _probe_paths(moved)
    assert len(probes) == 2 * len(PROBES), "both colours, every probe"
    # CloudFront routes the moved endpoint to the app (not to the assets bucket, which would answer 403).
    assert MOVED in _routed_to_the_app(moved) and DEFAULT not in _routed_to_the_app(moved)
    assert probes == dict.fromkeys(probes, MOVED)
    assert _target_group_paths(moved) == {"lb-blue": MOVED, "lb-green": MOVED}
    assert _uptime_path(moved) == MOVED
    assert _config_map_path(moved) == MOVED  # what the app itself is told to serve
    assert moved.outputs["healthUrl"] == f"https://mail.example.com{MOVED}"


def test_the_uptime_alarm_and_dashboard_name_the_endpoint_checked(moved: Run) -> None:
    alarms: dict[str, Any] = {a.name: a for a in moved.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    for region in ("us-east-1", "us-west-2"):
        assert (
            alarms[f"monitoring-canary-{region}-success"].inputs["alarmDescription"].startswith(f"https://mail.example.com{MOVED} succeeds")
        )
    for colour in ("blue", "green"):
        assert f"failing the {MOVED} check" in alarms[f"monitoring-alb-{colour}-unhealthy-hosts"].inputs["alarmDescription"]
    (dashboard,) = moved.of_type("aws:cloudwatch/dashboard:Dashboard")
    assert f"Uptime: {MOVED} from us-west-2" in dashboard.inputs["dashboardBody"]
