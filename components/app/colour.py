"""One colour of the app (blue or green): its Service, TargetGroupBinding, Deployment, PDB and HPA.

The binding keeps the colour's target group equal to its ready pods; the Deployment is what the
traffic step waits for (Pulumi counts it created or updated only once its rollout is complete,
readiness gates included).

Replicas under server-side apply: a running colour's `spec.replicas` belongs to its HPA, so the
Deployment declares it only to park the colour (0). Dropping a field that only Pulumi's apply
owned resets it to the default, 1 (the HPA documentation warns of this one-time drop), so on
its own un-parking would start one pod and count the rollout complete at one ready pod. A
running colour therefore also has a DeploymentPatch, its replicas handover: created on the
un-park apply, it sets `spec.replicas` to the colour's configured replicas under a field manager
of its own (the Kubernetes documentation's hand-over of a field to a controller), Pulumi waits
until that many pods are ready, and the traffic step waits for it. It never re-applies
(`ignore_changes`), so a later config change cannot scale an autoscaled colour down, and the
field stays owned until the HPA takes it; parking deletes it.

Order within one `pulumi up` (Pulumi runs independent steps in parallel, unbounded by default:
`pulumi up --parallel`, "Allow P resource operations to run in parallel at once (1 for no
parallelism). Defaults to unbounded"), so every "after" below is a dependency edge:

- Traffic waits for the colour: the traffic step (the listener rule) depends on each weighted
  colour's binding, Deployment and replicas handover (`AppColour.ready`).
- A parked colour waits for the traffic: its Deployment (the update that scales it to 0) depends
  on the traffic step given as `park_after`, so the rule has taken the colour's weight away before
  its pods stop. The two never form a cycle: a parked colour has no weight (config refuses weight
  without replicas), so the rule does not wait for it.
- The colour's header rule waits for its binding, and the colour's pods wait for the rule: the ALB
  health-checks a target group only once a listener rule forwards to it, and a pod's readiness gate
  passes only on a healthy target (`AppArgs.colour_route`). The binding waits for neither.
- A new target group gets a new binding first: the binding is named after its target group
  (`names.binding_name`), so Pulumi creates the new one beside the old (create-before-delete; the
  Kubernetes provider deletes first only when the name stays the same) and deletes the old one
  at the end of the update, after the rule has moved. The binding waits until the controller has
  reconciled it (`pulumi.com/waitFor` on `status.observedGeneration`, which the controller sets
  only after registering the targets). Its name is on the pod template too, so the colour's pods
  roll: the controller injects a binding's readiness gate only into pods created while the
  binding exists (its pod_readiness_gate guide), and Pulumi counts the rollout complete only when
  each new pod is healthy in the new target group. Only then does the rule send traffic there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from components.app.args import AppArgs
from components.app.names import NAMESPACE, PORT_NAME, binding_name, colour_labels, colour_object_name
from components.app.pod import PodReferences, pod_template
from config.app import APP_PORT, ColourName

TARGET_GROUP_BINDING_API = "elbv2.k8s.aws/v1beta1"
# Ready once the controller has reconciled the binding (it sets observedGeneration after registering
# the targets: aws-load-balancer-controller controllers/elbv2/targetgroupbinding_controller.go).
# pulumi-kubernetes' waitFor annotation (since v4.18): "the resource will be considered ready when
# any value exists at the given path".
BINDING_WAIT_FOR = "jsonpath={.status.observedGeneration}"
ROLLOUT_TIMEOUT = "15m"  # image pull + startup + ALB health checks (readiness gate) per pod


@dataclass(frozen=True)
class Prerequisites:
    """What the App made first, that every colour's objects wait for."""

    namespace: k8s.core.v1.Namespace
    service_account: k8s.core.v1.ServiceAccount
    network_policy: k8s.networking.v1.NetworkPolicy
    # The Load Balancer Controller's chart: its CRD and webhook serve the binding.
    controller_release: pulumi.Resource
    # The settle after the pods' Pod Identity association (components/shared/iam.py): a pod that
    # starts before the association is in effect runs without AWS credentials until restarted.
    pod_identity: pulumi.Resource


@dataclass(frozen=True)
class ColourConfiguration:
    """A colour's own configuration objects (immutable, auto-named: a change makes new ones and rolls
    only this colour), and the names its pods reference them by."""

    config_map: k8s.core.v1.ConfigMap
    secret: k8s.core.v1.Secret
    tls_secret: k8s.core.v1.Secret
    references: PodReferences


@dataclass(frozen=True)
class AppColour:
    """Everything one colour of the app is made of."""

    configuration: ColourConfiguration
    service: k8s.core.v1.Service
    binding: k8s.apiextensions.CustomResource
    deployment: k8s.apps.v1.Deployment
    disruption_budget: k8s.policy.v1.PodDisruptionBudget
    autoscaler: k8s.autoscaling.v2.HorizontalPodAutoscaler
    # Only while the colour runs: the un-park apply of its configured replicas.
    replicas_handover: k8s.apps.v1.DeploymentPatch | None

    @property
    def ready(self) -> list[pulumi.Resource]:
        """What must be complete before the colour takes traffic: its binding (its target group's
        targets registered), its rollout (each pod healthy in the target group) and its replicas."""
        handover = [] if self.replicas_handover is None else [self.replicas_handover]
        return [self.binding, self.deployment, *handover]


def colour_resources(
    name: str,
    colour: ColourName,
    args: AppArgs,
    first: Prerequisites,
    configuration: ColourConfiguration,
    parent: pulumi.Resource,
    park_after: Sequence[pulumi.Resource] = (),
) -> AppColour:
    """The colour's objects, in the order they must exist: Service, binding, Deployment, then PDB and HPA.

    `park_after`: what takes traffic away from the colour (the traffic step); a parked colour's
    Deployment waits for it.
    """
    provider = args.cluster.k8s_provider
    in_namespace = pulumi.ResourceOptions(parent=parent, provider=provider, depends_on=[first.namespace])
    labels = colour_labels(colour)
    object_name = colour_object_name(colour)
    metadata = k8s.meta.v1.ObjectMetaArgs(name=object_name, namespace=NAMESPACE, labels=labels)
    service = k8s.core.v1.Service(
        f"{name}-{colour}",
        metadata=metadata,
        spec=k8s.core.v1.ServiceSpecArgs(
            type="ClusterIP",
            selector=labels,
            ports=[k8s.core.v1.ServicePortArgs(name=PORT_NAME, port=APP_PORT, target_port=PORT_NAME, protocol="TCP", app_protocol="https")],
        ),
        opts=in_namespace,
    )
    # The controller's CRD and webhook must exist before the binding, and the binding
    # before the pods: the webhook injects the readiness gate only into pods created
    # while a binding selects them.
    target_group_arn = args.traffic.target_group_arns[colour]
    binding = k8s.apiextensions.CustomResource(
        f"{name}-{colour}-binding",
        api_version=TARGET_GROUP_BINDING_API,
        kind="TargetGroupBinding",
        metadata=k8s.meta.v1.ObjectMetaArgs(
            name=binding_name(colour, target_group_arn),
            namespace=NAMESPACE,
            labels=labels,
            annotations={"pulumi.com/waitFor": BINDING_WAIT_FOR},
        ),
        spec={
            "serviceRef": {"name": object_name, "port": APP_PORT},
            "targetGroupARN": target_group_arn,
            "targetType": "ip",
            "ipAddressType": "ipv4",
        },
        # The controller's webhook refuses a change of spec.targetGroupARN (an immutable field): a
        # new target group means a new binding, of a new name, created before the old one goes.
        opts=pulumi.ResourceOptions(
            parent=parent,
            provider=provider,
            depends_on=[first.namespace, service, first.controller_release],
            replace_on_changes=["spec.targetGroupARN"],
        ),
    )
    # The colour's target group goes on the listener once the binding exists, and before the pods:
    # their readiness gates pass only when the ALB health-checks them, which it does only for a target
    # group a listener rule forwards to (LoadBalancer.route_colour).
    route = [args.traffic.colour_route(colour, binding)] if args.traffic.colour_route is not None else []
    replicas = args.settings.colours[colour].replicas
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
            template=pod_template(args, colour, configuration.references),
        ),
        # No skipAwait: Pulumi counts the Deployment as created or updated only once its
        # rollout is complete, which is what the traffic step depends on.
        # A parked colour scales to 0 only after the traffic step has taken its weight away.
        opts=pulumi.ResourceOptions(
            parent=parent,
            provider=provider,
            depends_on=[
                first.namespace,
                first.service_account,
                first.pod_identity,
                binding,
                *route,
                first.network_policy,
                *(park_after if replicas == 0 else ()),
            ],
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
            # A pod that is running but not ready (crash-looping, say) never blocks a node drain: under
            # AlwaysAllow such pods "can be evicted regardless of whether the criteria in a PDB is met"
            # (PodDisruptionBudgetSpec); healthy pods stay under the budget.
            unhealthy_pod_eviction_policy="AlwaysAllow",
        ),
        opts=in_namespace,
    )
    autoscaler = _autoscaler(name, colour, args, metadata, deployment, parent)
    handover = _replicas_handover(name, colour, replicas, deployment, provider, parent) if replicas > 0 else None
    return AppColour(configuration, service, binding, deployment, budget, autoscaler, handover)


def _replicas_handover(
    name: str, colour: ColourName, replicas: int, deployment: k8s.apps.v1.Deployment, provider: k8s.Provider, parent: pulumi.Resource
) -> k8s.apps.v1.DeploymentPatch:
    """`spec.replicas` = the configured replicas, applied once when the colour starts running."""
    return k8s.apps.v1.DeploymentPatch(
        f"{name}-{colour}-replicas-handover",
        metadata=k8s.meta.v1.ObjectMetaPatchArgs(
            name=colour_object_name(colour),
            namespace=NAMESPACE,
            # The Deployment's own apply owned replicas (0) while parked: take the field over.
            annotations={"pulumi.com/patchForce": "true"},
        ),
        spec=k8s.apps.v1.DeploymentSpecPatchArgs(replicas=replicas),
        opts=pulumi.ResourceOptions(
            parent=parent,
            provider=provider,
            depends_on=[deployment],
            ignore_changes=["spec"],
            custom_timeouts=pulumi.CustomTimeouts(create=ROLLOUT_TIMEOUT, update=ROLLOUT_TIMEOUT),
        ),
    )


def _autoscaler(
    name: str,
    colour: ColourName,
    args: AppArgs,
    metadata: k8s.meta.v1.ObjectMetaArgs,
    deployment: k8s.apps.v1.Deployment,
    parent: pulumi.Resource,
) -> k8s.autoscaling.v2.HorizontalPodAutoscaler:
    # An idle colour (0 replicas) is left alone: the HPA does not scale a target from zero.
    replicas = args.settings.colours[colour].replicas
    scaling = args.settings.autoscaling
    return k8s.autoscaling.v2.HorizontalPodAutoscaler(
        f"{name}-{colour}",
        metadata=metadata,
        spec=k8s.autoscaling.v2.HorizontalPodAutoscalerSpecArgs(
            scale_target_ref=k8s.autoscaling.v2.CrossVersionObjectReferenceArgs(
                api_version="apps/v1", kind="Deployment", name=colour_object_name(colour)
            ),
            # The colour's replicas are its floor; an idle colour (0) leaves the HPA inert.
            min_replicas=max(replicas, scaling.min_replicas),
            max_replicas=max(replicas, scaling.max_replicas),
            metrics=[
                _utilization("cpu", scaling.cpu_target_percent),
                _utilization("memory", scaling.memory_target_percent),
            ],
            behavior=k8s.autoscaling.v2.HorizontalPodAutoscalerBehaviorArgs(
                # Down slowly: after five minutes of lower load, one pod a minute (scaling up is not held back).
                scale_down=k8s.autoscaling.v2.HPAScalingRulesArgs(
                    stabilization_window_seconds=300,
                    policies=[k8s.autoscaling.v2.HPAScalingPolicyArgs(type="Pods", value=1, period_seconds=60)],
                ),
            ),
        ),
        opts=pulumi.ResourceOptions(parent=parent, provider=args.cluster.k8s_provider, depends_on=[deployment]),
    )


def _utilization(resource: str, percent: int) -> k8s.autoscaling.v2.MetricSpecArgs:
    return k8s.autoscaling.v2.MetricSpecArgs(
        type="Resource",
        resource=k8s.autoscaling.v2.ResourceMetricSourceArgs(
            name=resource, target=k8s.autoscaling.v2.MetricTargetArgs(type="Utilization", average_utilization=percent)
        ),
    )
