"""App stack config: the guide's defaults, the environments' floors, and one line per refused value.

The app object is read alone from a small object the test writes; the rule across sections (the pod
outlasts the target groups' deregistration) with the whole config step, on a stack config of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from config_edits import set_key
from config_stacks import edited, load, refused

from config.app import Autoscaling, Shutdown, check_pre_stop, cpu_millicores, memory_bytes, parse_app
from config.basics import Basics, Tags
from config.declare import declaration
from config.reader import ConfigError, Section

DIGEST = "ghcr.io/example/test-app@sha256:" + "a" * 64
TAGGED = "ghcr.io/example/test-app:1.1.0"
PRODUCTION = Basics("production", "sa-east-1", "mail.example.test", Tags("app-team", "app", {}))
STAGING = Basics("staging", "sa-east-1", "staging.mail.example.test", Tags("app-team", "app", {}))
ENVIRONMENTS = {"production": PRODUCTION, "staging": STAGING}


def _floor(production: bool) -> int:
    floor: int = declaration(Autoscaling, "min_replicas").minimum.pick(production)  # type: ignore[union-attr]
    return floor


def app(environment: str = "production", edit: Callable[[dict[str, Any]], None] | None = None) -> Any:
    """The app object {blue: {image}} with `edit` applied, read as the program reads it."""
    raw: dict[str, Any] = {"blue": {"image": DIGEST}}
    if edit is not None:
        edit(raw)
    return parse_app(Section("email-platform:app", raw), ENVIRONMENTS[environment])


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(raw: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = raw
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value

    return edit


def test_the_guides_defaults_apply_when_only_an_image_is_given() -> None:
    settings = app()
    assert settings.email_timeout == 30
    assert settings.email_rate_limit == 1000
    assert settings.log_level == "info"
    assert settings.metrics_endpoint == "/metrics"
    assert settings.health_check_endpoint == "/health"
    assert settings.green.image == DIGEST and settings.green.replicas == 0
    assert settings.weights == {"blue": 100, "green": 0}
    assert settings.blue.replicas == settings.autoscaling.min_replicas == _floor(production=True)
    assert settings.autoscaling.max_replicas == 4 * settings.autoscaling.min_replicas
    assert (settings.autoscaling.cpu_target_percent, settings.autoscaling.memory_target_percent) == (70, 80)
    shutdown = settings.shutdown
    assert shutdown.pre_stop_seconds > 30  # the ALB's default deregistration delay
    assert shutdown.termination_grace_period_seconds > shutdown.pre_stop_seconds + shutdown.drain_seconds


def test_staging_is_the_same_model_with_a_lower_floor_of_pods() -> None:
    """Two pods at least everywhere (the disruption budget drains one at a time), one per zone in production."""
    production, staging = app("production"), app("staging")
    assert staging.weights == production.weights == {"blue": 100, "green": 0}
    assert (staging.autoscaling.min_replicas, production.autoscaling.min_replicas) == (_floor(False), _floor(True))
    assert 2 <= _floor(False) < _floor(True)


def test_a_canary_split_is_accepted() -> None:
    def canary(raw: dict[str, Any]) -> None:
        raw["blue"]["weight"] = 90
        raw["green"] = {"weight": 10, "replicas": _floor(True), "image": TAGGED}

    assert app("production", canary).weights == {"blue": 90, "green": 10}


def test_latest_is_allowed_outside_production_only() -> None:
    latest = _set("green.image", "ghcr.io/example/test-app:latest")
    assert app("staging", latest).green.image.endswith(":latest")
    with pytest.raises(ConfigError, match=r"app\.green\.image = 'ghcr.io/example/test-app:latest': production never runs 'latest'"):
        app("production", latest)


def test_quantities_are_compared_in_kubernetes_units() -> None:
    assert cpu_millicores("k", "500m") == 500
    assert cpu_millicores("k", "1.5") == 1500
    assert memory_bytes("k", "1Gi") == 1024 * memory_bytes("k", "1Mi")
    assert memory_bytes("k", "1G") < memory_bytes("k", "1Gi")


SHUTDOWN = {"preStopSeconds": 40, "drainSeconds": 20, "terminationGracePeriodSeconds": 75}


@pytest.mark.parametrize(
    ("environment", "path", "value", "message"),
    [
        ("production", "blue.image", "ghcr.io/example/test-app:latest", r"app\.blue\.image = .*production never runs 'latest'"),
        ("staging", "blue.image", "ghcr.io/example/test-app", r"app\.blue\.image = .*pin it with a version tag"),
        ("staging", "blue.image", "Not An Image!", r"app\.blue\.image = .*must be an image reference"),
        ("production", "blue.weight", 80, r"app\.blue\.weight \+ green\.weight = '80 \+ 0': must add up to 100"),
        ("production", "blue.weight", 101, r"app\.blue\.weight = 101: must be between 0 and 100"),
        ("production", "green.weight", 0, None),  # control: blue-green with green idle is fine
        (
            "production",
            "blue.replicas",
            _floor(True) - 1,
            rf"app\.blue\.replicas = {_floor(True) - 1}: must be 0 \(colour idle\) or at least autoscaling\.minReplicas \({_floor(True)}\)",
        ),
        (
            "production",
            "autoscaling.minReplicas",
            _floor(True) - 1,
            rf"app\.autoscaling\.minReplicas = {_floor(True) - 1}: must be between {_floor(True)} and 100",
        ),
        (
            "staging",
            "autoscaling.minReplicas",
            _floor(False) - 1,
            rf"app\.autoscaling\.minReplicas = {_floor(False) - 1}: must be between {_floor(False)} and 100",
        ),
        ("production", "resources", {"requests": {"cpu": "3"}, "limits": {"cpu": "2"}}, r"requests\.cpu = '3': must not exceed limits\.cpu \(2\)"),
        ("production", "resources", {"requests": {"memory": "3Gi"}, "limits": {"memory": "2Gi"}}, r"requests\.memory = '3Gi': must not exceed limits\.memory"),
        ("production", "resources.limits.cpu", "two", r"app\.resources\.limits\.cpu = 'two': must be a CPU quantity"),
        ("production", "resources.requests.cpu", "0", r"app\.resources\.requests\.cpu = '0': must be more than zero"),
        (
            "production",
            "shutdown",
            {**SHUTDOWN, "terminationGracePeriodSeconds": 50},
            r"app\.shutdown\.terminationGracePeriodSeconds = 50: must be longer than preStopSeconds \+ drainSeconds \(40 \+ 20 = 60\)",
        ),
        ("production", "logLevel", "verbose", r"app\.logLevel = 'verbose': allowed: error, warn, info, debug"),
        ("production", "healthCheckEndpoint", "health", r"app\.healthCheckEndpoint = 'health': must be an absolute URL path"),
        ("production", "emailTimeout", 0, r"app\.emailTimeout = 0: must be between 1 and 600"),
        ("production", "green.logLevel", "verbose", r"app\.green\.logLevel = 'verbose': allowed: error, warn, info, debug"),
        ("production", "blue.emailRateLimit", 0, r"app\.blue\.emailRateLimit = 0: must be between 1 and 1000000"),
        ("production", "green.logLevel", "debug", None),  # a colour's own setting
        ("production", "image", DIGEST, r"app\.image = .*unknown key"),
        ("production", "imagePullSecrets", ["Registry_Creds"], r"app\.imagePullSecrets\[0\] = 'Registry_Creds': must be a Kubernetes Secret name"),
    ],
)  # fmt: skip
def test_bad_app_config_is_refused_with_one_line(environment: str, path: str, value: Any, message: str | None) -> None:
    if message is None:
        app(environment, _set(path, value))
        return
    with pytest.raises(ConfigError, match=message) as caught:
        app(environment, _set(path, value))
    assert "\n" not in str(caught.value)


def test_a_weighted_colour_without_replicas_is_refused() -> None:
    def switch_to_idle_green(raw: dict[str, Any]) -> None:
        raw["blue"]["weight"] = 0
        raw["green"] = {"weight": 100}

    with pytest.raises(ConfigError, match=r"app\.green\.replicas = 0: the green colour has traffic weight 100 but no replicas"):
        app("production", switch_to_idle_green)


def test_each_colours_plain_settings_default_to_the_apps() -> None:
    settings = app("production", lambda raw: raw.update(logLevel="warn", emailTimeout=45, green={"emailTimeout": 90}))
    assert (settings.blue.log_level, settings.blue.email_timeout) == ("warn", 45)
    assert (settings.green.log_level, settings.green.email_timeout) == ("warn", 90)


def test_a_pre_stop_within_the_deregistration_delay_is_refused() -> None:
    settings = app("production", _set("shutdown", SHUTDOWN))
    check_pre_stop(settings, SHUTDOWN["preStopSeconds"] - 1)
    with pytest.raises(
        ConfigError,
        match=r"email-platform:app\.shutdown\.preStopSeconds = 40: must be longer than the target groups' deregistration delay "
        r"\(edge\.targetGroup\.deregistrationDelaySeconds = 40\)",
    ):
        check_pre_stop(settings, SHUTDOWN["preStopSeconds"])


def test_the_whole_config_holds_the_pre_stop_to_the_edges_deregistration_delay(tmp_path: Path) -> None:
    """A rule across two sections: checked once both are read, before anything registers."""
    pre_stop = declaration(Shutdown, "pre_stop_seconds").default  # type: ignore[union-attr]
    message = refused(edited("production", set_key("edge.targetGroup.deregistrationDelaySeconds", pre_stop)), tmp_path)
    assert message.startswith(f"invalid stack config: email-platform:app.shutdown.preStopSeconds = {pre_stop}: must be longer")
    settings = load(edited("production", set_key("edge.targetGroup.deregistrationDelaySeconds", pre_stop - 1)), tmp_path)
    assert settings.edge.target_group.deregistration_delay_seconds < settings.app.shutdown.pre_stop_seconds
