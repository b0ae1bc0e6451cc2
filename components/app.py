"""The email app on Kubernetes: two colours (blue and green) behind the ALB's target groups.

Traffic moves by the ALB listener's forward weights (the traffic step, outside this
component); each colour here is a Deployment, a Service and a TargetGroupBinding that keeps
its target group equal to the colour's ready pods. Moving the weights therefore changes no
Kubernetes object, and rolling back is moving them back.

No request reaches a pod before it is ready, or after it has stopped serving:
- the namespace asks the AWS Load Balancer Controller to inject readiness gates, so a pod is
  ready only once the ALB sees its target healthy; `maxUnavailable: 0` keeps old pods until
  then, and Pulumi's wait for the Deployment's rollout includes the gate, so a traffic step
  that `depends_on` the colour's Deployment (``App.rollouts``) runs only after that;
- on shutdown the pod sleeps (preStop) longer than the target group's deregistration delay,
  and the grace period covers that sleep plus the app's own drain.

Configuration: plain settings in a ConfigMap, secrets in Secrets, each variable of the guide
as its own `env` entry (`configMapKeyRef` / `secretKeyRef`, never a literal secret). The
ConfigMap and Secrets are immutable and auto-named, so a change makes new ones and rolls the
pods onto them; the TLS key pair is a `kubernetes.io/tls` Secret mounted at the paths named by
SSL_CERT_PATH and SSL_KEY_PATH (sub-path mounts, so the image's CA bundle in
/etc/ssl/certs stays visible).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

from components.lb_controller import LoadBalancerController, LoadBalancerControllerArgs, irsa_role
from config.app import COLOURS, AppSettings, ColourName, check_pre_stop

NAMESPACE = "email-platform"
SERVICE_ACCOUNT = "email-platform"
CONTAINER = "email-platform"
PORT = 3000
PORT_NAME = "https"
RUN_AS = 10001  # checkov CKV_K8S_40 and the restricted profile want a high, non-root uid
SSL_CERT_PATH = "/etc/ssl/certs/email-cert.pem"
SSL_KEY_PATH = "/etc/ssl/private/email-key.pem"
TARGET_GROUP_BINDING_API = "elbv2.k8s.aws/v1beta1"
READINESS_GATE_LABEL = "elbv2.k8s.aws/pod-readiness-gate-inject"
APP_LABELS = {"app.kubernetes.io/name": "email-platform", "app.kubernetes.io/component": "api"}
# Keys of the app Secret; each becomes the env var of the same name.
SECRET_ENV = ("EMAIL_API_KEY", "JWT_SECRET", "ENCRYPTION_KEY", "DATABASE_URL", "REDIS_URL")
ROLLOUT_TIMEOUT = "15m"  # image pull + startup + ALB health checks (readiness gate) per pod


def colour_labels(colour: str) -> dict[str, str]:
    return {**APP_LABELS, "app.kubernetes.io/instance": f"email-platform-{colour}", "colour": colour}


@dataclass
class AppArgs:
    settings: AppSettings
    environment: str
    domain: str
    k8s_provider: k8s.Provider
    cluster_name: pulumi.Input[str]
    region: str
    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    oidc_provider_arn: pulumi.Input[str]
    oidc_issuer_url: pulumi.Input[str]
    # "blue" / "green": target type ip, protocol HTTPS, port 3000.
    target_group_arns: Mapping[str, pulumi.Input[str]]
    deregistration_delay_seconds: int
    database_url: pulumi.Input[str]
    redis_url: pulumi.Input[str]
    email_api_key: pulumi.Input[str]
    tls_cert_pem: pulumi.Input[str]
    tls_key_pem: pulumi.Input[str]
    db_port: int = 5432
    redis_port: int = 6379
    jwt_secret: pulumi.Input[str] | None = None
    encryption_key: pulumi.Input[str] | None = None


class App(pulumi.ComponentResource):
    namespace: k8s.core.v1.Namespace
    service_account: k8s.core.v1.ServiceAccount
    config_map: k8s.core.v1.ConfigMap
    secret: k8s.core.v1.Secret
    tls_secret: k8s.core.v1.Secret
    controller: LoadBalancerController
    services: dict[str, k8s.core.v1.Service]
    bindings: dict[str, k8s.apiextensions.CustomResource]
    rollouts: dict[str, k8s.apps.v1.Deployment]
    autoscalers: dict[str, k8s.autoscaling.v2.HorizontalPodAutoscaler]
    disruption_budgets: dict[str, k8s.policy.v1.PodDisruptionBudget]
    network_policy: k8s.networking.v1.NetworkPolicy
    role_arn: pulumi.Output[str]
    webhook_url: str

    def __init__(self, name: str, args: AppArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:app:App", name, None, opts)
        settings = args.settings
        _check_args(args)
        self.webhook_url = f"https://{args.domain}/webhooks/email"
        k8s_opts = pulumi.ResourceOptions(parent=self, provider=args.k8s_provider)

        self.controller = LoadBalancerController(
            f"{name}-lb-controller",
            LoadBalancerControllerArgs(
                cluster_name=args.cluster_name,
                region=args.region,
                vpc_id=args.vpc_id,
                oidc_provider_arn=args.oidc_provider_arn,
                oidc_issuer_url=args.oidc_issuer_url,
                target_group_arns=args.target_group_arns,
                k8s_provider=args.k8s_provider,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.namespace = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=NAMESPACE,
                labels={
                    **APP_LABELS,
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/enforce-version": "latest",
                    "pod-security.kubernetes.io/audit": "restricted",
                    "pod-security.kubernetes.io/warn": "restricted",
                    READINESS_GATE_LABEL: "enabled",
                },
            ),
            opts=k8s_opts,
        )
        in_namespace = pulumi.ResourceOptions(parent=self, provider=args.k8s_provider, depends_on=[self.namespace])

        role = irsa_role(
            f"{name}-role",
            args.oidc_provider_arn,
            args.oidc_issuer_url,
            NAMESPACE,
            SERVICE_ACCOUNT,
            "email-platform app pods (IRSA); attach policies here when the app calls AWS APIs",
            self,
        )
        self.role_arn = role.arn
        self.service_account = k8s.core.v1.ServiceAccount(
            f"{name}-service-account",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=SERVICE_ACCOUNT,
                namespace=NAMESPACE,
                labels=APP_LABELS,
                annotations={"eks.amazonaws.com/role-arn": role.arn},
            ),
            # The app never calls the Kubernetes API; the IRSA web-identity token is projected
            # by EKS's webhook independently of this setting.
            automount_service_account_token=False,
            opts=in_namespace,
        )

        self.config_map = k8s.core.v1.ConfigMap(
            f"{name}-settings",
            metadata=k8s.meta.v1.ObjectMetaArgs(namespace=NAMESPACE, labels=APP_LABELS),
            immutable=True,
            data=plain_settings(settings, args.environment, self.webhook_url),
            opts=in_namespace,
        )
        jwt_secret = args.jwt_secret if args.jwt_secret is not None else _generated(f"{name}-jwt-secret", self)
        # Data encrypted with ENCRYPTION_KEY is unreadable under a new one: the generated key is
        # protected like the database that holds that data.
        encryption_key = (
            args.encryption_key if args.encryption_key is not None else _generated(f"{name}-encryption-key", self, protect=True)
        )
        secret_values: dict[str, pulumi.Input[str]] = {
            "EMAIL_API_KEY": args.email_api_key,
            "JWT_SECRET": jwt_secret,
            "ENCRYPTION_KEY": encryption_key,
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
        }
        self.secret = k8s.core.v1.Secret(
            f"{name}-secrets",
            metadata=k8s.meta.v1.ObjectMetaArgs(namespace=NAMESPACE, labels=APP_LABELS),
            type="Opaque",
            immutable=True,
            string_data={key: pulumi.Output.secret(value) for key, value in secret_values.items()},
            opts=in_namespace,
        )
        self.tls_secret = k8s.core.v1.Secret(
            f"{name}-tls",
            metadata=k8s.meta.v1.ObjectMetaArgs(namespace=NAMESPACE, labels=APP_LABELS),
            type="kubernetes.io/tls",
            immutable=True,
            string_data={"tls.crt": pulumi.Output.secret(args.tls_cert_pem), "tls.key": pulumi.Output.secret(args.tls_key_pem)},
            opts=in_namespace,
        )

        self.network_policy = k8s.networking.v1.NetworkPolicy(
            f"{name}-network-policy",
            metadata=k8s.meta.v1.ObjectMetaArgs(name="email-platform", namespace=NAMESPACE, labels=APP_LABELS),
            spec=network_policy_spec(args.vpc_cidr, args.db_port, args.redis_port),
            opts=in_namespace,
        )

        self.services, self.bindings, self.rollouts = {}, {}, {}
        self.autoscalers, self.disruption_budgets = {}, {}
        config_map_name = self.config_map.metadata.apply(_object_name)
        secret_name = self.secret.metadata.apply(_object_name)
        tls_name = self.tls_secret.metadata.apply(_object_name)
        for colour in COLOURS:
            self._colour(name, colour, args, in_namespace, config_map_name, secret_name, tls_name)

        self.register_outputs(
            {
                "namespace": NAMESPACE,
                "roleArn": self.role_arn,
                "webhookUrl": self.webhook_url,
                "deployments": {colour: d.metadata.apply(lambda m: m.name) for colour, d in self.rollouts.items()},
            }
        )

    def _colour(
        self,
        name: str,
        colour: ColourName,
        args: AppArgs,
        in_namespace: pulumi.ResourceOptions,
        config_map_name: pulumi.Output[str],
        secret_name: pulumi.Output[str],
        tls_name: pulumi.Output[str],
    ) -> None:
        settings = args.settings
        labels = colour_labels(colour)
        object_name = f"email-platform-{colour}"
        metadata = k8s.meta.v1.ObjectMetaArgs(name=object_name, namespace=NAMESPACE, labels=labels)
        service = k8s.core.v1.Service(
            f"{name}-{colour}",
            metadata=metadata,
            spec=k8s.core.v1.ServiceSpecArgs(
                type="ClusterIP",
                selector=labels,
                ports=[k8s.core.v1.ServicePortArgs(name=PORT_NAME, port=PORT, target_port=PORT_NAME, protocol="TCP", app_protocol="https")],
            ),
            opts=in_namespace,
        )
        # The controller's CRD and webhook must exist before the binding, and the binding
        # before the pods: the webhook injects the readiness gate only into pods created
        # while a binding selects them.
        binding = k8s.apiextensions.CustomResource(
            f"{name}-{colour}-binding",
            api_version=TARGET_GROUP_BINDING_API,
            kind="TargetGroupBinding",
            metadata=metadata,
            spec={
                "serviceRef": {"name": object_name, "port": PORT},
                "targetGroupARN": args.target_group_arns[colour],
                "targetType": "ip",
                "ipAddressType": "ipv4",
            },
            opts=pulumi.ResourceOptions(
                parent=self, provider=args.k8s_provider, depends_on=[self.namespace, service, self.controller.release]
            ),
        )
        replicas = settings.colours[colour].replicas
        deployment = k8s.apps.v1.Deployment(
            f"{name}-{colour}",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=object_name,
                namespace=NAMESPACE,
                labels=labels,
                # Parking a colour sets spec.replicas to 0, a field the HPA's controller owns
                # once it has scaled: force the apply instead of failing on that conflict.
                annotations={"pulumi.com/patchForce": "true"},
            ),
            spec=k8s.apps.v1.DeploymentSpecArgs(
                # A running colour's size belongs to its HPA: declaring replicas too would make
                # every later apply conflict with the HPA (server-side apply). Only 0 is declared.
                replicas=0 if replicas == 0 else None,
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels=labels),
                revision_history_limit=5,
                progress_deadline_seconds=600,
                strategy=k8s.apps.v1.DeploymentStrategyArgs(
                    type="RollingUpdate",
                    rolling_update=k8s.apps.v1.RollingUpdateDeploymentArgs(max_unavailable=0, max_surge="25%"),
                ),
                template=pod_template(args, colour, config_map_name, secret_name, tls_name),
            ),
            # No skipAwait: Pulumi counts the Deployment as created or updated only once its
            # rollout is complete, which is what the traffic step depends on.
            opts=pulumi.ResourceOptions(
                parent=self,
                provider=args.k8s_provider,
                depends_on=[self.namespace, self.service_account, binding, self.network_policy],
                custom_timeouts=pulumi.CustomTimeouts(create=ROLLOUT_TIMEOUT, update=ROLLOUT_TIMEOUT),
            ),
        )
        # One pod at a time: at the autoscaler's minimum (>= 2, >= 3 in production) a node
        # drain still leaves the colour serving.
        budget = k8s.policy.v1.PodDisruptionBudget(
            f"{name}-{colour}",
            metadata=metadata,
            spec=k8s.policy.v1.PodDisruptionBudgetSpecArgs(
                max_unavailable=1,
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels=labels),
                unhealthy_pod_eviction_policy="AlwaysAllow",
            ),
            opts=in_namespace,
        )
        # An idle colour (0 replicas) is left alone: the HPA does not scale a target from zero.
        scaling = settings.autoscaling
        autoscaler = k8s.autoscaling.v2.HorizontalPodAutoscaler(
            f"{name}-{colour}",
            metadata=metadata,
            spec=k8s.autoscaling.v2.HorizontalPodAutoscalerSpecArgs(
                scale_target_ref=k8s.autoscaling.v2.CrossVersionObjectReferenceArgs(
                    api_version="apps/v1", kind="Deployment", name=object_name
                ),
                # The colour's replicas are its floor; an idle colour (0) leaves the HPA inert.
                min_replicas=max(replicas, scaling.min_replicas),
                max_replicas=max(replicas, scaling.max_replicas),
                metrics=[
                    _utilization("cpu", scaling.cpu_target_percent),
                    _utilization("memory", scaling.memory_target_percent),
                ],
                behavior=k8s.autoscaling.v2.HorizontalPodAutoscalerBehaviorArgs(
                    scale_down=k8s.autoscaling.v2.HPAScalingRulesArgs(
                        stabilization_window_seconds=300,
                        policies=[k8s.autoscaling.v2.HPAScalingPolicyArgs(type="Pods", value=1, period_seconds=60)],
                    ),
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self, provider=args.k8s_provider, depends_on=[deployment]),
        )
        self.services[colour] = service
        self.bindings[colour] = binding
        self.rollouts[colour] = deployment
        self.disruption_budgets[colour] = budget
        self.autoscalers[colour] = autoscaler


def _check_args(args: AppArgs) -> None:
    """Cross-checks between the app's settings and what other components were given."""
    check_pre_stop(args.settings, args.deregistration_delay_seconds)
    missing = [colour for colour in COLOURS if colour not in args.target_group_arns]
    if missing:
        raise ValueError(f"App needs a target group ARN per colour; missing: {', '.join(missing)}")


def _object_name(metadata: k8s.meta.v1.outputs.ObjectMeta | None) -> str:
    """The name the provider gave an auto-named object (pods reference it)."""
    if metadata is None or not metadata.name:
        raise ValueError("Kubernetes returned an object without metadata.name")
    return metadata.name


def _generated(name: str, parent: pulumi.Resource, *, protect: bool = False) -> pulumi.Output[str]:
    """Drawn once, kept in state as a secret; alphanumeric so it is safe in any env parser."""
    password = random.RandomPassword(name, length=64, special=False, opts=pulumi.ResourceOptions(parent=parent, protect=protect))
    return pulumi.Output.secret(password.result)


def plain_settings(settings: AppSettings, environment: str, webhook_url: str) -> dict[str, str]:
    """The ConfigMap: every non-secret variable of the guide, as strings."""
    return {
        "EMAIL_ENVIRONMENT": environment,
        "EMAIL_WEBHOOK_URL": webhook_url,
        "EMAIL_TIMEOUT": str(settings.email_timeout),
        "EMAIL_RATE_LIMIT": str(settings.email_rate_limit),
        "SSL_CERT_PATH": SSL_CERT_PATH,
        "SSL_KEY_PATH": SSL_KEY_PATH,
        "LOG_LEVEL": settings.log_level,
        "METRICS_ENDPOINT": settings.metrics_endpoint,
        "HEALTH_CHECK_ENDPOINT": settings.health_check_endpoint,
        # `npm start` writes its cache and logs under the home directory; the root file
        # system is read-only, so point npm at the writable /tmp.
        "npm_config_cache": "/tmp/.npm",
    }


def _env(config_map_name: pulumi.Output[str], secret_name: pulumi.Output[str], plain: list[str]) -> list[k8s.core.v1.EnvVarArgs]:
    env = [
        k8s.core.v1.EnvVarArgs(
            name=key,
            value_from=k8s.core.v1.EnvVarSourceArgs(config_map_key_ref=k8s.core.v1.ConfigMapKeySelectorArgs(name=config_map_name, key=key)),
        )
        for key in plain
    ]
    env += [
        k8s.core.v1.EnvVarArgs(
            name=key,
            value_from=k8s.core.v1.EnvVarSourceArgs(secret_key_ref=k8s.core.v1.SecretKeySelectorArgs(name=secret_name, key=key)),
        )
        for key in SECRET_ENV
    ]
    return env


def _probe(path: str, period: int, failures: int, timeout: int = 3) -> k8s.core.v1.ProbeArgs:
    # The app serves TLS on 3000; the kubelet does not verify the certificate of an HTTPS probe.
    return k8s.core.v1.ProbeArgs(
        http_get=k8s.core.v1.HTTPGetActionArgs(path=path, port=PORT_NAME, scheme="HTTPS"),
        period_seconds=period,
        failure_threshold=failures,
        timeout_seconds=timeout,
    )


def pod_template(
    args: AppArgs, colour: ColourName, config_map_name: pulumi.Output[str], secret_name: pulumi.Output[str], tls_name: pulumi.Output[str]
) -> k8s.core.v1.PodTemplateSpecArgs:
    settings = args.settings
    labels = colour_labels(colour)
    health = settings.health_check_endpoint
    plain = list(plain_settings(settings, args.environment, f"https://{args.domain}/webhooks/email"))
    selector = k8s.meta.v1.LabelSelectorArgs(match_labels=labels)
    return k8s.core.v1.PodTemplateSpecArgs(
        metadata=k8s.meta.v1.ObjectMetaArgs(
            labels=labels,
            annotations={
                "prometheus.io/scrape": "true",
                "prometheus.io/scheme": "https",
                "prometheus.io/port": str(PORT),
                "prometheus.io/path": settings.metrics_endpoint,
            },
        ),
        spec=k8s.core.v1.PodSpecArgs(
            service_account_name=SERVICE_ACCOUNT,
            automount_service_account_token=False,
            enable_service_links=False,
            termination_grace_period_seconds=settings.shutdown.termination_grace_period_seconds,
            security_context=k8s.core.v1.PodSecurityContextArgs(
                run_as_non_root=True,
                run_as_user=RUN_AS,
                run_as_group=RUN_AS,
                fs_group=RUN_AS,
                seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault"),
            ),
            # Zones strictly (a zone lost takes at most its share), hosts as far as capacity allows.
            topology_spread_constraints=[
                k8s.core.v1.TopologySpreadConstraintArgs(
                    max_skew=1,
                    topology_key="topology.kubernetes.io/zone",
                    when_unsatisfiable="DoNotSchedule",
                    label_selector=selector,
                    match_label_keys=["pod-template-hash"],
                ),
                k8s.core.v1.TopologySpreadConstraintArgs(
                    max_skew=1,
                    topology_key="kubernetes.io/hostname",
                    when_unsatisfiable="ScheduleAnyway",
                    label_selector=selector,
                    match_label_keys=["pod-template-hash"],
                ),
            ],
            containers=[
                k8s.core.v1.ContainerArgs(
                    name=CONTAINER,
                    image=settings.colours[colour].image,
                    # Re-resolve the tag on every start: a pinned tag moved by mistake is caught.
                    image_pull_policy="Always",
                    ports=[k8s.core.v1.ContainerPortArgs(name=PORT_NAME, container_port=PORT, protocol="TCP")],
                    env=_env(config_map_name, secret_name, plain),
                    resources=k8s.core.v1.ResourceRequirementsArgs(
                        requests={"cpu": settings.resources.cpu_request, "memory": settings.resources.memory_request},
                        limits={"cpu": settings.resources.cpu_limit, "memory": settings.resources.memory_limit},
                    ),
                    # Up to 150 s to start; then ready within 10 s of /health failing twice, restarted after 30 s.
                    startup_probe=_probe(health, period=5, failures=30),
                    readiness_probe=_probe(health, period=5, failures=2),
                    liveness_probe=_probe(health, period=10, failures=3, timeout=5),
                    lifecycle=k8s.core.v1.LifecycleArgs(
                        pre_stop=k8s.core.v1.LifecycleHandlerArgs(
                            sleep=k8s.core.v1.SleepActionArgs(seconds=settings.shutdown.pre_stop_seconds)
                        )
                    ),
                    security_context=k8s.core.v1.SecurityContextArgs(
                        run_as_non_root=True,
                        run_as_user=RUN_AS,
                        run_as_group=RUN_AS,
                        allow_privilege_escalation=False,
                        privileged=False,
                        read_only_root_filesystem=True,
                        capabilities=k8s.core.v1.CapabilitiesArgs(drop=["ALL"]),
                        seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault"),
                    ),
                    volume_mounts=[
                        k8s.core.v1.VolumeMountArgs(name="tmp", mount_path="/tmp"),
                        k8s.core.v1.VolumeMountArgs(name="tls", mount_path=SSL_CERT_PATH, sub_path="email-cert.pem", read_only=True),
                        k8s.core.v1.VolumeMountArgs(name="tls", mount_path=SSL_KEY_PATH, sub_path="email-key.pem", read_only=True),
                    ],
                )
            ],
            volumes=[
                k8s.core.v1.VolumeArgs(name="tmp", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs(size_limit="256Mi")),
                k8s.core.v1.VolumeArgs(
                    name="tls",
                    secret=k8s.core.v1.SecretVolumeSourceArgs(
                        secret_name=tls_name,
                        default_mode=0o440,
                        items=[
                            k8s.core.v1.KeyToPathArgs(key="tls.crt", path="email-cert.pem"),
                            k8s.core.v1.KeyToPathArgs(key="tls.key", path="email-key.pem"),
                        ],
                    ),
                ),
            ],
        ),
    )


def network_policy_spec(vpc_cidr: str, db_port: int, redis_port: int) -> k8s.networking.v1.NetworkPolicySpecArgs:
    """In: 3000 from the VPC (the ALB's nodes). Out: DNS, Postgres and Redis in the VPC; HTTPS anywhere."""
    vpc = [k8s.networking.v1.NetworkPolicyPeerArgs(ip_block=k8s.networking.v1.IPBlockArgs(cidr=vpc_cidr))]

    def port(number: int, protocol: str = "TCP") -> k8s.networking.v1.NetworkPolicyPortArgs:
        return k8s.networking.v1.NetworkPolicyPortArgs(port=number, protocol=protocol)

    return k8s.networking.v1.NetworkPolicySpecArgs(
        pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels=APP_LABELS),
        policy_types=["Ingress", "Egress"],
        ingress=[k8s.networking.v1.NetworkPolicyIngressRuleArgs(from_=vpc, ports=[port(PORT)])],
        egress=[
            # Cluster DNS: pods ask the kube-dns Service, whose address is outside the VPC range;
            # the VPC CNI's policy agent matches it only through a pod/namespace selector.
            k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                to=[
                    k8s.networking.v1.NetworkPolicyPeerArgs(
                        namespace_selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"kubernetes.io/metadata.name": "kube-system"}),
                        pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"k8s-app": "kube-dns"}),
                    )
                ],
                ports=[port(53, "UDP"), port(53, "TCP")],
            ),
            k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                to=vpc, ports=[port(53, "UDP"), port(53, "TCP"), port(db_port), port(redis_port)]
            ),
            k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                to=[k8s.networking.v1.NetworkPolicyPeerArgs(ip_block=k8s.networking.v1.IPBlockArgs(cidr="0.0.0.0/0"))],
                ports=[port(443)],
            ),
        ],
    )


def _utilization(resource: str, percent: int) -> k8s.autoscaling.v2.MetricSpecArgs:
    return k8s.autoscaling.v2.MetricSpecArgs(
        type="Resource",
        resource=k8s.autoscaling.v2.ResourceMetricSourceArgs(
            name=resource, target=k8s.autoscaling.v2.MetricTargetArgs(type="Utilization", average_utilization=percent)
        ),
    )
