"""The pod template of one colour: the container, its probes, its security context, where it runs.

Probes, the Prometheus annotations and the container port all follow config (the health and
metrics endpoints) and config.app.APP_PORT, the same values the load balancer checks and reaches.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from components.app.args import AppArgs
from components.app.environment import SSL_CERT_PATH, SSL_KEY_DIRECTORY, SSL_KEY_PATH, env_vars
from components.app.names import BINDING_ANNOTATION, CONTAINER, PORT_NAME, SERVICE_ACCOUNT, binding_name, colour_labels
from config.app import APP_PORT, ColourName
from config.node_pool import KUBERNETES_ARCH

RUN_AS = 10001  # checkov CKV_K8S_40 and the restricted profile want a high, non-root uid
CERT_FILE = posixpath.basename(SSL_CERT_PATH)
KEY_FILE = posixpath.basename(SSL_KEY_PATH)


@dataclass(frozen=True)
class PodReferences:
    """The provider-given names of the colour's own auto-named objects its pods read, and the ConfigMap's keys."""

    config_map_name: pulumi.Output[str]
    secret_name: pulumi.Output[str]
    tls_name: pulumi.Output[str]
    plain_keys: tuple[str, ...]
    # The Secret made from the `registryCredentials` secret, when one is set.
    registry_secret_name: pulumi.Output[str] | None = None


def _probe(path: str, period: int, failures: int, timeout: int = 3) -> k8s.core.v1.ProbeArgs:
    # The app serves TLS on its port; the kubelet does not verify the certificate of an HTTPS probe.
    return k8s.core.v1.ProbeArgs(
        http_get=k8s.core.v1.HTTPGetActionArgs(path=path, port=PORT_NAME, scheme="HTTPS"),
        period_seconds=period,
        failure_threshold=failures,
        timeout_seconds=timeout,
    )


def _security_context() -> k8s.core.v1.SecurityContextArgs:
    return k8s.core.v1.SecurityContextArgs(
        run_as_non_root=True,
        run_as_user=RUN_AS,
        run_as_group=RUN_AS,
        allow_privilege_escalation=False,
        privileged=False,
        read_only_root_filesystem=True,
        capabilities=k8s.core.v1.CapabilitiesArgs(drop=["ALL"]),
        seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault"),
    )


def _container(args: AppArgs, colour: ColourName, refs: PodReferences) -> k8s.core.v1.ContainerArgs:
    settings = args.settings
    health = settings.health_check_endpoint
    return k8s.core.v1.ContainerArgs(
        name=CONTAINER,
        image=settings.colours[colour].image,
        # Re-resolve the tag on every start: a pinned tag moved by mistake is caught.
        image_pull_policy="Always",
        ports=[k8s.core.v1.ContainerPortArgs(name=PORT_NAME, container_port=APP_PORT, protocol="TCP")],
        env=env_vars(refs.config_map_name, refs.secret_name, list(refs.plain_keys)),
        resources=k8s.core.v1.ResourceRequirementsArgs(
            requests={"cpu": settings.resources.requests.cpu, "memory": settings.resources.requests.memory},
            limits={"cpu": settings.resources.limits.cpu, "memory": settings.resources.limits.memory},
        ),
        # Up to 150 s to start; then ready within 10 s of the health endpoint failing twice, restarted after 30 s.
        startup_probe=_probe(health, period=5, failures=30),
        readiness_probe=_probe(health, period=5, failures=2),
        liveness_probe=_probe(health, period=10, failures=3, timeout=5),
        lifecycle=k8s.core.v1.LifecycleArgs(
            pre_stop=k8s.core.v1.LifecycleHandlerArgs(sleep=k8s.core.v1.SleepActionArgs(seconds=settings.shutdown.pre_stop_seconds))
        ),
        security_context=_security_context(),
        volume_mounts=[
            k8s.core.v1.VolumeMountArgs(name="tmp", mount_path="/tmp"),
            k8s.core.v1.VolumeMountArgs(name="tls", mount_path=SSL_CERT_PATH, sub_path=CERT_FILE, read_only=True),
            # The whole directory, not a sub-path: the image's own /etc/ssl/private is root-only.
            k8s.core.v1.VolumeMountArgs(name="tls-key", mount_path=SSL_KEY_DIRECTORY, read_only=True),
        ],
    )


def _architecture_affinity(args: AppArgs) -> k8s.core.v1.AffinityArgs:
    """Only onto nodes of an architecture the image is built for (config.capacity holds the rule)."""
    arches = [KUBERNETES_ARCH[a] for a in args.settings.image_architectures]
    term = k8s.core.v1.NodeSelectorTermArgs(
        match_expressions=[k8s.core.v1.NodeSelectorRequirementArgs(key="kubernetes.io/arch", operator="In", values=arches)]
    )
    return k8s.core.v1.AffinityArgs(
        node_affinity=k8s.core.v1.NodeAffinityArgs(
            required_during_scheduling_ignored_during_execution=k8s.core.v1.NodeSelectorArgs(node_selector_terms=[term])
        )
    )


def _pull_secrets(args: AppArgs, refs: PodReferences) -> list[k8s.core.v1.LocalObjectReferenceArgs] | None:
    names: list[pulumi.Input[str]] = list(args.settings.image_pull_secrets)
    if refs.registry_secret_name is not None:
        names.append(refs.registry_secret_name)
    return [k8s.core.v1.LocalObjectReferenceArgs(name=n) for n in names] or None


def pod_template(args: AppArgs, colour: ColourName, refs: PodReferences) -> k8s.core.v1.PodTemplateSpecArgs:
    settings = args.settings
    labels = colour_labels(colour)
    selector = k8s.meta.v1.LabelSelectorArgs(match_labels=labels)
    return k8s.core.v1.PodTemplateSpecArgs(
        metadata=k8s.meta.v1.ObjectMetaArgs(
            labels=labels,
            annotations={
                "prometheus.io/scrape": "true",
                "prometheus.io/scheme": "https",
                "prometheus.io/port": str(APP_PORT),
                "prometheus.io/path": settings.metrics_endpoint,
                # A new binding (a new target group) rolls the pods: each new pod then carries the
                # new binding's readiness gate, so the rollout completes only once the pods are
                # healthy in the new target group, before the traffic step moves there.
                BINDING_ANNOTATION: binding_name(colour, args.traffic.target_group_arns[colour]),
            },
        ),
        spec=k8s.core.v1.PodSpecArgs(
            service_account_name=SERVICE_ACCOUNT,
            automount_service_account_token=False,
            image_pull_secrets=_pull_secrets(args, refs),
            affinity=_architecture_affinity(args),
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
            containers=[_container(args, colour, refs)],
            volumes=[
                k8s.core.v1.VolumeArgs(name="tmp", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs(size_limit="256Mi")),
                k8s.core.v1.VolumeArgs(
                    name="tls",
                    secret=k8s.core.v1.SecretVolumeSourceArgs(
                        secret_name=refs.tls_name, default_mode=0o440, items=[k8s.core.v1.KeyToPathArgs(key="tls.crt", path=CERT_FILE)]
                    ),
                ),
                # Readable through the pod's fsGroup (the app's group); nothing else is in the directory.
                k8s.core.v1.VolumeArgs(
                    name="tls-key",
                    secret=k8s.core.v1.SecretVolumeSourceArgs(
                        secret_name=refs.tls_name, default_mode=0o440, items=[k8s.core.v1.KeyToPathArgs(key="tls.key", path=KEY_FILE)]
                    ),
                ),
            ],
        ),
    )
