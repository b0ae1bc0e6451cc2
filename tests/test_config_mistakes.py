"""The mistakes a newcomer makes first, each refused in one line that names the key and the fix.

A mistyped top-level key (`netwrok`, `aws:regoin`) is named as such, not hidden behind "network
is required"; YAML slips (an unquoted version, a number with units) say how to write the value;
a bound that comes from another key names both keys. Only the config step runs, on a stack config
the test wrote (config_stacks).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from config_edits import Edit
from config_stacks import edited, node_floor, refused

from config.app import Autoscaling
from config.basics import AWS_PROVIDER_KEYS
from config.declare import declaration

NODES = node_floor(production=True)
PODS = declaration(Autoscaling, "min_replicas").minimum.pick(True)  # type: ignore[union-attr]


def _rename(old: str, new: str) -> Edit:
    def edit(config: dict[str, Any]) -> None:
        config[new] = config.pop(old)

    return edit


def _nested(section: str, path: str, value: Any) -> Edit:
    def edit(config: dict[str, Any]) -> None:
        node = config[f"email-platform:{section}"]
        *parents, last = path.split(".")
        for part in parents:
            node = node[part]
        node[last] = value

    return edit


MISTAKES = [
    (_rename("email-platform:network", "email-platform:netwrok"), "invalid stack config: email-platform:netwrok: unknown key; did you mean 'network'?"),
    (_rename("email-platform:network", "email-platfrom:network"), "invalid stack config: email-platfrom:network: unknown namespace; did you mean 'email-platform:network'?"),
    (_rename("aws:region", "aws:regoin"), "invalid stack config: aws:regoin: not a setting of the AWS provider; did you mean 'region'?"),
    (_nested("database", "engineVersion", 16.4), 'email-platform:database.engineVersion = 16.4: must be a string; YAML read an unquoted number: quote it: "16.4"'),
    (_nested("database", "backupRetentionDays", "14 days"), "backupRetentionDays = '14 days': must be a whole number; write the number alone, without quotes, units or separators: 14"),
    (_nested("cluster", "nodeGroup.maxSize", NODES - 1), f"email-platform:cluster.nodeGroup.maxSize = {NODES - 1} is below nodeGroup.desiredSize = {NODES}: raise maxSize or lower desiredSize"),
    (_nested("app", "autoscaling", {"maxReplicas": PODS - 1}), f"email-platform:app.autoscaling.maxReplicas = {PODS - 1} is below autoscaling.minReplicas = {PODS}: raise maxReplicas or lower minReplicas"),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "message"), MISTAKES)
def test_a_first_mistake_is_one_line_naming_the_key_and_the_fix(tmp_path: Path, edit: Edit, message: str) -> None:
    text = refused(edited("production", edit), tmp_path)
    assert message in text
    assert "{" not in text  # no object dumped


def test_a_mistyped_object_key_is_named_without_its_value(tmp_path: Path) -> None:
    def typo(config: dict[str, Any]) -> None:
        config["email-platform:edge"]["internalCaa"] = {"algorithm": "RSA", "rsaBits": 4096}

    assert refused(edited("production", typo), tmp_path).endswith(
        "email-platform:edge.internalCaa: unknown key; did you mean 'internalCa'?"
    )


def test_the_aws_provider_keys_are_the_providers_own() -> None:
    """Fails when pulumi_aws gains or drops a config key: the list must follow it."""
    source = (Path(__import__("pulumi_aws").__file__).parent / "config" / "vars.py").read_text()
    declared = set(re.findall(r"__config__\.get(?:_\w+)?\('(\w+)'\)", source))
    assert declared == set(AWS_PROVIDER_KEYS)
