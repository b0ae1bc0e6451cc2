"""AWS's API model for every input: each AWS resource against the request shapes of its API calls.

`policy/aws_api/` holds the machinery: `mappings.py` (which call creates each type, and how its
inputs map), `checker.py` (the walk), `service_rules.py` (rules only the service docs state),
`patterns.py` (the models' regexes in Python) and `models.py` (botocore's models, loaded per service
on first use). This module turns it into two policies and the coverage figure `make plan` prints:

* `aws-api-model` (mandatory): a value the API refuses — pattern, length, range, enum, required
  member, list size — or a documented naming rule it breaks;
* `aws-api-model-unmapped` (advisory): an AWS type with no row in the mapping table; inputs of a
  mapped type that map to no request member are listed by the coverage line (`Coverage.line`), so
  nothing goes unchecked silently.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from policy.aws_api.checker import check
from policy.aws_api.mappings import MAPPINGS
from policy.aws_api.models import LOAD_MS, botocore_version
from policy.specs import ADVISORY, MANDATORY, Config, ResourcePolicySpec
from policy.values import normalize

_LISTED = 8  # unmapped inputs named on the coverage line


def api_model(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """Every value of an AWS resource the API (or the service's documented rules) would refuse."""
    return check(resource_type, props).findings


def api_model_unmapped(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """An AWS type with no row: none of its inputs is checked. (Unmapped inputs of a mapped type are
    listed by the coverage line of `make plan` / `preflight check`, and fail tests/test_aws_api_model.py.)"""
    if resource_type in MAPPINGS:
        return []
    return [f"{resource_type} has no row in policy/aws_api/mappings.py: its inputs are not checked against the API model"]


@dataclass
class Coverage:
    """How much of a plan's AWS input the API model saw."""

    checked: int = 0
    unseen: int = 0
    not_api: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    unmapped_types: set[str] = field(default_factory=set)
    services: set[str] = field(default_factory=set)
    check_ms: float = 0.0

    @property
    def scalars(self) -> int:
        return self.checked + self.unseen + len(self.not_api) + len(self.unmapped)

    @property
    def share(self) -> float:
        return self.checked / self.scalars if self.scalars else 1.0

    @property
    def load_ms(self) -> float:
        return sum(LOAD_MS.get(service, 0.0) for service in self.services)

    def line(self) -> str:
        unmapped = f"{len(self.unmapped)} unmapped" + (
            f" ({', '.join(self.unmapped[:_LISTED])}{' …' if len(self.unmapped) > _LISTED else ''})" if self.unmapped else ""
        )
        return (
            f"AWS API model: {self.checked} of {self.scalars} scalar AWS inputs ({self.share:.1%}) checked against botocore "
            f"{botocore_version()} request shapes; {len(self.not_api)} not API members, {self.unseen} secret or unknown, "
            f"{unmapped}; {len(self.services)} service models read in {self.load_ms:.0f} ms, checks {self.check_ms:.0f} ms"
        )


def coverage(resources: Iterable[tuple[str, str, Mapping[str, Any]]]) -> Coverage:
    """Coverage of (urn, type, inputs) records: every AWS resource walked once."""
    started, loading = time.perf_counter(), sum(LOAD_MS.values())
    total = Coverage()
    for urn, resource_type, props in resources:
        if not resource_type.startswith("aws:"):
            continue
        outcome = check(resource_type, normalize(props))
        name = urn.rsplit("::", 1)[-1]
        total.checked += outcome.checked
        total.unseen += outcome.unseen
        total.not_api += [f"{name}.{path}" for path in outcome.not_api]
        total.unmapped += [f"{name}.{path}" for path in outcome.unmapped]
        total.services |= outcome.services
        if resource_type not in MAPPINGS:
            total.unmapped_types.add(resource_type)
    # Models read during this pass are counted in load_ms, not twice.
    total.check_ms = (time.perf_counter() - started) * 1000 - (sum(LOAD_MS.values()) - loading)
    return total


RESOURCE_POLICIES = [
    ResourcePolicySpec(
        name="aws-api-model",
        description="Every AWS input meets the request shape of the API call that sets it (botocore's models) and the service's documented naming rules.",
        level=MANDATORY,
        resource_types=frozenset(),
        check=api_model,
        type_prefixes=("aws:",),
    ),
    ResourcePolicySpec(
        name="aws-api-model-unmapped",
        description="Every AWS resource type has a row in policy/aws_api/mappings.py, so the API model checks its inputs.",
        level=ADVISORY,
        resource_types=frozenset(),
        check=api_model_unmapped,
        type_prefixes=("aws:",),
    ),
]
