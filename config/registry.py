"""Registry settings: the stack's own ECR repository for the app image.

Images from other registries stay allowed (the app's `image` may name any registry); the
repository is where the release pipeline pushes when it uses this stack's registry.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.basics import PROJECT
from config.declare import boolean, computed, integer
from config.reading import parser


def findings_rule_name(prefix: str) -> str:
    """The EventBridge rule (default bus) that forwards CRITICAL image findings of the stack named `prefix`."""
    return f"{prefix}-image-findings"


@dataclass(frozen=True)
class RegistrySettings:
    enabled: bool = boolean("an ECR repository for the app image in this stack", default=True)
    keep_images: int = integer(
        "how many of the newest images the lifecycle policy keeps (rollbacks go back this far)", default=30, minimum=2
    )
    # One setting per account and region: leave it to one stack when two share an account.
    manage_scanning: bool = boolean(
        "set the account's ECR scanning to Inspector's enhanced scanning, on push and continuously (one setting per account "
        "and region: leave it to one stack when two share an account)",
        default=True,
    )
    repository_name: str = computed(lambda reading: f"{reading.basics.name_prefix}/app")
    findings_rule: str = computed(lambda reading: findings_rule_name(reading.basics.name_prefix))
    # Which repositories the account's enhanced scanning covers: every stack's of this project.
    scan_filter: str = computed(lambda reading: f"{PROJECT}-*")


parse_registry = parser(RegistrySettings)
