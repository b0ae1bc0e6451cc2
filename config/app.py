"""App settings: the two colours (image, replicas, traffic weight), resources, autoscaling,
graceful-shutdown timing and the guide's plain environment settings.

Blue-green and canary are one model: each colour has an image, a replica count and a share of
the ALB's traffic, and the shares add up to 100 (100/0 blue-green, 90/10 canary). A colour
with traffic needs running pods; an idle colour may be scaled to zero. Rolling back is moving
the weights back.

Shutdown timing is checked here, not left to the cluster: the pod must keep serving (preStop
sleep) longer than the ALB takes to deregister it, and Kubernetes must wait (grace period)
longer than the preStop sleep plus the app's own drain, or in-flight requests are cut.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from config.basics import Basics
from config.declare import Derived, Group, Key, PerEnvironment, integer, string, strings
from config.instance_types import Architecture
from config.reader import REQUIRED, ConfigError, Section, refuse, refuse_in_production
from config.resources import RESOURCES, Resources, cpu_millicores, memory_bytes, parse_resources

__all__ = ["APP", "COLOURS", "AppSettings", "Colour", "ColourName", "check_pre_stop", "cpu_millicores", "memory_bytes", "parse_app"]

T = TypeVar("T")
ColourName = Literal["blue", "green"]
COLOURS: tuple[ColourName, ...] = ("blue", "green")
# The port the app serves HTTPS on: its container, Service, NetworkPolicy, target groups and the ALB's security group.
APP_PORT = 3000
LOG_LEVELS = ("error", "warn", "info", "debug")

# [registry[:port]/]path[:tag][@sha256:digest], the grammar of the OCI distribution reference.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_IMAGE = re.compile(
    rf"(?P<name>(?:[a-zA-Z0-9.-]+(?::\d+)?/)?{_COMPONENT}(?:/{_COMPONENT})*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@(?P<digest>sha256:[a-f0-9]{64}))?"
)
_PATH = r"/[A-Za-z0-9._~/-]*"


@dataclass(frozen=True)
class Colour:
    name: ColourName
    image: str
    replicas: int
    weight: int
    # The colour's own plain settings (its ConfigMap): the app-wide value unless the colour overrides it.
    log_level: str
    email_timeout: int
    email_rate_limit: int

    @property
    def running(self) -> bool:
        return self.replicas > 0


@dataclass(frozen=True)
class Autoscaling:
    min_replicas: int
    max_replicas: int
    cpu_target_percent: int
    memory_target_percent: int


@dataclass(frozen=True)
class Shutdown:
    pre_stop_key: str  # the full config key, for the cross-check with the target groups
    pre_stop_seconds: int
    # How long the app needs after SIGTERM to finish in-flight work and close connections.
    drain_seconds: int
    termination_grace_period_seconds: int


@dataclass(frozen=True)
class AppSettings:
    blue: Colour
    green: Colour
    resources: Resources
    autoscaling: Autoscaling
    shutdown: Shutdown
    email_timeout: int
    email_rate_limit: int
    log_level: str
    metrics_endpoint: str
    health_check_endpoint: str
    # The CPU architectures the colours' images are built for (a multi-arch image lists several).
    image_architectures: list[Architecture]
    # Names of Secrets (kubernetes.io/dockerconfigjson) in the app's namespace, for a private registry.
    image_pull_secrets: list[str]

    @property
    def colours(self) -> dict[ColourName, Colour]:
        return {"blue": self.blue, "green": self.green}

    @property
    def weights(self) -> dict[str, int]:
        """The listener's forward weights, for the traffic step."""
        return {"blue": self.blue.weight, "green": self.green.weight}


def parse_image(key: str, image: str, basics: Basics) -> str:
    match = _IMAGE.fullmatch(image)
    if match is None:
        raise ConfigError(key, image, "must be an image reference such as ghcr.io/org/app:1.2.3 or ghcr.io/org/app@sha256:<64 hex>")
    if match["tag"] is None and match["digest"] is None:
        raise ConfigError(key, image, "pin it with a version tag (app:1.2.3) or a digest (app@sha256:<64 hex>)")
    if basics.is_production and match["tag"] == "latest":
        raise refuse_in_production(key, image, "production never runs 'latest': pin a version tag or a sha256 digest")
    return image


EMAIL_TIMEOUT = integer("emailTimeout", "the app's EMAIL_TIMEOUT", default=30, minimum=1, maximum=600)
EMAIL_RATE_LIMIT = integer("emailRateLimit", "the app's EMAIL_RATE_LIMIT", default=1000, minimum=1, maximum=1_000_000)
LOG_LEVEL = string("logLevel", "the app's LOG_LEVEL", default="info", choices=LOG_LEVELS)


def _colour_override(key: Key[T]) -> Key[T]:
    """A plain setting a colour may override, so that a config change reaches the idle colour first
    and moves with the weights: the app-wide declaration with its default derived from it."""
    variable = key.description.removeprefix("the app's ")
    return dataclasses.replace(key, default=Derived(f"`app.{key.name}`"), description=f"this colour's {variable}")


@dataclass(frozen=True)
class _ColourKeys:
    image: Key[str]
    replicas: Key[int]
    weight: Key[int]
    log_level: Key[str]
    email_timeout: Key[int]
    email_rate_limit: Key[int]
    group: Group


def _colour_keys(name: ColourName, image: Any, replicas: Any, weight: int) -> _ColourKeys:
    image_key, replicas_key, weight_key = (
        string(
            "image",
            "the colour's container image",
            default=image,
            rule="pinned by a version tag or an `@sha256:` digest; never `latest` in production",
        ),
        integer(
            "replicas",
            "the colour's pods, the floor of its autoscaler; 0 parks the colour",
            default=replicas,
            minimum=0,
            maximum=Derived("`autoscaling.maxReplicas`"),
            rule="0 or at least `autoscaling.minReplicas`; a colour with weight needs replicas",
        ),
        integer(
            "weight",
            "the colour's share of the load balancer's traffic",
            default=weight,
            minimum=0,
            maximum=100,
            rule="`blue.weight` + `green.weight` = 100 (100/0 blue-green, e.g. 90/10 canary)",
        ),
    )
    log_level, email_timeout, email_rate_limit = (
        _colour_override(LOG_LEVEL),
        _colour_override(EMAIL_TIMEOUT),
        _colour_override(EMAIL_RATE_LIMIT),
    )
    keys: tuple[Key[Any], ...] = (image_key, replicas_key, weight_key, log_level, email_timeout, email_rate_limit)
    group = Group(name, f"the {name} colour's Deployment and its own ConfigMap", keys, required=name == "blue")
    return _ColourKeys(image_key, replicas_key, weight_key, log_level, email_timeout, email_rate_limit, group)


BLUE = _colour_keys("blue", REQUIRED, Derived("`autoscaling.minReplicas`"), 100)
GREEN = _colour_keys("green", Derived("`blue.image`"), 0, 0)

# Two pods at least, so that the PodDisruptionBudget (one pod at a time) never empties a
# colour; three in production, one per availability zone.
_FLOOR = PerEnvironment(3, 2)
MIN_REPLICAS = integer("minReplicas", "fewest pods per running colour", default=_FLOOR, minimum=_FLOOR, maximum=100)
MAX_REPLICAS = integer(
    "maxReplicas",
    "most pods per colour",
    default=Derived("4 × `minReplicas`"),
    minimum=Derived("`minReplicas`", key="minReplicas"),
    maximum=200,
)
CPU_TARGET_PERCENT = integer(
    "cpuTargetPercent", "average CPU, as a share of the request, the autoscaler keeps to", default=70, minimum=10, maximum=100
)
MEMORY_TARGET_PERCENT = integer(
    "memoryTargetPercent", "average memory, as a share of the request, the autoscaler keeps to", default=80, minimum=10, maximum=100
)
AUTOSCALING = Group(
    "autoscaling", "each running colour's HorizontalPodAutoscaler", (MIN_REPLICAS, MAX_REPLICAS, CPU_TARGET_PERCENT, MEMORY_TARGET_PERCENT)
)

# The default outlasts the ALB's default deregistration delay (30 s) by 10 s; the delay
# itself is the target groups' setting (edge config), checked by check_pre_stop.
PRE_STOP_SECONDS = integer(
    "preStopSeconds",
    "how long a stopping pod keeps serving while the load balancer deregisters it",
    default=40,
    minimum=1,
    maximum=3600,
    rule="longer than `edge.targetGroup.deregistrationDelaySeconds`",
)
DRAIN_SECONDS = integer(
    "drainSeconds", "how long the app needs after SIGTERM to finish in-flight work", default=20, minimum=1, maximum=3600
)
TERMINATION_GRACE_PERIOD_SECONDS = integer(
    "terminationGracePeriodSeconds",
    "how long Kubernetes waits before it kills a stopping pod",
    default=Derived("`preStopSeconds` + `drainSeconds` + 15"),
    minimum=1,
    maximum=7200,
    rule="longer than `preStopSeconds` + `drainSeconds`",
)
SHUTDOWN = Group("shutdown", "graceful shutdown timing", (PRE_STOP_SECONDS, DRAIN_SECONDS, TERMINATION_GRACE_PERIOD_SECONDS))

METRICS_ENDPOINT = string(
    "metricsEndpoint",
    "the app's METRICS_ENDPOINT (and the pods' Prometheus scrape path)",
    default="/metrics",
    pattern=_PATH,
    meaning="must be an absolute URL path, e.g. /metrics",
)
HEALTH_CHECK_ENDPOINT = string(
    "healthCheckEndpoint",
    "the app's HEALTH_CHECK_ENDPOINT: the path the pods' probes, the target groups' health checks and the uptime canaries request",
    default="/health",
    pattern=_PATH,
    meaning="must be an absolute URL path, e.g. /health",
)
IMAGE_ARCHITECTURES = strings(
    "imageArchitectures",
    "CPU architectures the colours' images run on (several: a multi-arch image index)",
    default=["x86_64"],
    choices=("x86_64", "arm64"),
    min_items=1,
    rule="must cover every node architecture of the stack; with several, each image is pinned by `@sha256:` digest",
)
IMAGE_PULL_SECRETS = strings(
    "imagePullSecrets",
    "existing Secrets in the app's namespace with credentials for a private registry",
    default=[],
    rule="Kubernetes object names; the secret `registryCredentials` adds one the stack creates",
)
APP = Group(
    "app",
    "the app: two colours for blue-green and canary releases, their pods and the guide's plain settings",
    (
        BLUE.group,
        GREEN.group,
        RESOURCES,
        AUTOSCALING,
        SHUTDOWN,
        EMAIL_TIMEOUT,
        EMAIL_RATE_LIMIT,
        LOG_LEVEL,
        METRICS_ENDPOINT,
        HEALTH_CHECK_ENDPOINT,
        IMAGE_ARCHITECTURES,
        IMAGE_PULL_SECRETS,
    ),
)


def parse_autoscaling(section: Section, basics: Basics) -> Autoscaling:
    minimum = MIN_REPLICAS.read(section, production=basics.is_production)
    maximum = MAX_REPLICAS.read(section, default=max(minimum, 4 * minimum), minimum=minimum)
    cpu = CPU_TARGET_PERCENT.read(section)
    memory = MEMORY_TARGET_PERCENT.read(section)
    section.finish()
    return Autoscaling(minimum, maximum, cpu, memory)


def parse_shutdown(section: Section) -> Shutdown:
    pre_stop = PRE_STOP_SECONDS.read(section)
    drain = DRAIN_SECONDS.read(section)
    grace = TERMINATION_GRACE_PERIOD_SECONDS.read(section, default=pre_stop + drain + 15)
    if grace <= pre_stop + drain:
        raise ConfigError(
            section.key("terminationGracePeriodSeconds"),
            grace,
            f"must be longer than preStopSeconds + drainSeconds ({pre_stop} + {drain} = {pre_stop + drain}), "
            "or Kubernetes kills the pod mid-request",
        )
    section.finish()
    return Shutdown(section.key("preStopSeconds"), pre_stop, drain, grace)


def check_pre_stop(settings: AppSettings, deregistration_delay_seconds: int) -> None:
    """The pod must keep serving until the ALB has stopped sending to it.

    The deregistration delay belongs to the target groups (edge config); call this right after
    both sections are parsed, so that a bad pair stops the program before anything registers.
    """
    shutdown = settings.shutdown
    if shutdown.pre_stop_seconds <= deregistration_delay_seconds:
        raise ConfigError(
            shutdown.pre_stop_key,
            shutdown.pre_stop_seconds,
            f"must be longer than the target groups' deregistration delay "
            f"(edge.targetGroup.deregistrationDelaySeconds = {deregistration_delay_seconds})",
        )


@dataclass(frozen=True)
class _Shared:
    """The app-wide plain settings, each colour's defaults."""

    log_level: str
    email_timeout: int
    email_rate_limit: int


def parse_colour(
    section: Section, keys: _ColourKeys, basics: Basics, autoscaling: Autoscaling, shared: _Shared, blue: Colour | None
) -> Colour:
    """One colour; ``blue`` is given when reading green, whose image defaults to blue's."""
    name: ColourName = keys.group.name  # type: ignore[assignment]
    raw_image = keys.image.read(section) if blue is None else keys.image.read(section, default=blue.image)
    image = parse_image(section.key("image"), raw_image, basics)
    if blue is None:
        replicas = keys.replicas.read(section, default=autoscaling.min_replicas, maximum=autoscaling.max_replicas)
    else:
        replicas = keys.replicas.read(section, maximum=autoscaling.max_replicas)
    if 0 < replicas < autoscaling.min_replicas:
        raise ConfigError(
            section.key("replicas"),
            replicas,
            f"must be 0 (colour idle) or at least autoscaling.minReplicas ({autoscaling.min_replicas})",
        )
    weight = keys.weight.read(section)
    if weight > 0 and replicas == 0:
        raise ConfigError(
            section.key("replicas"),
            replicas,
            f"the {name} colour has traffic weight {weight} but no replicas; give it replicas (>= {autoscaling.min_replicas}) or weight 0",
        )
    log_level = keys.log_level.read(section, default=shared.log_level)
    email_timeout = keys.email_timeout.read(section, default=shared.email_timeout)
    email_rate_limit = keys.email_rate_limit.read(section, default=shared.email_rate_limit)
    section.finish()
    return Colour(name, image, replicas, weight, log_level, email_timeout, email_rate_limit)


def parse_app(section: Section, basics: Basics) -> AppSettings:
    autoscaling = parse_autoscaling(AUTOSCALING.open(section), basics)
    shared = _Shared(LOG_LEVEL.read(section), EMAIL_TIMEOUT.read(section), EMAIL_RATE_LIMIT.read(section))
    blue = parse_colour(BLUE.group.open(section), BLUE, basics, autoscaling, shared, None)
    green = parse_colour(GREEN.group.open(section), GREEN, basics, autoscaling, shared, blue)
    if blue.weight + green.weight != 100:
        raise refuse(
            f"{section.key('blue')}.weight + green.weight",
            f"{blue.weight} + {green.weight}",
            "must add up to 100 (100/0 for blue-green, e.g. 90/10 for a canary)",
        )
    settings = AppSettings(
        blue=blue,
        green=green,
        resources=parse_resources(RESOURCES.open(section)),
        autoscaling=autoscaling,
        shutdown=parse_shutdown(SHUTDOWN.open(section)),
        email_timeout=shared.email_timeout,
        email_rate_limit=shared.email_rate_limit,
        log_level=shared.log_level,
        metrics_endpoint=METRICS_ENDPOINT.read(section),
        health_check_endpoint=HEALTH_CHECK_ENDPOINT.read(section),
        image_architectures=IMAGE_ARCHITECTURES.read(section),  # type: ignore[arg-type]
        image_pull_secrets=_pull_secrets(section),
    )
    section.finish()
    return settings


_OBJECT_NAME = re.compile(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")


def _pull_secrets(section: Section) -> list[str]:
    names = IMAGE_PULL_SECRETS.read(section)
    for index, name in enumerate(names):
        if _OBJECT_NAME.fullmatch(name) is None:
            raise ConfigError(f"{section.key('imagePullSecrets')}[{index}]", name, "must be a Kubernetes Secret name (lower-case DNS name)")
    return names
