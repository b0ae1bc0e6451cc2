"""AWS Backup: vaults, plans and selections as the Backup API answers (region from the provider)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pulumi

from preflight.mocks.common import MockContext, arn, short_hash

Args = pulumi.runtime.MockResourceArgs


def _region_of(args: Args, ctx: MockContext) -> MockContext:
    """A copy vault's provider is named for its region (``aws-us-west-2``): mocks cannot read its inputs."""
    found = re.search(r"::pulumi:providers:aws::aws-([a-z]{2}(?:-gov)?-[a-z]+-\d)::", args.provider or "")
    return replace(ctx, region=found.group(1)) if found else ctx


def _vault(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = str(args.inputs.get("name") or args.name)
    return {"name": name, "arn": arn(_region_of(args, ctx), "backup", f"backup-vault:{name}"), "recoveryPoints": 0}


def _plan(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {"arn": arn(ctx, "backup", f"backup-plan:{resource_id}"), "version": short_hash("version", args.name, length=32)}


COMPUTED = {
    "aws:backup/vault:Vault": _vault,
    "aws:backup/plan:Plan": _plan,
}
