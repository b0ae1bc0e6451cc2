"""App stack config: the committed values, the guide's defaults, and one test per refused value."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from config_edits import Edit, set_key
from owned_stacks import app_settings, deregistration_delay

from config.app import check_pre_stop, cpu_millicores, memory_bytes
from config.reader import ConfigError
from preflight.plan_command import main as plan_main
from preflight.runner import Run

ROOT = Path(__file__).resolve().parent.parent
DIGEST = "ghcr.io/example/email-platform@sha256:" + "a" * 64
APP = "email-platform:app"


def _set(path: str, value: Any) -> Edit:
    return set_key(f"app.{path}", value)


def test_production_runs_blue_pinned_by_digest_with_green_idle() -> None:
    settings = app_settings("production")
    assert settings.weights == {"blue": 100, "green": 0}
    assert settings.blue.image.startswith("ghcr.io/example/email-platform@sha256:")
    assert settings.blue.replicas == 3 and settings.green.replicas == 0
    assert settings.autoscaling.min_replicas >= 3
    assert (settings.autoscaling.cpu_target_percent, settings.autoscaling.memory_target_percent) == (70, 80)


def test_staging_is_the_same_model_with_fewer_pods() -> None:
    production, staging = app_settings("production"), app_settings("staging")
    assert staging.weights == {"blue": 100, "green": 0}
    assert staging.blue.replicas < production.blue.replicas
    assert staging.autoscaling.max_replicas < production.autoscaling.max_replicas


def test_the_guides_defaults_apply_when_only_an_image_is_given() -> None:
    def minimal(config: dict[str, Any]) -> None:
        config[APP] = {"blue": {"image": DIGEST}}

    settings = app_settings("production", minimal)
    assert settings.email_timeout == 30
    assert settings.email_rate_limit == 1000
    assert settings.log_level == "info"
    assert settings.metrics_endpoint == "/metrics"
    assert settings.health_check_endpoint == "/health"
    assert settings.green.image == DIGEST and settings.green.replicas == 0
    assert settings.weights == {"blue": 100, "green": 0}
    assert settings.blue.replicas == settings.autoscaling.min_replicas == 3
    shutdown = settings.shutdown
    assert shutdown.pre_stop_seconds > 30  # the ALB's default deregistration delay
    assert shutdown.termination_grace_period_seconds > shutdown.pre_stop_seconds + shutdown.drain_seconds


def test_a_canary_split_is_accepted() -> None:
    def canary(config: dict[str, Any]) -> None:
        config[APP]["blue"]["weight"] = 90
        config[APP]["green"] |= {"weight": 10, "replicas": 3, "image": "ghcr.io/example/email-platform:1.1.0"}

    assert app_settings("production", canary).weights == {"blue": 90, "green": 10}


def test_latest_is_allowed_outside_production_only() -> None:
    def latest(config: dict[str, Any]) -> None:
        config[APP]["green"]["image"] = "ghcr.io/example/email-platform:latest"

    assert app_settings("staging", latest).green.image.endswith(":latest")
    with pytest.raises(ConfigError, match=r"app\.green\.image = 'ghcr.io/example/email-platform:latest': production never runs 'latest'"):
        app_settings("production", latest)


def test_quantities_are_compared_in_kubernetes_units() -> None:
    assert cpu_millicores("k", "500m") == 500
    assert cpu_millicores("k", "1.5") == 1500
    assert memory_bytes("k", "1Gi") == 1024 * memory_bytes("k", "1Mi")
    assert memory_bytes("k", "1G") < memory_bytes("k", "1Gi")


@pytest.mark.parametrize(
    ("stack", "path", "value", "message"),
    [
        ("production", "blue.image", "ghcr.io/example/email-platform:latest", r"app\.blue\.image = .*production never runs 'latest'"),
        ("staging", "blue.image", "ghcr.io/example/email-platform", r"app\.blue\.image = .*pin it with a version tag"),
        ("staging", "blue.image", "Not An Image!", r"app\.blue\.image = .*must be an image reference"),
        ("production", "blue.weight", 80, r"app\.blue\.weight \+ green\.weight = '80 \+ 0': must add up to 100"),
        ("production", "blue.weight", 101, r"app\.blue\.weight = 101: must be between 0 and 100"),
        ("production", "green.weight", 0, None),  # control: the committed file itself is fine
        (
            "production",
            "blue.replicas",
            2,
            r"app\.blue\.replicas = 2: must be 0 \(colour idle\) or at least autoscaling\.minReplicas \(3\)",
        ),
        ("production", "autoscaling.minReplicas", 2, r"app\.autoscaling\.minReplicas = 2: must be between 3 and 100"),
        ("staging", "autoscaling.minReplicas", 1, r"app\.autoscaling\.minReplicas = 1: must be between 2 and 100"),
        ("production", "resources.requests.cpu", "3", r"app\.resources\.requests\.cpu = '3': must not exceed limits\.cpu \(2\)"),
        ("production", "resources.requests.memory", "3Gi", r"app\.resources\.requests\.memory = '3Gi': must not exceed limits\.memory"),
        ("production", "resources.limits.cpu", "two", r"app\.resources\.limits\.cpu = 'two': must be a CPU quantity"),
        (
            "production",
            "shutdown.terminationGracePeriodSeconds",
            50,
            r"app\.shutdown\.terminationGracePeriodSeconds = 50: must be longer than preStopSeconds \+ drainSeconds \(40 \+ 20 = 60\)",
        ),
        ("production", "logLevel", "verbose", r"app\.logLevel = 'verbose': allowed: error, warn, info, debug"),
        ("production", "healthCheckEndpoint", "health", r"app\.healthCheckEndpoint = 'health': must be an absolute URL path"),
        ("production", "emailTimeout", 0, r"app\.emailTimeout = 0: must be between 1 and 600"),
        ("production", "green.logLevel", "verbose", r"app\.green\.logLevel = 'verbose': allowed: error, warn, info, debug"),
        ("production", "blue.emailRateLimit", 0, r"app\.blue\.emailRateLimit = 0: must be between 1 and 1000000"),
        ("production", "green.logLevel", "debug", None),  # a colour's own setting
        ("production", "image", DIGEST, r"app\.image = .*unknown key"),
    ],
)
def test_bad_app_config_is_refused_with_one_line(stack: str, path: str, value: Any, message: str | None) -> None:
    if message is None:
        app_settings(stack, _set(path, value))
        return
    with pytest.raises(ConfigError, match=message) as caught:
        app_settings(stack, _set(path, value))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_pre_stop_outlasts_the_committed_deregistration_delay(stack: str) -> None:
    check_pre_stop(app_settings(stack), deregistration_delay(stack))


def test_a_pre_stop_within_the_deregistration_delay_is_refused() -> None:
    def long_delay(config: dict[str, Any]) -> None:
        config.setdefault("email-platform:edge", {}).setdefault("targetGroup", {})["deregistrationDelaySeconds"] = 40

    settings = app_settings("production", long_delay)
    with pytest.raises(
        ConfigError,
        match=r"app\.shutdown\.preStopSeconds = 40: must be longer than the target groups' deregistration delay "
        r"\(edge\.targetGroup\.deregistrationDelaySeconds = 40\)",
    ):
        check_pre_stop(settings, 40)


def test_a_weighted_colour_without_replicas_is_refused(run_stack_with: Callable[..., Run]) -> None:
    def switch_to_idle_green(config: dict[str, Any]) -> None:
        config[APP]["blue"]["weight"] = 0
        config[APP]["green"]["weight"] = 100

    with pytest.raises(ConfigError, match=r"app\.green\.replicas = 0: the green colour has traffic weight 100 but no replicas"):
        run_stack_with("production", switch_to_idle_green)


def test_the_program_stops_on_latest_in_production(run_stack_with: Callable[..., Run]) -> None:
    with pytest.raises(ConfigError, match=r"production never runs 'latest'"):
        run_stack_with("production", _set("blue.image", "ghcr.io/example/email-platform:latest"))


def test_preflight_exits_2_with_one_line_on_bad_app_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = yaml.safe_load((ROOT / "Pulumi.production.yaml").read_text())
    config["config"][APP]["shutdown"]["preStopSeconds"] = 100
    stack_file = tmp_path / "Pulumi.production.yaml"
    stack_file.write_text(yaml.safe_dump(config))
    assert plan_main(["--stack", "production", "--stack-file", str(stack_file)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "email-platform:app.shutdown.terminationGracePeriodSeconds = 75" in err
    assert "Traceback" not in err
