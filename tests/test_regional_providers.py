"""One AWS provider per region, built once and handed to every component that needs that region.

The engine refuses a whole deployment when a URN is registered twice ("Duplicate resource URN";
pulumi/pulumi sdk/go/common/diag/errors.go), and the mocks do not: so these tests look for it.
The run below is the production test stack moved out of us-east-1 (tests/owned_stacks.py,
`elsewhere`): a stack in one region whose backup copy region is also a canary region, with a
canary in us-east-1 too, where CloudFront's certificate, web ACL and logs live. Each of those
regions is then needed by two components.
"""

from __future__ import annotations

import collections

import pulumi
import pulumi_aws as aws
import pytest
from owned_stacks import ELSEWHERE, GLOBAL_REGION, SHARED_REGION
from run_lookup import one, region_of

from components.monitoring import MonitoringArgs
from components.shared.tags import RegionalProviders, provider_name
from config.basics import Basics, Tags
from config.monitoring import parse_monitoring
from config.reader import Section
from config.slo import parse_slo
from preflight.recorder import RecordedResource
from preflight.runner import Run

PROVIDER = "pulumi:providers:aws"
CANARY = "aws:synthetics/canary:Canary"
STACK_REGION = ELSEWHERE


@pytest.fixture
def shared(production_elsewhere: Run) -> Run:
    """The program on the production test stack moved to other regions (owned_stacks.elsewhere)."""
    return production_elsewhere


def test_no_urn_is_registered_twice_when_components_share_a_region(shared: Run) -> None:
    counts = collections.Counter(r.urn for r in shared.resources)
    assert [urn for urn, n in counts.items() if n > 1] == []


def test_each_region_has_exactly_one_provider_named_for_it(shared: Run) -> None:
    providers = shared.of_type(PROVIDER)
    by_region = collections.defaultdict(list)
    for provider in providers:
        by_region[provider.inputs["region"]].append(provider.name)
    assert dict(by_region) == {region: [provider_name(region, STACK_REGION)] for region in (STACK_REGION, SHARED_REGION, GLOBAL_REGION)}


def _provider_urns(run: Run, resources: list[RecordedResource]) -> set[str]:
    return {str(r.provider).rsplit("::", 1)[0] for r in resources}


def test_every_component_that_needs_a_region_gets_that_regions_one_provider(shared: Run) -> None:
    copy_vault = one(shared, "aws:backup/vault:Vault", "backup-copy-vault")
    shared_canary = one(shared, CANARY, f"monitoring-canary-{SHARED_REGION}")
    assert region_of(shared, copy_vault) == SHARED_REGION
    assert _provider_urns(shared, [copy_vault, shared_canary]) == _provider_urns(shared, [copy_vault])

    (acl,) = shared.of_type("aws:wafv2/webAcl:WebAcl")
    east = [
        acl,
        one(shared, "aws:acm/certificate:Certificate", "certificates-cdn"),
        one(shared, "aws:cloudwatch/logGroup:LogGroup", "cdn-access-logs"),
        one(shared, CANARY, f"monitoring-canary-{GLOBAL_REGION}"),
    ]
    assert {region_of(shared, r) for r in east} == {GLOBAL_REGION}
    assert len(_provider_urns(shared, east)) == 1

    # And, whole-stack: every AWS resource of a region goes through that region's one provider.
    regional = collections.defaultdict(set)
    for resource in shared.resources:
        if resource.custom and resource.type.startswith("aws:"):
            regional[region_of(shared, resource)].add(str(resource.provider).rsplit("::", 1)[0])
    assert {region: len(urns) for region, urns in regional.items()} == {STACK_REGION: 1, SHARED_REGION: 1, GLOBAL_REGION: 1}


def test_the_registry_builds_a_region_once_and_serves_the_stack_region_with_the_stack_provider() -> None:
    @pulumi.runtime.test
    def program() -> None:
        providers = RegionalProviders(STACK_REGION, {"Project": "email-platform"})
        assert providers.get(SHARED_REGION) is providers.get(SHARED_REGION)
        assert providers.get(STACK_REGION) is providers.stack
        assert providers.regions() == [STACK_REGION, SHARED_REGION]

    program()


def _monitoring_args(canary_providers: dict[str, aws.Provider], us_east_1: aws.Provider) -> MonitoringArgs:
    """Monitoring in SHARED_REGION with canaries there and in us-east-1."""
    settings = parse_monitoring(
        Section(
            "email-platform:monitoring",
            {
                "notifications": {"emails": ["oncall@example.com"]},
                "budget": {"monthlyUsd": 100, "emails": ["finance@example.com"]},
                "canaryRegions": [SHARED_REGION, GLOBAL_REGION],
            },
        ),
        Basics("production", SHARED_REGION, "mail.example.com", Tags("platform-team", "email-platform", {})),
    )
    basics = Basics("production", SHARED_REGION, "mail.example.com", Tags("platform-team", "email-platform", {}))
    return MonitoringArgs(
        settings=settings,
        slo=parse_slo(Section("email-platform:slo", {}), basics),
        environment="production",
        region=SHARED_REGION,
        domain="mail.example.com",
        health_check_path="/health",
        us_east_1_provider=us_east_1,
        canary_providers=canary_providers,
        alb_arn_suffix="app/lb/1",
        target_group_arn_suffixes={"blue": "targetgroup/blue/1"},
        db_cluster_identifier="db",
        db_instance_identifiers=["db-1"],
        redis_replication_group_id="cache",
        redis_member_clusters=["cache-0001-001"],
        redis_node_count=1,
        cdn_distribution_id="E1",
    )


def test_monitoring_refuses_a_second_provider_for_us_east_1_and_a_canary_region_without_one() -> None:
    @pulumi.runtime.test
    def program() -> None:
        east = aws.Provider("aws-us-east-1", region=GLOBAL_REGION)
        assert _monitoring_args({GLOBAL_REGION: east}, east).canary_providers[GLOBAL_REGION] is east
        with pytest.raises(ValueError, match="two providers for us-east-1"):
            _monitoring_args({GLOBAL_REGION: aws.Provider("another-us-east-1", region=GLOBAL_REGION)}, east)
        with pytest.raises(ValueError, match="no provider for canary region"):
            _monitoring_args({}, east)

    program()
