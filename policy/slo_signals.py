"""SLO signals: an objective the stack promises is measured by something that exists.

The delivery SLO (the guide's 99 % delivery rate) reads the app's own counters, which reach CloudWatch
only through the CloudWatch agent of the `amazon-cloudwatch-observability` add-on the stack installs
(config/app_metrics.py). A stack without that agent (`observability.enabled: false`, or a cluster it
does not create) gets no delivery alarms, since they would see no data for ever and stay OK
(`treatMissingData: notBreaching`); this advisory says, at plan time, that delivery goes unmeasured
there (docs/operations.md, "The delivery SLO needs the CloudWatch agent").
"""

from __future__ import annotations

from collections.abc import Sequence

from policy.specs import ADVISORY, Config, Resource, StackFinding, StackPolicySpec
from policy.values import as_list, get

METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
# The app's delivery counters' namespace (config/app_metrics.py NAMESPACE; a test holds the two together).
DELIVERY_NAMESPACE = "EmailPlatform/Delivery"


def _namespaces(alarm: Resource) -> set[str]:
    found = {get(alarm.props, "namespace")}
    found |= {get(query, "metric.namespace") for query in as_list(get(alarm.props, "metricQueries"))}
    return {n for n in found if isinstance(n, str)}


def delivery_measured(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    alarms = [r for r in resources if r.type == METRIC_ALARM]
    if not alarms or any(DELIVERY_NAMESPACE in _namespaces(alarm) for alarm in alarms):
        return []
    return [
        (
            alarms[0].urn,
            f"no alarm reads the app's delivery counters ({DELIVERY_NAMESPACE}): the delivery SLO is not measured on this "
            "stack, since it installs no CloudWatch agent for them (observability.enabled: false, or cluster.mode: existing); "
            "see docs/operations.md",
        )
    ]


POLICY = "delivery-slo-measured"
STACK_POLICIES: list[StackPolicySpec] = [
    StackPolicySpec(
        POLICY,
        "The delivery SLO is measured: the stack installs the CloudWatch agent its counters reach CloudWatch through.",
        ADVISORY,
        delivery_measured,
    ),
]
