"""Usage assumptions for the cost estimate, keyed like Infracost's usage file.

``costUsage`` maps a resource type to usage figures, e.g.
``aws:ec2/natGateway:NatGateway: {monthly_data_processed_gb: 500}``. They are shown next to
every estimate so that a reviewer sees what was assumed. A misspelt figure would silently
price as zero, so only the figures the pricer reads are accepted.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from config.declare import entries, key
from config.reader import ConfigError
from config.reading import At

# What pricing/services.py reads, per type (a test holds the two together).
USAGE_FIGURES: dict[str, tuple[str, ...]] = {
    "aws:ec2/natGateway:NatGateway": ("monthly_data_processed_gb",),
    "aws:ec2/flowLog:FlowLog": ("monthly_data_ingested_gb",),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("monthly_data_processed_gb",),
    "aws:lb/loadBalancer:LoadBalancer": ("lcu_hours",),
    "aws:rds/cluster:Cluster": ("storage_gb", "monthly_io_requests"),
    "aws:rds/clusterInstance:ClusterInstance": ("enhanced_monitoring_gb",),
    "aws:cloudfront/distribution:Distribution": (
        "monthly_data_transfer_to_internet_gb",
        "monthly_https_requests",
        "monthly_http_requests",
    ),
    "aws:s3/bucket:Bucket": ("storage_gb",),
    "aws:cloudwatch/logGroup:LogGroup": ("monthly_data_ingested_gb", "storage_gb"),
    "aws:wafv2/webAcl:WebAcl": ("monthly_requests",),
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": ("monthly_data_ingested_gb",),
    "aws:cloudwatch/eventBus:EventBus": ("monthly_custom_events",),
    "aws:cloudwatch/eventArchive:EventArchive": ("monthly_archive_processing_gb", "archive_storage_gb"),
    "aws:cloudwatch/eventApiDestination:EventApiDestination": ("monthly_invocations",),
    "aws:appconfig/configurationProfile:ConfigurationProfile": ("monthly_configuration_requests", "monthly_configurations_received"),
    # The stack runs no serverless cache: these describe the cache's workload, so that
    # `preflight cost --advise` can price ElastiCache Serverless against the nodes.
    "aws:elasticache/serverlessCache:ServerlessCache": ("data_stored_gb", "monthly_ecpus"),
    "aws:backup/plan:Plan": ("storage_gb", "monthly_copy_gb"),
    "aws:ecr/repository:Repository": ("storage_gb", "monthly_images_pushed", "monthly_image_rescans"),
    "aws:sqs/queue:Queue": ("monthly_requests",),
}


@dataclass(frozen=True)
class CostUsage:
    by_type: dict[str, dict[str, float]] = field(default_factory=dict)


def _did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean '{close[0]}'? " if close else ""


def _known_figures(figures: dict[str, float], at: At) -> None:
    """≥ 0, the figures the pricer reads for the type"""
    known = USAGE_FIGURES[at.key.rsplit(".", 1)[-1]]
    for name, value in figures.items():
        if name not in known:
            raise ConfigError(f"{at.key}.{name}", name, f"{_did_you_mean(name, known)}this type's figures: {', '.join(known)}")
        if value < 0:
            raise ConfigError(f"{at.key}.{name}", value, "must be at least 0")


def _usage(by_type: dict[str, dict[str, float]], at: At) -> CostUsage:
    return CostUsage(by_type)


# The value of `email-platform:costUsage`: figures by resource type.
COST_USAGE = entries(
    key(
        "map of numbers",
        "usage figures the cost estimate assumes for each resource of that type",
        default={},
        checks=(_known_figures,),
    ),
    "usage assumptions for the cost estimate (figures named as in Infracost's usage file)",
    "<resource type>",
    names=tuple(USAGE_FIGURES),
    convert=_usage,
)
