"""The app's environment: every variable of the guide, plain ones from a ConfigMap, secret ones from a Secret.

Each becomes its own `env` entry (`configMapKeyRef` / `secretKeyRef`), never a literal.
"""

from __future__ import annotations

import posixpath

import pulumi
import pulumi_kubernetes as k8s

from config import app_metrics
from config.app import AppSettings, Colour

# The TLS key pair at the paths the guide names. The key's directory is a volume of ours:
# Debian's openssl package ships the image's /etc/ssl/private as drwx------ root, which a
# non-root app cannot enter, so a sub-path mount into it would leave the key unreadable. The
# certificate is a sub-path mount, so the image's CA bundles in /etc/ssl/certs stay visible.
SSL_CERT_PATH = "/etc/ssl/certs/email-cert.pem"
SSL_KEY_PATH = "/etc/ssl/private/email-key.pem"
SSL_KEY_DIRECTORY = posixpath.dirname(SSL_KEY_PATH)
# Keys of the app Secret; each becomes the env var of the same name.
SECRET_ENV = ("EMAIL_API_KEY", "JWT_SECRET", "ENCRYPTION_KEY", "DATABASE_URL", "REDIS_URL")


def webhook_url(domain: str) -> str:
    """Where the email provider posts delivery events."""
    return f"https://{domain}/webhooks/email"


def plain_settings(settings: AppSettings, colour: Colour, environment: str, domain: str) -> dict[str, str]:
    """A colour's ConfigMap: every non-secret variable of the guide, as strings, with the colour's own values."""
    return {
        "EMAIL_ENVIRONMENT": environment,
        "EMAIL_WEBHOOK_URL": webhook_url(domain),
        "EMAIL_TIMEOUT": str(colour.email_timeout),
        "EMAIL_RATE_LIMIT": str(colour.email_rate_limit),
        "SSL_CERT_PATH": SSL_CERT_PATH,
        "SSL_KEY_PATH": SSL_KEY_PATH,
        "LOG_LEVEL": colour.log_level,
        "METRICS_ENDPOINT": settings.metrics_endpoint,
        "HEALTH_CHECK_ENDPOINT": settings.health_check_endpoint,
        # The cache always runs in cluster mode (components/redis.py, CLUSTER_MODE), and REDIS_URL is
        # its configuration endpoint: a client that does not follow the cluster's slot map gets MOVED
        # for keys on other shards (and for writes that land on a replica), so the app opens a
        # cluster client. tests/test_redis.py holds the two together on the whole stack.
        "REDIS_CLUSTER": "true",
        # `npm start` writes its cache and logs under the home directory; the root file
        # system is read-only, so point npm at the writable /tmp.
        "npm_config_cache": "/tmp/.npm",
    }


def metrics_settings(cluster_name: pulumi.Input[str]) -> dict[str, pulumi.Input[str]]:
    """The variables that point the app's EMF library at the cluster's CloudWatch agent (config.app_metrics)."""
    log_group = pulumi.Output.from_input(cluster_name).apply(app_metrics.log_group)
    return {**app_metrics.APP_ENVIRONMENT, app_metrics.LOG_GROUP_VARIABLE: log_group}


def env_vars(config_map_name: pulumi.Output[str], secret_name: pulumi.Output[str], plain: list[str]) -> list[k8s.core.v1.EnvVarArgs]:
    """One entry per variable, by reference: plain keys from the ConfigMap, then the Secret's keys."""
    env = [
        k8s.core.v1.EnvVarArgs(
            name=key,
            value_from=k8s.core.v1.EnvVarSourceArgs(config_map_key_ref=k8s.core.v1.ConfigMapKeySelectorArgs(name=config_map_name, key=key)),
        )
        for key in plain
    ]
    env += [
        k8s.core.v1.EnvVarArgs(
            name=key,
            value_from=k8s.core.v1.EnvVarSourceArgs(secret_key_ref=k8s.core.v1.SecretKeySelectorArgs(name=secret_name, key=key)),
        )
        for key in SECRET_ENV
    ]
    return env
