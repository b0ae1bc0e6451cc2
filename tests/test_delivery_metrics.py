"""The app's delivery counters: one declaration (config/app_metrics.py) that the alarms, the pods, their
network policy, the CloudWatch agent's configuration and the app contract in docs/releases.md all follow.

A rename on any side (a metric name in the alarms, the agent's EMF listener switched off, the port
closed, the log group moved, the table in the docs) fails here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import app_build
import config_stacks
import monitoring_build

from components.observability import LOG_KINDS
from components.observability import NAMESPACE as OBSERVABILITY_NAMESPACE
from config import app_metrics
from policy import slo_signals
from policy.specs import Resource
from preflight.recorder import RecordedResource, RecordingMonitor
from preflight.runner import Run

ROOT = Path(__file__).resolve().parent.parent
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def _contract_table() -> dict[str, str]:
    """The app contract's table in docs/releases.md: what → value (backticks removed)."""
    text = (ROOT / "docs" / "releases.md").read_text()
    section = text[text.index("**Delivery counters**") :]
    rows = re.findall(r"^\s*\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|\s*$", section, flags=re.MULTILINE)
    return {what: value for what, value in rows if not set(what) <= {"-"} and what != "What"}


def test_the_contract_in_the_docs_is_the_declaration() -> None:
    table = _contract_table()
    assert table["namespace"] == f"`{app_metrics.NAMESPACE}`"
    named = {re.match(r"`([^`]+)`", value).group(1) for what, value in table.items() if what.startswith("metric:")}  # type: ignore[union-attr]
    assert named == set(app_metrics.METRIC_NAMES)
    assert all(f"unit `{app_metrics.UNIT}`" in value for what, value in table.items() if what.startswith("metric:"))
    sets = re.findall(r"`\[([^\]]+)\]`", table["dimension sets (both in every document)"])
    assert [tuple(part.strip() for part in s.split(",")) for s in sets] == list(app_metrics.DIMENSION_SETS)
    prose = (ROOT / "docs" / "releases.md").read_text()
    for variable in app_metrics.APP_ENVIRONMENT:
        assert variable in prose, variable
    assert app_metrics.agent_endpoint() in prose and app_metrics.LOG_GROUP_VARIABLE in prose


def test_the_delivery_alarms_read_the_contracts_counters(production: Run) -> None:
    environment = production.outputs["environment"]
    read: set[tuple[str, str]] = set()
    for alarm in production.of_type(ALARM):
        if "-slo-delivery-" not in alarm.inputs["name"]:
            continue
        for query in alarm.inputs["metricQueries"]:
            if query.get("metric"):
                metric = query["metric"]
                read.add((metric["namespace"], metric["metricName"]))
                assert metric["dimensions"] == {app_metrics.DIMENSION_SETS[0][0]: environment}
                assert metric["stat"] == "Sum"
    assert read == {(app_metrics.NAMESPACE, name) for name in app_metrics.METRIC_NAMES}


def _configuration(production: Run) -> dict[str, Any]:
    (addon,) = [a for a in production.of_type("aws:eks/addon:Addon") if a.inputs["addonName"] == "amazon-cloudwatch-observability"]
    configuration: dict[str, Any] = json.loads(addon.inputs["configurationValues"])
    return configuration


def test_the_agent_listens_for_emf_and_keeps_its_default_pipelines(production: Run) -> None:
    """The add-on's `agent.config` replaces its default configuration (the chart's build-default-config:
    `kubernetes` with enhanced Container Insights, and Application Signals): those stay, `emf` joins them."""
    config = _configuration(production)["agent"]["config"]
    collected = config["logs"]["metrics_collected"]
    assert collected["emf"] == {}
    assert collected["kubernetes"] == {"enhanced_container_insights": True}
    assert "application_signals" in collected and "application_signals" in config["traces"]["traces_collected"]
    assert app_metrics.AGENT_NAMESPACE == OBSERVABILITY_NAMESPACE


def test_the_pods_reach_the_agent_and_name_a_log_group_the_stack_keeps(production: Run) -> None:
    cluster = production.of_type("aws:eks/cluster:Cluster")[0].outputs["name"]
    kept = {g.inputs.get("name") for g in production.of_type("aws:cloudwatch/logGroup:LogGroup")}
    assert app_metrics.log_group(cluster) in kept
    assert app_metrics.log_group(cluster) in {f"/aws/containerinsights/{cluster}/{kind}" for kind in LOG_KINDS}
    for config_map in production.of_type("kubernetes:core/v1:ConfigMap"):
        if not config_map.name.endswith("-settings"):
            continue
        data = config_map.inputs["data"]
        assert {k: data[k] for k in app_metrics.APP_ENVIRONMENT} == app_metrics.APP_ENVIRONMENT, config_map.name
        assert data[app_metrics.LOG_GROUP_VARIABLE] == app_metrics.log_group(cluster)
    (policy,) = production.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
    emf = [rule for rule in policy.inputs["spec"]["egress"] if {"port": app_metrics.EMF_PORT, "protocol": "TCP"} in rule["ports"]]
    (rule,) = emf
    namespaces = [peer["namespaceSelector"]["matchLabels"] for peer in rule["to"] if "namespaceSelector" in peer]
    assert namespaces == [{"kubernetes.io/metadata.name": app_metrics.AGENT_NAMESPACE}]
    assert app_metrics.agent_endpoint() == f"tcp://{app_metrics.AGENT_NAME}.{app_metrics.AGENT_NAMESPACE}:{app_metrics.EMF_PORT}"


# ── without the CloudWatch agent, no delivery SLO (and the plan says so) ──


def _reads_delivery(resource: RecordedResource) -> bool:
    return app_metrics.NAMESPACE in json.dumps(resource.inputs)


def test_without_the_agent_no_alarm_gate_or_dashboard_reads_the_delivery_counters(pulumi_mocks: RecordingMonitor) -> None:
    measured = monitoring_build.build(pulumi_mocks)
    assert any(_reads_delivery(a) for a in measured.of_type(ALARM))
    dark = monitoring_build.build(pulumi_mocks, delivery_measured=False)
    assert dark.of_type(ALARM) and not any(_reads_delivery(r) for r in dark.resources)
    assert not any(_reads_delivery(r) for r in dark.of_type("aws:cloudwatch/dashboard:Dashboard"))


def test_without_the_agent_the_pods_get_no_emf_settings(pulumi_mocks: RecordingMonitor) -> None:
    def settings_of(built: app_build.Built) -> list[dict[str, Any]]:
        return [c.inputs["data"] for c in built.of_type("kubernetes:core/v1:ConfigMap") if "LOG_LEVEL" in c.inputs.get("data", {})]

    with_agent = settings_of(app_build.build_app(pulumi_mocks))
    assert with_agent and all(set(app_metrics.APP_ENVIRONMENT) <= set(data) for data in with_agent)
    without = settings_of(app_build.build_app(pulumi_mocks, emf_agent=False))
    assert without and not any(set(app_metrics.APP_ENVIRONMENT) & set(data) for data in without)
    assert not any(app_metrics.LOG_GROUP_VARIABLE in data for data in without)


def test_the_stack_measures_delivery_only_where_it_installs_the_agent(tmp_path: Path) -> None:
    def off(config: dict[str, Any]) -> None:
        config["email-platform:observability"] = {"enabled": False}

    def existing(config: dict[str, Any]) -> None:
        cluster = config["email-platform:cluster"]
        config["email-platform:cluster"] = {
            "version": cluster["version"],
            "mode": "existing",
            "existing": {"name": "shared", "securityGroupId": "sg-0123456789abcdef0"},
        }

    assert config_stacks.load(config_stacks.stack_config("staging"), tmp_path).delivery_measured
    assert not config_stacks.load(config_stacks.edited("staging", off), tmp_path).delivery_measured
    assert not config_stacks.load(config_stacks.edited("staging", existing), tmp_path).delivery_measured


def test_the_plan_says_when_delivery_goes_unmeasured(pulumi_mocks: RecordingMonitor) -> None:
    assert slo_signals.DELIVERY_NAMESPACE == app_metrics.NAMESPACE
    measured = monitoring_build.build(pulumi_mocks)
    assert slo_signals.delivery_measured(_records(measured.resources), {}) == []
    dark = monitoring_build.build(pulumi_mocks, delivery_measured=False).resources
    (finding,) = slo_signals.delivery_measured(_records(dark), {})
    assert "delivery SLO is not measured" in finding[1] and "observability.enabled: false" in finding[1]


def _records(resources: list[RecordedResource]) -> list[Resource]:
    return [Resource(r.type, r.urn, r.name, r.inputs) for r in resources]
