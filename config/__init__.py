"""The whole stack config as one typed, validated object.

``load_stack_config()`` reads every ``email-platform:*`` key, refuses unknown ones, checks
each value against what the guide and AWS allow, and returns plain dataclasses that the
components take as arguments. It runs before any resource is registered, so a bad value
costs nothing: the program stops with one line naming the key, the value and what is allowed.
"""

from __future__ import annotations

import contextlib
import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config

from config import reader
from config.app import APP, AppSettings, check_pre_stop, parse_app
from config.backup import BACKUP, BackupSettings, parse_backup
from config.basics import AWS_PROVIDER_KEYS, BASICS, Basics, parse_basics
from config.capacity import check_architectures, check_capacity
from config.cdn import CDN, CdnSettings, parse_cdn
from config.ci import CI, CiSettings, parse_ci
from config.cluster import CLUSTER, ClusterSettings, parse_cluster
from config.cost_commitments import COST_COMMITMENTS, CostCommitments, parse_cost_commitments
from config.cost_guardrails import COST_GUARDRAILS, CostGuardrailSettings, parse_cost_guardrails
from config.cost_usage import COST_USAGE, CostUsage, parse_cost_usage
from config.database import DATABASE, DatabaseSettings, parse_database
from config.declare import Group
from config.edge import EDGE, EdgeSettings, parse_edge
from config.integrations import INTEGRATIONS, IntegrationsSettings, parse_integrations
from config.monitoring import MONITORING, MonitoringSettings, parse_monitoring
from config.network import NETWORK, NetworkSettings, parse_network
from config.observability import OBSERVABILITY, ObservabilitySettings, parse_observability
from config.reader import PROJECT, UNSHOWN, ConfigError, Section, did_you_mean
from config.redis import REDIS, RedisSettings, parse_redis
from config.registry import REGISTRY, RegistrySettings, parse_registry
from config.slo import SLO, SloSettings, parse_slo

__all__ = [
    "PROJECT",
    "SECRETS",
    "SECTIONS",
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

# The stack file's top-level objects, in the order the config reference shows them.
SECTIONS: tuple[Group, ...] = (
    NETWORK, CLUSTER, DATABASE, REDIS, EDGE, CDN, APP, MONITORING, SLO, INTEGRATIONS, OBSERVABILITY, BACKUP, REGISTRY,
    COST_USAGE, COST_GUARDRAILS, COST_COMMITMENTS, CI,
)  # fmt: skip
# Config namespaces this program reads or whose providers it uses.
_NAMESPACES = (PROJECT, "aws", "kubernetes", "tls", "random", "pulumi")
TOP_LEVEL_KEYS = frozenset({entry.name for entry in BASICS.entries} | {group.name for group in SECTIONS} | _SECRET_KEYS)


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


@dataclass(frozen=True)
class StackConfig:
    basics: Basics
    network: NetworkSettings
    cluster: ClusterSettings
    database: DatabaseSettings
    redis: RedisSettings
    edge: EdgeSettings
    cdn: CdnSettings
    app: AppSettings
    monitoring: MonitoringSettings
    slo: SloSettings
    integrations: IntegrationsSettings
    backup: BackupSettings
    observability: ObservabilitySettings
    cost_usage: CostUsage
    cost_guardrails: CostGuardrailSettings
    cost_commitments: CostCommitments
    registry: RegistrySettings
    secrets: StackSecrets
    ci: CiSettings


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
    basics = parse_basics(top, str(region), "aws:region")
    network = parse_network(NETWORK.open(top), basics)
    ci = parse_ci(CI.open(top))
    cluster = parse_cluster(CLUSTER.open(top), basics, ci, top.key("ci"))
    stack = StackConfig(
        basics=basics,
        network=network,
        cluster=cluster,
        database=parse_database(DATABASE.open(top), basics),
        redis=parse_redis(REDIS.open(top), basics),
        edge=parse_edge(EDGE.open(top), basics),
        cdn=parse_cdn(CDN.open(top), basics),
        app=parse_app(APP.open(top), basics),
        monitoring=parse_monitoring(MONITORING.open(top), basics),
        slo=parse_slo(SLO.open(top), basics),
        integrations=parse_integrations(INTEGRATIONS.open(top), basics, frozenset(reader.SECRET_KEYS)),
        backup=parse_backup(BACKUP.open(top), basics),
        observability=parse_observability(OBSERVABILITY.open(top), basics),
        cost_usage=parse_cost_usage(COST_USAGE.open(top)),
        cost_guardrails=parse_cost_guardrails(COST_GUARDRAILS.open(top)),
        cost_commitments=parse_cost_commitments(COST_COMMITMENTS.open(top)),
        registry=parse_registry(REGISTRY.open(top), basics),
        secrets=_read_secrets(cluster),
        ci=ci,
    )
    # Rules that span sections: the pod's preStop must outlast the target groups' deregistration.
    check_pre_stop(stack.app, stack.edge.deregistration_delay_seconds)
    # The NodePool holds the app at its peak; the image runs on every node architecture.
    check_capacity(stack.cluster, stack.app)
    check_architectures(stack.cluster, stack.app, top.key("app"))
    top.finish()
    return stack


def _refuse_unknown_top_level_keys(values: Mapping[str, Any]) -> None:
    """A mistyped top-level key (`netwrok`, `aws:regoin`) named before it hides as "required" elsewhere."""
    for short in sorted(values):
        if short not in TOP_LEVEL_KEYS:
            raise ConfigError(f"{PROJECT}:{short}", UNSHOWN, f"unknown key; {did_you_mean(short, list(TOP_LEVEL_KEYS))}")
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
