"""Tags and providers: every AWS resource goes through a provider that stamps the cost-allocation tags.

One provider per region, built once (`RegionalProviders`), and the Name tag per resource.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi_aws as aws

# The stack's own provider keeps the name it has always had.
STACK_PROVIDER_NAME = "aws"


def tagged_aws_provider(name: str, region: str, tags: Mapping[str, str]) -> aws.Provider:
    """An AWS provider whose default tags reach every taggable resource created through it.

    Default tags (rather than `tags=` on each resource) cannot be forgotten by a new
    component, and AWS reports them to Cost Explorer once activated as cost-allocation tags.
    """
    return aws.Provider(
        name,
        region=region,
        default_tags=aws.ProviderDefaultTagsArgs(tags=dict(tags)),
    )


class RegionalProviders:
    """The stack's AWS providers: exactly one per region, built the first time a region is asked for.

    Several components need the same other region (CloudFront's certificate, WAF and logs live in
    us-east-1; a canary runs in each `monitoring.canaryRegions` region; the backup copy vault
    lives in `backup.copyRegion`). A provider built by each of them would register its URN
    twice (`pulumi:providers:aws::aws-us-west-2`), which the engine refuses for the whole
    deployment ("Duplicate resource URN", pulumi/pulumi sdk/go/common/diag/errors.go); so every
    component takes its provider from here and a region's provider is one object.

    The stack's own region is served by the stack's provider (`aws`): a second provider for the
    same region would be the same endpoint, credentials and default tags under another name,
    and which of the two a resource used would depend on which component asked rather than on
    where the resource lives. With one provider per region, a provider's name is a function of
    its region alone (`aws` for the stack's, `aws-<region>` for any other), so adding or
    removing a canary region or the copy region never renames the provider of anything that
    exists. That matters because a resource whose provider changes is replaced unless the
    engine can tell the two providers are configured alike (pulumi/pulumi#3979; since
    pulumi/pulumi#18509, CLI 3.151.0, the engine asks the provider's DiffConfig). Only the move
    to this scheme leans on that, once, for stacks deployed before it (docs/first-deploy.md,
    "Upgrading"); the workflows pin a CLI that has it.
    """

    def __init__(self, stack_region: str, tags: Mapping[str, str]) -> None:
        self.stack_region = stack_region
        self._tags = dict(tags)
        self._providers: dict[str, aws.Provider] = {stack_region: tagged_aws_provider(STACK_PROVIDER_NAME, stack_region, self._tags)}

    @property
    def stack(self) -> aws.Provider:
        """The provider of the stack's own region."""
        return self._providers[self.stack_region]

    def get(self, region: str) -> aws.Provider:
        """The one provider for `region` (built now if no component asked for it before)."""
        if region not in self._providers:
            self._providers[region] = tagged_aws_provider(provider_name(region, self.stack_region), region, self._tags)
        return self._providers[region]

    def regions(self) -> list[str]:
        """The regions a provider has been built for, the stack's first."""
        return list(self._providers)


def provider_name(region: str, stack_region: str) -> str:
    """A provider's logical name from its region alone (its URN is `pulumi:providers:aws::<name>`)."""
    return STACK_PROVIDER_NAME if region == stack_region else f"aws-{region}"


def name_tag(name: str) -> dict[str, str]:
    """The console shows the Name tag; default tags cannot set it per resource."""
    return {"Name": name}
