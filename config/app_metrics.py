"""The app's delivery counters: the one declaration of their names, and how they reach CloudWatch.

The app counts every email it hands to a provider (`EmailsAttempted`) and every one the provider
accepted for delivery (`EmailsDelivered`), with the provider as a dimension, and writes them in
CloudWatch's embedded metric format (EMF) to the CloudWatch agent of the cluster's
`amazon-cloudwatch-observability` add-on, over TCP on the agent's EMF port. The agent forwards the
documents to CloudWatch Logs, which extracts the metrics. The delivery SLO, its alarms, the
dashboard, the app's environment, its NetworkPolicy and the add-on's agent configuration all read
the names below; docs/releases.md ("The app contract") lists them and a test holds the page to them.

Why EMF through the agent, not the two alternatives (sources checked 2026-11, see docs/operations.md):
- Scraping `/metrics`: the add-on's agent scrapes nothing by default (its chart's
  `agent.prometheus.config` is empty, and the default agent configuration has no `prometheus`
  section: aws-observability/helm-charts, charts/amazon-cloudwatch-observability/values.yaml and
  templates/_helpers.tpl "build-default-config"). Turning it on means a scrape job over the app's
  HTTPS port with the internal CA, and the agent runs as a DaemonSet: every node's agent would scrape
  every pod unless a target allocator shares the targets out.
- EMF on stdout: the add-on's Fluent Bit sends container logs with the Kubernetes filter's
  `Merge_Log_Key log_processed` (same values.yaml, application-log.conf), so a JSON line written by
  the app arrives as `{"log": ..., "log_processed": {"_aws": ...}, "kubernetes": ...}`. The EMF
  specification requires `_aws` as a member of the event's root node ("Specification: Embedded metric
  format", Root node), so CloudWatch Logs would extract nothing.
- EMF to the agent: `logs.metrics_collected.emf` makes the agent listen on 25888 (TCP and UDP), and
  the add-on's operator then adds those ports to the agent's Service, named after the agent
  (aws/amazon-cloudwatch-agent-operator, internal/manifests/collector/ports.go and service.go; a
  DaemonSet's Service keeps traffic on the node: internalTrafficPolicy Local). Each document reaches
  one agent, so nothing is counted twice.
"""

from __future__ import annotations

from typing import Any

# CloudWatch namespace and metric names (Unit: Count; Statistic: Sum).
NAMESPACE = "EmailPlatform/Delivery"
ATTEMPTED = "EmailsAttempted"
DELIVERED = "EmailsDelivered"
METRIC_NAMES = (ATTEMPTED, DELIVERED)
UNIT = "Count"
# Every document carries both dimension sets: the SLO reads the environment's total, the dashboard
# and an on-call engineer the per-provider series.
ENVIRONMENT_DIMENSION = "Environment"
PROVIDER_DIMENSION = "Provider"
DIMENSION_SETS: tuple[tuple[str, ...], ...] = ((ENVIRONMENT_DIMENSION,), (ENVIRONMENT_DIMENSION, PROVIDER_DIMENSION))

# The add-on's agent: its namespace, its name (the operator names the agent's Service after it), and
# the port of its EMF listener (CloudWatch User Guide, "Generating logs using the embedded metric
# format with the CloudWatch agent"; the operator's ports.go: `EMF: 25888`).
AGENT_NAMESPACE = "amazon-cloudwatch"
AGENT_NAME = "cloudwatch-agent"
EMF_PORT = 25888
# The app's EMF library (awslabs/aws-embedded-metrics-node, src/config/EnvironmentConfigurationProvider.ts)
# reads AWS_EMF_* variables; `Agent` makes it send to AWS_EMF_AGENT_ENDPOINT instead of stdout.
EMF_ENVIRONMENT = "Agent"
SERVICE_NAME = "email-platform"


def agent_endpoint() -> str:
    return f"tcp://{AGENT_NAME}.{AGENT_NAMESPACE}:{EMF_PORT}"


def log_group(cluster_name: str) -> str:
    """Where the agent writes the EMF documents: Container Insights' application log group, which the
    stack creates with its retention and key (components/observability.py)."""
    return f"/aws/containerinsights/{cluster_name}/application"


# The variables the app's pods get so that its EMF library reaches the agent; the log group's
# (LOG_GROUP_VARIABLE) depends on the cluster's name.
APP_ENVIRONMENT = {
    "AWS_EMF_ENVIRONMENT": EMF_ENVIRONMENT,
    "AWS_EMF_AGENT_ENDPOINT": agent_endpoint(),
    "AWS_EMF_SERVICE_NAME": SERVICE_NAME,
    "EMAIL_METRICS_NAMESPACE": NAMESPACE,
}
LOG_GROUP_VARIABLE = "AWS_EMF_LOG_GROUP_NAME"


def agent_configuration() -> dict[str, Any]:
    """The add-on's `agent.config`: its own defaults (Container Insights with enhanced observability,
    Application Signals) plus the EMF listener. A configuration given here replaces the default one, so
    the defaults are repeated (the chart's "build-default-config"); the chart fills in the cluster name
    and region itself ("config-modifier")."""
    return {
        "agent": {
            "config": {
                "logs": {
                    "metrics_collected": {
                        "kubernetes": {"enhanced_container_insights": True},
                        "application_signals": {},
                        "emf": {},
                    }
                },
                "traces": {"traces_collected": {"application_signals": {}}},
            }
        }
    }
