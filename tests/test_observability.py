"""Container logs and metrics: the CloudWatch observability add-on on Pod Identity, its log groups,
and the alarms on the app's containers (restarts, CPU at the limit)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from config_edits import Edit, set_key
from config_stacks import edited, refused
from owned_stacks import settings

from components.observability import ADDON, AGENT_POLICY, NAMESPACE, POD_IDENTITY_SERVICE, SERVICE_ACCOUNT
from config.addon_versions import DEFAULT_VERSIONS
from preflight.runner import Run


def _addons(run: Run) -> dict[str, Any]:
    return {a.inputs["addonName"]: a for a in run.of_type("aws:eks/addon:Addon")}


def test_the_add_on_runs_the_build_pinned_for_the_clusters_kubernetes(production: Run) -> None:
    addons = _addons(production)
    (cluster,) = production.of_type("aws:eks/cluster:Cluster")
    assert addons[ADDON].inputs["addonVersion"] == DEFAULT_VERSIONS[cluster.inputs["version"]][ADDON]
    assert addons[ADDON].inputs["clusterName"] == cluster.outputs["name"]


def test_its_agent_reaches_aws_through_the_add_ons_own_pod_identity_association(production: Run) -> None:
    """The add-on's agent runs as amazon-cloudwatch/cloudwatch-agent; the add-on's own
    `podIdentityAssociations` hands that service account the role (EKS creates it with the add-on),
    which trusts pods.eks.amazonaws.com for AssumeRole and TagSession."""
    addons = _addons(production)
    (association,) = addons[ADDON].inputs["podIdentityAssociations"]
    assert association["serviceAccount"] == SERVICE_ACCOUNT == "cloudwatch-agent"
    assert NAMESPACE == "amazon-cloudwatch"  # the add-on's namespace, where the agent runs
    standalone = production.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert not [a for a in standalone if a.inputs["namespace"] == NAMESPACE], "a second association for the same account"
    role = next(r for r in production.of_type("aws:iam/role:Role") if r.outputs["arn"] == association["roleArn"])
    (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"Service": POD_IDENTITY_SERVICE} == {"Service": "pods.eks.amazonaws.com"}
    assert sorted(statement["Action"]) == ["sts:AssumeRole", "sts:TagSession"]
    attached = [
        a for a in production.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment") if a.inputs["role"] == role.outputs["name"]
    ]
    assert [a.inputs["policyArn"] for a in attached] == [AGENT_POLICY] == ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"]
    assert {attached[0].urn, addons["eks-pod-identity-agent"].urn} <= set(addons[ADDON].dependencies), "policy and agent first"


def test_its_log_groups_exist_first_with_the_configured_retention(production: Run, staging: Run) -> None:
    for run in (production, staging):
        days = settings(run.stack).observability.log_retention_days
        groups = [g for g in run.of_type("aws:cloudwatch/logGroup:LogGroup") if "/aws/containerinsights/" in str(g.inputs.get("name"))]
        cluster = run.of_type("aws:eks/cluster:Cluster")[0].outputs["name"]
        assert sorted(g.inputs["name"] for g in groups) == [
            f"/aws/containerinsights/{cluster}/{kind}" for kind in ("application", "dataplane", "host", "performance")
        ]
        assert {g.inputs["retentionInDays"] for g in groups} == {days}
        assert {g.urn for g in groups} <= set(_addons(run)[ADDON].dependencies)


def test_alarms_watch_each_colours_pods_as_container_insights_names_them(production: Run) -> None:
    deployments = {d.name.removeprefix("app-"): d for d in production.of_type("kubernetes:apps/v1:Deployment")}
    cluster = production.of_type("aws:eks/cluster:Cluster")[0].outputs["name"]
    alarms = {a.name: a for a in production.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    for colour, deployment in deployments.items():
        for check, metric in (("restarts", "pod_number_of_container_restarts"), ("cpu-throttling", "pod_cpu_utilization_over_pod_limit")):
            alarm = alarms[f"monitoring-app-{colour}-{check}"]
            assert (alarm.inputs["namespace"], alarm.inputs["metricName"]) == ("ContainerInsights", metric)
            assert alarm.inputs["dimensions"] == {
                "ClusterName": cluster,
                "Namespace": deployment.inputs["metadata"]["namespace"],
                "PodName": deployment.inputs["metadata"]["name"],
            }
            assert alarm.inputs["alarmActions"], "a cause: it notifies on its own"
    assert alarms["monitoring-app-blue-cpu-throttling"].inputs["threshold"] == settings("production").observability.cpu_over_limit_percent


REJECTS = [
    ("production", set_key("observability.enabled", False), "email-platform:observability.enabled", "production keeps container logs"),
    ("staging", set_key("observability.logRetentionDays", 10), "observability.logRetentionDays", "CloudWatch allows"),
    ("staging", set_key("observability.cpuOverLimitPercent", 150), "observability.cpuOverLimitPercent", "between 10 and 100"),
    ("staging", set_key("observability.containerRestarts", -1), "observability.containerRestarts", "between 0 and 1000"),
]


@pytest.mark.parametrize(("stack", "edit", "key", "allowed"), REJECTS, ids=[r[2] for r in REJECTS])
def test_bad_observability_config_is_refused_in_one_line(tmp_path: Path, stack: str, edit: Edit, key: str, allowed: str) -> None:
    message = refused(edited(stack, edit), tmp_path)
    assert key in message and allowed in message, message
