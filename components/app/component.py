"""The email app on Kubernetes: two colours (blue and green) behind the ALB's target groups.

Traffic moves by the ALB listener's forward weights (the traffic step, built by the caller's
`AppArgs.traffic.step` between the running and the parked colours); each colour here is a Deployment, a Service and a TargetGroupBinding that keeps
its target group equal to the colour's ready pods. Moving the weights therefore changes no
Kubernetes object, and rolling back is moving them back.

No request reaches a pod before it is ready, or after it has stopped serving:
- the namespace asks the AWS Load Balancer Controller to inject readiness gates, so a pod is
  ready only once the ALB sees its target healthy; `maxUnavailable: 0` keeps old pods until
  then, and Pulumi's wait for the Deployment's rollout includes the gate, so a traffic step
  that depends on the colour's ``App.ready`` (binding, rollout, replicas) runs only after that;
- a parked colour's Deployment waits for the traffic step, so it scales to 0 only after the rule
  has taken its weight away;
- on shutdown the pod sleeps (preStop) longer than the target group's deregistration delay,
  and the grace period covers that sleep plus the app's own drain.

Configuration: plain settings in a ConfigMap, secrets in Secrets, each variable of the guide
as its own `env` entry (`configMapKeyRef` / `secretKeyRef`, never a literal secret). Each
colour has its own ConfigMap, Secret and TLS Secret, immutable and auto-named: a change makes
new objects for that colour only and rolls only its pods, so a config change goes to the idle
colour first (its settings can differ from the app-wide ones) and moves with the weights, and
rolling back is moving them back. The TLS key pair (`kubernetes.io/tls`) is mounted at the
paths named by SSL_CERT_PATH and SSL_KEY_PATH. A colour with traffic keeps its TLS Secret when
the internal certificate is re-issued (neither the ALB nor the kubelet's probes verify the
pods' certificate): the new one reaches it when it is next idle.
"""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from components.app.args import AppArgs, check_args
from components.app.colour import AppColour, ColourConfiguration, Prerequisites, colour_resources
from components.app.environment import metrics_settings, plain_settings, webhook_url
from components.app.lb_controller import LoadBalancerController, LoadBalancerControllerArgs
from components.app.names import APP_LABELS, NAMESPACE, READINESS_GATE_LABEL, SERVICE_ACCOUNT, colour_labels
from components.app.network_policy import network_policy_spec
from components.app.pod import PodReferences
from components.shared.iam import pod_identity
from components.shared.secrets import generated_key
from config.app import COLOURS, ColourName


class App(pulumi.ComponentResource):
    namespace: k8s.core.v1.Namespace
    service_account: k8s.core.v1.ServiceAccount
    registry_secret: k8s.core.v1.Secret | None = None
    controller: LoadBalancerController
    # Each colour's configuration, Service, binding, Deployment, budget and autoscaler.
    colours: dict[ColourName, AppColour]
    # Per running colour: what the traffic step waits for (its binding, its Deployment, its replicas handover).
    ready: dict[str, list[pulumi.Resource]]
    # What AppArgs.traffic.step built (the listener rule); a parked colour's Deployment waits for it.
    traffic_step: pulumi.Resource | None
    network_policy: k8s.networking.v1.NetworkPolicy
    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]
    # What the component registers as its outputs (the engine's state shows them): the names the
    # provider gave the objects (auto-named ones included), the service account and the webhook URL.
    namespace_name: pulumi.Output[str]
    service_account_name: pulumi.Output[str]
    webhook_address: pulumi.Output[str]
    # Per colour: its ConfigMap, Secrets, Service, Deployment, budget and autoscaler names, its binding's URN.
    colour_objects: dict[ColourName, dict[str, pulumi.Output[str]]]
    registry_secret_name: pulumi.Output[str] | None
    network_policy_name: pulumi.Output[str]
    controller_release: pulumi.Output[str]
    # The settle after the pods' Pod Identity association: every colour's Deployment waits for it.
    identity_ready: pulumi.Resource
    webhook_url: str

    def __init__(self, name: str, args: AppArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:app:App", name, None, opts)
        check_args(args)
        cluster = args.cluster
        self.webhook_url = webhook_url(args.domain)
        self.controller = LoadBalancerController(
            f"{name}-lb-controller",
            LoadBalancerControllerArgs(
                cluster_name=cluster.name,
                region=cluster.region,
                vpc_id=cluster.vpc_id,
                target_group_scope=args.traffic.scope,
                k8s_provider=cluster.k8s_provider,
                target_group_owner_tag=args.traffic.target_group_owner_tag,
                app_pod_labels=APP_LABELS,
                cluster_ready=cluster.ready,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.namespace = self._namespace(name, args)
        in_namespace = pulumi.ResourceOptions(parent=self, provider=cluster.k8s_provider, depends_on=[self.namespace])
        self._identity(name, args, in_namespace)
        secret_values = self._secret_values(name, args)
        registry_secret_name = self._registry_secret(name, args, in_namespace)
        configurations = {
            colour: self._colour_configuration(name, colour, args, secret_values, registry_secret_name, in_namespace) for colour in COLOURS
        }
        self.network_policy = k8s.networking.v1.NetworkPolicy(
            f"{name}-network-policy",
            metadata=k8s.meta.v1.ObjectMetaArgs(name="email-platform", namespace=NAMESPACE, labels=APP_LABELS),
            spec=network_policy_spec(cluster.vpc_cidr),
            opts=in_namespace,
        )
        first = Prerequisites(
            namespace=self.namespace,
            service_account=self.service_account,
            network_policy=self.network_policy,
            controller_release=self.controller.release,
            pod_identity=self.identity_ready,
        )
        # Running colours first, then the traffic step that waits for them, then the parked colours,
        # whose Deployments wait for the traffic step (components/app/colour.py, "Order").
        running = {
            colour: colour_resources(name, colour, args, first, configurations[colour], self)
            for colour in COLOURS
            if args.settings.colours[colour].replicas > 0
        }
        self.ready = {colour: made.ready for colour, made in running.items()}
        self.traffic_step = args.traffic.step(self.ready) if args.traffic.step is not None else None
        park_after = [self.traffic_step] if self.traffic_step is not None else []
        parked = {
            colour: colour_resources(name, colour, args, first, configurations[colour], self, park_after=park_after)
            for colour in COLOURS
            if colour not in running
        }
        self.colours = {colour: {**running, **parked}[colour] for colour in COLOURS}

        self.namespace_name = self.namespace.metadata.apply(_object_name)
        self.service_account_name = pulumi.Output.from_input(SERVICE_ACCOUNT)
        self.webhook_address = pulumi.Output.from_input(self.webhook_url)
        self.colour_objects = {
            colour: {
                "configMap": made.configuration.references.config_map_name,
                "secret": made.configuration.references.secret_name,
                "tlsSecret": made.configuration.references.tls_name,
                "service": made.service.metadata.apply(_object_name),
                "targetGroupBinding": made.binding.urn,
                "deployment": made.deployment.metadata.apply(_object_name),
                "disruptionBudget": made.disruption_budget.metadata.apply(_object_name),
                "autoscaler": made.autoscaler.metadata.apply(_object_name),
            }
            for colour, made in self.colours.items()
        }
        self.registry_secret_name = self.registry_secret.metadata.apply(_object_name) if self.registry_secret is not None else None
        self.network_policy_name = self.network_policy.metadata.apply(_object_name)
        self.controller_release = self.controller.release.urn
        self.register_outputs(
            {
                "namespaceName": self.namespace_name,
                "serviceAccountName": self.service_account_name,
                "roleArn": self.role_arn,
                "roleName": self.role_name,
                "webhookAddress": self.webhook_address,
                "colourObjects": self.colour_objects,
                "registrySecretName": self.registry_secret_name,
                "networkPolicyName": self.network_policy_name,
                "controllerRelease": self.controller_release,
            }
        )

    def _namespace(self, name: str, args: AppArgs) -> k8s.core.v1.Namespace:
        """Restricted pod security, and readiness gates from the Load Balancer Controller for every pod."""
        return k8s.core.v1.Namespace(
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
            opts=pulumi.ResourceOptions(parent=self, provider=args.cluster.k8s_provider),
        )

    def _identity(self, name: str, args: AppArgs, in_namespace: pulumi.ResourceOptions) -> None:
        """The pods' IAM role (EKS Pod Identity), its association and settle, and the service account.

        The pods get credentials only if the association is in effect when they start (EKS adds
        them at pod creation): the Deployments wait for the settle after it (`identity_ready`).
        """
        identity = pod_identity(
            f"{name}-role",
            args.cluster.name,
            NAMESPACE,
            SERVICE_ACCOUNT,
            "email-platform app pods (Pod Identity); attach policies here when the app calls AWS APIs",
            self,
            depends_on=list(args.cluster.ready),
        )
        self.role_arn = identity.role.arn
        self.role_name = identity.role.name
        self.identity_ready = identity.ready
        self.service_account = k8s.core.v1.ServiceAccount(
            f"{name}-service-account",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=SERVICE_ACCOUNT,
                namespace=NAMESPACE,
                labels=APP_LABELS,
            ),
            # The app never calls the Kubernetes API; the Pod Identity agent serves the pods'
            # AWS credentials on the node independently of this setting.
            automount_service_account_token=False,
            opts=in_namespace,
        )

    def _secret_values(self, name: str, args: AppArgs) -> dict[str, pulumi.Input[str]]:
        """The app Secret's values, shared by the colours; keys the stack does not give are generated once."""
        secrets = args.secrets
        jwt_secret = secrets.jwt_secret if secrets.jwt_secret is not None else generated_key(f"{name}-jwt-secret", self)
        # Data encrypted with ENCRYPTION_KEY is unreadable under a new one: the generated key is
        # protected like the database that holds that data.
        encryption_key = (
            secrets.encryption_key if secrets.encryption_key is not None else generated_key(f"{name}-encryption-key", self, protect=True)
        )
        return {
            "EMAIL_API_KEY": secrets.email_api_key,
            "JWT_SECRET": jwt_secret,
            "ENCRYPTION_KEY": encryption_key,
            "DATABASE_URL": secrets.database_url,
            "REDIS_URL": secrets.redis_url,
        }

    def _colour_configuration(
        self,
        name: str,
        colour: ColourName,
        args: AppArgs,
        secret_values: dict[str, pulumi.Input[str]],
        registry_secret_name: pulumi.Output[str] | None,
        in_namespace: pulumi.ResourceOptions,
    ) -> ColourConfiguration:
        """The colour's ConfigMap, app Secret and TLS Secret: immutable and auto-named, so a change rolls only this colour."""
        labels = colour_labels(colour)
        settings: dict[str, pulumi.Input[str]] = {
            **plain_settings(args.settings, args.settings.colours[colour], args.environment, args.domain),
            **(metrics_settings(args.cluster.name) if args.cluster.emf_agent else {}),
        }
        config_map = k8s.core.v1.ConfigMap(
            f"{name}-{colour}-settings",
            metadata=k8s.meta.v1.ObjectMetaArgs(namespace=NAMESPACE, labels=labels),
            immutable=True,
            data=settings,
            opts=in_namespace,
        )
        secret = k8s.core.v1.Secret(
            f"{name}-{colour}-secrets",
            metadata=k8s.meta.v1.ObjectMetaArgs(namespace=NAMESPACE, labels=labels),
            type="Opaque",
            immutable=True,
            string_data={key: pulumi.Output.secret(value) for key, value in secret_values.items()},
            opts=in_namespace,
        )
        # A colour with traffic keeps the certificate it started with: a re-issue on the early-renewal
        # schedule would otherwise roll the live colour in an unrelated `pulumi up`.
        live = args.settings.colours[colour].weight > 0
        tls_secret = k8s.core.v1.Secret(
            f"{name}-{colour}-tls",
            metadata=k8s.meta.v1.ObjectMetaArgs(namespace=NAMESPACE, labels=labels),
            type="kubernetes.io/tls",
            immutable=True,
            string_data={
                "tls.crt": pulumi.Output.secret(args.secrets.tls_cert_pem),
                "tls.key": pulumi.Output.secret(args.secrets.tls_key_pem),
            },
            opts=pulumi.ResourceOptions.merge(in_namespace, pulumi.ResourceOptions(ignore_changes=["stringData"] if live else None)),
        )
        references = PodReferences(
            config_map_name=config_map.metadata.apply(_object_name),
            secret_name=secret.metadata.apply(_object_name),
            tls_name=tls_secret.metadata.apply(_object_name),
            plain_keys=tuple(settings),
            registry_secret_name=registry_secret_name,
        )
        return ColourConfiguration(config_map, secret, tls_secret, references)

    def _registry_secret(self, name: str, args: AppArgs, in_namespace: pulumi.ResourceOptions) -> pulumi.Output[str] | None:
        """The pull secret made from the `registryCredentials` secret, shared by both colours; its name."""
        if args.secrets.registry_credentials is None:
            return None
        self.registry_secret = k8s.core.v1.Secret(
            f"{name}-registry",
            metadata=k8s.meta.v1.ObjectMetaArgs(namespace=NAMESPACE, labels=APP_LABELS),
            type="kubernetes.io/dockerconfigjson",
            immutable=True,
            string_data={".dockerconfigjson": pulumi.Output.secret(args.secrets.registry_credentials)},
            opts=in_namespace,
        )
        return self.registry_secret.metadata.apply(_object_name)


def _object_name(metadata: k8s.meta.v1.outputs.ObjectMeta | None) -> str:
    """The name the provider gave an object, auto-named or not (pods reference the auto-named ones)."""
    if metadata is None or not metadata.name:
        raise ValueError("Kubernetes returned an object without metadata.name")
    return metadata.name
