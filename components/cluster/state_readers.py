"""What the drift job needs to read beyond `AmazonEKSViewPolicy`: the stack's own kinds the view leaves out.

`pulumi refresh` reads every object in the state with a GET by name (pulumi-kubernetes
`provider/pkg/await/await.go`, `Read`: `client.Get(c.Context, c.Name, …)`); an error that is not a
404 fails the refresh (`provider.go`, `Read`: "If `liveObj == nil` at this point … We should fail in
this case"). `AmazonEKSViewPolicy` reads most kinds but not Secrets, CRDs, RBAC objects, webhook
configurations or custom resources (EKS User Guide, "Review access policy permissions",
AmazonEKSViewPolicy: its rules are listed in ``VIEW_POLICY_READS``, policy/kubernetes_reads.py). The stack owns all of
those: the app's Secrets, the TargetGroupBindings, Karpenter's NodePool and EC2NodeClass, and what
the two charts render (CRDs, ClusterRoles and bindings, Roles and bindings, the controller's
webhook configurations and their TLS Secret).

Access policies cannot be extended ("You can't create your own access policies … create
Kubernetes RBAC objects. Then specify Kubernetes group names for your access entries", same page),
so the drift role's access entry carries the group `REFRESH_READ_GROUP`, and this component binds
that group to `get` — no `list` or `watch`, nothing written — on exactly those kinds: the
cluster-scoped ones cluster-wide, the namespaced ones (Secrets included) only in the namespaces
where the stack keeps objects, by RoleBindings. `AmazonEKSAdminViewPolicy` would also do (it reads
every kind, Secrets in every namespace included), which is more than a refresh needs.

The preview role needs none of this: `pulumi preview` does not refresh (pull-request.yml runs it
without `--refresh`), and where the provider's server-side dry run is refused it previews from the
program's inputs instead (components/cluster/component.py says why). It does render the charts,
and a chart's template may read a Secret back (`ChartLookupReaders` below grants exactly those).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from policy import kubernetes_reads

# AmazonEKSViewPolicy's reads, by API group: the EKS User Guide's table for the policy, kept with the
# policy pack (policy/kubernetes_reads.py), whose actors check derives the drift role's reads the same way.
VIEW_POLICY_READS = kubernetes_reads.VIEW_POLICY_READS


@dataclass(frozen=True)
class Read:
    """One API group's resources the refresh must `get`."""

    api_group: str
    resources: tuple[str, ...]


# Cluster-scoped kinds the stack owns that the view policy does not read.
CLUSTER_SCOPED_READS = (
    Read("apiextensions.k8s.io", ("customresourcedefinitions",)),  # both charts' CRDs
    Read("admissionregistration.k8s.io", ("mutatingwebhookconfigurations", "validatingwebhookconfigurations")),  # LB controller
    Read("rbac.authorization.k8s.io", ("clusterroles", "clusterrolebindings")),  # both charts, and this component's own
    Read("karpenter.sh", ("nodepools",)),
    Read("karpenter.k8s.aws", ("ec2nodeclasses",)),
)
# Namespaced kinds the stack owns that the view policy does not read, granted per namespace.
NAMESPACED_READS = (
    Read("", ("secrets",)),  # the app's Secrets; the LB controller's webhook certificate
    Read("rbac.authorization.k8s.io", ("roles", "rolebindings")),  # both charts (leader election), this component's bindings
    Read("elbv2.k8s.aws", ("targetgroupbindings",)),
)


def _rules(reads: Sequence[Read]) -> list[k8s.rbac.v1.PolicyRuleArgs]:
    return [k8s.rbac.v1.PolicyRuleArgs(api_groups=[r.api_group], resources=list(r.resources), verbs=["get"]) for r in reads]


@dataclass
class StateReadersArgs:
    # The Kubernetes group the drift role's access entry carries.
    group: str
    # Where the stack keeps namespaced objects, by a label for the binding's name: the app's
    # namespace, kube-system for the charts.
    namespaces: Mapping[str, pulumi.Input[str]]
    k8s_provider: k8s.Provider
    depends_on: Sequence[pulumi.Resource] = field(default_factory=list)


class StateReaders(pulumi.ComponentResource):
    cluster_role: k8s.rbac.v1.ClusterRole
    namespaced_role: k8s.rbac.v1.ClusterRole

    def __init__(self, name: str, args: StateReadersArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:cluster:StateReaders", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.k8s_provider, depends_on=list(args.depends_on))
        subject = k8s.rbac.v1.SubjectArgs(kind="Group", name=args.group, api_group="rbac.authorization.k8s.io")
        self.cluster_role = k8s.rbac.v1.ClusterRole(f"{name}-cluster", rules=_rules(CLUSTER_SCOPED_READS), opts=child)
        k8s.rbac.v1.ClusterRoleBinding(
            f"{name}-cluster",
            role_ref=k8s.rbac.v1.RoleRefArgs(
                api_group="rbac.authorization.k8s.io", kind="ClusterRole", name=self.cluster_role.metadata.name
            ),
            subjects=[subject],
            opts=child,
        )
        # A ClusterRole bound by RoleBindings grants its rules in those namespaces only.
        self.namespaced_role = k8s.rbac.v1.ClusterRole(f"{name}-namespaced", rules=_rules(NAMESPACED_READS), opts=child)
        for label, namespace in args.namespaces.items():
            k8s.rbac.v1.RoleBinding(
                f"{name}-{label}",
                metadata=k8s.meta.v1.ObjectMetaArgs(namespace=namespace),
                role_ref=k8s.rbac.v1.RoleRefArgs(
                    api_group="rbac.authorization.k8s.io", kind="ClusterRole", name=self.namespaced_role.metadata.name
                ),
                subjects=[subject],
                opts=child,
            )
        self.register_outputs({})


@dataclass
class ChartLookupReadersArgs:
    # The Kubernetes group the preview role's access entry carries.
    group: str
    # Namespace -> the Secrets the charts read while they render (LoadBalancerController.render_lookups).
    secrets: Mapping[str, Sequence[str]]
    k8s_provider: k8s.Provider
    depends_on: Sequence[pulumi.Resource] = field(default_factory=list)


class ChartLookupReaders(pulumi.ComponentResource):
    """`get` on exactly the Secrets a chart looks up while Pulumi renders it, for the preview role.

    A `kubernetes.helm.v4.Chart` is rendered with Helm's `lookup` function live (pulumi-kubernetes
    `provider/pkg/provider/helm/v4/chart.go`: "use server-side dry-run to enable the lookup function",
    `DryRunOption = "server"`; Helm v3.20 `pkg/action/install.go` then talks to the cluster), as the
    identity that runs `pulumi preview`. Helm's lookup returns an empty object only for a 404 and any
    other error to the template (`pkg/engine/lookup_func.go`: `if apierrors.IsNotFound(err) { return
    …, nil }; return …, err`), so a lookup the view policy refuses (Secrets) fails the whole preview.
    One Role per namespace names the Secrets by `resourceNames`: nothing else is readable.
    """

    def __init__(self, name: str, args: ChartLookupReadersArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:cluster:ChartLookupReaders", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.k8s_provider, depends_on=list(args.depends_on))
        subject = k8s.rbac.v1.SubjectArgs(kind="Group", name=args.group, api_group="rbac.authorization.k8s.io")
        for namespace, secrets in sorted(args.secrets.items()):
            role = k8s.rbac.v1.Role(
                f"{name}-{namespace}",
                metadata=k8s.meta.v1.ObjectMetaArgs(namespace=namespace),
                rules=[k8s.rbac.v1.PolicyRuleArgs(api_groups=[""], resources=["secrets"], resource_names=sorted(secrets), verbs=["get"])],
                opts=child,
            )
            k8s.rbac.v1.RoleBinding(
                f"{name}-{namespace}",
                metadata=k8s.meta.v1.ObjectMetaArgs(namespace=namespace),
                role_ref=k8s.rbac.v1.RoleRefArgs(api_group="rbac.authorization.k8s.io", kind="Role", name=role.metadata.name),
                subjects=[subject],
                opts=child,
            )
        self.register_outputs({})
