"""The CrossGuard entry point: `pulumi preview --policy-pack policy` runs this file.

It only builds the pack. Building a `PolicyPack` starts the analyzer's gRPC server and blocks, so
nothing (tests, preflight) imports this module; they import `policies` instead.
"""

import sys
from pathlib import Path

from pulumi_policy import EnforcementLevel, PolicyPack

# The CLI may start the pack from another working directory; `policies` sits next to this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from policies import ALL_POLICIES

PolicyPack(
    name="email-platform-guardrails",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=ALL_POLICIES,
)
