"""Cost-allocation tags: every AWS resource is created by a provider whose default tags carry them.

Per resource: an AWS provider's `defaultTags` name every required tag, and no resource blanks one
with its own `tags`. Over the stack: every AWS resource uses such a provider (the engine's
untagged default provider included).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from policy.resource_types import AWS_PROVIDER
from policy.specs import MANDATORY, Config, Resource, ResourcePolicySpec, StackFinding, StackPolicySpec, provider_urn, schema
from policy.values import SECRET, UNKNOWN, get, is_set, normalize

REQUIRED_TAGS = ["Project", "Environment", "ManagedBy", "Owner", "CostCenter"]


def _provider_default_tags(props: Mapping[str, Any]) -> Any:
    default_tags = get(props, "defaultTags")
    if isinstance(default_tags, str) and default_tags not in (SECRET,):
        # Provider inputs reach the engine JSON-encoded.
        try:
            default_tags = normalize(json.loads(default_tags))
        except ValueError:
            return None
    if default_tags is UNKNOWN:
        return UNKNOWN
    return get(default_tags, "tags")


def cost_allocation_tags(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """AWS providers tag everything they create; resources that set tags do not blank those keys."""
    required = list(config["requiredTags"])
    if resource_type == AWS_PROVIDER:
        tags = _provider_default_tags(props)
        if tags is UNKNOWN:
            return []
        missing = [t for t in required if not is_set(get(tags, t))]
        return [f"AWS provider defaultTags.tags is missing {', '.join(missing)}"] if missing else []
    tags = get(props, "tags")
    if not isinstance(tags, Mapping):
        return []
    blanked = [t for t in required if t in tags and not is_set(tags[t])]
    return [f"tags blank the cost-allocation tag(s) {', '.join(blanked)}"] if blanked else []


def aws_resources_use_tagged_provider(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """Every AWS resource is created by a provider that carries the cost-allocation default tags."""
    required = list(config["requiredTags"])
    providers = {r.urn: r for r in resources if r.type == AWS_PROVIDER}
    users: dict[str, list[Resource]] = {}
    for resource in resources:
        if resource.type.startswith("aws:") and resource.provider:
            users.setdefault(provider_urn(resource.provider), []).append(resource)
    findings: list[StackFinding] = []
    for provider_ref, used_by in sorted(users.items()):
        provider = providers.get(provider_ref)
        if provider is None:
            if "::pulumi:providers:aws::default" in provider_ref:
                findings.append(
                    (
                        used_by[0].urn,
                        f"{len(used_by)} AWS resource(s) use the default provider, which is not declared with cost-allocation default tags",
                    )
                )
            continue
        tags = _provider_default_tags(provider.props)
        if tags is UNKNOWN:
            continue
        missing = [t for t in required if not is_set(get(tags, t))]
        if missing:
            findings.append(
                (provider_ref, f"{len(used_by)} AWS resource(s) use this provider, whose default tags lack {', '.join(missing)}")
            )
    return findings


_TAG_CONFIG = schema(requiredTags={"type": "array", "items": {"type": "string"}, "default": REQUIRED_TAGS})

RESOURCE_POLICIES: list[ResourcePolicySpec] = [
    ResourcePolicySpec(
        "cost-allocation-tags",
        "AWS providers carry the cost-allocation default tags.",
        MANDATORY,
        frozenset({AWS_PROVIDER}),
        cost_allocation_tags,
        _TAG_CONFIG,
        type_prefixes=("aws:",),
    ),
]
STACK_POLICIES: list[StackPolicySpec] = [
    StackPolicySpec(
        "aws-resources-use-tagged-provider",
        "AWS resources come from providers with default tags.",
        MANDATORY,
        aws_resources_use_tagged_provider,
        _TAG_CONFIG,
    ),
]
