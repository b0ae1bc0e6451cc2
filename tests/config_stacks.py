"""Stack configs the tests write themselves, read by the config step alone.

`stack_config(environment)` is the smallest config an environment accepts, in a region, domain and
sizes of this module's choosing — never the committed stack files' — with every bound taken from
the config rules (the production floors of `config/`). A test edits it (`config_edits`) and
`load`s it, or checks that it is `refused` in one line. Nothing here runs the program: a bad value
is refused by the config step, before any resource registers (tests/test_cli_bad_input.py shows
that through `preflight plan`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi.runtime import config as runtime_config

from config import ConfigError, StackConfig, load_stack_config
from config.addon_versions import DEFAULT_VERSIONS
from config.aws_regions import PARTNERS
from config.cluster import NodeGroupSettings
from config.declare import declaration
from config.network import MIN_AZS, PRODUCTION_AZS
from config.node_pool import MAX_CPU_LIMIT
from policy.eks_calendar import EKS_VERSIONS
from preflight.stack_files import load_stack_file

Edit = Callable[[dict[str, Any]], None]

REGION = "eu-central-1"
DOMAIN = "mail.example.org"
HOSTED_ZONE = "example.org"
ADMIN_ROLE = "arn:aws:iam::111122223333:role/test-admin"
IMAGE = "ghcr.io/example/test-app@sha256:" + "ab" * 32
NODE_TYPE = "m6i.xlarge"  # 4 vCPU, 16 GiB: the guide's minimum, x86_64
KUBERNETES_VERSION = max((v for v in EKS_VERSIONS if v in DEFAULT_VERSIONS), key=lambda v: tuple(map(int, v.split("."))))


def zones(count: int, region: str = REGION) -> list[str]:
    return [f"{region}{letter}" for letter in "abcdef"[:count]]


def node_floor(production: bool) -> int:
    """The fewest nodes the rules allow (cluster.nodeGroup.minSize's floor)."""
    floor: int = declaration(NodeGroupSettings, "min_size").minimum.pick(production)  # type: ignore[union-attr]
    return floor


def stack_config(environment: str = "production", region: str = REGION) -> dict[str, Any]:
    """A stack file's `config:` mapping with only what the environment requires (secrets are left to the loader)."""
    production = environment == "production"
    return {
        "aws:region": region,
        "email-platform:environment": environment,
        "email-platform:domain": DOMAIN,
        "email-platform:tags": {"owner": "test-team", "costCenter": "test-centre"},
        "email-platform:network": {"cidr": "10.60.0.0/16", "availabilityZones": zones(PRODUCTION_AZS if production else MIN_AZS, region)},
        "email-platform:cluster": {
            "version": KUBERNETES_VERSION,
            "access": {ADMIN_ROLE: "AmazonEKSClusterAdminPolicy"},
            "nodeGroup": {"instanceTypes": [NODE_TYPE], "minSize": node_floor(production), "maxSize": 2 * node_floor(production)},
            "nodePool": {"cpuLimit": MAX_CPU_LIMIT},
        },
        "email-platform:database": {"engineVersion": "16.9", "instanceClass": "db.r7g.large", "readReplicaScaling": {"maxReplicas": 3}},
        "email-platform:redis": {"engineVersion": "8.0", "nodeType": "cache.r7g.large", "shards": 1},
        "email-platform:edge": {"hostedZone": HOSTED_ZONE},
        "email-platform:app": {"blue": {"image": IMAGE}},
        "email-platform:monitoring": {"notifications": {"emails": ["alarms@example.org"]}, "budget": {"monthlyUsd": 100}},
        "email-platform:backup": {"copyRegion": PARTNERS[region].region} if production else {},
    }


def edited(environment: str, *edits: Edit, region: str = REGION) -> dict[str, Any]:
    config = stack_config(environment, region)
    for edit in edits:
        edit(config)
    return config


def write(config: dict[str, Any], directory: Path, stack: str = "test") -> Path:
    path = directory / f"Pulumi.{stack}.yaml"
    path.write_text(yaml.safe_dump({"config": config}), encoding="utf-8")
    return path


def load(config: dict[str, Any], directory: Path) -> StackConfig:
    """The config step on `config`, written as a stack file and handed over as the engine would (secrets too)."""
    stack_file = load_stack_file("test", path=write(config, directory))
    runtime_config.set_all_config(dict(stack_file.config), list(stack_file.secret_keys))
    return load_stack_config()


def refused(config: dict[str, Any], directory: Path) -> str:
    """The one line the config step refuses `config` with."""
    with pytest.raises(ConfigError) as raised:
        load(config, directory)
    message = str(raised.value)
    assert "\n" not in message, message
    return message
