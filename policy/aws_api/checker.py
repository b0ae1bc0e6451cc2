"""One resource's inputs against the request shapes of the API calls that create and update it.

`check` gives the verdict on one resource (`policy/api_model.py` makes the policies of it); `resolve`
and `root_shape` say where a property lands. The walk itself is in `walk.py`, the checks of single
values in `scalar_checks.py`, the property paths in `input_paths.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policy.aws_api.input_paths import leaves, segments, values_at
from policy.aws_api.mappings import MAPPINGS
from policy.aws_api.models import Shape, input_shape, shape
from policy.aws_api.scalar_checks import shown
from policy.aws_api.service_rules import rules_for
from policy.aws_api.walk import InputWalk, Outcome
from policy.values import SECRET, UNKNOWN

__all__ = ["Outcome", "check", "leaves", "resolve", "root_shape", "values_at"]


def root_shape(resource_type: str) -> Shape:
    """The API structure a type's top-level inputs map to: the request, or the member `root` names."""
    mapping = MAPPINGS[resource_type]
    _, request = input_shape(mapping.service, mapping.operation)
    if not mapping.root:
        return request
    return InputWalk(resource_type, mapping, Outcome()).descend(request, mapping.operation, mapping.root)[2]


def resolve(resource_type: str, key_path: str) -> tuple[str, str, Shape]:
    """(operation, shape name, shape) a property path (`rules.lifecycle.deleteAfter`) maps to; KeyError when none."""
    mapping = MAPPINGS[resource_type]
    walk = InputWalk(resource_type, mapping, Outcome())
    structure: Shape | None = root_shape(resource_type)
    operation, found = mapping.operation, ("", structure or {})
    parts = key_path.split(".")
    for index, key in enumerate(parts):
        prefix = ".".join(parts[: index + 1])
        target = walk.target(structure, operation, prefix, key)
        if target is None:
            if prefix not in walk.prefixes:
                raise KeyError(f"{resource_type}: {prefix} maps to no API member")
            structure = None
            continue
        operation, found = target[0], (target[1], target[2])
        structure = found[1]
        while structure["type"] == "list" or "Items" in structure.get("members", {}):
            reference = structure["member"] if structure["type"] == "list" else structure["members"]["Items"]
            structure = shape(mapping.service, reference["shape"])
    return operation, found[0], found[1]


def check(resource_type: str, props: Mapping[str, Any]) -> Outcome:
    """The API model's verdict on one resource's inputs (an unmapped type counts every input unmapped)."""
    outcome = Outcome()
    mapping = MAPPINGS.get(resource_type)
    if mapping is None:
        outcome.unmapped = [path.lstrip(".") for path in leaves(dict(props), "")]
        return outcome
    outcome.services.add(mapping.service)
    walk = InputWalk(resource_type, mapping, outcome)
    shape_name, request = input_shape(mapping.service, mapping.operation)
    if mapping.root:
        root_name, root = walk.descend(request, mapping.operation, mapping.root)[1:3]
    else:
        root_name, root = shape_name, request
    walk.structure(props, root, root_name, mapping.operation, "")
    if mapping.root:
        walk.request_covered.add(segments(mapping.root)[0])
        walk.required(request, shape_name, mapping.operation, walk.request_covered, "")
    for rule in rules_for(resource_type):
        for path, value in values_at(props, rule.path):
            reason = rule.problem(value) if value is not UNKNOWN and value != SECRET else None
            if reason:
                outcome.findings.append(f"{path} = {shown(value)} {reason} ({rule.source})")
    return outcome
