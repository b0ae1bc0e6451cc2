"""Cost-allocation tags reach every taggable AWS resource, through providers with default tags."""

from __future__ import annotations

import json

from preflight.runner import Run

REQUIRED_TAGS = {"Project", "Environment", "ManagedBy", "Owner", "CostCenter"}


def _tagged_providers(run: Run) -> dict[str, dict[str, str]]:
    """Provider reference (urn::id) -> its default tags."""
    providers = {}
    for provider in run.of_type("pulumi:providers:aws"):
        default_tags = json.loads(provider.inputs.get("defaultTags", "{}")).get("tags", {})
        providers[f"{provider.urn}::{provider.id or provider.outputs.get('id', '')}"] = default_tags
    return providers


def test_every_aws_provider_stamps_the_cost_allocation_tags(each_stack: Run) -> None:
    for tags in _tagged_providers(each_stack).values():
        assert REQUIRED_TAGS <= set(tags)
        assert tags["Project"] == "email-platform"
        assert tags["Environment"] == each_stack.stack
        assert tags["ManagedBy"] == "pulumi"
        assert tags["Owner"] and tags["CostCenter"]


def test_every_aws_resource_goes_through_a_tagged_provider(each_stack: Run) -> None:
    tagged = _tagged_providers(each_stack)
    aws_resources = [r for r in each_stack.resources if r.custom and r.type.startswith("aws:")]
    assert len(aws_resources) > 30
    untagged = [r.urn for r in aws_resources if r.provider not in tagged]
    assert untagged == [], "these use the default provider, which has no default tags"


def test_resources_that_set_their_own_tags_do_not_override_cost_tags(each_stack: Run) -> None:
    for resource in each_stack.resources:
        own = resource.inputs.get("tags")
        if isinstance(own, dict):
            assert not (REQUIRED_TAGS & set(own)), f"{resource.urn} overrides a cost tag"
