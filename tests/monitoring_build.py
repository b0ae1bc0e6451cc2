"""Building the Monitoring component under the mocks, with the identifiers the real resources would hand over.

Used by tests/test_monitoring_*.py and tests/test_slo_alarms.py: the config is read through the same
parsers as a stack file's, so the component gets what a stack would give it. `shared_build` is the
build most of those tests read, made once per test process (plain records).
"""

from __future__ import annotations

import json
from typing import Any

import component_build
import pulumi
import pulumi_aws as aws

from components.monitoring import Monitoring, MonitoringArgs
from config.basics import Basics, Tags
from config.monitoring import MonitoringSettings, parse_monitoring
from config.reader import Section
from config.slo import SloSettings, parse_slo
from preflight.recorder import RecordedResource, RecordingMonitor

ALB = "app/email-platform-production/50dc6c495c0c9188"
TARGET_GROUPS = {"blue": "targetgroup/email-blue/6d0ecf831eec9f09", "green": "targetgroup/email-green/943f017f100becff"}
DB_CLUSTER = "email-platform-production"
DB_INSTANCES = ["email-platform-production-1", "email-platform-production-2"]
REPLICATION_GROUP = "email-platform-production"
# As ElastiCache lists them: not in order.
MEMBERS = [
    f"{REPLICATION_GROUP}-0002-001",
    f"{REPLICATION_GROUP}-0001-002",
    f"{REPLICATION_GROUP}-0001-001",
    f"{REPLICATION_GROUP}-0002-002",
]
DISTRIBUTION = "E2QWRUHAPOMQZL"
DOMAIN = "mail.example.com"
HEALTH_PATH = "/health"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
EAST_PROVIDER = "aws-us-east-1"

BASE_CONFIG: dict[str, Any] = {
    "notifications": {"emails": ["oncall@example.com"], "webhooks": ["https://hooks.example.com/alarms"]},
    "budget": {"monthlyUsd": 3000, "emails": ["finance@example.com"]},
    "canaryRegions": ["us-east-1"],
}


BASICS = Basics("production", "us-east-1", DOMAIN, Tags("platform-team", "email-platform", {}))


def settings(**changes: Any) -> MonitoringSettings:
    raw = json.loads(json.dumps(BASE_CONFIG))
    raw.update(changes)
    return parse_monitoring(Section("email-platform:monitoring", raw), BASICS)


def objectives(**changes: Any) -> SloSettings:
    return parse_slo(Section("email-platform:slo", dict(changes)), BASICS)


class Built(component_build.Built):
    def named_typed(self, type_token: str, name: str) -> RecordedResource:
        (match,) = [r for r in self.of_type(type_token) if r.name == name]
        return match

    def alarm(self, role: str) -> RecordedResource:
        return self.named(f"monitoring-{role}")

    def is_east(self, resource: RecordedResource) -> bool:
        return resource.provider is not None and f"::{EAST_PROVIDER}::" in resource.provider


def build(
    monitor: RecordingMonitor,
    config: MonitoringSettings | None = None,
    region: str = "us-east-1",
    slo: SloSettings | None = None,
    delivery_measured: bool = True,
) -> Built:
    """Build the component with realistic identifiers; return what it registered."""

    def program() -> None:
        east = aws.Provider(EAST_PROVIDER, region="us-east-1")
        # The stack's own provider, as __main__ passes it; the default one when in us-east-1.
        regional = None if region == "us-east-1" else aws.Provider(f"aws-{region}", region=region)
        chosen = config or settings()
        # One provider per canary region other than the stack's, us-east-1's being `east` (as RegionalProviders hands them out).
        canary_providers = {
            r: east if r == "us-east-1" else aws.Provider(f"aws-{r}", region=r) for r in chosen.canaries.regions if r != region
        }
        Monitoring(
            "monitoring",
            MonitoringArgs(
                settings=chosen,
                canary_providers=canary_providers,
                slo=slo or objectives(),
                environment="production",
                region=region,
                domain=DOMAIN,
                health_check_path=HEALTH_PATH,
                us_east_1_provider=east,
                alb_arn_suffix=ALB,
                target_group_arn_suffixes=TARGET_GROUPS,
                db_cluster_identifier=DB_CLUSTER,
                db_instance_identifiers=DB_INSTANCES,
                redis_replication_group_id=REPLICATION_GROUP,
                # An Output, as the replication group hands it over.
                redis_member_clusters=pulumi.Output.from_input(MEMBERS),
                redis_node_count=len(MEMBERS),
                cdn_distribution_id=DISTRIBUTION,
                delivery_measured=delivery_measured,
            ),
            opts=pulumi.ResourceOptions(providers={"aws": regional} if regional else None),
        )

    made = component_build.build(monitor, program)
    return Built(made.resources, made.root)


_SHARED: dict[bool, Built] = {}


def shared_build(monitor: RecordingMonitor, *, cost_tags_active: bool = False) -> Built:
    """The component with the base settings (the cost-allocation tags activated or not), built once per
    test process: what it returns is plain data the tests only read."""
    if cost_tags_active not in _SHARED:
        _SHARED[cost_tags_active] = build(monitor, settings(activateCostAllocationTags=True) if cost_tags_active else None)
    return _SHARED[cost_tags_active]


def metric(alarm: RecordedResource) -> tuple[str, str, dict[str, str], str]:
    inputs = alarm.inputs
    return inputs["namespace"], inputs["metricName"], inputs["dimensions"], inputs["statistic"]
