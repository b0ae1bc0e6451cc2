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

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from config.basics import Basics
from config.reader import ConfigError, Section, refuse

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
_CPU = re.compile(r"(?P<number>\d+(?:\.\d+)?)(?P<unit>m?)")
_MEMORY = re.compile(r"(?P<number>\d+(?:\.\d+)?)(?P<unit>Ki|Mi|Gi|Ti|k|M|G|T)?")
_MEMORY_UNITS = {
    None: 1,
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
}


@dataclass(frozen=True)
class Colour:
    name: ColourName
    image: str
    replicas: int
    weight: int

    @property
    def running(self) -> bool:
        return self.replicas > 0


@dataclass(frozen=True)
class Resources:
    """Kubernetes quantities as written (e.g. "500m", "1Gi"); requests never exceed limits."""

    cpu_request: str
    memory_request: str
    cpu_limit: str
    memory_limit: str


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
        raise ConfigError(key, image, "production never runs 'latest': pin a version tag or a sha256 digest")
    return image


def cpu_millicores(key: str, value: str) -> Decimal:
    match = _CPU.fullmatch(value)
    if match is None:
        raise ConfigError(key, value, 'must be a CPU quantity such as "500m" or "2"')
    number = Decimal(match["number"])
    return number if match["unit"] == "m" else number * 1000


def memory_bytes(key: str, value: str) -> Decimal:
    match = _MEMORY.fullmatch(value)
    if match is None:
        raise ConfigError(key, value, 'must be a memory quantity such as "512Mi" or "2Gi"')
    try:
        return Decimal(match["number"]) * _MEMORY_UNITS[match["unit"]]
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimal numbers
        raise ConfigError(key, value, "must be a memory quantity") from None


def _quantity(section: Section, name: str, default: str) -> str:
    # A bare number in YAML ("2") arrives as an int; Kubernetes accepts both spellings.
    value = section._get(name, default)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ConfigError(section.key(name), value, "must be a Kubernetes quantity, e.g. 500m or 1Gi")
    return value


def parse_resources(section: Section) -> Resources:
    requests = section.section("requests")
    limits = section.section("limits")
    cpu_request = _quantity(requests, "cpu", "500m")
    memory_request = _quantity(requests, "memory", "1Gi")
    cpu_limit = _quantity(limits, "cpu", "2")
    memory_limit = _quantity(limits, "memory", "2Gi")
    requests.finish()
    limits.finish()
    section.finish()
    if cpu_millicores(requests.key("cpu"), cpu_request) <= 0:
        raise ConfigError(requests.key("cpu"), cpu_request, "must be more than zero (the HPA's CPU target is a share of it)")
    if memory_bytes(requests.key("memory"), memory_request) <= 0:
        raise ConfigError(requests.key("memory"), memory_request, "must be more than zero (the HPA's memory target is a share of it)")
    if cpu_millicores(requests.key("cpu"), cpu_request) > cpu_millicores(limits.key("cpu"), cpu_limit):
        raise ConfigError(requests.key("cpu"), cpu_request, f"must not exceed limits.cpu ({cpu_limit})")
    if memory_bytes(requests.key("memory"), memory_request) > memory_bytes(limits.key("memory"), memory_limit):
        raise ConfigError(requests.key("memory"), memory_request, f"must not exceed limits.memory ({memory_limit})")
    return Resources(cpu_request, memory_request, cpu_limit, memory_limit)


def parse_autoscaling(section: Section, basics: Basics) -> Autoscaling:
    # Two pods at least, so that the PodDisruptionBudget (one pod at a time) never empties a
    # colour; three in production, one per availability zone.
    floor = 3 if basics.is_production else 2
    minimum = section.integer("minReplicas", floor, minimum=floor, maximum=100)
    maximum = section.integer("maxReplicas", max(minimum, 4 * minimum), minimum=minimum, maximum=200)
    cpu = section.integer("cpuTargetPercent", 70, minimum=10, maximum=100)
    memory = section.integer("memoryTargetPercent", 80, minimum=10, maximum=100)
    section.finish()
    return Autoscaling(minimum, maximum, cpu, memory)


def parse_shutdown(section: Section) -> Shutdown:
    # The default outlasts the ALB's default deregistration delay (30 s) by 10 s; the delay
    # itself is the target groups' setting (edge config), checked by check_pre_stop.
    pre_stop = section.integer("preStopSeconds", 40, minimum=1, maximum=3600)
    drain = section.integer("drainSeconds", 20, minimum=1, maximum=3600)
    grace = section.integer("terminationGracePeriodSeconds", pre_stop + drain + 15, minimum=1, maximum=7200)
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


def parse_colour(section: Section, name: ColourName, basics: Basics, autoscaling: Autoscaling, defaults: Colour | None) -> Colour:
    raw_image = section.string("image") if defaults is None else section.string("image", defaults.image)
    image = parse_image(section.key("image"), raw_image, basics)
    default_replicas = 0 if defaults else autoscaling.min_replicas
    default_weight = 0 if defaults else 100
    replicas = section.integer("replicas", default_replicas, minimum=0, maximum=autoscaling.max_replicas)
    if 0 < replicas < autoscaling.min_replicas:
        raise ConfigError(
            section.key("replicas"),
            replicas,
            f"must be 0 (colour idle) or at least autoscaling.minReplicas ({autoscaling.min_replicas})",
        )
    weight = section.integer("weight", default_weight, minimum=0, maximum=100)
    if weight > 0 and replicas == 0:
        raise ConfigError(
            section.key("replicas"),
            replicas,
            f"the {name} colour has traffic weight {weight} but no replicas; give it replicas (>= {autoscaling.min_replicas}) or weight 0",
        )
    section.finish()
    return Colour(name, image, replicas, weight)


def parse_app(section: Section, basics: Basics) -> AppSettings:
    autoscaling = parse_autoscaling(section.section("autoscaling"), basics)
    blue = parse_colour(section.section("blue", required=True), "blue", basics, autoscaling, None)
    green = parse_colour(section.section("green"), "green", basics, autoscaling, blue)
    if blue.weight + green.weight != 100:
        raise refuse(
            f"{section.key('blue')}.weight + green.weight",
            f"{blue.weight} + {green.weight}",
            "must add up to 100 (100/0 for blue-green, e.g. 90/10 for a canary)",
        )
    settings = AppSettings(
        blue=blue,
        green=green,
        resources=parse_resources(section.section("resources")),
        autoscaling=autoscaling,
        shutdown=parse_shutdown(section.section("shutdown")),
        email_timeout=section.integer("emailTimeout", 30, minimum=1, maximum=600),
        email_rate_limit=section.integer("emailRateLimit", 1000, minimum=1, maximum=1_000_000),
        log_level=section.string("logLevel", "info", choices=LOG_LEVELS),
        metrics_endpoint=section.string(
            "metricsEndpoint", "/metrics", pattern=_PATH, meaning="must be an absolute URL path, e.g. /metrics"
        ),
        health_check_endpoint=section.string(
            "healthCheckEndpoint", "/health", pattern=_PATH, meaning="must be an absolute URL path, e.g. /health"
        ),
    )
    section.finish()
    return settings
