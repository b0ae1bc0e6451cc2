"""The app's settings, secrets and TLS key pair, as its containers receive them, built alone with realistic inputs
(`build_app` in app_build.py: what was registered, and each resource's dependencies)."""

from __future__ import annotations

import posixpath
from typing import Any

import pulumi
import pytest
from app_build import DEPLOYMENT, TARGET_GROUPS, _container, _pod, build_app, production_build
from component_build import Built

from components.app import App
from components.app.environment import SECRET_ENV, SSL_CERT_PATH, SSL_KEY_PATH
from components.app.pod import RUN_AS
from preflight.recorder import RecordingMonitor

GUIDE_VARIABLES = (
    "EMAIL_API_KEY",
    "EMAIL_ENVIRONMENT",
    "EMAIL_WEBHOOK_URL",
    "EMAIL_TIMEOUT",
    "EMAIL_RATE_LIMIT",
    "JWT_SECRET",
    "ENCRYPTION_KEY",
    "SSL_CERT_PATH",
    "SSL_KEY_PATH",
    "DATABASE_URL",
    "REDIS_URL",
    "LOG_LEVEL",
    "METRICS_ENDPOINT",
    "HEALTH_CHECK_ENDPOINT",
)


@pytest.fixture
def built(pulumi_mocks: RecordingMonitor) -> Built:
    """The production build, made once per test process (app_build.production_build): the tests only read it."""
    return production_build(pulumi_mocks)


def test_every_variable_of_the_guide_reaches_the_container_and_secrets_only_by_reference(built: Built) -> None:
    for colour in TARGET_GROUPS:
        deployment = built.one(DEPLOYMENT, f"app-{colour}")
        # Each colour reads only its own objects.
        config_map = built.one("kubernetes:core/v1:ConfigMap", f"app-{colour}-settings")
        secret = built.one("kubernetes:core/v1:Secret", f"app-{colour}-secrets")
        env = {e["name"]: e for e in _container(deployment)["env"]}
        assert set(GUIDE_VARIABLES) <= set(env)
        for name, entry in env.items():
            assert "value" not in entry, f"{name} is a literal"
            source = entry["valueFrom"]
            if name in SECRET_ENV:
                assert source == {"secretKeyRef": {"name": secret.outputs["metadata"]["name"], "key": name}}
            else:
                assert source == {"configMapKeyRef": {"name": config_map.outputs["metadata"]["name"], "key": name}}
                assert name in config_map.inputs["data"]
        assert set(SECRET_ENV) == {"EMAIL_API_KEY", "JWT_SECRET", "ENCRYPTION_KEY", "DATABASE_URL", "REDIS_URL"}


def test_plain_settings_hold_the_guides_values(built: Built) -> None:
    for colour in TARGET_GROUPS:
        data = built.one("kubernetes:core/v1:ConfigMap", f"app-{colour}-settings").inputs["data"]
        assert data["EMAIL_ENVIRONMENT"] == "production"
        assert data["EMAIL_WEBHOOK_URL"] == "https://mail.example.com/webhooks/email"
        assert (data["EMAIL_TIMEOUT"], data["EMAIL_RATE_LIMIT"], data["LOG_LEVEL"]) == ("30", "1000", "info")
        assert (data["METRICS_ENDPOINT"], data["HEALTH_CHECK_ENDPOINT"]) == ("/metrics", "/health")
        assert (data["SSL_CERT_PATH"], data["SSL_KEY_PATH"]) == (SSL_CERT_PATH, SSL_KEY_PATH)
        assert not any(key in data for key in SECRET_ENV)


def test_secret_values_stay_pulumi_secrets_and_config_changes_roll_the_pods(built: Built) -> None:
    for colour in TARGET_GROUPS:
        for name in (f"app-{colour}-secrets", f"app-{colour}-tls"):
            secret = built.one("kubernetes:core/v1:Secret", name)
            assert secret.inputs["stringData"] == "[secret]"
            # Immutable and auto-named: a new value makes a new object, and the pod templates change.
            assert secret.inputs["immutable"] is True and "name" not in secret.inputs["metadata"]
        assert built.one("kubernetes:core/v1:Secret", f"app-{colour}-tls").inputs["type"] == "kubernetes.io/tls"


def test_a_colour_with_traffic_keeps_its_certificate_when_the_internal_ca_reissues_it(built: Built) -> None:
    """Committed production: blue has the traffic, green is idle and takes a re-issued certificate."""
    assert built.one("kubernetes:core/v1:Secret", "app-blue-tls").ignore_changes == ["stringData"]
    assert built.one("kubernetes:core/v1:Secret", "app-green-tls").ignore_changes == []
    for colour in TARGET_GROUPS:
        assert built.one("kubernetes:core/v1:Secret", f"app-{colour}-secrets").ignore_changes == []


def test_the_app_secret_holds_every_secret_variable(pulumi_mocks: RecordingMonitor) -> None:
    found: dict[str, Any] = {}

    def check(app: App) -> None:
        secret = app.colours["green"].configuration.secret
        pulumi.Output.unsecret(secret.string_data).apply(found.update)

    build_app(pulumi_mocks, check=check)
    assert set(found) == set(SECRET_ENV)
    assert len(found["JWT_SECRET"]) == 64 and len(found["ENCRYPTION_KEY"]) == 64
    assert found["EMAIL_API_KEY"] == "prod_api_key"


def test_jwt_secret_and_encryption_key_are_generated_only_when_not_given(pulumi_mocks: RecordingMonitor) -> None:
    generated = build_app(pulumi_mocks)
    assert {p.name for p in generated.of_type("random:index/randomPassword:RandomPassword")} == {"app-jwt-secret", "app-encryption-key"}
    given = build_app(pulumi_mocks, jwt_secret=pulumi.Output.secret("j" * 64), encryption_key=pulumi.Output.secret("e" * 64))
    assert given.of_type("random:index/randomPassword:RandomPassword") == []


def test_the_tls_key_pair_is_mounted_at_ssl_cert_path_and_ssl_key_path(built: Built) -> None:
    for colour in TARGET_GROUPS:
        tls = built.one("kubernetes:core/v1:Secret", f"app-{colour}-tls")
        deployment = built.one(DEPLOYMENT, f"app-{colour}")
        volumes = {v["name"]: v["secret"] for v in _pod(deployment)["volumes"] if "secret" in v}
        assert {source["secretName"] for source in volumes.values()} == {tls.outputs["metadata"]["name"]}
        mounts = {m["mountPath"]: m for m in _container(deployment)["volumeMounts"]}
        # The key: its directory is a volume of ours, not a sub-path into the image's root-only
        # /etc/ssl/private; the only file in it is the key, readable by the pod's group.
        key_mount = mounts[posixpath.dirname(SSL_KEY_PATH)]
        assert "subPath" not in key_mount and key_mount["readOnly"]
        key_volume = volumes[key_mount["name"]]
        assert key_volume["items"] == [{"key": "tls.key", "path": posixpath.basename(SSL_KEY_PATH)}]
        assert key_volume["defaultMode"] == 0o440 and _pod(deployment)["securityContext"]["fsGroup"] == RUN_AS
        assert not any(path.startswith("/etc/ssl/private") and "subPath" in m for path, m in mounts.items())
        # The certificate: a sub-path mount, so the image's CA bundles in /etc/ssl/certs stay visible.
        cert_mount = mounts[SSL_CERT_PATH]
        assert {"key": "tls.crt", "path": cert_mount["subPath"]} in volumes[cert_mount["name"]]["items"]
        assert cert_mount["readOnly"] and "/etc/ssl/certs" not in mounts


def test_the_generated_encryption_key_is_protected(production: Any) -> None:
    (key,) = [r for r in production.of_type("random:index/randomPassword:RandomPassword") if r.name == "app-encryption-key"]
    assert key.protect is True
