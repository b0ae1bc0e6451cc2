"""The app's environment: every variable of the guide, plain ones from a ConfigMap, secret ones from a Secret.

Each becomes its own `env` entry (`configMapKeyRef` / `secretKeyRef`), never a literal.
"""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from config.app import AppSettings

# The TLS key pair's mount paths (sub-path mounts, so the image's CA bundle in /etc/ssl/certs stays visible).
SSL_CERT_PATH = "/etc/ssl/certs/email-cert.pem"
SSL_KEY_PATH = "/etc/ssl/private/email-key.pem"
# Keys of the app Secret; each becomes the env var of the same name.
SECRET_ENV = ("EMAIL_API_KEY", "JWT_SECRET", "ENCRYPTION_KEY", "DATABASE_URL", "REDIS_URL")


def webhook_url(domain: str) -> str:
    """Where the email provider posts delivery events."""
    return f"https://{domain}/webhooks/email"


def plain_settings(settings: AppSettings, environment: str, domain: str) -> dict[str, str]:
    """The ConfigMap: every non-secret variable of the guide, as strings."""
    return {
        "EMAIL_ENVIRONMENT": environment,
        "EMAIL_WEBHOOK_URL": webhook_url(domain),
        "EMAIL_TIMEOUT": str(settings.email_timeout),
        "EMAIL_RATE_LIMIT": str(settings.email_rate_limit),
        "SSL_CERT_PATH": SSL_CERT_PATH,
        "SSL_KEY_PATH": SSL_KEY_PATH,
        "LOG_LEVEL": settings.log_level,
        "METRICS_ENDPOINT": settings.metrics_endpoint,
        "HEALTH_CHECK_ENDPOINT": settings.health_check_endpoint,
        # `npm start` writes its cache and logs under the home directory; the root file
        # system is read-only, so point npm at the writable /tmp.
        "npm_config_cache": "/tmp/.npm",
    }


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
