"""Who must be able to do what: every actor of the platform, what it must do, and the grant that lets it.

A row of `ACTORS` names an actor (a CI identity, a human admin, an in-cluster controller, an AWS
service that publishes or encrypts, a role a service assumes), what it must be able to do, the grant
that allows it, and the primary source for that rule. Its check finds the actor's instances in the
plan (the alarms that publish to a topic, the charts that run a controller …) and derives each grant
from the plan itself: the trust policy, the access entry and its policy association, the Pod Identity
association for the service account the chart or pod uses, the key, topic, queue, bucket or log
resource policy. A missing grant is one finding naming the actor, the resource and the grant.

The checks live by concern: the Kubernetes API access rows here, Pod Identity in
`policy/pod_identity.py`, the AWS services' grants in `policy/service_grants.py`. To add a row: write
a check `(graph, settings) -> findings` beside its kind (use `plan_graph` to resolve references:
dependencies decide, values only when they can), append an `Actor` with its source, and add a test in tests/policy/test_actors_*.py (by concern) that removes the grant from a small plan and
sees the finding.

The CI identities come from the stack config (`email-platform:ci`: deployRole, previewRole,
driftRole; `email-platform:cluster`: access, kubernetesRole), which `preflight check` and
`make plan` hand over as this policy's settings; under CrossGuard set them in the policy pack config
(`ci`, `clusterAccess`, `kubernetesRole`), or those rows only see the plan's access entries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from policy.grant_types import ACCESS_POLICY, CLUSTER_ADMIN, EKS, READS_ALL_BUT_SECRETS, READS_EVERYTHING, ROLE
from policy.kubernetes_reads import access_policy_grants, chart_lookups, declared_objects, rbac_grants, unreadable
from policy.plan_graph import PlanGraph, allows, document, graph_of, policy_name
from policy.pod_identity import controllers_have_pod_identity, pod_identity_roles
from policy.resource_types import ACCESS_ENTRY
from policy.service_grants import (
    event_targets,
    log_group_keys,
    roles_can_do_their_work,
    roles_trust_their_services,
    service_buckets,
    topic_publishers,
)
from policy.specs import ADVISORY, MANDATORY, Config, Resource, StackFinding, StackPolicySpec, schema
from policy.values import SECRET, UNKNOWN, as_list, get

Findings = list[StackFinding]
Check = Callable[[PlanGraph, Config], Findings]


@dataclass(frozen=True)
class Actor:
    actor: str
    must: str
    grant: str
    source: str
    check: Check


CI_KEYS = ("deployRole", "previewRole", "driftRole")


def _settings_ci(settings: Config) -> dict[str, str]:
    ci = settings.get("ci") if isinstance(settings.get("ci"), Mapping) else {}
    return {k: v for k, v in (ci or {}).items() if k in CI_KEYS and isinstance(v, str) and v}


# ── Kubernetes API access (access entries) ──


def _access(graph: PlanGraph, principal: str) -> tuple[Resource | None, list[Resource]]:
    """The access entry for a principal ARN and its policy associations."""
    entries = [r for r in graph.of_type(ACCESS_ENTRY) if r.props.get("principalArn") == principal]
    associations = [r for r in graph.of_type(ACCESS_POLICY) if r.props.get("principalArn") == principal]
    return (entries[0] if entries else None), associations


def _cluster_scoped(association: Resource) -> bool:
    return get(association.props, "accessScope.type") in ("cluster", UNKNOWN)


def _cluster_in_stack(graph: PlanGraph) -> Resource | None:
    clusters = graph.of_type(EKS)
    return clusters[0] if clusters else None


NO_CI = (
    "names no CI identities (email-platform:ci deployRole/previewRole/driftRole): the pull-request preview and the "
    "drift check run as their own roles and get no EKS access entry, so they cannot read the cluster's objects, "
    "and no row checks that whichever role the Kubernetes provider acts as trusts them (a role that assumes "
    "itself must name itself in its trust policy)"
)


# A CI job whose role has no access entry is not authenticated by EKS at all: its token maps to no
# identity and the API server answers 401 Unauthorized ("You must be logged in to the server
# (Unauthorized)", AWS re:Post knowledge-center/eks-troubleshoot-iam-issues), which pulumi-kubernetes
# does not treat as the Forbidden that lets a preview fall back to the program's inputs (above).
SOME_CI_MISSING = (
    "names {named} but not {missing} (email-platform:ci): a workflow that runs as a role without an EKS access "
    "entry is not authenticated by the cluster (401), so its preview or refresh fails; set the role "
    "(docs/ci-setup.md), or leave the workflow's repository variable unset so it is skipped"
)


def missing_ci_roles(config: Config) -> list[str]:
    """The CI identities the stack config does not name, in the order docs/ci-setup.md lists them."""
    named = _settings_ci(config)
    return [key for key in CI_KEYS if key not in named]


def ci_named(resources: Sequence[Resource], config: Config) -> Findings:
    """Advisory: a stack that creates its cluster and leaves a CI identity unnamed (a stack without CI may)."""
    cluster = _cluster_in_stack(graph_of(resources))
    missing = missing_ci_roles(config)
    if cluster is None or not missing:
        return []
    if len(missing) == len(CI_KEYS):
        return [(cluster.urn, NO_CI)]
    named = [key for key in CI_KEYS if key not in missing]
    return [(cluster.urn, SOME_CI_MISSING.format(named="/".join(named), missing="/".join(missing)))]


# What the preview identity needs beyond the view policy: `pulumi preview` does not refresh (the
# pull-request workflow runs it without `--refresh`; tests/test_state_readers.py holds that), so the
# provider reads none of the stack's objects by name; it asks for a server-side dry run of each change,
# which the API server authorizes as the change itself, and where that is refused it previews from the
# program's inputs (pulumi-kubernetes `provider/pkg/provider/provider.go`, Create: `if req.GetPreview()
# { if apierrors.IsForbidden(awaitErr) { … "unable to compute Server-side dry-run and defaulting to
# client-side" … return … req.GetProperties()`; Update: `if req.GetPreview() &&
# apierrors.IsForbidden(awaitErr) { … return … req.News`). But it renders each v4 Chart with Helm's
# lookups live, and a refused lookup fails the render: the objects charts look up
# (policy/kubernetes_reads.py, `chart_lookups`) must be readable. The drift identity refreshes: it
# must `get` every object of the state (pulumi-kubernetes `await.go`, `Read`), wherever it lives.
_WHY = {
    "driftRole": "which a refresh reads (it gets every object of the state): bind its access entry's Kubernetes groups to a "
    "role that may get them there, or add AmazonEKSAdminViewPolicy",
    "previewRole": "which a chart looks up while the preview renders it (a refused lookup fails the preview): bind its "
    "access entry's Kubernetes groups to a role that may get them",
}


def ci_identities(graph: PlanGraph, settings: Config) -> Findings:
    cluster = _cluster_in_stack(graph)
    ci = _settings_ci(settings)
    if cluster is None or not ci:
        return []  # an existing cluster grants its access where it was created; no CI: the advisory says so
    findings: Findings = []
    objects, lookups = declared_objects(graph), chart_lookups(graph)
    for key, role in sorted(ci.items()):
        entry, associations = _access(graph, role)
        policies = {policy_name(a.props.get("policyArn")) for a in associations if _cluster_scoped(a)}
        if entry is None:
            findings.append((cluster.urn, f"CI identity {key} ({role}) has no EKS access entry"))
            continue
        if key == "deployRole":
            if CLUSTER_ADMIN not in policies:
                findings.append((entry.urn, f"CI identity deployRole ({role}) has no cluster-wide {CLUSTER_ADMIN} association"))
            continue
        if not policies & (READS_EVERYTHING | READS_ALL_BUT_SECRETS):
            findings.append(
                (entry.urn, f"CI identity {key} ({role}) has no read-only access policy (AmazonEKSViewPolicy) at cluster scope")
            )
        else:
            wanted = objects if key == "driftRole" else lookups
            groups = [g for g in as_list(entry.props.get("kubernetesGroups")) if isinstance(g, str)]
            grants = [*access_policy_grants(associations), *rbac_grants(graph, groups, wanted)]
            missing = ", ".join(str(o) for o in unreadable(wanted, grants))
            if missing:
                findings.append((entry.urn, f"CI identity {key} ({role}) cannot get {missing}, {_WHY[key]}"))
    return findings


def provider_identity(graph: PlanGraph, settings: Config) -> Findings:
    """The role the Kubernetes provider assumes is a cluster admin, and whoever runs the program can assume it."""
    role = settings.get("kubernetesRole")
    cluster = _cluster_in_stack(graph)
    if not isinstance(role, str) or not role or cluster is None:
        return []
    findings: Findings = []
    entry, associations = _access(graph, role)
    if entry is None or CLUSTER_ADMIN not in {policy_name(a.props.get("policyArn")) for a in associations}:
        findings.append((cluster.urn, f"the Kubernetes provider assumes {role}, which has no {CLUSTER_ADMIN} access entry"))
    for key, ci_role in sorted(_settings_ci(settings).items()):
        trusted = _role_in_plan(graph, role)
        if trusted is None:
            continue  # a role made outside the stack: docs/ci-setup.md says who it must trust
        statements = document(trusted.props.get("assumeRolePolicy")) or []
        if allows(statements, f"aws:{ci_role}", ["sts:AssumeRole"]):
            who = "itself (a role assuming itself must be named in its own trust policy)" if ci_role == role else key
            findings.append((trusted.urn, f"the Kubernetes provider assumes {role}, whose trust policy does not let {who} assume it"))
    return findings


def _role_in_plan(graph: PlanGraph, arn: str) -> Resource | None:
    tail = arn.rsplit("/", 1)[-1]
    found = [r for r in graph.of_type(*ROLE) if tail in {r.id, r.props.get("name")}]
    return found[0] if found else None


def human_admins(graph: PlanGraph, settings: Config) -> Findings:
    access = settings.get("clusterAccess") if isinstance(settings.get("clusterAccess"), Mapping) else {}
    cluster = _cluster_in_stack(graph)
    if not access or cluster is None:
        return []
    findings: Findings = []
    for principal, wanted in sorted((access or {}).items()):
        # `Policy` or `Policy:ns1,ns2` (config/cluster_access.py)
        policy = str(wanted.get("policy") if isinstance(wanted, Mapping) else wanted).partition(":")[0]
        entry, associations = _access(graph, principal)
        if entry is None:
            findings.append((cluster.urn, f"cluster.access lists {principal}, which has no EKS access entry"))
        elif policy not in {policy_name(a.props.get("policyArn")) for a in associations}:
            findings.append((entry.urn, f"cluster.access gives {principal} {policy}, but no association grants it"))
    return findings


_SNS_KMS = (
    "docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services (AWS services that publish "
    "to an encrypted topic need kms:GenerateDataKey* and kms:Decrypt in the key policy)"
)

ACTORS: tuple[Actor, ...] = (
    Actor(
        "CI identities: deploy, preview, drift (email-platform:ci)",
        "deploy changes every Kubernetes object; preview reads the cluster without refreshing (a refused dry run previews "
        "from the inputs) and renders the charts, whose lookups must succeed; drift gets every object the stack declares, "
        "where it lives",
        "access entry + AmazonEKSClusterAdminPolicy (deploy) / AmazonEKSViewPolicy plus get on each object a chart looks up "
        "(preview) / AmazonEKSViewPolicy plus, for each declared kind the view leaves out, a get grant in its namespace "
        "(drift); beyond the view: an access policy, or RBAC bound to the entry's kubernetesGroups",
        "docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html (AmazonEKSViewPolicy's rules); "
        "docs.aws.amazon.com/eks/latest/userguide/access-entries.html (Kubernetes groups on an access entry, bound by RBAC); "
        "kubernetes.io/docs/reference/access-authn-authz/rbac/ (a RoleBinding grants a ClusterRole's rules in its own "
        "namespace only); pulumi-kubernetes provider/pkg/provider/provider.go (Create/Update: a forbidden preview dry run "
        "previews from the inputs) and provider/pkg/provider/helm/v4/chart.go (lookups rendered live); helm "
        "pkg/engine/lookup_func.go (any error but a 404 fails the template)",
        ci_identities,
    ),
    Actor(
        "The Kubernetes provider (cluster.kubernetesRole)",
        "acts as a cluster admin; whoever runs the program can assume it",
        "access entry + AmazonEKSClusterAdminPolicy; the role's trust policy names each CI identity, itself included",
        "docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-trust-policy.html ('To allow users to assume the "
        "current role again within a role session, specify the role ARN ... as a principal in the role trust policy')",
        provider_identity,
    ),
    Actor(
        "Human admins (cluster.access)",
        "the access the stack config gives them",
        "access entry + the configured access policy association",
        "docs.aws.amazon.com/eks/latest/userguide/access-entries.html (a principal needs an access entry and an associated "
        "access policy or Kubernetes group)",
        human_admins,
    ),
    Actor(
        "In-cluster controllers: AWS Load Balancer Controller, Karpenter, CloudWatch agent",
        "call AWS APIs (target registration, EC2 fleet, CloudWatch) from their pods",
        "a Pod Identity association for the namespace/service account the chart or add-on runs under, and the "
        "eks-pod-identity-agent add-on",
        "docs.aws.amazon.com/eks/latest/APIReference/API_CreatePodIdentityAssociation.html ('If a pod uses a service account "
        "that has an association, Amazon EKS sets environment variables in the containers of the pod')",
        controllers_have_pod_identity,
    ),
    Actor(
        "Pod Identity roles (the controllers and the app)",
        "be assumed by EKS Pod Identity for the service account that runs the pods",
        "trust policy: pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession; an association whose service account "
        "a chart, add-on or workload of the stack runs under",
        "docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html (trust policy for pods.eks.amazonaws.com: "
        "sts:AssumeRole, sts:TagSession)",
        pod_identity_roles,
    ),
    Actor(
        "CloudWatch alarms, AWS Budgets, EventBridge rules (ECR/Inspector findings, deployment events), AWS Backup",
        "publish to the alarm topic (encrypted with a customer managed key)",
        "topic policy: SNS:Publish for the service principal (EventBridge: for its rule's ARN); key policy: kms:Decrypt, "
        "kms:GenerateDataKey* for it",
        f"{_SNS_KMS}; docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions; "
        "docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html",
        topic_publishers,
    ),
    Actor(
        "CloudWatch Logs",
        "encrypt and decrypt the log groups that name a KMS key",
        "key policy: logs.<region>.amazonaws.com with kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe*",
        "docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html (the key policy must allow the "
        "logs.region.amazonaws.com principal these actions)",
        log_group_keys,
    ),
    Actor(
        "EventBridge rules with SQS and CloudWatch Logs targets (Karpenter interruptions, deployment markers)",
        "deliver events to the queue and the log group",
        "queue policy: sqs:SendMessage for events.amazonaws.com; log resource policy: logs:CreateLogStream, "
        "logs:PutLogEvents for events.amazonaws.com on the log group",
        "docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html (#eb-sqs-permissions, #eb-cloudwatchlogs-permissions)",
        event_targets,
    ),
    Actor(
        "CloudFront (OAC) and Elastic Load Balancing log delivery",
        "read the assets bucket; write the load balancer's access logs",
        "bucket policy: s3:GetObject for cloudfront.amazonaws.com; s3:PutObject for logdelivery.elasticloadbalancing"
        ".amazonaws.com (or the region's ELB account)",
        "docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html; "
        "docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
        service_buckets,
    ),
    Actor(
        "AWS services given a role: EKS, EC2 nodes, RDS monitoring, VPC flow logs, Backup, Synthetics canaries, AppConfig's alarm monitor",
        "assume the role the resource hands them",
        "trust policy: the service principal with sts:AssumeRole",
        "docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-service.html (a service role's trust policy names the "
        "service principal); per service: eks-iam-role, create-node-role, USER_Monitoring.OS, flow-logs-cwl, "
        "iam-service-roles (Backup), CloudWatch_Synthetics_Canaries_Roles, appconfig-creating-deployment-strategy",
        roles_trust_their_services,
    ),
    Actor(
        "AppConfig's alarm monitor and the canaries",
        "read the alarm it watches; write artifacts, metrics and logs",
        "identity policy: cloudwatch:DescribeAlarms (AppConfig); s3:PutObject, s3:GetBucketLocation, s3:ListAllMyBuckets, "
        "cloudwatch:PutMetricData, logs:CreateLogStream, logs:PutLogEvents (canary)",
        "docs.aws.amazon.com/appconfig/latest/userguide/getting-started-with-appconfig-cloudwatch-alarms-permissions.html; "
        "docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_CanaryPermissions.html",
        roles_can_do_their_work,
    ),
)


def check_actors(resources: Sequence[Resource], config: Config) -> Findings:
    graph = graph_of(resources)
    findings: Findings = []
    for actor in ACTORS:
        findings += actor.check(graph, config)
    return findings


# Stack config values this policy reads, by setting name (preflight fills them from the stack's config).
STACK_CONFIG_SETTINGS = {
    "ci": ("email-platform:ci", None),
    "clusterAccess": ("email-platform:cluster", "access"),
    "kubernetesRole": ("email-platform:cluster", "kubernetesRole"),
}


def settings_from_stack_config(stack_config: Mapping[str, Any]) -> dict[str, Any]:
    """This policy's settings as the stack config gives them (values already parsed from JSON text)."""
    settings: dict[str, Any] = {}
    for setting, (key, member) in STACK_CONFIG_SETTINGS.items():
        value = stack_config.get(key)
        if member is not None:
            value = value.get(member) if isinstance(value, Mapping) else None
        if value is not None and value != SECRET:
            settings[setting] = value
    return settings


STACK_POLICIES: list[StackPolicySpec] = [
    StackPolicySpec(
        "actors-have-their-grants",
        "Every actor (CI identities, admins, controllers, AWS services) has the grant that lets it do its work (policy/actors.py).",
        MANDATORY,
        check_actors,
        schema(
            ci={"type": "object", "default": {}},
            clusterAccess={"type": "object", "default": {}},
            kubernetesRole={"type": "string", "default": ""},
        ),
    ),
    StackPolicySpec(
        "ci-identities-named",
        "A stack that creates its cluster names its CI identities (email-platform:ci), so their access is checked.",
        ADVISORY,
        ci_named,
        schema(ci={"type": "object", "default": {}}),
    ),
]
