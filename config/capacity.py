"""Rules between the cluster's nodes and the app that runs on them, checked once both are read.

- Capacity: the NodePool's CPU limit holds both colours at their autoscalers' maximum (a
  release runs the two side by side), or the new colour's pods stay pending mid-release.
- Architecture: a pod scheduled onto a node of an architecture its image lacks fails with
  `exec format error`. When the stack's nodes are all one architecture, the image must be
  built for it. When they mix architectures (a Graviton node group and an x86 NodePool, or a
  NodePool allowed both), the image must be a multi-arch index listing every one of them and
  be pinned by digest: a tag can be re-pushed as a single-architecture image later, a digest
  of an index cannot change. The pods are also kept to the image's architectures by node
  affinity, so a mistake in this declaration cannot place them on a foreign node.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from config.app import AppSettings, cpu_millicores
from config.cluster import ClusterSettings
from config.instance_types import Architecture
from config.reader import ConfigError
from config.reading import Reading

if TYPE_CHECKING:
    from config import StackConfig


def peak_app_cpu(app: AppSettings) -> Decimal:
    """vCPU the app requests with both colours at their HPA maximum."""
    request = cpu_millicores("app.resources.requests.cpu", app.resources.requests.cpu) / 1000
    per_colour = max(app.autoscaling.max_replicas, *(c.replicas for c in app.colours.values()))
    return request * per_colour * len(app.colours)


def node_architectures(cluster: ClusterSettings) -> set[Architecture]:
    """Every architecture a node of a created cluster may have; empty for an existing cluster."""
    found: set[Architecture] = set()
    if cluster.node_group is not None:
        found.add(cluster.node_group.architecture)
    if cluster.node_pool is not None:
        found.update(cluster.node_pool.architectures)
    return found


def check_capacity(stack: StackConfig, reading: Reading) -> None:
    """`cluster.nodePool.cpuLimit` holds what both colours request at `app.autoscaling.maxReplicas`"""
    pool = stack.cluster.node_pool
    if pool is None:
        return
    peak = peak_app_cpu(stack.app)
    if Decimal(pool.cpu_limit) < peak:
        raise ConfigError(
            reading.key("cluster", "node_pool", "cpu_limit"),
            pool.cpu_limit,
            f"must be at least {peak.normalize():f} vCPU: both colours at autoscaling.maxReplicas request {peak.normalize():f} vCPU",
        )


def check_architectures(stack: StackConfig, reading: Reading) -> None:
    """`app.imageArchitectures` covers every node architecture of the stack; with several, each colour's image is pinned
    by `@sha256:` digest"""
    app = stack.app
    nodes = node_architectures(stack.cluster)
    missing = sorted(nodes - set(app.image_architectures))
    key = reading.key("app", "image_architectures")
    if len(nodes) > 1:
        if missing:
            raise ConfigError(
                key,
                app.image_architectures,
                f"the stack's nodes mix {' and '.join(sorted(nodes))}: the image must be a multi-arch index covering both",
            )
        for colour in app.colours.values():
            if "@sha256:" not in colour.image:
                raise ConfigError(
                    reading.key("app", colour.name, "image"),
                    colour.image,
                    "the nodes mix architectures: pin the multi-arch image by @sha256: digest (a tag can be re-pushed single-arch)",
                )
    elif missing:
        raise ConfigError(key, app.image_architectures, f"the stack's nodes are {missing[0]}: the image must be built for it")
