"""Who must be able to do what: every actor of the platform, what it must do, and the grant that lets it.

A row of `ACTORS` names an actor (a CI identity, a human admin, an in-cluster controller, an AWS
service that publishes or encrypts, a role a service assumes), what it must be able to do, the grant
that allows it, and the primary source for that rule. Its check finds the actor's instances in the
plan (the alarms that publish to a topic, the charts that run a controller …) and derives each grant
from the plan itself: the trust policy, the access entry and its policy association, the Pod Identity
association for the service account the chart or pod uses, the key, topic, queue, bucket or log
resource policy. A missing grant is one finding naming the actor, the resource and the grant.

To add a row: write a check `(graph, settings) -> findings` beside the others (use `plan_graph` to
resolve references: dependencies decide, values only when they can), append an `Actor` with its
source, and add a test in tests/policy/test_actors.py that removes the grant from a small plan and
sees the finding.

The CI identities come from the stack config (`email-platform:ci`: deployRole, previewRole,
driftRole; `email-platform:cluster`: access, kubernetesRole), which `preflight check` and
`make plan` hand over as this policy's settings; under CrossGuard set them in the policy pack config
(`ci`, `clusterAccess`, `kubernetesRole`), or those rows only see the plan's access entries.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from policy.plan_graph import PlanGraph, Statement, action_covers, allows, condition_values, document, granting, resolve, short
from policy.specs import ADVISORY, MANDATORY, Config, Resource, StackFinding, StackPolicySpec, schema
from policy.values import SECRET, UNKNOWN, as_list, get

Findings = list[StackFinding]
Check = Callable[[PlanGraph, Config], Findings]

ROLE = ("aws:iam/role:Role",)
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry"
ACCESS_POLICY = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
POD_IDENTITY = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
ADDON = "aws:eks/addon:Addon"
EKS = "aws:eks/cluster:Cluster"
TOPIC = ("aws:sns/topic:Topic",)
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
KEY = ("aws:kms/key:Key",)
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
QUEUE = ("aws:sqs/queue:Queue",)
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
BUCKET = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
LOG_GROUP = ("aws:cloudwatch/logGroup:LogGroup",)
LOG_RESOURCE_POLICY = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
CHARTS = ("kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart")
WORKLOADS = {
    "kubernetes:apps/v1:Deployment": "spec.template.spec",
    "kubernetes:apps/v1:StatefulSet": "spec.template.spec",
    "kubernetes:apps/v1:DaemonSet": "spec.template.spec",
    "kubernetes:batch/v1:Job": "spec.template.spec",
    "kubernetes:batch/v1:CronJob": "spec.jobTemplate.spec.template.spec",
}

CLUSTER_ADMIN = "AmazonEKSClusterAdminPolicy"
# Access policies that let a principal read every object the stack declares, Secrets included.
READS_EVERYTHING = frozenset({"AmazonEKSAdminViewPolicy", "AmazonEKSClusterAdminPolicy"})
READS_ALL_BUT_SECRETS = frozenset({"AmazonEKSViewPolicy"})


@dataclass(frozen=True)
class Actor:
    actor: str
    must: str
    grant: str
    source: str
    check: Check


def _policy_name(arn: Any) -> str:
    return arn.rsplit("/", 1)[-1] if isinstance(arn, str) else ""


def _settings_ci(settings: Config) -> dict[str, str]:
    ci = settings.get("ci") if isinstance(settings.get("ci"), Mapping) else {}
    return {k: v for k, v in (ci or {}).items() if k in ("deployRole", "previewRole", "driftRole") and isinstance(v, str) and v}


# ── Kubernetes API access (access entries) ──


def _access(graph: PlanGraph, principal: str) -> tuple[Resource | None, list[Resource]]:
    """The access entry for a principal ARN and its policy associations."""
    entries = [r for r in graph.of_type(ACCESS_ENTRY) if r.props.get("principalArn") == principal]
    associations = [r for r in graph.of_type(ACCESS_POLICY) if r.props.get("principalArn") == principal]
    return (entries[0] if entries else None), associations


def _cluster_scoped(association: Resource) -> bool:
    return get(association.props, "accessScope.type") in ("cluster", UNKNOWN)


def _reads_secrets_through_rbac(graph: PlanGraph, entry: Resource) -> bool:
    """The entry's Kubernetes groups are bound to a role that may read Secrets."""
    groups = {g for g in as_list(entry.props.get("kubernetesGroups")) if isinstance(g, str)}
    if not groups:
        return False
    roles = {
        get(b.props, "roleRef.name")
        for b in graph.of_type(
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
        )
        if any(s.get("kind") == "Group" and s.get("name") in groups for s in as_list(b.props.get("subjects")) if isinstance(s, Mapping))
    }
    for role in graph.of_type("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "kubernetes:rbac.authorization.k8s.io/v1:Role"):
        if get(role.props, "metadata.name") not in roles:
            continue
        for rule in as_list(role.props.get("rules")):
            reads = isinstance(rule, Mapping) and {"get", "list", "*"} & set(as_list(rule.get("verbs")))
            if reads and {"secrets", "*"} & set(as_list(rule.get("resources"))):
                return True
    return False


def _cluster_in_stack(graph: PlanGraph) -> Resource | None:
    clusters = graph.of_type(EKS)
    return clusters[0] if clusters else None


NO_CI = (
    "names no CI identities (email-platform:ci deployRole/previewRole/driftRole): the pull-request preview and the "
    "drift check run as their own roles and get no EKS access entry, so they cannot read the cluster's objects, "
    "and no row checks that whichever role the Kubernetes provider acts as trusts them (a role that assumes "
    "itself must name itself in its trust policy)"
)


def ci_named(resources: Sequence[Resource], config: Config) -> Findings:
    """Advisory: a stack that creates its cluster and names no CI identities (a stack without CI may)."""
    cluster = _cluster_in_stack(PlanGraph(resources))
    return [(cluster.urn, NO_CI)] if cluster is not None and not _settings_ci(config) else []


def _secret_namespaces(graph: PlanGraph) -> set[str]:
    return {str(get(s.props, "metadata.namespace") or "default") for s in graph.of_type("kubernetes:core/v1:Secret")}


def _reads_secrets(associations: list[Resource], namespaces: set[str]) -> bool:
    """An association that reads Secrets, cluster-wide or in every namespace that has some."""
    for association in associations:
        if _policy_name(association.props.get("policyArn")) not in READS_EVERYTHING:
            continue
        scoped = {n for n in as_list(get(association.props, "accessScope.namespaces")) if isinstance(n, str)}
        if _cluster_scoped(association) or namespaces <= scoped:
            return True
    return False


def ci_identities(graph: PlanGraph, settings: Config) -> Findings:
    cluster = _cluster_in_stack(graph)
    ci = _settings_ci(settings)
    if cluster is None or not ci:
        return []  # an existing cluster grants its access where it was created; no CI: the advisory says so
    findings: Findings = []
    secret_namespaces = _secret_namespaces(graph)
    for key, role in sorted(ci.items()):
        entry, associations = _access(graph, role)
        policies = {_policy_name(a.props.get("policyArn")) for a in associations if _cluster_scoped(a)}
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
        elif secret_namespaces and not _reads_secrets(associations, secret_namespaces) and not _reads_secrets_through_rbac(graph, entry):
            findings.append(
                (
                    entry.urn,
                    f"CI identity {key} ({role}) can read everything but Secrets (AmazonEKSViewPolicy), and the stack declares "
                    "Secrets a refresh reads: add AmazonEKSAdminViewPolicy or an RBAC role for secrets bound to its group",
                )
            )
    return findings


def provider_identity(graph: PlanGraph, settings: Config) -> Findings:
    """The role the Kubernetes provider assumes is a cluster admin, and whoever runs the program can assume it."""
    role = settings.get("kubernetesRole")
    cluster = _cluster_in_stack(graph)
    if not isinstance(role, str) or not role or cluster is None:
        return []
    findings: Findings = []
    entry, associations = _access(graph, role)
    if entry is None or CLUSTER_ADMIN not in {_policy_name(a.props.get("policyArn")) for a in associations}:
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
        policy = wanted.get("policy") if isinstance(wanted, Mapping) else wanted
        entry, associations = _access(graph, principal)
        if entry is None:
            findings.append((cluster.urn, f"cluster.access lists {principal}, which has no EKS access entry"))
        elif policy not in {_policy_name(a.props.get("policyArn")) for a in associations}:
            findings.append((entry.urn, f"cluster.access gives {principal} {policy}, but no association grants it"))
    return findings


# ── Pod Identity: controllers and the app ──


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
    for kind, path in WORKLOADS.items():
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
    for role in graph.of_type(*ROLE):
        statements = document(role.props.get("assumeRolePolicy")) or []
        if granting(statements, "service:pods.eks.amazonaws.com", "sts:AssumeRole") and role.urn not in handed:
            findings.append((role.urn, "trusts Pod Identity, but no association hands it to a service account"))
    return findings


# ── AWS services that publish to a topic, and the keys they use ──


def topic_publisher_links(graph: PlanGraph) -> list[tuple[Resource, str, Any, str]]:
    """(publisher, service principal, topic ARN, source ARN or "") for every alarm, budget, rule target and vault."""
    found: list[tuple[Resource, str, Any, str]] = []
    for alarm in graph.of_type("aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm"):
        arns = {a for key in ("alarmActions", "okActions", "insufficientDataActions") for a in as_list(alarm.props.get(key))}
        found += [(alarm, "cloudwatch.amazonaws.com", a, "") for a in sorted(arns, key=str) if isinstance(a, str) and ":sns:" in a]
    for budget in graph.of_type("aws:budgets/budget:Budget"):
        arns = {
            a
            for n in as_list(budget.props.get("notifications"))
            if isinstance(n, Mapping)
            for a in as_list(n.get("subscriberSnsTopicArns"))
        }
        found += [(budget, "budgets.amazonaws.com", a, "") for a in sorted(arns, key=str)]
    for target in graph.of_type(EVENT_TARGET):
        arn = target.props.get("arn")
        if isinstance(arn, str) and ":sns:" in arn:
            found.append((target, "events.amazonaws.com", arn, _rule_arn(target, arn)))
    for notify in graph.of_type("aws:backup/vaultNotifications:VaultNotifications"):
        found.append((notify, "backup.amazonaws.com", notify.props.get("snsTopicArn"), ""))
    return found


def _rule_arn(target: Resource, sibling_arn: str) -> str:
    """The ARN of a target's rule, in the region and account of the ARN it sends to."""
    parts = sibling_arn.split(":")
    rule, bus = target.props.get("rule"), target.props.get("eventBusName")
    if len(parts) < 5 or not isinstance(rule, str):
        return ""
    on_bus = f"{bus}/" if isinstance(bus, str) and bus not in ("", "default") else ""
    return f"arn:aws:events:{parts[3]}:{parts[4]}:rule/{on_bus}{rule}"


def _source_allowed(statements: list[Statement], source_arn: str) -> bool:
    """Whether any of the statements' aws:SourceArn conditions (if they have one) admits `source_arn`."""
    for statement in statements:
        values = condition_values(statement, "aws:SourceArn")
        if not values or not source_arn or any(fnmatch.fnmatchcase(source_arn, v) for v in values):
            return True
    return False


def policies_of(graph: PlanGraph, owner: Resource, policy_type: str, key: str, *names: str) -> list[Resource]:
    return [p for p in graph.of_type(policy_type) if resolve(graph, p, p.props.get(key), (owner.type,), *names) is owner]


def topic_publishers(graph: PlanGraph, settings: Config) -> Findings:
    findings: Findings = []
    for publisher, service, arn, source in topic_publisher_links(graph):
        topic = resolve(graph, publisher, arn, TOPIC, "name")
        if topic is None:
            continue  # a topic outside the stack: its owner grants it
        policies = policies_of(graph, topic, TOPIC_POLICY, "arn", "name")
        statements = [s for p in policies for s in document(p.props.get("policy")) or []]
        if not policies:
            findings.append((publisher.urn, f"publishes to {short(topic.urn)} as {service}, but the topic has no topic policy"))
        elif any(document(p.props.get("policy")) is None for p in policies):
            pass  # unknown or secret policy text: decided by code the tests cover
        elif not _source_allowed(granting(statements, f"service:{service}", "sns:Publish"), source):
            grant = f"SNS:Publish for {service}" + (f" from {source}" if source else "")
            findings.append((publisher.urn, f"publishes to {short(topic.urn)}, whose topic policy does not allow {grant}"))
        key_id = topic.props.get("kmsMasterKeyId")
        if key_id is None:
            continue
        key = resolve(graph, topic, key_id, KEY)
        if key is None:
            continue  # an AWS managed key (alias/aws/sns): AWS services cannot use it, the topic policy check above is moot
        missing = _key_policy_missing(graph, key, service, ["kms:Decrypt", "kms:GenerateDataKey"])
        if missing:
            findings.append((publisher.urn, f"publishes to {short(topic.urn)}, encrypted with {short(key.urn)}, {missing}"))
    return findings


def _key_policy_missing(graph: PlanGraph, key: Resource, service: str, actions: Sequence[str]) -> str:
    """Why the key's policy does not let `service` do `actions` ("" when it does)."""
    policies = policies_of(graph, key, KEY_POLICY, "keyId", "keyId") or [key]
    texts = [p.props.get("policy") for p in policies]
    if all(t is None for t in texts):
        return f"whose key policy is the default one: {service} is not allowed {', '.join(actions)}"
    statements = [s for t in texts for s in document(t) or []]
    if any(document(t) is None for t in texts if t is not None):
        return ""
    missing = allows(statements, f"service:{service}", actions)
    return f"whose key policy does not allow {service} {', '.join(missing)}" if missing else ""


def log_group_keys(graph: PlanGraph, settings: Config) -> Findings:
    findings: Findings = []
    for group in graph.of_type(*LOG_GROUP):
        key_id = group.props.get("kmsKeyId")
        if key_id is None:
            continue
        key = resolve(graph, group, key_id, KEY)
        if key is None:
            continue
        region = key_id.split(":")[3] if isinstance(key_id, str) and key_id.startswith("arn:") else ""
        service = f"logs.{region}.amazonaws.com" if region else "logs.amazonaws.com"
        missing = _key_policy_missing(
            graph, key, service, ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey", "kms:DescribeKey"]
        )
        if missing:
            findings.append((group.urn, f"is encrypted with {short(key.urn)}, {missing}"))
    return findings


# ── EventBridge targets that are not topics; buckets that AWS services write or read ──


def event_targets(graph: PlanGraph, settings: Config) -> Findings:
    findings: Findings = []
    for target in graph.of_type(EVENT_TARGET):
        arn = target.props.get("arn")
        if not isinstance(arn, str):
            continue
        if ":sqs:" in arn:
            queue = resolve(graph, target, arn, QUEUE, "name")
            if queue is None:
                continue
            policies = policies_of(graph, queue, QUEUE_POLICY, "queueUrl")
            statements = [s for p in policies for s in document(p.props.get("policy")) or []]
            if not policies or allows(statements, "service:events.amazonaws.com", ["sqs:SendMessage"]):
                findings.append(
                    (target.urn, f"sends to {short(queue.urn)}, whose queue policy does not allow events.amazonaws.com sqs:SendMessage")
                )
        elif ":logs:" in arn:
            policies = graph.of_type(LOG_RESOURCE_POLICY)
            statements = [s for p in policies for s in document(p.props.get("policyDocument")) or []]
            if any(document(p.props.get("policyDocument")) is None for p in policies):
                continue
            need = [
                a
                for a in ("logs:CreateLogStream", "logs:PutLogEvents")
                if not _covers_resource(granting(statements, "service:events.amazonaws.com", a), arn)
            ]
            if need:
                findings.append(
                    (
                        target.urn,
                        f"writes to {arn.split(':log-group:')[-1]}, but no log resource policy allows events.amazonaws.com {', '.join(need)} on it",
                    )
                )
    return findings


def _covers_resource(statements: list[Statement], arn: str) -> bool:
    return any(fnmatch.fnmatchcase(arn, r) or fnmatch.fnmatchcase(f"{arn}:*", r) or r == "*" for s in statements for r in s.resources)


def _bucket_policy_statements(graph: PlanGraph, bucket: Resource) -> list[Statement] | None:
    policies = policies_of(graph, bucket, BUCKET_POLICY, "bucket", "bucket")
    if any(document(p.props.get("policy")) is None for p in policies):
        return None
    return [s for p in policies for s in document(p.props.get("policy")) or []]


def service_buckets(graph: PlanGraph, settings: Config) -> Findings:
    """CloudFront reads its S3 origins through OAC; the load balancer writes its access logs."""
    findings: Findings = []
    for distribution in graph.of_type("aws:cloudfront/distribution:Distribution"):
        if not any(isinstance(o, Mapping) and o.get("originAccessControlId") for o in as_list(distribution.props.get("origins"))):
            continue
        for bucket in graph.direct_of_type(distribution, *BUCKET):
            statements = _bucket_policy_statements(graph, bucket)
            if statements is not None and allows(statements, "service:cloudfront.amazonaws.com", ["s3:GetObject"]):
                findings.append(
                    (
                        bucket.urn,
                        f"is an origin of {short(distribution.urn)} through OAC, but its bucket policy does not allow cloudfront.amazonaws.com s3:GetObject",
                    )
                )
    for balancer in graph.of_type("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"):
        logs = get(balancer.props, "accessLogs")
        if not isinstance(logs, Mapping) or logs.get("enabled") is False or not logs.get("bucket"):
            continue
        log_bucket = resolve(graph, balancer, logs.get("bucket"), BUCKET, "bucket")
        if log_bucket is None:
            continue
        statements = _bucket_policy_statements(graph, log_bucket)
        if statements is None:
            continue
        writers = granting(statements, "service:logdelivery.elasticloadbalancing.amazonaws.com", "s3:PutObject")
        writers += [
            s
            for s in statements
            if s.effect == "Allow"
            and any(p.startswith("aws:arn:aws:iam::") for p in s.principals)
            and any(a.lower() == "s3:putobject" for a in s.actions)
        ]
        if not writers:
            findings.append(
                (
                    bucket.urn,
                    f"receives {short(balancer.urn)}'s access logs, but its bucket policy lets no ELB log delivery principal s3:PutObject",
                )
            )
    return findings


# ── roles handed to AWS services ──

# Where a resource hands a role to a service, and the service principal that must be trusted.
ROLE_HANDOVERS: tuple[tuple[str, str, str], ...] = (
    ("aws:eks/cluster:Cluster", "roleArn", "eks.amazonaws.com"),
    ("aws:eks/nodeGroup:NodeGroup", "nodeRoleArn", "ec2.amazonaws.com"),
    ("aws:rds/clusterInstance:ClusterInstance", "monitoringRoleArn", "monitoring.rds.amazonaws.com"),
    ("aws:ec2/flowLog:FlowLog", "iamRoleArn", "vpc-flow-logs.amazonaws.com"),
    ("aws:backup/selection:Selection", "iamRoleArn", "backup.amazonaws.com"),
    ("aws:synthetics/canary:Canary", "executionRoleArn", "lambda.amazonaws.com"),
    ("aws:appconfig/environment:Environment", "monitors.*.alarmRoleArn", "appconfig.amazonaws.com"),
)


def _values(props: Mapping[str, Any], path: str) -> list[Any]:
    if ".*." not in path:
        return [get(props, path)]
    head, tail = path.split(".*.", 1)
    return [get(item, tail) for item in as_list(get(props, head)) if isinstance(item, Mapping)]


def roles_trust_their_services(graph: PlanGraph, settings: Config) -> Findings:
    findings: Findings = []
    for kind, path, service in ROLE_HANDOVERS:
        for user in graph.of_type(kind):
            for value in _values(user.props, path):
                if value is None:
                    continue
                role = resolve(graph, user, value, ROLE, "name")
                statements = document(role.props.get("assumeRolePolicy")) if role is not None else None
                if role is not None and statements is not None and allows(statements, f"service:{service}", ["sts:AssumeRole"]):
                    findings.append((role.urn, f"is {short(user.urn)}'s {path.split('.')[-1]}, but does not trust {service}"))
    return findings


# Managed policies whose grants the checks below rely on (their documents are AWS's, not in the plan).
MANAGED_POLICY_ACTIONS = {
    "CloudWatchSyntheticsFullAccess": ("*",),
    "CloudWatchReadOnlyAccess": ("cloudwatch:DescribeAlarms",),
}


def _role_actions(graph: PlanGraph, role: Resource) -> list[Statement] | None:
    """The Allow statements of the role's inline policies, plus the managed ones named above; None when unreadable."""
    statements: list[Statement] = []
    for inline in graph.of_type(ROLE_POLICY):
        if resolve(graph, inline, inline.props.get("role"), ROLE, "name") is role:
            parsed = document(inline.props.get("policy"))
            if parsed is None:
                return None
            statements += parsed
    for attachment in graph.of_type(ATTACHMENT):
        if resolve(graph, attachment, attachment.props.get("role"), ROLE, "name") is role:
            actions = MANAGED_POLICY_ACTIONS.get(_policy_name(attachment.props.get("policyArn")), ())
            statements.append(Statement("Allow", frozenset({"*"}), actions, ("*",), {}))
    return statements


def _lacks(statements: list[Statement], actions: Sequence[str]) -> list[str]:
    allowed = [p for s in statements if s.effect == "Allow" for p in s.actions]
    return [a for a in actions if not any(action_covers(p, a) for p in allowed)]


# What the role of each kind of user must be allowed to do (identity policy).
ROLE_PERMISSIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("aws:appconfig/environment:Environment", "monitors.*.alarmRoleArn", ("cloudwatch:DescribeAlarms",)),
    (
        "aws:synthetics/canary:Canary",
        "executionRoleArn",
        (
            "s3:PutObject",
            "s3:GetBucketLocation",
            "s3:ListAllMyBuckets",
            "cloudwatch:PutMetricData",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
        ),
    ),
)


def roles_can_do_their_work(graph: PlanGraph, settings: Config) -> Findings:
    findings: Findings = []
    for kind, path, actions in ROLE_PERMISSIONS:
        for user in graph.of_type(kind):
            for value in _values(user.props, path):
                role = resolve(graph, user, value, ROLE, "name") if value is not None else None
                statements = _role_actions(graph, role) if role is not None else None
                if role is None or statements is None:
                    continue
                missing = _lacks(statements, actions)
                if missing:
                    findings.append((role.urn, f"is {short(user.urn)}'s {path.split('.')[-1]}, but may not {', '.join(missing)}"))
    return findings


_SNS_KMS = (
    "docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services (AWS services that publish "
    "to an encrypted topic need kms:GenerateDataKey* and kms:Decrypt in the key policy)"
)

ACTORS: tuple[Actor, ...] = (
    Actor(
        "CI identities: deploy, preview, drift (email-platform:ci)",
        "deploy changes every Kubernetes object; preview and drift read every object the stack declares",
        "access entry + AmazonEKSClusterAdminPolicy (deploy) / AmazonEKSViewPolicy, plus a Secrets read grant when the stack "
        "declares Secrets (preview, drift)",
        "docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html (access policies 'are similar to the "
        "permissions in the Kubernetes user-facing cluster roles'); kubernetes.io/docs/reference/access-authn-authz/rbac/"
        "#user-facing-roles (view: 'This role does not allow viewing Secrets')",
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
    graph = PlanGraph(resources)
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
