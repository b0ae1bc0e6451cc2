"""The tests' own stacks (`tests/stacks/Pulumi.<stack>.yaml`), read as the program reads them.

The whole-stack tests run the program on these files, never on the example stacks at the
repository's root: a team that adopts the project edits or deletes those. Tests take their
expected values from here, through the config parser (`settings`, `app_settings`), not as literals
typed in from a stack file. `committed()` lists the stack files at the root, for the few tests whose
point is the committed stacks themselves (each plans as `make plan` plans it, its URN snapshot).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi.runtime import config as runtime_config

from config import StackConfig, load_stack_config
from config.app import AppSettings, parse_app
from config.basics import Basics, read_basics
from config.reader import Section
from preflight.stack_files import StackFile, load_stack_file
from preflight.stacks import discover

ROOT = Path(__file__).resolve().parent.parent
STACKS = Path(__file__).resolve().parent / "stacks"
OWNED = ("production", "staging")


@cache
def _raw(stack: str) -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load((STACKS / f"Pulumi.{stack}.yaml").read_text())["config"]
    return config


def stack_config(stack: str) -> dict[str, Any]:
    """The test stack's config mapping (a deep copy to edit)."""
    return copy.deepcopy(_raw(stack))


def stack_file(stack: str) -> StackFile:
    """The test stack's file as the engine hands it to the program (secrets as placeholders)."""
    return load_stack_file(stack, root=STACKS)


@cache
def settings(stack: str) -> StackConfig:
    """The test stack's whole config, parsed by the program's own `load_stack_config` (read-only: it is shared)."""
    loaded = stack_file(stack)
    runtime_config.set_all_config(dict(loaded.config), list(loaded.secret_keys))
    return load_stack_config()


def _top(config: dict[str, Any]) -> Section:
    return Section("email-platform", {k.split(":", 1)[1]: v for k, v in config.items() if k.startswith("email-platform:")}, ":")


def basics(stack: str) -> Basics:
    config = _raw(stack)
    return read_basics(_top(config), config["aws:region"])


# The basics (environment, region, domain, tags) of the two test stacks, for parsing one section alone.
PRODUCTION = basics("production")
STAGING = basics("staging")


def app_settings(stack: str, edit: Callable[[dict[str, Any]], None] | None = None) -> AppSettings:
    """Parse a test stack's app section (optionally edited) as the program does."""
    config = stack_config(stack)
    if edit is not None:
        edit(config)
    top = _top(config)
    return parse_app(top.section("app"), read_basics(top, config["aws:region"]))


def deregistration_delay(stack: str) -> int:
    """The target groups' deregistration delay in a test stack (edge config; ALB default 30)."""
    return int(_raw(stack).get("email-platform:edge", {}).get("targetGroup", {}).get("deregistrationDelaySeconds", 30))


# The production test stack moved out of us-east-1 (the program's other path): a stack region of its
# own, whose backup copy region is also a canary region, with a canary in us-east-1 too, where
# CloudFront's certificate, web ACL and logs live. Each of those regions is then needed by two components.
ELSEWHERE = "eu-west-1"
SHARED_REGION = "eu-central-1"  # the backup copy region and a canary region
GLOBAL_REGION = "us-east-1"  # CloudFront's resources and a canary


def elsewhere(config: dict[str, Any]) -> None:
    """Edit a test stack's config mapping into ELSEWHERE with the shared regions above."""
    config["aws:region"] = ELSEWHERE
    config["email-platform:network"]["availabilityZones"] = [f"{ELSEWHERE}{zone}" for zone in "abc"]
    config["email-platform:backup"]["copyRegion"] = SHARED_REGION
    config["email-platform:monitoring"]["canaryRegions"] = [ELSEWHERE, SHARED_REGION, GLOBAL_REGION]


def committed() -> list[Any]:
    """The stack files committed at the repository's root, as pytest parameters; none is a skip, with its reason."""
    names = discover(ROOT)
    if not names:
        return [pytest.param(None, marks=pytest.mark.skip(reason="no Pulumi.<stack>.yaml at the repository's root"))]
    return names
