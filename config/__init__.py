"""The whole stack config as one typed, validated object.

``load_stack_config()`` reads every ``email-platform:*`` key, refuses unknown ones, checks
each value against what the guide and AWS allow, and returns plain dataclasses that the
components take as arguments. It runs before any resource is registered, so a bad value
costs nothing: the program stops with one line naming the key, the value and what is allowed.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
from pulumi.runtime import config as runtime_config

from config import reader
from config.app import AppSettings, check_pre_stop
from config.backup import BackupSettings
from config.basics import AWS_PROVIDER_KEYS, Basics, read_basics, read_region
from config.capacity import check_architectures, check_capacity
from config.cdn import CdnSettings
from config.ci import CiSettings
from config.cluster import ClusterSettings
from config.cost_commitments import CostCommitments
from config.cost_guardrails import CostGuardrailSettings
from config.cost_usage import COST_USAGE, CostUsage
from config.database import DatabaseSettings
from config.declare import computed, rule, section, walk
from config.edge import RATE_WINDOW_MINUTES, EdgeSettings
from config.integrations import IntegrationsSettings
from config.monitoring import MonitoringSettings
from config.network import NetworkSettings
from config.observability import ObservabilitySettings
from config.reader import PROJECT, UNSHOWN, ConfigError, Section, did_you_mean
from config.reading import Reading, read
from config.redis import RedisSettings
from config.registry import RegistrySettings
from config.slo import SloSettings

__all__ = [
    "PROJECT",
    "SECRETS",
    "ConfigError",
    "StackConfig",
    "StackSecrets",
    "load_stack_config",
    "needs_kubeconfig",
    "raw_project_config",
    "required_secret_keys",
]


@dataclass(frozen=True)
class SecretSpec:
    key: str
    required: bool
    purpose: str


# Set with `pulumi config set --secret <key>`; never committed in plain text.
SECRETS: tuple[SecretSpec, ...] = (
    SecretSpec("emailApiKey", True, "EMAIL_API_KEY: the email provider's API key"),
    SecretSpec("jwtSecret", False, "JWT_SECRET; generated once and kept in state when not set"),
    SecretSpec("encryptionKey", False, "ENCRYPTION_KEY; generated once and kept in state when not set"),
    SecretSpec("kubeconfig", False, "kubeconfig of an existing cluster (cluster.mode: existing only)"),
    SecretSpec("registryCredentials", False, "a .dockerconfigjson for a private registry; the app's pods pull with it"),
)
_SECRET_KEYS = {spec.key for spec in SECRETS}

# Config namespaces this program reads or whose providers it uses.
_NAMESPACES = (PROJECT, "aws", "kubernetes", "tls", "random", "pulumi")


def needs_kubeconfig(cluster_mode: object) -> bool:
    """The kubeconfig rule: an existing cluster is reached through the kubeconfig it is given, and a
    cluster the stack creates writes its own, so one given for it is refused. Components trust it."""
    return cluster_mode == "existing"


def required_secret_keys(raw: Mapping[str, Any]) -> list[str]:
    """The secrets a stack cannot run without, given its (undecoded-secret) config."""
    keys = [spec.key for spec in SECRETS if spec.required]
    cluster = raw.get("cluster")
    if isinstance(cluster, Mapping) and needs_kubeconfig(cluster.get("mode")):
        keys.append("kubeconfig")
    return keys


@dataclass(frozen=True)
class StackSecrets:
    """Secret config values as Pulumi secret Outputs; None where the program generates its own."""

    email_api_key: pulumi.Output[str]
    jwt_secret: pulumi.Output[str] | None
    encryption_key: pulumi.Output[str] | None
    kubeconfig: pulumi.Output[str] | None
    registry_credentials: pulumi.Output[str] | None = None


@rule("`app.shutdown.preStopSeconds` is longer than `edge.targetGroup.deregistrationDelaySeconds`")
def _pre_stop_outlasts_deregistration(stack: StackConfig, reading: Reading) -> None:
    check_pre_stop(stack.app, stack.edge.target_group.deregistration_delay_seconds)


@rule(
    f"`edge.waf.apiRateLimitPer5Minutes` is at least {RATE_WINDOW_MINUTES} × `app.emailRateLimit` (each colour's): the edge "
    "does not block an API client the app would still serve"
)
def _edge_does_not_undercut_the_apps_rate_limit(stack: StackConfig, reading: Reading) -> None:
    highest = max(colour.email_rate_limit for colour in stack.app.colours.values())
    floor = RATE_WINDOW_MINUTES * highest
    given = stack.edge.waf.api_rate_limit_per_5_minutes
    if stack.edge.waf.enabled and given < floor:
        raise ConfigError(
            f"{PROJECT}:edge.waf.apiRateLimitPer5Minutes",
            given,
            f"must be at least {RATE_WINDOW_MINUTES} × app.emailRateLimit ({highest}) = {floor}: below it the WAF blocks an "
            "API client the app would still serve",
        )


@dataclass(frozen=True)
class StackConfig:
    """Every section of the stack config, in the order the config reference shows them."""

    # Rules across sections: the pod's preStop outlasts the target groups' deregistration; the
    # NodePool holds the app at its peak; the image runs on every node architecture; the edge's API
    # rate limit leaves room for the app's own.
    RULES: ClassVar = (_pre_stop_outlasts_deregistration, check_capacity, check_architectures, _edge_does_not_undercut_the_apps_rate_limit)

    network: NetworkSettings = section(NetworkSettings, "the VPC", required=True)
    cluster: ClusterSettings = section(
        ClusterSettings, "Kubernetes: a new EKS cluster with a managed node group, or an existing cluster", required=True
    )
    database: DatabaseSettings = section(DatabaseSettings, "Aurora PostgreSQL", required=True)
    redis: RedisSettings = section(RedisSettings, "the ElastiCache replication group (cluster mode)", required=True)
    edge: EdgeSettings = section(EdgeSettings, "certificates and the application load balancer", required=True)
    cdn: CdnSettings = section(CdnSettings, "the CloudFront distribution: the one public entry (static assets, API, webhooks)")
    app: AppSettings = section(
        AppSettings, "the app: two colours for blue-green and canary releases, their pods and the guide's plain settings", required=True
    )
    monitoring: MonitoringSettings = section(MonitoringSettings, "alarms, who is told, the uptime canaries and the budget", required=True)
    slo: SloSettings = section(
        SloSettings, "service-level objectives: burn-rate alarms page, the release gate and flag rollouts read the budgets"
    )
    integrations: IntegrationsSettings = section(
        IntegrationsSettings, "deployment events for other teams, and feature-flag rollouts gated on the service-degraded alarm"
    )
    observability: ObservabilitySettings = section(
        ObservabilitySettings, "container logs and metrics (the amazon-cloudwatch-observability EKS add-on)"
    )
    backup: BackupSettings = section(BackupSettings, "AWS Backup of the Aurora cluster, copied to a second region")
    registry: RegistrySettings = section(RegistrySettings, "the ECR repository the release pipeline pushes the app image to")
    cost_usage: CostUsage = COST_USAGE
    cost_guardrails: CostGuardrailSettings = section(
        CostGuardrailSettings, "limits on the monthly estimate that fail a pull request (label `cost-approved` to accept a breach)"
    )
    cost_commitments: CostCommitments = section(
        CostCommitments, "commitment discounts, priced as a second figure beside the list-price estimate"
    )
    ci: CiSettings = section(
        CiSettings,
        "the IAM roles of the CI workflows: each gets its Kubernetes access on a cluster the stack creates (a role also "
        "listed in `cluster.access` keeps that entry, which must give the job what it needs; with `cluster.mode: existing` "
        "the cluster's owner grants them)",
    )
    basics: Basics = computed(lambda reading: reading.basics)
    secrets: StackSecrets = computed(lambda reading: _read_secrets(reading["cluster"]))

    @property
    def delivery_measured(self) -> bool:
        """Whether the app's delivery counters reach CloudWatch: only through the CloudWatch agent of the
        add-on the stack installs (`observability.enabled` on a cluster it creates, `cluster.mode: create`).
        Without it nothing measures delivery, so the pods get no EMF settings and the delivery SLO is not
        made (an alarm on no data stays OK for ever); `make plan` says so (docs/operations.md)."""
        return self.observability.enabled and self.cluster.mode == "create"


@functools.cache
def _top_level_keys() -> frozenset[str]:
    """The keys a stack file may set at the top of `email-platform:`: the stack-wide ones, the sections, the secrets."""
    return frozenset(
        {path for path, _ in walk(Basics) if "." not in path} | {path for path, _ in walk(StackConfig) if "." not in path} | _SECRET_KEYS
    )


def raw_project_config() -> dict[str, Any]:
    """Every ``email-platform:*`` value the engine passed, objects decoded from their JSON form."""
    values: dict[str, Any] = {}
    keys = set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env())
    for full_key in sorted(keys):
        namespace, _, short = full_key.partition(":")
        if namespace != PROJECT:
            continue
        value = runtime_config.get_config(full_key)
        if isinstance(value, str) and value[:1] in ("{", "["):
            with contextlib.suppress(json.JSONDecodeError):
                value = json.loads(value)
        values[short] = value
    return values


def _read_secret(key: str, required: bool) -> pulumi.Output[str] | None:
    full_key = f"{PROJECT}:{key}"
    if runtime_config.get_config(full_key) is None:
        if required:
            raise ConfigError(full_key, None, f"set it with `pulumi config set --secret {key}`")
        return None
    if not runtime_config.is_config_secret(full_key):
        raise ConfigError(full_key, "(plain text)", f"must be a secret: `pulumi config set --secret {key}`")
    return pulumi.Config(PROJECT).require_secret(key)


def load_stack_config(raw: Mapping[str, Any] | None = None) -> StackConfig:
    """Read and validate the stack config; raises ConfigError on the first bad value."""
    values = dict(raw_project_config() if raw is None else raw)
    reader.SECRET_KEYS.clear()
    reader.SECRET_KEYS.update(f"{PROJECT}:{k}" for k in values if runtime_config.is_config_secret(f"{PROJECT}:{k}"))
    _refuse_unknown_top_level_keys(values)
    region = runtime_config.get_config("aws:region")
    if not region:
        raise ConfigError("aws:region", UNSHOWN, "not set: `pulumi config set aws:region us-east-1` (or aws:region: in the stack file)")
    public = {k: v for k, v in values.items() if k not in _SECRET_KEYS}
    # The root's keys print as `email-platform:network`, nested ones as `email-platform:network.cidr`.
    top = Section(PROJECT, public, separator=":")
    basics = read_basics(top, read_region(region))
    return read(StackConfig, top, production=basics.is_production, basics=basics, secret_keys=frozenset(reader.SECRET_KEYS))


def _refuse_unknown_top_level_keys(values: Mapping[str, Any]) -> None:
    """A mistyped top-level key (`netwrok`, `aws:regoin`) named before it hides as "required" elsewhere."""
    for short in sorted(values):
        if short not in _top_level_keys():
            raise ConfigError(f"{PROJECT}:{short}", UNSHOWN, f"unknown key; {did_you_mean(short, list(_top_level_keys()))}")
    all_keys = set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env())
    for full_key in sorted(all_keys):
        namespace, _, short = full_key.partition(":")
        if namespace == "aws" and short not in AWS_PROVIDER_KEYS:
            raise ConfigError(full_key, UNSHOWN, f"not a setting of the AWS provider; {did_you_mean(short, AWS_PROVIDER_KEYS)}")
        # Other namespaces are other tools' business, unless one is a near miss of this project's.
        close = difflib.get_close_matches(namespace, _NAMESPACES, n=1, cutoff=0.75)
        if close and namespace not in _NAMESPACES:
            raise ConfigError(full_key, UNSHOWN, f"unknown namespace; did you mean '{close[0]}:{short}'?")


def _read_secrets(cluster: ClusterSettings) -> StackSecrets:
    kubeconfig = _read_secret("kubeconfig", required=needs_kubeconfig(cluster.mode))
    if kubeconfig is not None and not needs_kubeconfig(cluster.mode):
        raise ConfigError(f"{PROJECT}:kubeconfig", "[secret]", "only with cluster.mode: existing")
    api_key = _read_secret("emailApiKey", required=True)
    assert api_key is not None
    return StackSecrets(
        email_api_key=api_key,
        jwt_secret=_read_secret("jwtSecret", required=False),
        encryption_key=_read_secret("encryptionKey", required=False),
        kubeconfig=kubeconfig,
        registry_credentials=_read_secret("registryCredentials", required=False),
    )
