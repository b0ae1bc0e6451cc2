"""Pod Identity: who runs under which service account, and whether its association and role are there.

Rows of the actors table (`policy/actors.py`) for the in-cluster controllers and the app, and the
service-account lookups the ordering table (`policy/ordering.py`) shares.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from policy.grant_types import ADDON, CHARTS, POD_IDENTITY, ROLE
from policy.plan_graph import PlanGraph, allows, document, granting, resolve
from policy.resource_types import POD_SPEC_PATHS
from policy.specs import Config, Resource, StackFinding
from policy.values import UNKNOWN, as_list, get

Findings = list[StackFinding]


@dataclass(frozen=True)
class ServiceAccountUse:
    resource: Resource
    namespace: str
    service_account: str


# Charts the platform installs whose pods call AWS, and the service account each runs under when its
# values do not name one (the chart's default).
CHART_SERVICE_ACCOUNTS = {"aws-load-balancer-controller": "aws-load-balancer-controller", "karpenter": "karpenter"}
# EKS add-ons whose pods call AWS, with the namespace and service account their pods run under.
ADDON_SERVICE_ACCOUNTS = {"amazon-cloudwatch-observability": ("amazon-cloudwatch", "cloudwatch-agent")}


def _chart_name(chart: Resource) -> str:
    name = chart.props.get("chart")
    return name.rstrip("/").rsplit("/", 1)[-1] if isinstance(name, str) else ""


def service_account_uses(graph: PlanGraph) -> list[ServiceAccountUse]:
    """Every chart, add-on and workload of the plan with the service account its pods run under."""
    uses: list[ServiceAccountUse] = []
    for chart in graph.of_type(*CHARTS):
        sa = get(chart.props, "values.serviceAccount.name") or CHART_SERVICE_ACCOUNTS.get(_chart_name(chart))
        if isinstance(sa, str):
            uses.append(ServiceAccountUse(chart, str(chart.props.get("namespace") or "default"), sa))
    for addon in graph.of_type(ADDON):
        known = ADDON_SERVICE_ACCOUNTS.get(str(addon.props.get("addonName")))
        if known:
            uses.append(ServiceAccountUse(addon, *known))
    for kind, path in POD_SPEC_PATHS.items():
        for workload in graph.of_type(kind):
            spec = get(workload.props, path)
            if isinstance(spec, Mapping):
                sa = spec.get("serviceAccountName") or "default"
                uses.append(ServiceAccountUse(workload, str(get(workload.props, "metadata.namespace") or "default"), str(sa)))
    return uses


def associations_for(graph: PlanGraph, use: ServiceAccountUse) -> list[Resource]:
    found = [
        r
        for r in graph.of_type(POD_IDENTITY)
        if r.props.get("namespace") in (use.namespace, UNKNOWN) and r.props.get("serviceAccount") in (use.service_account, UNKNOWN)
    ]
    addon_pod_identities = [
        use.resource
        for a in as_list(use.resource.props.get("podIdentityAssociations"))
        if isinstance(a, Mapping) and a.get("serviceAccount") == use.service_account
    ]
    return found + addon_pod_identities


def _trusts_pod_identity(role: Resource) -> bool:
    statements = document(role.props.get("assumeRolePolicy"))
    if statements is None:
        return True  # unknown or secret: decided by code the tests cover
    return not allows(statements, "service:pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"])


def controllers_have_pod_identity(graph: PlanGraph, settings: Config) -> Findings:
    """Each controller that calls AWS runs under a service account with a Pod Identity association."""
    findings: Findings = []
    agents = [a for a in graph.of_type(ADDON) if a.props.get("addonName") == "eks-pod-identity-agent"]
    for use in service_account_uses(graph):
        needs_aws = use.resource.type in CHARTS and _chart_name(use.resource) in CHART_SERVICE_ACCOUNTS
        needs_aws |= use.resource.type == ADDON
        if not needs_aws:
            continue
        if not associations_for(graph, use):
            findings.append(
                (
                    use.resource.urn,
                    f"runs as {use.namespace}/{use.service_account}, which no Pod Identity association gives a role: its AWS calls fail",
                )
            )
        elif not agents:
            findings.append((use.resource.urn, "uses Pod Identity, but the stack installs no eks-pod-identity-agent add-on"))
    return findings


def pod_identity_roles(graph: PlanGraph, settings: Config) -> Findings:
    """Every association hands a role that trusts Pod Identity to a service account something runs under,
    and every role that trusts Pod Identity is handed out."""
    findings: Findings = []
    uses = service_account_uses(graph)
    handed: set[str] = set()
    for association in graph.of_type(POD_IDENTITY):
        role = resolve(graph, association, association.props.get("roleArn"), ROLE, "name")
        if role is not None:
            handed.add(role.urn)
            if not _trusts_pod_identity(role):
                findings.append(
                    (
                        role.urn,
                        "is handed out by a Pod Identity association but does not trust pods.eks.amazonaws.com (sts:AssumeRole, sts:TagSession)",
                    )
                )
        ns, sa = association.props.get("namespace"), association.props.get("serviceAccount")
        if UNKNOWN in (ns, sa):
            continue
        if not any(u.namespace == ns and u.service_account == sa for u in uses):
            findings.append((association.urn, f"gives a role to {ns}/{sa}, which no chart, add-on or workload of the stack runs under"))
    # An add-on may hand out roles itself: its `podIdentityAssociations` (EKS CreateAddon: "Each
    # association maps a Kubernetes service account to an IAM role"; pulumi-aws eks.Addon's
    # `podIdentityAssociations`) create associations EKS owns for the add-on's service accounts.
    for addon in graph.of_type(ADDON):
        for item in as_list(addon.props.get("podIdentityAssociations")):
            if not isinstance(item, Mapping):
                continue
            role = resolve(graph, addon, item.get("roleArn"), ROLE, "name")
            if role is None:
                continue
            handed.add(role.urn)
            if not _trusts_pod_identity(role):
                findings.append(
                    (
                        role.urn,
                        f"is handed out by {addon.name}'s podIdentityAssociations but does not trust pods.eks.amazonaws.com "
                        "(sts:AssumeRole, sts:TagSession)",
                    )
                )
    for role in graph.of_type(*ROLE):
        statements = document(role.props.get("assumeRolePolicy")) or []
        if granting(statements, "service:pods.eks.amazonaws.com", "sts:AssumeRole") and role.urn not in handed:
            findings.append((role.urn, "trusts Pod Identity, but no association (standalone or an add-on's) hands it to a service account"))
    return findings
