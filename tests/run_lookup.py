"""Looking up what a whole-stack run registered."""

from __future__ import annotations

from typing import Any

from preflight.runner import Run


def one(run: Run, type_token: str, name: str) -> Any:
    """The one resource of this type and name (fails if there are none or several)."""
    (found,) = [r for r in run.of_type(type_token) if r.name == name]
    return found


def region_of(run: Run, resource: Any) -> str:
    """The region a resource lives in: its provider's `region` input (one provider per region)."""
    reference = resource.provider or ""
    (provider,) = [p for p in run.of_type("pulumi:providers:aws") if reference.startswith(p.urn + "::")]
    return str(provider.inputs["region"])
