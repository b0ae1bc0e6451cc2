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
from typing import ClassVar, Literal

from config.declare import REQUIRED, Derived, PerEnvironment, computed, inherit, integer, key_path, rule, section, sibling, string, strings
from config.instance_types import Architecture
from config.reader import PROJECT, ConfigError
from config.reading import At, Reading, parser
from config.resources import Resources, cpu_millicores, memory_bytes

__all__ = ["COLOURS", "AppSettings", "Colour", "ColourName", "check_pre_stop", "cpu_millicores", "memory_bytes", "parse_app"]
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


def _pinned_image(image: str, at: At) -> None:
    """pinned by a version tag or an `@sha256:` digest; never `latest` in production"""
    match = _IMAGE.fullmatch(image)
    if match is None:
        raise at.refuse(image, "must be an image reference such as ghcr.io/org/app:1.2.3 or ghcr.io/org/app@sha256:<64 hex>")
    if match["tag"] is None and match["digest"] is None:
        raise at.refuse(image, "pin it with a version tag (app:1.2.3) or a digest (app@sha256:<64 hex>)")
    if at.production and match["tag"] == "latest":
        raise at.refuse_in_production(image, "production never runs 'latest': pin a version tag or a sha256 digest")


def _running_or_parked(replicas: int, at: At) -> None:
    """0 or at least `autoscaling.minReplicas`; a colour with weight needs replicas"""
    minimum = at.reading.parent["autoscaling"].min_replicas
    if 0 < replicas < minimum:
        raise at.refuse(replicas, f"must be 0 (colour idle) or at least autoscaling.minReplicas ({minimum})")
    weight = at.reading["weight"]
    if weight > 0 and replicas == 0:
        name = at.reading["name"]
        raise at.refuse(
            replicas, f"the {name} colour has traffic weight {weight} but no replicas; give it replicas (>= {minimum}) or weight 0"
        )


@dataclass(frozen=True)
class Colour:
    """One colour's Deployment: its image, pods and share of the traffic, and its own plain settings
    (its ConfigMap), so that a config change reaches the idle colour first and moves with the weights."""

    image: str = string("the colour's container image", checks=(_pinned_image,))
    replicas: int = integer(
        "the colour's pods, the floor of its autoscaler; 0 parks the colour",
        minimum=0,
        maximum=Derived("`autoscaling.maxReplicas`", lambda reading: reading.parent["autoscaling"].max_replicas),
        checks=(_running_or_parked,),
    )
    weight: int = integer("the colour's share of the load balancer's traffic", minimum=0, maximum=100)
    log_level: str = inherit("this colour's LOG_LEVEL")
    email_timeout: int = inherit("this colour's EMAIL_TIMEOUT")
    email_rate_limit: int = inherit("this colour's EMAIL_RATE_LIMIT")
    name: ColourName = computed(lambda reading: reading.name)

    @property
    def running(self) -> bool:
        return self.replicas > 0


# Two pods at least, so that the PodDisruptionBudget (one pod at a time) never empties a
# colour; three in production, one per availability zone.
_FLOOR = PerEnvironment(3, 2)


@dataclass(frozen=True)
class Autoscaling:
    min_replicas: int = integer("fewest pods per running colour", default=_FLOOR, minimum=_FLOOR, maximum=100)
    max_replicas: int = integer(
        "most pods per colour",
        default=Derived("4 × `minReplicas`", lambda reading: 4 * reading["min_replicas"]),
        minimum=sibling("min_replicas"),
        maximum=200,
    )
    cpu_target_percent: int = integer(
        "average CPU, as a share of the request, the autoscaler keeps to", default=70, minimum=10, maximum=100
    )
    memory_target_percent: int = integer(
        "average memory, as a share of the request, the autoscaler keeps to", default=80, minimum=10, maximum=100
    )


def _outlasts_the_shutdown(grace: int, at: At) -> None:
    """longer than `preStopSeconds` + `drainSeconds`"""
    pre_stop, drain = at.reading["pre_stop_seconds"], at.reading["drain_seconds"]
    if grace <= pre_stop + drain:
        raise at.refuse(
            grace,
            f"must be longer than preStopSeconds + drainSeconds ({pre_stop} + {drain} = {pre_stop + drain}), "
            "or Kubernetes kills the pod mid-request",
        )


@dataclass(frozen=True)
class Shutdown:
    # The default outlasts the ALB's default deregistration delay (30 s) by 10 s.
    pre_stop_seconds: int = integer(
        "how long a stopping pod keeps serving while the load balancer deregisters it", default=40, minimum=1, maximum=3600
    )
    # How long the app needs after SIGTERM to finish in-flight work and close connections.
    drain_seconds: int = integer("how long the app needs after SIGTERM to finish in-flight work", default=20, minimum=1, maximum=3600)
    termination_grace_period_seconds: int = integer(
        "how long Kubernetes waits before it kills a stopping pod",
        default=Derived(
            "`preStopSeconds` + `drainSeconds` + 15", lambda reading: reading["pre_stop_seconds"] + reading["drain_seconds"] + 15
        ),
        minimum=1,
        maximum=7200,
        checks=(_outlasts_the_shutdown,),
    )


def _min_replicas(reading: Reading) -> int:
    minimum: int = reading.parent["autoscaling"].min_replicas
    return minimum


def _weights_add_up(settings: AppSettings, reading: Reading) -> None:
    """`blue.weight` + `green.weight` = 100 (100/0 blue-green, e.g. 90/10 canary)"""
    if settings.blue.weight + settings.green.weight != 100:
        raise ConfigError(
            f"{reading.key('blue', 'weight')} + {key_path(AppSettings, 'green', 'weight')}",
            f"{settings.blue.weight} + {settings.green.weight}",
            "must add up to 100 (100/0 for blue-green, e.g. 90/10 for a canary)",
        )


@dataclass(frozen=True)
class AppSettings:
    RULES: ClassVar = (_weights_add_up,)

    blue: Colour = section(
        Colour,
        "the blue colour's Deployment and its own ConfigMap",
        required=True,
        defaults={"image": REQUIRED, "replicas": Derived("`autoscaling.minReplicas`", _min_replicas), "weight": 100},
    )
    green: Colour = section(
        Colour,
        "the green colour's Deployment and its own ConfigMap",
        defaults={"image": Derived("`blue.image`", lambda reading: reading.parent["blue"].image), "replicas": 0, "weight": 0},
    )
    resources: Resources = section(Resources, "each pod's Kubernetes resources")
    autoscaling: Autoscaling = section(Autoscaling, "each running colour's HorizontalPodAutoscaler")
    shutdown: Shutdown = section(Shutdown, "graceful shutdown timing")
    email_timeout: int = integer("the app's EMAIL_TIMEOUT", default=30, minimum=1, maximum=600)
    email_rate_limit: int = integer("the app's EMAIL_RATE_LIMIT", default=1000, minimum=1, maximum=1_000_000)
    log_level: str = string("the app's LOG_LEVEL", default="info", choices=LOG_LEVELS)
    metrics_endpoint: str = string(
        "the app's METRICS_ENDPOINT (and the pods' Prometheus scrape path)",
        default="/metrics",
        pattern=_PATH,
        meaning="must be an absolute URL path, e.g. /metrics",
    )
    health_check_endpoint: str = string(
        "the app's HEALTH_CHECK_ENDPOINT: the path the pods' probes, the target groups' health checks and the uptime canaries request",
        default="/health",
        pattern=_PATH,
        meaning="must be an absolute URL path, e.g. /health",
    )
    # A multi-arch image lists several.
    image_architectures: list[Architecture] = strings(
        "CPU architectures the colours' images run on (several: a multi-arch image index)",
        default=["x86_64"],
        choices=("x86_64", "arm64"),
        min_items=1,
    )
    # Secrets of type kubernetes.io/dockerconfigjson.
    image_pull_secrets: list[str] = strings(
        "existing Secrets in the app's namespace with credentials for a private registry (the secret `registryCredentials` "
        "adds one the stack creates)",
        default=[],
        item_pattern=r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?",
        item_meaning="must be a Kubernetes Secret name (lower-case DNS name)",
    )

    @property
    def colours(self) -> dict[ColourName, Colour]:
        return {"blue": self.blue, "green": self.green}

    @property
    def weights(self) -> dict[str, int]:
        """The listener's forward weights, for the traffic step."""
        return {"blue": self.blue.weight, "green": self.green.weight}


@rule("`app.shutdown.preStopSeconds` is longer than `edge.targetGroup.deregistrationDelaySeconds`")
def check_pre_stop(settings: AppSettings, deregistration_delay_seconds: int) -> None:
    # The pod must keep serving until the ALB has stopped sending to it (the delay is the target groups', edge config).
    from config import StackConfig

    if settings.shutdown.pre_stop_seconds <= deregistration_delay_seconds:
        raise ConfigError(
            f"{PROJECT}:{key_path(StackConfig, 'app', 'shutdown', 'pre_stop_seconds')}",
            settings.shutdown.pre_stop_seconds,
            f"must be longer than the target groups' deregistration delay "
            f"({key_path(StackConfig, 'edge', 'target_group', 'deregistration_delay_seconds')} = {deregistration_delay_seconds})",
        )


parse_app = parser(AppSettings)
