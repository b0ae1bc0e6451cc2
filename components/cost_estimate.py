"""The `costEstimate` stack output: the program prices what it declares, with the same pricer
that `preflight cost` runs over plan documents, previews and stack exports.

A stack transformation sees every resource as it registers (type, name, parent, arguments).
Once the arguments resolve, they are priced exactly as the engine will record them, so the
output equals `preflight cost` over the same stack (a test holds them together). Legacy stack
transformations run in-process in the SDK, so this works under the engine and under the mocks
alike (the newer engine-side transforms do not run under mocks). The estimate holds numbers
only, so it is unsecreted even though some priced resources carry secret arguments.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from enum import Enum
from typing import Any

import pulumi

from config import PROJECT
from pricing import price_resources
from pricing.commitments import with_commitments

_STACK_TYPE = "pulumi:pulumi:Stack"
_PLAIN = (str, bytes, int, float, bool, Mapping, list, tuple)
_SNAKE = re.compile(r"[a-z0-9]+(_[a-z0-9]+)+")


def _camel(name: str) -> str:
    if name.endswith("_") and keyword.iskeyword(name[:-1]):
        return name[:-1]  # the SDKs spell an argument named like a Python keyword with a trailing `_` (`from_`)
    if not _SNAKE.fullmatch(name):
        return name  # already an engine name, or a map key such as a tag
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class _Slot:
    """Where a not-yet-known value goes once every Output of the stack has resolved."""

    def __init__(self, index: int, names: bool) -> None:
        self.index = index
        self.names = names


def _template(value: Any, outputs: list[pulumi.Output[Any]], names: bool = True) -> Any:
    """A plain copy of the arguments with each Output replaced by a slot (one Output.all for all)."""
    if isinstance(value, pulumi.Output):
        outputs.append(value)
        return _Slot(len(outputs) - 1, names)
    if isinstance(value, pulumi.Resource) or callable(value):
        return None
    if isinstance(value, Enum):
        return value.value  # e.g. aws.rds.EngineType.AURORA_POSTGRESQL -> "aurora-postgresql"
    if not isinstance(value, _PLAIN) and hasattr(value, "__dict__"):
        # An `*Args` input type keeps each argument in its instance dict under its Python name, as
        # `Output.from_input` relies on ("any input type can safely be decomposed into its
        # `__dict__`"); the names are read like the top-level keyword arguments (snake → camel).
        value = vars(value)
    if isinstance(value, Mapping):
        # Tags and labels are data: their keys keep their spelling.
        return {
            (_camel(str(k)) if names else str(k)): _template(v, outputs, names and k not in ("tags", "labels")) for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [_template(v, outputs, names) for v in value]
    return value


def _fill(template: Any, values: list[Any]) -> Any:
    """The template with its slots filled and unset (None) arguments dropped, as the engine records them."""
    if isinstance(template, _Slot):
        return _fill(_template(values[template.index], [], template.names), values)
    if isinstance(template, dict):
        filled = {k: _fill(v, values) for k, v in template.items()}
        return {k: v for k, v in filled.items() if v is not None}
    if isinstance(template, list):
        return [_fill(v, values) for v in template]
    return template


class CostCollector:
    """Collects every registration as a record the pricer reads: {urn, type, name, parent, custom, inputs}."""

    def __init__(self, stack: str) -> None:
        self._stack = stack
        self._qualified: dict[int, str] = {}  # id(resource) -> qualified type, for children's URNs
        self._urns: dict[int, str] = {}
        self._providers: dict[int, str | None] = {}  # id(resource) -> URN of its (inherited) provider
        self._records: list[dict[str, Any]] = []
        self._outputs: list[pulumi.Output[Any]] = []

    def register(self) -> None:
        pulumi.runtime.register_stack_transformation(self.see)

    def see(self, args: pulumi.ResourceTransformationArgs) -> None:
        """Record one registration (the stack transformation; returns None: the resource is unchanged)."""
        parent = args.opts.parent if args.opts is not None else None
        parent_key = id(parent) if parent is not None else None
        qualified = args.type_
        if parent_key in self._qualified and self._qualified[parent_key] != _STACK_TYPE:
            qualified = f"{self._qualified[parent_key]}${args.type_}"
        urn = f"urn:pulumi:{self._stack}::{PROJECT}::{qualified}::{args.name}"
        self._qualified[id(args.resource)] = qualified
        self._urns[id(args.resource)] = urn
        # The provider prices the resource in its region (a us-east-1 provider in a eu-west-1 stack).
        # Children inherit their parent's, as the engine does; only AWS providers name a region.
        explicit = args.opts.provider if args.opts is not None else None
        provider = self._urns.get(id(explicit)) if explicit is not None else self._providers.get(parent_key or 0)
        self._providers[id(args.resource)] = provider
        record: dict[str, Any] = {
            "urn": urn,
            "type": args.type_,
            "name": args.name,
            "parent": self._urns.get(parent_key) if parent_key is not None else None,
            "custom": isinstance(args.resource, pulumi.CustomResource),
            "provider": provider,
        }
        # One Output.all over the whole stack, not one per resource: thousands of small Outputs
        # would make the SDK's wait for pending work quadratic.
        record["inputs"] = _template(args.props, self._outputs)
        self._records.append(record)

    def estimate(
        self, region: str, usage: Mapping[str, Mapping[str, float]], commitments: Mapping[str, float] | None = None
    ) -> pulumi.Output[dict[str, Any]]:
        """Monthly USD, in total and by top-level component, with what was assumed and what is unpriced."""

        def summarise(records: list[dict[str, Any]]) -> dict[str, Any]:
            report = price_resources(records, region, usage)
            extra = {"withCommitmentsUsd": with_commitments(report, commitments)} if commitments else {}
            return {
                **extra,
                "currency": report["currency"],
                "monthlyUsd": report["monthly"],
                "floorUsd": report["floor"],
                "ceilingUsd": report["ceiling"],
                "byComponent": report["byComponent"],
                "unpriced": [f"{u['urn'].rsplit('::', 1)[-1]} ({u['type']}): {u['reason']}" for u in report["unpriced"]],
                "assumptions": report["assumptions"],
            }

        return pulumi.Output.unsecret(self.records().apply(summarise))

    def records(self) -> pulumi.Output[list[dict[str, Any]]]:
        """Every registration seen so far, its arguments resolved and named as the engine records them
        (camelCase, unset arguments left out). Resources registered later (inside another resource's
        apply) are not seen; the program declares every billable resource up front, and a test holds
        the estimate equal to the pricer over the plan."""
        records, outputs = list(self._records), list(self._outputs)

        def filled(values: list[Any]) -> list[dict[str, Any]]:
            return [{**record, "inputs": _fill(record["inputs"], values) or {}} for record in records]

        return pulumi.Output.all(*outputs).apply(lambda values: filled(list(values)))
