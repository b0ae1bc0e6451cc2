"""The CrossGuard entry point: `pulumi preview --policy-pack policy` runs this file.

It only builds the pack. Building a `PolicyPack` starts the analyzer's gRPC server and blocks, so
nothing (tests, preflight) imports this module; they import `policy.registry` instead.
"""

import sys
from pathlib import Path

# The CLI runs this file with policy/ itself first on sys.path (and from any working directory);
# the pack's modules import one another as the `policy` package, so the directory above it goes
# first. That directory is the program's root, but the pack imports nothing from the program.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi_policy import EnforcementLevel, PolicyPack

from policy.registry import ALL_POLICIES

PolicyPack(
    name="email-platform-guardrails",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=ALL_POLICIES,
)
