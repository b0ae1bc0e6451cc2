"""Looking up what a whole-stack run registered."""

from __future__ import annotations

from typing import Any

from preflight.runner import Run


def one(run: Run, type_token: str, name: str) -> Any:
    """The one resource of this type and name (fails if there are none or several)."""
    (found,) = [r for r in run.of_type(type_token) if r.name == name]
    return found
