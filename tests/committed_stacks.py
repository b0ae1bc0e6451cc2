"""The committed stack files, read as the program reads them, for tests that need a value and not a run."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from config.app import AppSettings, parse_app
from config.basics import Basics, Tags, read_basics
from config.reader import Section

ROOT = Path(__file__).resolve().parent.parent

# The basics (environment, region, domain, tags) of the two committed stacks, for parsing one section alone.
PRODUCTION = Basics("production", "us-east-1", "mail.example.com", Tags("platform-team", "email-platform", {}))
STAGING = Basics("staging", "us-east-1", "staging.mail.example.com", Tags("platform-team", "email-platform", {}))


def stack_config(stack: str) -> dict[str, Any]:
    """The committed stack file's config mapping (a deep copy to edit)."""
    return copy.deepcopy(yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"])


def app_settings(stack: str, edit: Callable[[dict[str, Any]], None] | None = None) -> AppSettings:
    """Parse a committed stack file's app section (optionally edited) as the program does."""
    config = stack_config(stack)
    if edit is not None:
        edit(config)
    top = Section("email-platform", {k.split(":", 1)[1]: v for k, v in config.items() if k.startswith("email-platform:")}, ":")
    basics = read_basics(top, config["aws:region"])
    return parse_app(top.section("app"), basics)


def deregistration_delay(stack: str) -> int:
    """The target groups' deregistration delay in a committed stack file (edge config; ALB default 30)."""
    config = stack_config(stack)
    return int(config.get("email-platform:edge", {}).get("targetGroup", {}).get("deregistrationDelaySeconds", 30))
