"""The app's pods: probes, shutdown, lock-down, placement, namespace, identity and network policy, built alone
(`build_app` in app_build.py: what was registered, and each resource's dependencies)."""

from __future__ import annotations

import json

import pytest
from app_build import CHART, DEPLOYMENT, _container, _pod, build_app, production_build
from component_build import Built
from owned_stacks import app_settings, deregistration_delay

from config import app_metrics
from config.reader import ConfigError
from policy import workloads
from preflight.recorder import RecordingMonitor


@pytest.fixture
def built(pulumi_mocks: RecordingMonitor) -> Built:
    """The production build, made once per test process (app_build.production_build): the tests only read it."""
    return production_build(pulumi_mocks)


def test_probes_check_health_over_https_on_port_3000(built: Built) -> None:
    for deployment in built.of_type(DEPLOYMENT):
        container = _container(deployment)
        assert container["ports"] == [{"name": "https", "containerPort": 3000, "protocol": "TCP"}]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert container[probe]["httpGet"] == {"path": "/health", "port": "https", "scheme": "HTTPS"}
        # Liveness must not kill a pod that readiness has merely taken out of rotation.
        liveness, readiness = container["livenessProbe"], container["readinessProbe"]
        assert liveness["periodSeconds"] * liveness["failureThreshold"] > readiness["periodSeconds"] * readiness["failureThreshold"]


def test_shutdown_outlasts_deregistration_and_rollouts_never_drop_capacity(built: Built) -> None:
    settings = app_settings("production")
    for deployment in built.of_type(DEPLOYMENT):
        pre_stop = _container(deployment)["lifecycle"]["preStop"]["sleep"]["seconds"]
        assert pre_stop > deregistration_delay("production")
        assert _pod(deployment)["terminationGracePeriodSeconds"] > pre_stop + settings.shutdown.drain_seconds
        strategy = deployment.inputs["spec"]["strategy"]
        assert strategy["type"] == "RollingUpdate" and strategy["rollingUpdate"]["maxUnavailable"] == 0


def test_a_pre_stop_shorter_than_the_target_groups_delay_is_refused(pulumi_mocks: RecordingMonitor) -> None:
    with pytest.raises(
        ConfigError, match=r"app\.shutdown\.preStopSeconds = 40: must be longer than the target groups' deregistration delay \(edge.*= 60\)"
    ):
        build_app(pulumi_mocks, deregistration_delay_seconds=60)


def test_every_start_resolves_the_image_tag_again(built: Built) -> None:
    """pod.py: "a pinned tag moved by mistake is caught". With `Always` "every time the kubelet launches a
    container, the kubelet queries the container image registry to resolve the name to an image digest"
    (Kubernetes documentation, Images, "Image pull policy"); a digest-pinned image is then pulled only once."""
    for deployment in built.of_type(DEPLOYMENT):
        assert _container(deployment)["imagePullPolicy"] == "Always"


def test_pods_run_locked_down(built: Built) -> None:
    for deployment in built.of_type(DEPLOYMENT):
        pod = _pod(deployment)
        ctx = _container(deployment)["securityContext"]
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] >= 10000
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert ctx["runAsNonRoot"] is True and ctx["runAsUser"] >= 10000
        assert ctx["allowPrivilegeEscalation"] is False and ctx["privileged"] is False
        assert ctx["readOnlyRootFilesystem"] is True
        assert ctx["capabilities"] == {"drop": ["ALL"]}
        assert ctx["seccompProfile"] == {"type": "RuntimeDefault"}
        assert pod["automountServiceAccountToken"] is False
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert "emptyDir" in volumes["tmp"]
        assert {"name": "tmp", "mountPath": "/tmp"} in _container(deployment)["volumeMounts"]
        resources = _container(deployment)["resources"]
        assert resources == {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "2", "memory": "2Gi"}}


def test_the_policy_pack_finds_nothing_in_the_workloads(built: Built) -> None:
    config = {"minRunAsUser": 10000, "requiredRequests": ["cpu", "memory"], "requiredLimits": ["cpu", "memory"]}
    config |= {"secretEnvPattern": workloads.SECRET_ENV_PATTERN, "exemptEnvPattern": workloads.NOT_SECRET_ENV_PATTERN}
    for deployment in built.of_type(DEPLOYMENT):
        for check in (workloads.k8s_pod_security, workloads.k8s_resources, workloads.k8s_probes, workloads.k8s_no_literal_secrets):
            assert check(DEPLOYMENT, deployment.inputs, config) == [], check.__name__
        assert workloads.k8s_image_pinned(DEPLOYMENT, deployment.inputs, config) == []


def test_pods_spread_across_zones_and_hosts_and_are_scraped(built: Built) -> None:
    for deployment in built.of_type(DEPLOYMENT):
        pod = _pod(deployment)
        spread = {c["topologyKey"]: c for c in pod["topologySpreadConstraints"]}
        assert spread["topology.kubernetes.io/zone"]["whenUnsatisfiable"] == "DoNotSchedule"
        assert set(spread) == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
        labels = deployment.inputs["spec"]["template"]["metadata"]["labels"]
        for constraint in spread.values():
            assert constraint["labelSelector"]["matchLabels"] == labels and constraint["maxSkew"] == 1
        annotations = deployment.inputs["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true"
        assert annotations["prometheus.io/path"] == "/metrics"
        assert annotations["prometheus.io/port"] == "3000"


def test_the_namespace_enforces_restricted_pods_and_asks_for_readiness_gates(built: Built) -> None:
    (namespace,) = built.of_type("kubernetes:core/v1:Namespace")
    labels = namespace.inputs["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert labels["elbv2.k8s.aws/pod-readiness-gate-inject"] == "enabled"
    for resource in built.resources:
        if resource.type.startswith("kubernetes:") and resource.type not in (
            "kubernetes:core/v1:Namespace",
            CHART,
        ):
            assert resource.inputs["metadata"]["namespace"] == "email-platform", resource.name


def test_the_service_account_gets_its_own_role_by_pod_identity(built: Built) -> None:
    (account,) = built.of_type("kubernetes:core/v1:ServiceAccount")
    role = built.one("aws:iam/role:Role", "app-role")
    association = built.one("aws:eks/podIdentityAssociation:PodIdentityAssociation", "app-role")
    assert account.inputs["automountServiceAccountToken"] is False
    assert "eks.amazonaws.com/role-arn" not in account.inputs["metadata"].get("annotations", {})
    assert association.inputs["roleArn"] == role.outputs["arn"]
    assert (association.inputs["namespace"], association.inputs["serviceAccount"]) == (
        account.inputs["metadata"]["namespace"],
        account.inputs["metadata"]["name"],
    )
    assert association.inputs["clusterName"] == "email-platform-production"
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert sorted(trust["Action"]) == ["sts:AssumeRole", "sts:TagSession"]
    for deployment in built.of_type(DEPLOYMENT):
        assert _pod(deployment)["serviceAccountName"] == account.inputs["metadata"]["name"]


def test_network_policy_admits_3000_from_the_vpc_and_lets_out_only_dns_data_metrics_and_https(built: Built) -> None:
    (policy,) = built.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
    spec = policy.inputs["spec"]
    vpc = [{"ipBlock": {"cidr": "10.40.0.0/16"}}]
    assert spec["policyTypes"] == ["Ingress", "Egress"]
    assert spec["ingress"] == [{"from": vpc, "ports": [{"port": 3000, "protocol": "TCP"}]}]
    assert spec["egress"] == [
        {
            "to": [
                {
                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                }
            ],
            "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}],
        },
        {
            "to": vpc,
            "ports": [
                {"port": 53, "protocol": "UDP"},
                {"port": 53, "protocol": "TCP"},
                {"port": 5432, "protocol": "TCP"},
                {"port": 6379, "protocol": "TCP"},
            ],
        },
        {"to": [{"ipBlock": {"cidr": "169.254.170.23/32"}}], "ports": [{"port": 80, "protocol": "TCP"}]},
        # The delivery counters to the cluster's CloudWatch agent (config.app_metrics).
        {
            "to": [*vpc, {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": app_metrics.AGENT_NAMESPACE}}}],
            "ports": [{"port": app_metrics.EMF_PORT, "protocol": "TCP"}],
        },
        {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"port": 443, "protocol": "TCP"}]},
    ]
    for deployment in built.of_type(DEPLOYMENT):
        labels = deployment.inputs["spec"]["template"]["metadata"]["labels"]
        assert spec["podSelector"]["matchLabels"].items() <= labels.items()
