"""The app component built alone, with realistic inputs, under the recording mocks.

`build_app` constructs `App` (tests/component_build.py) and returns what was registered (inputs
camelCase, secrets "[secret]", each resource's dependencies), so a test reads as one property of
the app's Kubernetes objects. `production_build` is the production build the tests/test_app_*.py
files share, made once per test process; `_pod` and `_container` read a Deployment's pod template.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
from component_build import Built, build
from owned_stacks import app_settings, deregistration_delay

from components.app import App, AppArgs, AppCluster, AppSecrets, AppTraffic
from config.app import AppSettings
from preflight.recorder import RecordedResource, RecordingMonitor

TARGET_GROUPS = {
    colour: f"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/email-production-{colour}/{suffix}"
    for colour, suffix in (("blue", "0a1b2c3d4e5f6a7b"), ("green", "7b6a5f4e3d2c1b0a"))
}
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
CHART = "kubernetes:helm.sh/v4:Chart"


def _pod(deployment: RecordedResource) -> dict[str, Any]:
    pod: dict[str, Any] = deployment.inputs["spec"]["template"]["spec"]
    return pod


def _container(deployment: RecordedResource) -> dict[str, Any]:
    (container,) = _pod(deployment)["containers"]
    return dict(container)


def app_args(settings: AppSettings, **overrides: Any) -> AppArgs:
    """AppArgs with realistic inputs; `overrides` name a field of AppArgs or of one of its records
    (AppCluster, AppSecrets, AppTraffic: `step=` is the traffic step)."""
    records: dict[str, Any] = {
        "cluster": AppCluster(
            k8s_provider=k8s.Provider("cluster-k8s", kubeconfig="{}"),
            name="email-platform-production",
            region="us-east-1",
            vpc_id="vpc-0abc1234def567890",
            vpc_cidr="10.40.0.0/16",
        ),
        "secrets": AppSecrets(
            email_api_key=pulumi.Output.secret("prod_api_key"),
            database_url=pulumi.Output.secret(
                "postgresql://email_admin:pw@db.cluster-c1a2b3.us-east-1.rds.amazonaws.com:5432/email_db?sslmode=verify-full"
            ),
            redis_url=pulumi.Output.secret("rediss://:token@clustercfg.email-redis.abc123.use1.cache.amazonaws.com:6379"),
            tls_cert_pem=pulumi.Output.secret("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
            tls_key_pem=pulumi.Output.secret("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"),
        ),
        "traffic": AppTraffic(
            target_group_arns=TARGET_GROUPS,
            deregistration_delay_seconds=deregistration_delay(overrides.get("environment", "production")),
        ),
    }
    top: dict[str, Any] = {"environment": "production", "domain": "mail.example.com"}
    for key, value in overrides.items():
        record = next((name for name, made in records.items() if key in {f.name for f in dataclasses.fields(made)}), None)
        if record is None:
            top[key] = value
        else:
            records[record] = dataclasses.replace(records[record], **{key: value})
    return AppArgs(settings=settings, **top, **records)


def build_app(
    monitor: RecordingMonitor,
    settings: AppSettings | None = None,
    check: Callable[[App], pulumi.Output[Any] | None] | None = None,
    **overrides: Any,
) -> Built:
    """Build App (production settings unless given) and return what the engine would have seen;
    `check(app)` may return an Output whose apply asserts (it is awaited with the rest)."""

    def program() -> None:
        app = App("app", app_args(settings or app_settings("production"), **overrides))
        if check is not None:
            check(app)

    return build(monitor, program)


_PRODUCTION: list[Built] = []


def production_build(monitor: RecordingMonitor) -> Built:
    """The production build, made once per test process: the tests only read it."""
    if not _PRODUCTION:
        _PRODUCTION.append(build_app(monitor))
    return _PRODUCTION[0]
