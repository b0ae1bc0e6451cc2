"""Tags: every AWS resource goes through a provider that stamps the cost-allocation tags; Name per resource."""

from __future__ import annotations

import pulumi_aws as aws


def tagged_aws_provider(name: str, region: str, tags: dict[str, str]) -> aws.Provider:
    """An AWS provider whose default tags reach every taggable resource created through it.

    Default tags (rather than `tags=` on each resource) cannot be forgotten by a new
    component, and AWS reports them to Cost Explorer once activated as cost-allocation tags.
    """
    return aws.Provider(
        name,
        region=region,
        default_tags=aws.ProviderDefaultTagsArgs(tags=tags),
    )


def name_tag(name: str) -> dict[str, str]:
    """The console shows the Name tag; default tags cannot set it per resource."""
    return {"Name": name}
