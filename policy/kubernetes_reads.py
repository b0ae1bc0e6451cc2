"""Who may read which Kubernetes objects: EKS access policies, RBAC bound to an access entry's groups.

A refresh (`pulumi refresh`, the drift job) GETs every object in the stack's state (pulumi-kubernetes
`provider/pkg/await/await.go`, `Read`), and an answer other than a 404 fails it. So the identity that
refreshes must be able to `get` each kind the stack declares, in the namespace where each object
lives. This module derives that from the plan, the way EKS and the API server decide it:

- an access policy association grants its policy's rules, cluster-wide or in the namespaces of its
  access scope (EKS User Guide, "Review access policy permissions");
- an access entry's `kubernetesGroups` are the groups the principal authenticates with ("Kubernetes
  groups … that you can specify in Kubernetes role based access control (RBAC) objects", same guide,
  "access-entries"), so a ClusterRoleBinding with one of those groups as a subject grants its
  ClusterRole's rules everywhere, and a RoleBinding grants its Role's or ClusterRole's rules in the
  binding's own namespace only (Kubernetes, "Using RBAC Authorization": "A RoleBinding may also
  reference a ClusterRole to grant the permissions defined in that ClusterRole to resources inside
  the RoleBinding's namespace").

The view policy's reads are the EKS User Guide's table for AmazonEKSViewPolicy
(awsdocs/amazon-eks-user-guide `latest/ug/manage-access/k8s-access/access-policy-reference.adoc`);
the program's drift readers (components/cluster/state_readers.py) grant exactly what it leaves out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from policy.plan_graph import PlanGraph, policy_name, resolve
from policy.specs import Resource
from policy.values import UNKNOWN, as_list, get

# AmazonEKSViewPolicy's reads (get, list, watch), by API group.
VIEW_POLICY_READS: dict[str, frozenset[str]] = {
    "apps": frozenset(
        {"controllerrevisions", "daemonsets", "deployments", "replicasets", "statefulsets"}
        | {"daemonsets/status", "deployments/scale", "deployments/status", "replicasets/scale", "replicasets/status"}
        | {"statefulsets/scale", "statefulsets/status"}
    ),
    "autoscaling": frozenset({"horizontalpodautoscalers", "horizontalpodautoscalers/status"}),
    "batch": frozenset({"cronjobs", "cronjobs/status", "jobs", "jobs/status"}),
    "discovery.k8s.io": frozenset({"endpointslices"}),
    "networking.k8s.io": frozenset({"ingresses", "ingresses/status", "networkpolicies"}),
    "policy": frozenset({"poddisruptionbudgets", "poddisruptionbudgets/status"}),
    "": frozenset(
        {"configmaps", "endpoints", "persistentvolumeclaims", "pods", "replicationcontrollers", "serviceaccounts", "services"}
        | {"bindings", "events", "limitranges", "resourcequotas", "namespaces", "namespaces/status", "pods/log", "pods/status"}
    ),
}
VIEW = "AmazonEKSViewPolicy"
# Access policies that read every kind, Secrets included (the admin view; cluster admin does everything).
READS_EVERYTHING = frozenset({"AmazonEKSAdminViewPolicy", "AmazonEKSClusterAdminPolicy"})

# Kinds that live outside namespaces: the built-in ones the Kubernetes API reference lists as
# cluster-scoped, and the custom kinds of the charts this platform installs (Karpenter's
# NodePool/EC2NodeClass/NodeClaim are cluster-scoped in their CRDs). A custom kind not listed here is
# taken as namespaced when its object names a namespace, cluster-scoped when it does not.
CLUSTER_SCOPED_KINDS = frozenset(
    {
        "Namespace",
        "Node",
        "PersistentVolume",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "StorageClass",
        "PriorityClass",
        "IngressClass",
        "RuntimeClass",
        "CSIDriver",
        "APIService",
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "NodePool",
        "EC2NodeClass",
        "NodeClaim",
    }
)
CHART_V4 = "kubernetes:helm.sh/v4:Chart"
RBAC = "kubernetes:rbac.authorization.k8s.io/v1:"
ROLE_KINDS = {"Role": (f"{RBAC}Role",), "ClusterRole": (f"{RBAC}ClusterRole",)}
BINDINGS = (f"{RBAC}ClusterRoleBinding", f"{RBAC}RoleBinding")
# Pulumi types that are not Kubernetes objects of their own (a chart is a component; a patch edits an
# object some other resource, or the cluster, owns).
_NOT_OBJECTS = re.compile(r"^kubernetes:(helm\.sh|yaml|kustomize)/|Patch$|List$")


@dataclass(frozen=True)
class Object:
    """One kind of object the stack declares, where it lives (None: cluster-scoped); with a name when
    one object is meant (a chart's lookup), not every object of the kind."""

    group: str
    resource: str
    namespace: str | None
    name: str | None = None

    def __str__(self) -> str:
        kind = f"{self.group}/{self.resource}" if self.group else self.resource
        kind = f"{kind} {self.name}" if self.name else kind
        return f"{kind} in {self.namespace}" if self.namespace else kind


def api_resource(type_token: str) -> tuple[str, str, str]:
    """`kubernetes:networking.k8s.io/v1:NetworkPolicy` -> ("networking.k8s.io", "networkpolicies", "NetworkPolicy"),
    the API group and resource name RBAC rules use (the core group is "")."""
    _, group_version, kind = type_token.split(":")
    group = group_version.rsplit("/", 1)[0]
    singular = kind.lower()
    plural = singular + "es" if singular.endswith(("s", "x")) else re.sub(r"y$", "ie", singular) + "s"
    return ("" if group == "core" else group), plural, kind


def declared_objects(graph: PlanGraph) -> set[Object]:
    """Every kind of Kubernetes object the plan declares, with the namespace of each object."""
    found: set[Object] = set()
    for resource in graph.resources:
        if not resource.type.startswith("kubernetes:") or _NOT_OBJECTS.search(resource.type):
            continue
        group, plural, kind = api_resource(resource.type)
        namespace = get(resource.props, "metadata.namespace")
        # Built-in API groups are one word (apps, batch) or end in .k8s.io; others are custom resources.
        custom = "." in group and not group.endswith(".k8s.io")
        if kind in CLUSTER_SCOPED_KINDS or (custom and not namespace):
            found.add(Object(group, plural, None))
        else:
            found.add(Object(group, plural, namespace if isinstance(namespace, str) else "default"))
    return found


@dataclass(frozen=True)
class Grant:
    """Read access to (group, resource) pairs, everywhere (namespaces None) or in some namespaces, and
    to single objects a rule names by `resourceNames` (group, resource, name)."""

    reads: frozenset[tuple[str, str]] | None  # None: every kind
    namespaces: frozenset[str] | None  # None: cluster-wide, cluster-scoped kinds included
    named: frozenset[tuple[str, str, str]] = frozenset()

    def covers(self, obj: Object) -> bool:
        if self.namespaces is not None and (obj.namespace is None or obj.namespace not in self.namespaces):
            return False
        if self.reads is None or (obj.group, obj.resource) in self.reads or ("*", obj.resource) in self.reads:
            return True
        return obj.name is not None and (obj.group, obj.resource, obj.name) in self.named


def access_policy_grants(associations: Iterable[Resource]) -> list[Grant]:
    """What each access policy association lets its principal read."""
    grants: list[Grant] = []
    for association in associations:
        name = policy_name(association.props.get("policyArn"))
        reads: frozenset[tuple[str, str]] | None
        if name in READS_EVERYTHING:
            reads = None
        elif name == VIEW:
            reads = frozenset((group, r) for group, resources in VIEW_POLICY_READS.items() for r in resources)
        else:
            continue
        scope = get(association.props, "accessScope.type")
        namespaces = {n for n in as_list(get(association.props, "accessScope.namespaces")) if isinstance(n, str)}
        grants.append(Grant(reads, None if scope in ("cluster", UNKNOWN, None) else frozenset(namespaces)))
    return grants


def _rule_reads(rules: object) -> tuple[frozenset[tuple[str, str]] | None, frozenset[tuple[str, str, str]]]:
    """The (group, resource) pairs a role's rules may `get` (None when a rule covers every group and
    resource), and the single objects rules limited by `resourceNames` may `get`."""
    reads: set[tuple[str, str]] = set()
    named: set[tuple[str, str, str]] = set()
    for rule in as_list(rules):
        if not isinstance(rule, Mapping) or not {"get", "*"} & set(as_list(rule.get("verbs"))):
            continue
        groups = [g for g in as_list(rule.get("apiGroups")) if isinstance(g, str)]
        resources = [r for r in as_list(rule.get("resources")) if isinstance(r, str)]
        names = [n for n in as_list(rule.get("resourceNames")) if isinstance(n, str)]
        if names:  # "the request is restricted to individual instances of a resource" (Kubernetes RBAC)
            named |= {(g, r, n) for g in groups for r in resources for n in names}
            continue
        if "*" in groups and "*" in resources:
            return None, frozenset(named)
        reads |= {(g, r) for g in groups for r in resources}  # a "*" stays as written: `_expand` resolves it
    return frozenset(reads), frozenset(named)


def _expand(reads: frozenset[tuple[str, str]] | None, wanted: Iterable[Object]) -> frozenset[tuple[str, str]] | None:
    if reads is None:
        return None
    expanded = set(reads)
    for obj in wanted:
        if (obj.group, "*") in reads or ("*", obj.resource) in reads:
            expanded.add((obj.group, obj.resource))
    return frozenset(expanded)


def _role_of(graph: PlanGraph, binding: Resource) -> Resource | None:
    kind = get(binding.props, "roleRef.kind")
    types = ROLE_KINDS.get(str(kind))
    if types is None:
        return None
    role = resolve(graph, binding, get(binding.props, "roleRef.name"), types)
    if role is not None:
        return role
    name = get(binding.props, "roleRef.name")
    named = [r for r in graph.of_type(*types) if get(r.props, "metadata.name") == name]
    return named[0] if len(named) == 1 else None


def rbac_grants(graph: PlanGraph, groups: Sequence[str], wanted: Iterable[Object]) -> list[Grant]:
    """What the RBAC bindings of the plan grant a principal whose access entry carries `groups`."""
    members = set(groups)
    wanted = list(wanted)
    grants: list[Grant] = []
    if not members:
        return grants
    for binding in graph.of_type(*BINDINGS):
        subjects = [s for s in as_list(binding.props.get("subjects")) if isinstance(s, Mapping)]
        if not any(s.get("kind") == "Group" and s.get("name") in members for s in subjects):
            continue
        role = _role_of(graph, binding)
        if role is None:
            continue
        reads, named = _rule_reads(role.props.get("rules"))
        reads = _expand(reads, wanted)
        if binding.type.endswith(":ClusterRoleBinding"):
            grants.append(Grant(reads, None, named))
        else:
            namespace = get(binding.props, "metadata.namespace")
            grants.append(Grant(reads, frozenset({namespace if isinstance(namespace, str) else "default"}), named))
    return grants


def _lb_controller_lookups(values: Mapping[str, object]) -> list[tuple[str, str, str]]:
    """aws-load-balancer-controller v2.17.1, templates/_helpers.tpl: `webhookCerts` starts with `lookup "v1"
    "Secret" .Release.Namespace <namePrefix>-tls`; namePrefix is `nameOverride` or the chart's name without
    "-controller", truncated to 42 characters and without a trailing "-"."""
    override = values.get("nameOverride")
    prefix = (override if isinstance(override, str) and override else "aws-load-balancer")[:42].rstrip("-")
    return [("", "secrets", f"{prefix}-tls")]


# The objects a chart's templates read with Helm's `lookup` while they render, by chart name (a chart
# not listed looks up nothing: karpenter v1.14.1's templates have no `lookup`).
CHART_LOOKUPS = {"aws-load-balancer-controller": _lb_controller_lookups}


def chart_lookups(graph: PlanGraph) -> set[Object]:
    """Every object the plan's Helm charts look up while they render, in the namespace each chart installs to.

    pulumi-kubernetes renders a `helm.sh/v4:Chart` with lookups live, as whoever runs `pulumi`
    (`provider/pkg/provider/helm/v4/chart.go`: "use server-side dry-run to enable the lookup
    function"), and Helm hands the template any error but a 404 (`pkg/engine/lookup_func.go`): a
    refused lookup fails the preview.
    """
    found: set[Object] = set()
    for chart in graph.of_type(CHART_V4):
        name = chart.props.get("chart")
        reader = CHART_LOOKUPS.get(name.rstrip("/").rsplit("/", 1)[-1] if isinstance(name, str) else "")
        if reader is None:
            continue
        values = chart.props.get("values")
        namespace = chart.props.get("namespace")
        for group, resource, object_name in reader(values if isinstance(values, Mapping) else {}):
            found.add(Object(group, resource, namespace if isinstance(namespace, str) else "default", object_name))
    return found


def unreadable(objects: Iterable[Object], grants: Sequence[Grant]) -> list[Object]:
    """The objects no grant lets the principal `get`, in a stable order."""
    return sorted((o for o in objects if not any(g.covers(o) for g in grants)), key=lambda o: (o.namespace or "", o.group, o.resource))
