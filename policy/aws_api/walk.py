"""The walk of one resource's inputs beside the request shapes of the API calls that create and update it.

It follows the program's inputs and the request shape side by side. At each object it finds
the API member for each input: the mapping's override for that property path, else the member
spelled the same (case aside). It then checks what the model states about the member's shape:

* strings: enum, length (`min`/`max`) and `pattern`;
* numbers: `min`/`max`;
* lists and maps: number of entries (`min`/`max`), then each entry;
* structures: each member, and the `required` members the program must give (members the provider
  fills in are listed in the mapping's `supplied`).

Four conversions bridge the provider's shapes and the API's: a list (or a tag map) given for a
CloudFront `{Quantity, Items}` wrapper is its `Items`; a map given for a list of `{Key|Name, Value}` is that
list, and a list of `{name, values}` given for a map is that map (a budget's `costFilters`); one
object given for a list is a list of one (and a one-item list for an object is its item).

Every scalar input ends in one of four counts: checked against a shape, not seen (a secret or an
unknown: compliant, like everywhere in the pack), not an API member (listed with why, in the
mapping), or unmapped (listed by path, so nothing is skipped silently).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from policy.aws_api.api_mapping import ApiMapping
from policy.aws_api.input_paths import leaves, mapping_key, segments
from policy.aws_api.models import Shape, input_shape, is_idempotency_token, member, member_named, shape
from policy.aws_api.scalar_checks import scalar_problem, shown
from policy.values import SECRET, UNKNOWN

# Inputs every regional pulumi-aws type takes that no request carries: the per-resource `region`
# (pulumi-aws v7) chooses the endpoint the provider calls.
_EVERY_TYPE_NOT_API = frozenset({"region"})


@dataclass
class Outcome:
    """What the walk found and counted for one resource."""

    findings: list[str] = field(default_factory=list)
    checked: int = 0
    unseen: int = 0
    not_api: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    services: set[str] = field(default_factory=set)

    @property
    def scalars(self) -> int:
        return self.checked + self.unseen + len(self.not_api) + len(self.unmapped)


class InputWalk:
    """One resource's inputs beside its request: each property resolved to an API member, each value
    checked against that member's shape, every scalar counted into the outcome."""

    def __init__(self, resource_type: str, mapping: ApiMapping, outcome: Outcome) -> None:
        self.type = resource_type
        self.mapping = mapping
        self.out = outcome
        self.prefixes = {key.rsplit(".", 1)[0] for key in mapping.members if "." in key}
        # Members of the main request set through `/…` overrides (from anywhere in the inputs).
        self.request_covered: set[str] = set()
        # Lists the last override walked through (`ResourceRecords.Value`): a list given there is one item per entry.
        self.crossed: list[tuple[str, Shape]] = []

    # -- resolving a property to an API member ------------------------------------------------

    def target(self, structure: Shape | None, operation: str, key_path: str, key: str) -> tuple[str, str, Shape, list[str]] | None:
        """(operation, shape name, shape, API members walked) for one property; None when unmapped."""
        override = self.mapping.members.get(key_path)
        if override is None:
            if structure is None:
                return None
            name = member_named(structure, key)
            if name is None:
                return None
            found = member(self.mapping.service, structure, name)
            return (operation, found[0], found[1], [name]) if found else None
        return self.descend(structure, operation, override)

    def descend(self, structure: Shape | None, operation: str, path: str) -> tuple[str, str, Shape, list[str]]:
        """Follow `Member.Member{key}` from a structure, `/…` from the request, `Operation:…` from another request."""
        if ":" in segments(path)[0]:
            operation, path = path.split(":", 1)
            shape_name, current = input_shape(self.mapping.service, operation)
        elif path.startswith("/"):
            path = path[1:]
            shape_name, current = input_shape(self.mapping.service, operation)
        else:
            if structure is None:
                raise ValueError(f"{self.type}: override {path!r} is relative to no API structure")
            shape_name, current = "", structure
        walked: list[str] = []
        self.crossed = []
        for segment in segments(path):
            name, _, entry = segment.partition("{")
            while current["type"] == "list":
                self.crossed.append((shape_name, current))
                shape_name, current = self.member_of(current["member"])
            found = member(self.mapping.service, current, name)
            if found is None:
                raise ValueError(f"{self.type}: {self.mapping.service} has no member {name!r} in {shape_name or 'the request'}")
            shape_name, current = found
            walked.append(name)
            if entry:
                shape_name, current = self.entry(current, entry.rstrip("}"), walked)
        return operation, shape_name, current, walked

    def member_of(self, reference: Mapping[str, Any]) -> tuple[str, Shape]:
        return reference["shape"], shape(self.mapping.service, reference["shape"])

    def entry(self, container: Shape, key: str, walked: list[str]) -> tuple[str, Shape]:
        """The value shape of `Attributes{key}`: a map's value or a `{Key, Value}` list's Value (the key checked too)."""
        if container["type"] == "map":
            self.scalar(key, self.member_of(container["key"])[1], f"{'.'.join(walked)} key", "", "", count=False)
            return self.member_of(container["value"])
        item = shape(self.mapping.service, container["member"]["shape"])
        key_name = member_named(item, "Key") or member_named(item, "Name")
        value_name = member_named(item, "Value")
        if key_name is None or value_name is None:
            raise ValueError(f"{self.type}: {'.'.join(walked)} is neither a map nor a list of key/value pairs")
        key_shape = member(self.mapping.service, item, key_name)
        if key_shape is not None:
            self.scalar(key, key_shape[1], f"{'.'.join(walked)} key", "", "", count=False)
        found = member(self.mapping.service, item, value_name)
        assert found is not None
        return found

    # -- walking values ------------------------------------------------------------------------

    def structure(self, value: Mapping[str, Any], structure: Shape | None, shape_name: str, operation: str, path: str) -> None:
        covered: set[str] = set()
        for key, item in value.items():
            item_path = f"{path}.{key}" if path else key
            key_path = mapping_key(item_path)
            if str(key).startswith("__"):
                continue  # the engine's bookkeeping in a real preview (`__defaults`), not an input
            if key_path in self.mapping.not_api or key_path in _EVERY_TYPE_NOT_API:
                self.out.not_api += leaves(item, item_path)
                continue
            resolved = self.target(structure, operation, key_path, key)
            if resolved is None:
                if key_path in self.prefixes:
                    self.value_without_shape(item, item_path)
                else:
                    self.out.unmapped += leaves(item, item_path)
                continue
            item_operation, item_shape_name, item_shape, walked = resolved
            override = self.mapping.members.get(key_path, "")
            if override.startswith("/"):
                self.request_covered.add(walked[0])
            elif walked and (not override or ":" not in segments(override)[0]):
                covered.add(walked[0])
            crossed = list(self.crossed) if override else []
            if crossed and isinstance(item, list):
                self.size(len(item), crossed[-1][1], crossed[-1][0], item_path, item_operation)
                for index, element in enumerate(item):
                    self.value(element, item_shape, item_shape_name, item_operation, f"{item_path}[{index}]")
            else:
                self.value(item, item_shape, item_shape_name, item_operation, item_path)
        if structure is not None:
            if not path and not self.mapping.root:
                covered |= self.request_covered
            self.required(structure, shape_name, operation, covered, path)

    def required(self, structure: Shape, shape_name: str, operation: str, covered: set[str], path: str) -> None:
        for name in structure.get("required", []):
            if name in covered or is_idempotency_token(structure, name):
                continue
            if name == "Quantity" and "Items" in structure.get("members", {}):
                continue  # the provider counts the items it sends
            where = f"{path}.{name}" if path else name
            if mapping_key(where) in self.mapping.supplied or name in self.mapping.supplied:
                continue
            owner = f" of {path}" if path else ""
            self.out.findings.append(
                f"{self.mapping.service} {operation} requires {name}{owner} ({shape_name}), which the program does not set"
            )

    def value_without_shape(self, value: Any, path: str) -> None:
        """A provider-side grouping with no API object of its own: its properties map one by one."""
        if isinstance(value, Mapping):
            self.structure(value, None, "", self.mapping.operation, path)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.value_without_shape(item, f"{path}[{index}]")
        else:
            self.out.unmapped.append(path)

    def value(self, value: Any, target: Shape, shape_name: str, operation: str, path: str) -> None:
        if value is UNKNOWN or value == SECRET:
            self.out.unseen += len(leaves(value, path))
            return
        kind = target["type"]
        if kind == "structure":
            members = target.get("members", {})
            if isinstance(value, list | Mapping) and "Items" in members and not members.keys() & {_upper(key) for key in value}:
                items_name, items_shape = self.member_of(members["Items"])
                self.value(value, items_shape, items_name, operation, path)
            elif isinstance(value, list) and len(value) == 1 and isinstance(value[0], Mapping):
                self.structure(value[0], target, shape_name, operation, f"{path}[0]")
            elif isinstance(value, Mapping):
                self.structure(value, target, shape_name, operation, path)
            else:
                self.out.unmapped += leaves(value, path)
        elif kind == "list":
            self.list_value(value, target, shape_name, operation, path)
        elif kind == "map":
            self.map_value(value, target, shape_name, operation, path)
        elif isinstance(value, Mapping | list):
            self.out.unmapped += leaves(value, path)
        else:
            self.scalar(value, target, path, operation, shape_name)

    def list_value(self, value: Any, target: Shape, shape_name: str, operation: str, path: str) -> None:
        item_name, item_shape = self.member_of(target["member"])
        if isinstance(value, Mapping) and item_shape["type"] == "structure":
            key_name = member_named(item_shape, "Key") or member_named(item_shape, "Name")
            value_name = member_named(item_shape, "Value")
            if key_name and value_name and len(item_shape.get("members", {})) == 2:
                self.pairs(value, target, item_shape, key_name, value_name, shape_name, operation, path)
                return
            value = [value]
        elif not isinstance(value, list):
            value = [value]
        self.size(len(value), target, shape_name, path, operation)
        for index, item in enumerate(value):
            self.value(item, item_shape, item_name, operation, f"{path}[{index}]" if len(value) > 1 else path)

    def pairs(
        self,
        value: Mapping[str, Any],
        target: Shape,
        item: Shape,
        key_name: str,
        value_name: str,
        shape_name: str,
        operation: str,
        path: str,
    ) -> None:
        """A map given for a list of `{Key, Value}` (tags, dimensions): each key and value checked, the values counted."""
        self.size(len(value), target, shape_name, path, operation)
        key_found, value_found = member(self.mapping.service, item, key_name), member(self.mapping.service, item, value_name)
        assert key_found is not None and value_found is not None
        for key, entry in value.items():
            self.scalar(key, key_found[1], f"{path} key", operation, key_found[0], count=False)
            self.value(entry, value_found[1], value_found[0], operation, f"{path}.{key}")

    def map_value(self, value: Any, target: Shape, shape_name: str, operation: str, path: str) -> None:
        entries = [_name_and_values(entry) for entry in value] if isinstance(value, list) else []
        if entries and all(entry is not None for entry in entries):
            self.size(len(entries), target, shape_name, path, operation)
            key_shape = self.member_of(target["key"])[1]
            value_name, value_shape = self.member_of(target["value"])
            for index, (key_field, key, values_field, item) in enumerate(e for e in entries if e is not None):
                self.scalar(key, key_shape, f"{path}[{index}].{key_field}", operation, shape_name)
                self.value(item, value_shape, value_name, operation, f"{path}[{index}].{values_field}")
            return
        if not isinstance(value, Mapping):
            self.out.unmapped += leaves(value, path)
            return
        self.size(len(value), target, shape_name, path, operation)
        key_shape = self.member_of(target["key"])[1]
        value_name, value_shape = self.member_of(target["value"])
        for key, item in value.items():
            self.scalar(key, key_shape, f"{path} key", operation, shape_name, count=False)
            self.value(item, value_shape, value_name, operation, f"{path}.{key}")

    def size(self, count: int, target: Shape, shape_name: str, path: str, operation: str) -> None:
        low, high = target.get("min"), target.get("max")
        if low is not None and count < low:
            self.out.findings.append(f"{path} has {count} entries; {self.where(operation, shape_name)} takes at least {low}")
        if high is not None and count > high:
            self.out.findings.append(f"{path} has {count} entries; {self.where(operation, shape_name)} takes at most {high}")

    def where(self, operation: str, shape_name: str) -> str:
        return f"{self.mapping.service} {operation or self.mapping.operation} {shape_name}".rstrip()

    def scalar(self, value: Any, target: Shape, path: str, operation: str, shape_name: str, count: bool = True) -> None:
        if value is UNKNOWN or value == SECRET:
            self.out.unseen += int(count)
            return
        problem = scalar_problem(value, target)
        if count:
            self.out.checked += 1
        if problem:
            self.out.findings.append(f"{path} = {shown(value)} {problem} ({self.where(operation, shape_name)})")


def _upper(key: Any) -> str:
    return str(key)[:1].upper() + str(key)[1:]


def _name_and_values(entry: Any) -> tuple[str, Any, str, Any] | None:
    """A `{name, values}` (or `{key, value}`) entry of a list the provider gives for an API map: its parts."""
    if not isinstance(entry, Mapping) or len(entry) != 2:
        return None
    key_field = next((name for name in ("name", "key") if name in entry), None)
    values_field = next((name for name in ("values", "value") if name in entry), None)
    if key_field is None or values_field is None:
        return None
    return key_field, entry[key_field], values_field, entry[values_field]
