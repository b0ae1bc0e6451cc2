"""ECR: the computed outputs the provider returns for the registry component (its EventBridge rule: mocks/integrations.py)."""

from __future__ import annotations

from typing import Any

import pulumi

from preflight.mocks.common import MockContext, arn

Args = pulumi.runtime.MockResourceArgs


def _repository(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = str(args.inputs.get("name") or resource_id)
    return {
        "name": name,
        "arn": arn(ctx, "ecr", f"repository/{name}"),
        "registryId": ctx.account_id,
        "repositoryUrl": f"{ctx.account_id}.dkr.ecr.{ctx.region}.amazonaws.com/{name}",
    }


def _registry_scanning(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {"registryId": ctx.account_id}


COMPUTED = {
    "aws:ecr/repository:Repository": _repository,
    "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": _registry_scanning,
}
