"""The app on Kubernetes, built alone with realistic inputs and checked as the engine sees it
(`build_app` in app_build.py: what was registered, and each resource's dependencies)."""

from __future__ import annotations

import dataclasses
import json
import posixpath
from typing import Any

import botocore.session
import pulumi
import pulumi_kubernetes as k8s
import pytest
from app_build import TARGET_GROUPS, build_app
from component_build import Built
from google.protobuf import json_format  # type: ignore[import-untyped]
from owned_stacks import app_settings, deregistration_delay

from components.app import App
from components.app.environment import SECRET_ENV, SSL_CERT_PATH, SSL_KEY_PATH
from components.app.lb_controller import CHART_REPOSITORY, CHART_VERSION, READ_ACTIONS, TARGET_ACTIONS
from components.app.pod import RUN_AS
from config import app_metrics
from config.reader import ConfigError
from policy import workloads
from preflight.recorder import RecordedResource, RecordingMonitor

GUIDE_VARIABLES = (
    "EMAIL_API_KEY",
    "EMAIL_ENVIRONMENT",
    "EMAIL_WEBHOOK_URL",
    "EMAIL_TIMEOUT",
    "EMAIL_RATE_LIMIT",
    "JWT_SECRET",
    "ENCRYPTION_KEY",
    "SSL_CERT_PATH",
    "SSL_KEY_PATH",
    "DATABASE_URL",
    "REDIS_URL",
    "LOG_LEVEL",
    "METRICS_ENDPOINT",
    "HEALTH_CHECK_ENDPOINT",
)
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
CHART = "kubernetes:helm.sh/v4:Chart"


def _pod(deployment: RecordedResource) -> dict[str, Any]:
    pod: dict[str, Any] = deployment.inputs["spec"]["template"]["spec"]
    return pod


def _container(deployment: RecordedResource) -> dict[str, Any]:
    (container,) = _pod(deployment)["containers"]
    return dict(container)


_PRODUCTION: list[Built] = []


@pytest.fixture
def built(pulumi_mocks: RecordingMonitor) -> Built:
    """The production build, made once per session: the tests only read it."""
    if not _PRODUCTION:
        _PRODUCTION.append(build_app(pulumi_mocks))
    return _PRODUCTION[0]


def test_every_variable_of_the_guide_reaches_the_container_and_secrets_only_by_reference(built: Built) -> None:
    for colour in TARGET_GROUPS:
        deployment = built.one(DEPLOYMENT, f"app-{colour}")
        # Each colour reads only its own objects.
        config_map = built.one("kubernetes:core/v1:ConfigMap", f"app-{colour}-settings")
        secret = built.one("kubernetes:core/v1:Secret", f"app-{colour}-secrets")
        env = {e["name"]: e for e in _container(deployment)["env"]}
        assert set(GUIDE_VARIABLES) <= set(env)
        for name, entry in env.items():
            assert "value" not in entry, f"{name} is a literal"
            source = entry["valueFrom"]
            if name in SECRET_ENV:
                assert source == {"secretKeyRef": {"name": secret.outputs["metadata"]["name"], "key": name}}
            else:
                assert source == {"configMapKeyRef": {"name": config_map.outputs["metadata"]["name"], "key": name}}
                assert name in config_map.inputs["data"]
        assert set(SECRET_ENV) == {"EMAIL_API_KEY", "JWT_SECRET", "ENCRYPTION_KEY", "DATABASE_URL", "REDIS_URL"}


def test_plain_settings_hold_the_guides_values(built: Built) -> None:
    for colour in TARGET_GROUPS:
        data = built.one("kubernetes:core/v1:ConfigMap", f"app-{colour}-settings").inputs["data"]
        assert data["EMAIL_ENVIRONMENT"] == "production"
        assert data["EMAIL_WEBHOOK_URL"] == "https://mail.example.com/webhooks/email"
        assert (data["EMAIL_TIMEOUT"], data["EMAIL_RATE_LIMIT"], data["LOG_LEVEL"]) == ("30", "1000", "info")
        assert (data["METRICS_ENDPOINT"], data["HEALTH_CHECK_ENDPOINT"]) == ("/metrics", "/health")
        assert (data["SSL_CERT_PATH"], data["SSL_KEY_PATH"]) == (SSL_CERT_PATH, SSL_KEY_PATH)
        assert not any(key in data for key in SECRET_ENV)


def test_secret_values_stay_pulumi_secrets_and_config_changes_roll_the_pods(built: Built) -> None:
    for colour in TARGET_GROUPS:
        for name in (f"app-{colour}-secrets", f"app-{colour}-tls"):
            secret = built.one("kubernetes:core/v1:Secret", name)
            assert secret.inputs["stringData"] == "[secret]"
            # Immutable and auto-named: a new value makes a new object, and the pod templates change.
            assert secret.inputs["immutable"] is True and "name" not in secret.inputs["metadata"]
        assert built.one("kubernetes:core/v1:Secret", f"app-{colour}-tls").inputs["type"] == "kubernetes.io/tls"


def test_a_colour_with_traffic_keeps_its_certificate_when_the_internal_ca_reissues_it(built: Built) -> None:
    """Committed production: blue has the traffic, green is idle and takes a re-issued certificate."""
    assert built.one("kubernetes:core/v1:Secret", "app-blue-tls").ignore_changes == ["stringData"]
    assert built.one("kubernetes:core/v1:Secret", "app-green-tls").ignore_changes == []
    for colour in TARGET_GROUPS:
        assert built.one("kubernetes:core/v1:Secret", f"app-{colour}-secrets").ignore_changes == []


def test_the_app_secret_holds_every_secret_variable(pulumi_mocks: RecordingMonitor) -> None:
    found: dict[str, Any] = {}

    def check(app: App) -> None:
        secret = app.colours["green"].configuration.secret
        pulumi.Output.unsecret(secret.string_data).apply(found.update)

    build_app(pulumi_mocks, check=check)
    assert set(found) == set(SECRET_ENV)
    assert len(found["JWT_SECRET"]) == 64 and len(found["ENCRYPTION_KEY"]) == 64
    assert found["EMAIL_API_KEY"] == "prod_api_key"


def test_jwt_secret_and_encryption_key_are_generated_only_when_not_given(pulumi_mocks: RecordingMonitor) -> None:
    generated = build_app(pulumi_mocks)
    assert {p.name for p in generated.of_type("random:index/randomPassword:RandomPassword")} == {"app-jwt-secret", "app-encryption-key"}
    given = build_app(pulumi_mocks, jwt_secret=pulumi.Output.secret("j" * 64), encryption_key=pulumi.Output.secret("e" * 64))
    assert given.of_type("random:index/randomPassword:RandomPassword") == []


def test_the_tls_key_pair_is_mounted_at_ssl_cert_path_and_ssl_key_path(built: Built) -> None:
    for colour in TARGET_GROUPS:
        tls = built.one("kubernetes:core/v1:Secret", f"app-{colour}-tls")
        deployment = built.one(DEPLOYMENT, f"app-{colour}")
        volumes = {v["name"]: v["secret"] for v in _pod(deployment)["volumes"] if "secret" in v}
        assert {source["secretName"] for source in volumes.values()} == {tls.outputs["metadata"]["name"]}
        mounts = {m["mountPath"]: m for m in _container(deployment)["volumeMounts"]}
        # The key: its directory is a volume of ours, not a sub-path into the image's root-only
        # /etc/ssl/private; the only file in it is the key, readable by the pod's group.
        key_mount = mounts[posixpath.dirname(SSL_KEY_PATH)]
        assert "subPath" not in key_mount and key_mount["readOnly"]
        key_volume = volumes[key_mount["name"]]
        assert key_volume["items"] == [{"key": "tls.key", "path": posixpath.basename(SSL_KEY_PATH)}]
        assert key_volume["defaultMode"] == 0o440 and _pod(deployment)["securityContext"]["fsGroup"] == RUN_AS
        assert not any(path.startswith("/etc/ssl/private") and "subPath" in m for path, m in mounts.items())
        # The certificate: a sub-path mount, so the image's CA bundles in /etc/ssl/certs stay visible.
        cert_mount = mounts[SSL_CERT_PATH]
        assert {"key": "tls.crt", "path": cert_mount["subPath"]} in volumes[cert_mount["name"]]["items"]
        assert cert_mount["readOnly"] and "/etc/ssl/certs" not in mounts


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


def test_a_pod_that_is_not_ready_never_blocks_a_node_drain(built: Built) -> None:
    """colour.py: only healthy pods count against the budget ("AlwaysAllow policy means that all running
    pods ... but not yet healthy are considered disrupted and can be evicted", PodDisruptionBudgetSpec)."""
    for budget in built.of_type("kubernetes:policy/v1:PodDisruptionBudget"):
        assert budget.inputs["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow"


def test_the_autoscalers_scale_down_slowly(built: Built) -> None:
    """colour.py: after five minutes of lower load, one pod a minute. Kubernetes' own scale-down window is
    300 s ("If not set ... For scale down: 300", HPAScalingRules); the test holds both the window and the pace."""
    for hpa in built.of_type("kubernetes:autoscaling/v2:HorizontalPodAutoscaler"):
        down = hpa.inputs["spec"]["behavior"]["scaleDown"]
        assert down["stabilizationWindowSeconds"] >= 300
        assert down["policies"] == [{"type": "Pods", "value": 1, "periodSeconds": 60}]
        assert "scaleUp" not in hpa.inputs["spec"]["behavior"], "scaling up is not held back"


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


def test_each_colour_is_bound_to_its_target_group_by_ip(built: Built) -> None:
    for colour, arn in TARGET_GROUPS.items():
        binding = built.one("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", f"app-{colour}-binding")
        service = built.one("kubernetes:core/v1:Service", f"app-{colour}")
        deployment = built.one(DEPLOYMENT, f"app-{colour}")
        assert binding.inputs["spec"] == {
            "serviceRef": {"name": service.inputs["metadata"]["name"], "port": 3000},
            "targetGroupARN": arn,
            "targetType": "ip",
            "ipAddressType": "ipv4",
        }
        assert service.inputs["spec"]["selector"] == deployment.inputs["spec"]["template"]["metadata"]["labels"]
        assert service.inputs["spec"]["ports"][0]["targetPort"] == "https"
    selectors = [built.one("kubernetes:core/v1:Service", f"app-{c}").inputs["spec"]["selector"] for c in TARGET_GROUPS]
    assert selectors[0] != selectors[1]
    assert "ip" in botocore.session.get_session().get_service_model("elbv2").shape_for("TargetTypeEnum").enum


def test_pods_are_created_only_after_their_binding_and_the_controller(built: Built) -> None:
    """The webhook injects the readiness gate only into pods created while a binding selects them."""
    (release,) = built.of_type(CHART)
    for colour in TARGET_GROUPS:
        binding = built.one("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", f"app-{colour}-binding")
        deployment = built.one(DEPLOYMENT, f"app-{colour}")
        assert built.depends_on(binding, release)
        assert built.depends_on(deployment, binding)


def test_rollouts_are_awaited_and_follow_each_colours_config(pulumi_mocks: RecordingMonitor) -> None:
    def canary(config: dict[str, Any]) -> None:
        config["email-platform:app"]["green"] |= {"image": "ghcr.io/example/email-platform:1.1.0", "replicas": 4}

    built = build_app(pulumi_mocks, app_settings("production", canary))
    blue, green = built.one(DEPLOYMENT, "app-blue"), built.one(DEPLOYMENT, "app-green")
    # A running colour's size belongs to its HPA (declaring it would conflict under server-side
    # apply); the configured replicas are the HPA's floor.
    assert "replicas" not in blue.inputs["spec"] and "replicas" not in green.inputs["spec"]
    floors = {hpa.name: hpa.inputs["spec"]["minReplicas"] for hpa in built.of_type("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")}
    assert floors == {"app-blue": 3, "app-green": 4}
    for deployment in (blue, green):
        assert deployment.inputs["metadata"]["annotations"]["pulumi.com/patchForce"] == "true"
    assert _container(green)["image"] == "ghcr.io/example/email-platform:1.1.0"
    for deployment in (blue, green):
        assert "pulumi.com/skipAwait" not in deployment.inputs["metadata"].get("annotations", {})


def test_each_colour_exposes_its_objects(pulumi_mocks: RecordingMonitor) -> None:
    """`App.colours`: one record per colour, what other components read (the Deployments, for the alarms)."""
    names: dict[str, str] = {}

    def check(app: App) -> None:
        assert set(app.colours) == {"blue", "green"}
        for colour, made in app.colours.items():
            assert isinstance(made.deployment, k8s.apps.v1.Deployment)
            made.deployment.metadata.apply(lambda m, c=colour: names.update({c: m.name}))

    build_app(pulumi_mocks, check=check)
    assert names == {"blue": "email-platform-blue", "green": "email-platform-green"}


def test_moving_the_weights_changes_no_kubernetes_object(pulumi_mocks: RecordingMonitor) -> None:
    base = app_settings("production")
    green = dataclasses.replace(base.green, replicas=3)
    before = dataclasses.replace(base, green=green)
    after = dataclasses.replace(
        before, blue=dataclasses.replace(base.blue, replicas=3, weight=0), green=dataclasses.replace(green, weight=100)
    )
    first = {r.urn: r.inputs for r in build_app(pulumi_mocks, before).resources}
    second = {r.urn: r.inputs for r in build_app(pulumi_mocks, after).resources}
    assert first == second


def test_disruption_budgets_and_autoscalers_agree(built: Built) -> None:
    settings = app_settings("production")
    for colour in TARGET_GROUPS:
        deployment = built.one(DEPLOYMENT, f"app-{colour}")
        budget = built.one("kubernetes:policy/v1:PodDisruptionBudget", f"app-{colour}")
        hpa = built.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", f"app-{colour}")
        labels = deployment.inputs["spec"]["template"]["metadata"]["labels"]
        assert budget.inputs["spec"]["selector"]["matchLabels"] == labels
        spec = hpa.inputs["spec"]
        assert spec["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment.inputs["metadata"]["name"]}
        assert spec["minReplicas"] == settings.autoscaling.min_replicas >= 3
        assert spec["maxReplicas"] == settings.autoscaling.max_replicas
        targets = {m["resource"]["name"]: m["resource"]["target"] for m in spec["metrics"]}
        assert targets == {
            "cpu": {"type": "Utilization", "averageUtilization": 70},
            "memory": {"type": "Utilization", "averageUtilization": 80},
        }
        # At the autoscaler's floor a drain may take one pod and still leave two serving.
        assert spec["minReplicas"] - budget.inputs["spec"]["maxUnavailable"] >= 2
    findings = workloads.pod_disruption_budgets(
        [policies_resource(r) for r in built.resources if r.type in (DEPLOYMENT, "kubernetes:policy/v1:PodDisruptionBudget")], {}
    )
    assert findings == []


def policies_resource(resource: RecordedResource) -> Any:
    return type("Resource", (), {"urn": resource.urn, "type": resource.type, "name": resource.name, "props": resource.inputs})()


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


def test_the_controller_is_a_pinned_chart_told_its_vpc_and_region(built: Built) -> None:
    (release,) = built.of_type(CHART)
    role = built.one("aws:iam/role:Role", "app-lb-controller-role")
    assert release.inputs["chart"] == "aws-load-balancer-controller"
    assert release.inputs["version"] == CHART_VERSION
    assert release.inputs["repositoryOpts"]["repo"] == CHART_REPOSITORY == "https://aws.github.io/eks-charts"
    values = release.inputs["values"]
    assert (values["clusterName"], values["region"], values["vpcId"]) == ("email-platform-production", "us-east-1", "vpc-0abc1234def567890")
    assert values["enableServiceMutatorWebhook"] is False
    association = built.one("aws:eks/podIdentityAssociation:PodIdentityAssociation", "app-lb-controller-role")
    assert association.inputs["roleArn"] == role.outputs["arn"]
    assert (association.inputs["namespace"], association.inputs["serviceAccount"]) == ("kube-system", values["serviceAccount"]["name"])
    # CRDs are objects of the chart, so a version bump upgrades them.
    assert release.inputs.get("skipCrds") is False


def test_the_controller_may_register_targets_only_in_the_apps_target_groups(built: Built) -> None:
    (policy,) = built.of_type("aws:iam/rolePolicy:RolePolicy")
    statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
    assert statements["RegisterPods"]["Resource"] == sorted(TARGET_GROUPS.values())
    assert set(statements["RegisterPods"]["Action"]) == set(TARGET_ACTIONS)
    actions = [a for s in statements.values() for a in s["Action"]]
    assert not any(a.endswith("*") for a in actions)
    assert not any(verb in a for a in actions for verb in ("Create", "Delete", "Modify", "Authorize", "Revoke"))


def test_the_controller_may_register_targets_in_the_scope_it_is_given(pulumi_mocks: RecordingMonitor) -> None:
    scope = [arn.rsplit("/", 2)[0] + "/*" for arn in TARGET_GROUPS.values()]
    built = build_app(pulumi_mocks, target_group_scope=scope)
    (policy,) = built.of_type("aws:iam/rolePolicy:RolePolicy")
    statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
    assert statements["RegisterPods"]["Resource"] == sorted(scope)
    assert "Condition" not in statements["RegisterPods"]


def test_the_controllers_grant_holds_only_in_target_groups_that_carry_the_owner_tag(pulumi_mocks: RecordingMonitor) -> None:
    owner = {"email-platform:domain": "post.example.net"}
    built = build_app(pulumi_mocks, target_group_owner_tag=owner)
    (policy,) = built.of_type("aws:iam/rolePolicy:RolePolicy")
    statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
    assert statements["RegisterPods"]["Condition"] == {"StringEquals": {"aws:ResourceTag/email-platform:domain": "post.example.net"}}
    assert "Condition" not in statements["Discover"]


def test_every_controller_action_is_a_real_aws_api_operation() -> None:
    session = botocore.session.get_session()
    operations = {
        prefix: set(session.get_service_model(service).operation_names)
        for prefix, service in (("ec2", "ec2"), ("elasticloadbalancing", "elbv2"))
    }
    for action in (*READ_ACTIONS, *TARGET_ACTIONS):
        prefix, operation = action.split(":")
        assert operation in operations[prefix], action


def test_a_parked_colour_declares_zero_replicas(pulumi_mocks: RecordingMonitor) -> None:
    built = build_app(pulumi_mocks, app_settings("production"))
    green = built.one(DEPLOYMENT, "app-green")
    assert green.inputs["spec"]["replicas"] == 0  # committed production: green idle


def test_the_generated_encryption_key_is_protected(production: Any) -> None:
    (key,) = [r for r in production.of_type("random:index/randomPassword:RandomPassword") if r.name == "app-encryption-key"]
    assert key.protect is True


def test_the_app_registers_what_it_exposes_as_its_outputs(pulumi_mocks: RecordingMonitor) -> None:
    """`register_outputs` lists the App's objects (names, role), so a stack's state shows what the component made."""
    registered: dict[str, Any] = {}
    record = pulumi_mocks.RegisterResourceOutputs

    def capture(request: Any) -> Any:
        if request.urn.endswith("email:app:App::app"):
            registered.update(json_format.MessageToDict(request.outputs))
        return record(request)

    pulumi_mocks.RegisterResourceOutputs = capture  # type: ignore[method-assign]
    built = build_app(pulumi_mocks)
    deployments = {d.name.removeprefix("app-"): d.inputs["metadata"]["name"] for d in built.of_type(DEPLOYMENT)}
    assert {colour: made["deployment"] for colour, made in registered["colourObjects"].items()} == deployments

    def name(type_token: str, logical: str) -> str:
        (found,) = [r for r in built.of_type(type_token) if r.name == logical]
        return str(found.outputs["metadata"]["name"])

    for colour, made in registered["colourObjects"].items():
        (binding,) = [r for r in built.of_type("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding") if r.name == f"app-{colour}-binding"]
        assert made == {
            "configMap": name("kubernetes:core/v1:ConfigMap", f"app-{colour}-settings"),
            "secret": name("kubernetes:core/v1:Secret", f"app-{colour}-secrets"),
            "tlsSecret": name("kubernetes:core/v1:Secret", f"app-{colour}-tls"),
            "service": name("kubernetes:core/v1:Service", f"app-{colour}"),
            "deployment": name(DEPLOYMENT, f"app-{colour}"),
            "disruptionBudget": name("kubernetes:policy/v1:PodDisruptionBudget", f"app-{colour}"),
            "autoscaler": name("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", f"app-{colour}"),
            "targetGroupBinding": binding.urn,
        }
    expected = {"namespaceName", "serviceAccountName", "roleArn", "roleName", "webhookAddress", "networkPolicyName", "controllerRelease"}
    assert expected <= set(registered)
