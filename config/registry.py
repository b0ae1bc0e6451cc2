"""Registry settings: the stack's own ECR repository for the app image.

Images from other registries stay allowed (the app's `image` may name any registry); the
repository is where the release pipeline pushes when it uses this stack's registry.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.basics import PROJECT, Basics
from config.declare import Group, boolean, integer
from config.reader import Section


def findings_rule_name(prefix: str) -> str:
    """The EventBridge rule (default bus) that forwards CRITICAL image findings of the stack named `prefix`."""
    return f"{prefix}-image-findings"


@dataclass(frozen=True)
class RegistrySettings:
    enabled: bool
    keep_images: int
    manage_scanning: bool
    repository_name: str
    findings_rule: str
    # Which repositories the account's enhanced scanning covers: every stack's of this project.
    scan_filter: str


ENABLED = boolean("enabled", "an ECR repository for the app image in this stack", default=True)
KEEP_IMAGES = integer(
    "keepImages", "how many of the newest images the lifecycle policy keeps (rollbacks go back this far)", default=30, minimum=2
)
MANAGE_SCANNING = boolean(
    "manageScanning",
    "set the account's ECR scanning to Inspector's enhanced scanning, on push and continuously",
    default=True,
    rule="one setting per account and region: leave it to one stack when two share an account",
)
REGISTRY = Group("registry", "the ECR repository the release pipeline pushes the app image to", (ENABLED, KEEP_IMAGES, MANAGE_SCANNING))


def parse_registry(section: Section, basics: Basics) -> RegistrySettings:
    settings = RegistrySettings(
        enabled=ENABLED.read(section),
        keep_images=KEEP_IMAGES.read(section),
        manage_scanning=MANAGE_SCANNING.read(section),
        repository_name=f"{basics.name_prefix}/app",
        findings_rule=findings_rule_name(basics.name_prefix),
        scan_filter=f"{PROJECT}-*",
    )
    section.finish()
    return settings
