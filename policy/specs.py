"""Policy specs: a policy's function plus the metadata both runners need.

`ResourcePolicySpec` and `StackPolicySpec` are what the concern modules declare and the registry
lists; `policy/crossguard.py` wraps them for the engine and `preflight check` calls `evaluate`
directly. `Resource` is what a stack policy sees of one resource, whichever runner produced it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import EnforcementLevel

from policy.values import UNKNOWN, normalize

Config = Mapping[str, Any]
ResourceCheck = Callable[[str, Mapping[str, Any], Config], list[str]]


@dataclass(frozen=True)
class Resource:
    """What a stack policy sees of one resource, whichever runner produced it."""

    type: str
    urn: str
    name: str
    props: Mapping[str, Any]
    protect: bool = False
    provider: str = ""  # provider reference: "URN::ID" or "URN"
    parent: str = ""
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    id: str = ""
    # Every URN the engine makes this resource wait for (explicit depends_on and inputs' owners).
    dependencies: tuple[str, ...] = ()


StackFinding = tuple[str | None, str]  # (urn or None for the whole stack, message)
StackCheck = Callable[[Sequence[Resource], Config], list[StackFinding]]


def schema(**properties: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """A policy's settings as the engine's config schema takes them: one JSON schema per keyword."""
    return {name: dict(spec) for name, spec in properties.items()}


@dataclass(frozen=True)
class ResourcePolicySpec:
    """A per-resource policy: which types it looks at, its check, its level and its tunables."""

    name: str
    description: str
    level: EnforcementLevel
    resource_types: frozenset[str]
    check: ResourceCheck
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    type_prefixes: tuple[str, ...] = ()  # e.g. ("aws:",) for a policy over every AWS resource

    def applies_to(self, resource_type: str) -> bool:
        return resource_type in self.resource_types or resource_type.startswith(self.type_prefixes or ("\0",))

    def effective_config(self, config: Config | None = None) -> dict[str, Any]:
        merged = {key: spec["default"] for key, spec in self.config.items() if "default" in spec}
        merged.update({key: value for key, value in (config or {}).items() if key != "enforcementLevel"})
        return merged

    def evaluate(self, resource_type: str, props: Mapping[str, Any], config: Config | None = None) -> list[str]:
        """Messages for one resource; [] when compliant or when the policy does not apply."""
        if not self.applies_to(resource_type):
            return []
        return self.check(resource_type, normalize(props), self.effective_config(config))


@dataclass(frozen=True)
class StackPolicySpec:
    """A policy over the whole stack (e.g. "every bucket has a public access block")."""

    name: str
    description: str
    level: EnforcementLevel
    check: StackCheck
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def effective_config(self, config: Config | None = None) -> dict[str, Any]:
        merged = {key: spec["default"] for key, spec in self.config.items() if "default" in spec}
        merged.update({key: value for key, value in (config or {}).items() if key != "enforcementLevel"})
        return merged

    def evaluate(self, resources: Sequence[Resource], config: Config | None = None) -> list[StackFinding]:
        return self.check(resources, self.effective_config(config))


MANDATORY = EnforcementLevel.MANDATORY
ADVISORY = EnforcementLevel.ADVISORY


def provider_urn(reference: str) -> str:
    """Provider references are "URN::ID"; the URN alone identifies the provider."""
    if reference.count("::") > 3:
        return reference.rsplit("::", 1)[0]
    return reference


def references(sub: Resource, target: Resource, prop: str) -> bool | None:
    """Whether `sub.props[prop]` points at `target`; None when that cannot be seen."""
    dependencies = sub.property_dependencies.get(prop)
    if dependencies:
        return target.urn in dependencies
    value = sub.props.get(prop)
    if value is UNKNOWN or value is None:
        return None
    identities = {target.id, target.name, target.props.get("bucket"), target.props.get("clusterIdentifier")}
    identities.discard("")
    identities.discard(None)
    return value in identities
