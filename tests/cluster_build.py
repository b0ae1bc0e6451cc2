"""The cluster component built alone from a cluster config the test writes, under the session's recording mocks.

`cluster_settings` parses a `cluster` object (and a `ci` object) as the program does, so a test
states its own roles, versions and add-on overrides; `build_cluster` constructs `Cluster`
(tests/component_build.py) and returns what was registered with each resource's dependencies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
from component_build import Built, build
from dependency_graph import reaches
from owned_stacks import PRODUCTION

from components.cluster import Cluster, ClusterArgs
from config.basics import Basics
from config.ci import CiSettings, parse_ci
from config.cluster import ClusterSettings, parse_cluster
from config.reader import Section
from preflight.recorder import RecordingMonitor

ADMIN = "arn:aws:iam::111122223333:role/platform-admin"
DEPLOY = "arn:aws:iam::111122223333:role/ci-deploy"
PREVIEW = "arn:aws:iam::111122223333:role/ci-preview"
DRIFT = "arn:aws:iam::111122223333:role/ci-drift"


def cluster_config(**overrides: Any) -> dict[str, Any]:
    """A created cluster's config object with the guide's minimums; `overrides` replace top-level keys."""
    config: dict[str, Any] = {
        "version": "1.35",
        "access": {ADMIN: "AmazonEKSClusterAdminPolicy"},
        "nodeGroup": {"instanceTypes": ["m6i.xlarge"], "minSize": 3, "maxSize": 6},
        "nodePool": {"architectures": ["x86_64"], "capacityTypes": ["on-demand"], "cpuLimit": 48},
    }
    config.update(overrides)
    return config


def cluster_settings(cluster: dict[str, Any], ci: dict[str, Any] | None = None, basics: Basics = PRODUCTION) -> ClusterSettings:
    ci_settings = parse_ci(Section("email-platform:ci", ci or {}))
    return parse_cluster(Section("email-platform:cluster", cluster), basics, ci_settings)


def ci_settings(ci: dict[str, Any]) -> CiSettings:
    return parse_ci(Section("email-platform:ci", ci))


def build_cluster(
    monitor: RecordingMonitor,
    settings: ClusterSettings,
    region: str = "us-east-1",
    check: Callable[[Cluster], pulumi.Output[Any] | None] | None = None,
) -> Built:
    def program() -> None:
        cluster = Cluster(
            "cluster",
            ClusterArgs(
                settings,
                region=region,
                vpc_id="vpc-0abc1234def567890",
                private_subnet_ids=["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"],
                instance_tags={"Environment": "production"},
            ),
        )
        if check is not None:
            check(cluster)

    return build(monitor, program)


def depends_transitively(built: Built, resource_urn: str, target_urn: str) -> bool:
    """Whether `resource_urn` waits for `target_urn`, directly or through what it waits for."""
    return reaches(built.dependencies, resource_urn, target_urn)
