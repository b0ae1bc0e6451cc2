"""What monitoring watches: the identifiers of the resources the rest of the stack made."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from config.monitoring import MonitoringSettings
from config.slo import SloSettings

_COLOUR = r"[a-z][a-z0-9-]{0,20}"


@dataclass
class ContainerWatch:
    """The app's pods as Container Insights names them: ClusterName, Namespace, and PodName = the
    Deployment's name (Container Insights drops the ReplicaSet and pod suffixes)."""

    cluster_name: pulumi.Input[str]
    namespace: pulumi.Input[str]
    # Colour → the Deployment's name, read from the Deployment itself.
    workloads: Mapping[str, pulumi.Input[str]]
    restarts: int
    cpu_over_limit_percent: float


@dataclass
class MonitoringArgs:
    settings: MonitoringSettings
    # The objectives: the burn-rate alarms, and the load balancer's average response-time alarm.
    slo: SloSettings
    environment: str
    region: str
    domain: str
    # The app's health endpoint (config: app.healthCheckEndpoint): what the uptime canaries request.
    health_check_path: str
    us_east_1_provider: aws.Provider
    alb_arn_suffix: pulumi.Input[str]
    # Colour (blue/green) → the target group's ARN suffix.
    target_group_arn_suffixes: Mapping[str, pulumi.Input[str]]
    db_cluster_identifier: pulumi.Input[str]
    db_instance_identifiers: Sequence[pulumi.Input[str]]
    redis_replication_group_id: pulumi.Input[str]
    redis_member_clusters: pulumi.Input[Sequence[str]]
    # How many member clusters (nodes) there are: known from config, so the alarms per node
    # are declared up front and show in a preview, while their ids come from the group itself.
    redis_node_count: int
    cdn_distribution_id: pulumi.Input[str]
    # None: no Container Insights (an existing cluster, or observability turned off).
    containers: ContainerWatch | None = None
    # Whether the app's delivery counters reach CloudWatch (the stack installs the CloudWatch agent):
    # without, the delivery SLO is not made (config: StackConfig.delivery_measured).
    delivery_measured: bool = True
    # Each canary region other than the stack's → that region's one provider (built once for the
    # whole stack, so a region the backup copy also uses is not given a second provider).
    canary_providers: Mapping[str, aws.Provider] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.target_group_arn_suffixes:
            raise ValueError("the ALB needs at least one target group to watch")
        for colour in self.target_group_arn_suffixes:
            if not re.fullmatch(_COLOUR, colour):
                raise ValueError(f"target group key {colour!r} must be a short lower-case name, e.g. blue")
        if not self.db_instance_identifiers:
            raise ValueError("the database needs at least one instance to watch")
        if self.redis_node_count < 1:
            raise ValueError("the cache needs at least one node to watch")
        missing = [r for r in self.settings.canaries.regions if r != self.region and r not in self.canary_providers]
        if missing:
            raise ValueError(f"no provider for canary region(s) {', '.join(missing)}: pass the stack's provider for each")
        east = self.canary_providers.get("us-east-1")
        if east is not None and east is not self.us_east_1_provider:
            raise ValueError("two providers for us-east-1: a region has one provider, shared by every component")
