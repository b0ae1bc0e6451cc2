"""The controllers start with their credentials and their region, and the readiness gate cannot be skipped.

- Pod Identity associations "are eventually consistent, and may take several seconds to be
  effective" (EKS API, CreatePodIdentityAssociation): each controller's chart waits for its
  association and a settle after it, and so does each of the app's Deployments.
- Karpenter without a region asks IMDS, which the nodes' hop limit of 1 keeps from pods
  (karpenter-provider-aws `pkg/operator/operator.go`): it is given `AWS_REGION`.
- The Load Balancer Controller's pod webhook fails closed, for the app's pods only
  (pod_readiness_gate doc: `failurePolicy: Fail` "combined with an explicit Object Selector").
"""

from __future__ import annotations

from typing import Any

from app_build import build_app
from cluster_build import build_cluster, cluster_config, cluster_settings, depends_transitively

from components.app.lb_controller import SERVICE_ACCOUNT as LB_SERVICE_ACCOUNT
from components.cluster.karpenter import SERVICE_ACCOUNT as KARPENTER_SERVICE_ACCOUNT
from components.shared.iam import POD_IDENTITY_SETTLE
from preflight.recorder import RecordingMonitor

CHART = "kubernetes:helm.sh/v4:Chart"
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
SLEEP = "time:index/sleep:Sleep"


def _waits_for_its_association_and_a_settle(built: Any, chart: Any, service_account: str) -> None:
    (association,) = [a for a in built.of_type(ASSOCIATION) if a.inputs["serviceAccount"] == service_account]
    assert depends_transitively(built, chart.urn, association.urn), "the chart's pods would start before the association"
    settles = [s for s in built.of_type(SLEEP) if depends_transitively(built, s.urn, association.urn)]
    assert [s.inputs["createDuration"] for s in settles] == [POD_IDENTITY_SETTLE]
    assert depends_transitively(built, chart.urn, settles[0].urn)
    # A replaced association (new ARN) settles again.
    assert settles[0].inputs["triggers"]["associationArn"] == association.outputs["associationArn"]


def test_karpenter_waits_for_its_pod_identity_and_is_told_its_region(pulumi_mocks: RecordingMonitor) -> None:
    region = "eu-west-2"
    built = build_cluster(pulumi_mocks, cluster_settings(cluster_config()), region=region)
    (chart,) = [c for c in built.of_type(CHART) if c.name.endswith("karpenter-chart")]
    _waits_for_its_association_and_a_settle(built, chart, KARPENTER_SERVICE_ACCOUNT)
    assert {"name": "AWS_REGION", "value": region} in chart.inputs["values"]["controller"]["env"]


def test_the_lb_controller_waits_for_its_pod_identity(pulumi_mocks: RecordingMonitor) -> None:
    built = build_app(pulumi_mocks)
    (chart,) = [c for c in built.of_type(CHART) if c.name.endswith("lb-controller-chart")]
    _waits_for_its_association_and_a_settle(built, chart, LB_SERVICE_ACCOUNT)


def test_the_apps_pods_wait_for_their_pod_identity_and_a_settle(pulumi_mocks: RecordingMonitor) -> None:
    """Every colour's Deployment, running or parked, starts its pods only once the association of the
    service account they run under is in effect (EKS adds the credentials at pod creation)."""
    built = build_app(pulumi_mocks)
    deployments = built.of_type("kubernetes:apps/v1:Deployment")
    assert deployments
    for deployment in deployments:
        service_account = deployment.inputs["spec"]["template"]["spec"]["serviceAccountName"]
        _waits_for_its_association_and_a_settle(built, deployment, service_account)


def test_the_readiness_gate_webhook_fails_closed_for_the_apps_pods_only(pulumi_mocks: RecordingMonitor) -> None:
    """Chart 1.17.1's values: `podMutatorWebhookConfig.failurePolicy` (default Ignore) and
    `objectSelector`, which templates/webhook.yaml adds to the `mpod.elbv2.k8s.aws` webhook."""
    built = build_app(pulumi_mocks)
    (chart,) = [c for c in built.of_type(CHART) if c.name.endswith("lb-controller-chart")]
    values = chart.inputs["values"]
    assert values["enablePodReadinessGateInject"] is True
    assert values["podMutatorWebhookConfig"] == {"failurePolicy": "Fail"}
    selector = values["objectSelector"]["matchLabels"]
    assert selector, "Fail without an object selector would hold every pod of a labelled namespace on the controller"
    deployments = built.of_type("kubernetes:apps/v1:Deployment")
    assert deployments
    for deployment in deployments:
        labels = deployment.inputs["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= labels.items(), f"{deployment.name}'s pods would get no readiness gate"
    # The controller's own pods never match (the chart also excludes them by name).
    assert selector.get("app.kubernetes.io/name") != "aws-load-balancer-controller"
