"""What the Pulumi engine refuses, and what two AWS resources cannot both own.

The engine stops a preview on a URN registered twice ("Duplicate resource URN '%v'; try giving it a
unique name", pulumi/pulumi sdk/go/common/diag/errors.go, raised by `generateURN` in
pkg/resource/deploy/step_generator.go), on an alias another resource already answers to ("Duplicate
resource alias '%v' applied to resource with URN '%v' conflicting with resource with URN '%v'", same
file), on a parent it has not seen ("could not find parent resource %v", step_generator.go
`checkParent`), and it refuses a state whose provider, dependency or property dependency names
nothing ("resource %s refers to unknown provider %s", "resource %s's dependency %s refers to missing
resource", pkg/resource/deploy/snapshot.go `VerifyIntegrity`). Default providers are the engine's
own (`pulumi:providers:<pkg>::default…`): a reference to one names something even when the plan
does not list it.

Two resources that claim one physical name (policy/physical_names.py) pass every engine check and
fail at the second create, or overwrite each other on every update.

A second AWS provider for a region is legal, but every resource must then pick one of two, and a
later merge renames one and replaces everything under it: advisory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from policy.physical_names import PHYSICAL_NAMES, PhysicalName
from policy.plan_graph import short
from policy.resource_types import AWS_PROVIDER
from policy.specs import ADVISORY, MANDATORY, Config, Resource, StackFinding, StackPolicySpec, provider_urn
from policy.values import SECRET, UNKNOWN, get

_DEFAULT_PROVIDER = re.compile(r"::pulumi:providers:[^:]+::default(_[0-9_]+.*)?$")
_SHOWN = 3  # registrations named in one finding


def _described(resource: Resource, index: int) -> str:
    parent = f", parent {short(resource.parent)}" if resource.parent else ""
    return f"#{index + 1} ({resource.type}{parent})"


def _inputs_compared(registrations: Sequence[Resource]) -> str:
    first = registrations[0].props
    differing = sorted({key for other in registrations[1:] for key in {*first, *other.props} if first.get(key) != other.props.get(key)})
    return f"inputs differing in {', '.join(differing)}" if differing else "with the same inputs"


def unique_urns(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """Each URN is registered once, and no alias is one another resource already answers to."""
    seen: dict[str, list[int]] = {}
    for index, resource in enumerate(resources):
        seen.setdefault(resource.urn, []).append(index)
    findings: list[StackFinding] = []
    for urn, indexes in seen.items():
        if len(indexes) > 1:
            shown = " and ".join(_described(resources[i], i) for i in indexes[:_SHOWN])
            findings.append(
                (
                    urn,
                    f"registered {len(indexes)} times: {shown}, {_inputs_compared([resources[i] for i in indexes])}; "
                    f"the engine stops the preview: Duplicate resource URN '{urn}'",
                )
            )
    owners: dict[str, str] = {}
    for resource in resources:
        for alias in resource.aliases:
            other = owners.get(alias) or (alias if alias in seen and alias != resource.urn else None)
            if other is not None and other != resource.urn:
                findings.append(
                    (resource.urn, f"alias {alias} is already {short(other)}'s (the engine refuses a duplicate resource alias)")
                )
            owners.setdefault(alias, resource.urn)
    return findings


def _is_default_provider(urn: str) -> bool:
    return bool(_DEFAULT_PROVIDER.search(urn))


def references_resolve(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """Every parent, provider, dependency and property dependency names a resource of the plan."""
    urns = {resource.urn for resource in resources}
    providers = {resource.urn for resource in resources if resource.type.startswith("pulumi:providers:")}
    findings: list[StackFinding] = []
    for resource in resources:
        if resource.parent and resource.parent not in urns:
            findings.append(
                (resource.urn, f"parent {resource.parent} names nothing in the plan (the engine: could not find parent resource)")
            )
        if resource.provider:
            provider = provider_urn(resource.provider)
            if provider not in providers and not _is_default_provider(provider):
                findings.append(
                    (resource.urn, f"provider {provider} names no provider in the plan (the engine: refers to unknown provider)")
                )
        for dependency in resource.dependencies:
            if dependency not in urns:
                findings.append(
                    (resource.urn, f"dependency {dependency} names nothing in the plan (the engine: refers to missing resource)")
                )
        for prop, dependencies in sorted(resource.property_dependencies.items()):
            for dependency in dependencies:
                if dependency not in urns:
                    findings.append((resource.urn, f"{prop} depends on {dependency}, which names nothing in the plan"))
    return findings


# -- physical names ------------------------------------------------------------------------------


def _provider_props(resource: Resource, providers: Mapping[str, Resource]) -> Mapping[str, Any] | None:
    provider = providers.get(provider_urn(resource.provider)) if resource.provider else None
    return provider.props if provider is not None else None


def _json_value(value: Any) -> Any:
    """Provider inputs reach the engine JSON-encoded (`assumeRoles`, `defaultTags`)."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _account(props: Mapping[str, Any] | None) -> str:
    """What tells one AWS account from another in a provider's settings (the same when none is set)."""
    if props is None:
        return ""
    parts = {key: _json_value(props.get(key)) for key in ("profile", "assumeRole", "assumeRoles", "allowedAccountIds", "accessKey")}
    return json.dumps({key: value for key, value in parts.items() if value not in (None, "", [], {})}, sort_keys=True, default=str)


def _region(resource: Resource, providers: Mapping[str, Resource], default_region: str) -> str:
    """The resource's own `region` (pulumi-aws v7 takes one per resource), else its provider's, else the stack's."""
    own = resource.props.get("region")
    if isinstance(own, str) and own and own != SECRET:
        return own
    props = _provider_props(resource, providers)
    region = props.get("region") if props is not None else None
    if isinstance(region, str) and region and region != SECRET:
        return region
    if props is None and resource.provider and not _is_default_provider(provider_urn(resource.provider)):
        return f"the region of {short(provider_urn(resource.provider))}"
    return default_region or "the stack's region"


def _values(props: Mapping[str, Any], spec: PhysicalName) -> list[tuple[str, ...]] | None:
    """The name(s) a resource claims; None when an input is not set or cannot be seen."""
    defaults = dict(spec.defaults)
    names: list[tuple[str, ...]] = [()]
    for path in spec.inputs:
        many = path.endswith("*")
        value = get(props, path.rstrip("*"))
        if value is None or value == "":
            value = defaults.get(path.rstrip("*"))
        if value is None or value is UNKNOWN or value == SECRET:
            return None
        entries = value if many and isinstance(value, list) else [value]
        if any(entry is UNKNOWN or entry == SECRET or isinstance(entry, Mapping | list) for entry in entries):
            return None
        texts = [str(entry).rstrip(".") if spec.dns else str(entry) for entry in entries]
        names = [(*name, text.lower() if spec.folded else text) for name in names for text in texts]
    return names


def unique_physical_names(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """No two resources claim one named AWS object in one scope (account, region)."""
    providers = {r.urn: r for r in resources if r.type == AWS_PROVIDER}
    default_region = str(config.get("region") or "")
    claims: dict[tuple[str, ...], list[Resource]] = {}
    for resource in resources:
        spec = PHYSICAL_NAMES.get(resource.type)
        if spec is None:
            continue
        names = _values(resource.props, spec)
        if names is None:
            continue
        account = "" if spec.scope == "partition" else _account(_provider_props(resource, providers))
        region = _region(resource, providers, default_region) if spec.scope == "region" else spec.scope
        for name in names:
            key = (spec.kind or resource.type, account, region, *name)
            claims.setdefault(key, []).append(resource)
    findings: list[StackFinding] = []
    for key, owners in claims.items():
        kind, region, name = key[0], key[2], key[3:]
        distinct = list({owner.urn: owner for owner in owners}.values())
        if len(distinct) < 2:
            continue
        where = "every account" if region == "partition" else "the account" if region == "account" else region
        label = "/".join(name) if name else "(one per region)"
        first = distinct[0]
        for other in distinct[1:]:
            findings.append(
                (
                    other.urn,
                    f"{kind.split(':')[-1]} {label!r} in {where} is also claimed by {first.urn} (one of the two creates fails or they overwrite each other)",
                )
            )
    return findings


def one_provider_per_region(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """One AWS provider per region and account: every component gets that region's provider."""
    first: dict[tuple[str, str], Resource] = {}
    findings: list[StackFinding] = []
    for resource in resources:
        if resource.type != AWS_PROVIDER or _is_default_provider(resource.urn):
            continue
        region = resource.props.get("region")
        if not isinstance(region, str) or region in ("", SECRET):
            continue
        key = (region, _account(resource.props))
        if key not in first:
            first[key] = resource
        elif first[key].urn != resource.urn:
            findings.append(
                (
                    resource.urn,
                    f"a second AWS provider for {region} (the first is {short(first[key].urn)}); build one per region and hand it to every component",
                )
            )
    return findings


STACK_POLICIES = [
    StackPolicySpec(
        name="engine-unique-urns",
        description="Each URN is registered once (providers included) and no alias is another resource's: the engine stops the preview otherwise.",
        level=MANDATORY,
        check=unique_urns,
    ),
    StackPolicySpec(
        name="engine-references-resolve",
        description="Every parent, provider, dependency and property dependency names a resource of the plan.",
        level=MANDATORY,
        check=references_resolve,
    ),
    StackPolicySpec(
        name="aws-unique-physical-names",
        description="No two resources claim one named AWS object (role, log group, alarm, bucket, rule …) in one account and region.",
        level=MANDATORY,
        check=unique_physical_names,
        config={"region": {"type": "string", "default": ""}},
    ),
    StackPolicySpec(
        name="aws-one-provider-per-region",
        description="One AWS provider per region and account, handed to every component that works in that region.",
        level=ADVISORY,
        check=one_provider_per_region,
    ),
]
