"""What must be in effect before what, checked on the plan's dependency graph (transitively).

Pulumi creates a resource as soon as everything it waits for exists; two resources with no path
between them are created in parallel, in any order. Where an AWS API or a controller needs one thing
in effect before another starts (credentials before the pods that use them, a topic policy before
the alarms that publish to it, traffic away from a colour before it parks), the second must wait for
the first: a path of dependencies from the second to the first. Each row of `ORDERINGS` says which
pairs it means, why, and where that is written; its check finds the pairs in the plan and reports
each pair with no path as one line naming both ends.

To add a row: a check `(graph, settings) -> findings` that finds the pairs (reuse `plan_graph`,
`pod_identity` and `service_grants` to find who uses what), an `Ordering` with its source, and a test in
tests/policy/test_ordering.py that drops the edge from a small plan and sees the finding.

Dependencies come from the plan document (`make plan`), from `pulumi preview --json` (each step's
`newState.dependencies`) and from the engine under CrossGuard. A document with no dependency at all
cannot answer: the advisory policy says so once instead of reporting every pair.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from policy.grant_types import (
    ACCESS_POLICY,
    ADDON,
    EVENT_TARGET,
    KEY,
    KEY_POLICY,
    LOG_GROUP,
    LOG_RESOURCE_POLICY,
    POD_IDENTITY,
    QUEUE,
    QUEUE_POLICY,
    TOPIC,
    TOPIC_POLICY,
)
from policy.plan_graph import PlanGraph, graph_of, resolve, short
from policy.pod_identity import associations_for, service_account_uses
from policy.resource_types import ACCESS_ENTRY, DEPLOYMENT, DISTRIBUTION, LOAD_BALANCER, SG, SG_INGRESS_RULES, VPC_ORIGIN
from policy.service_grants import policies_of, topic_publisher_links
from policy.specs import ADVISORY, MANDATORY, Config, Resource, StackFinding, StackPolicySpec
from policy.values import as_list, get

Findings = list[StackFinding]
Check = Callable[[PlanGraph, Config], Findings]

TARGET_GROUP = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
LISTENER_RULE = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")
BINDING = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding"
SERVICE = "kubernetes:core/v1:Service"
DEPLOYMENT_PATCH = "kubernetes:apps/v1:DeploymentPatch"
K8S_PROVIDER = "pulumi:providers:kubernetes"
# Resources that only wait (a fixed delay after what they depend on), for eventually consistent APIs.
SETTLE_TYPES = frozenset({"time:index/sleep:Sleep"})


@dataclass(frozen=True)
class Ordering:
    first: str
    then: str
    why: str
    source: str
    check: Check


def _missing(graph: PlanGraph, later: Resource, earlier: Resource, why: str) -> Findings:
    return (
        []
        if graph.waits(later.urn, earlier.urn)
        else [(later.urn, f"does not wait for {short(earlier.urn)} ({earlier.type.rsplit(':', 1)[-1]}): {why}")]
    )


def pod_identity_before_pods(graph: PlanGraph, settings: Config) -> Findings:
    findings: Findings = []
    agents = [a for a in graph.of_type(ADDON) if a.props.get("addonName") == "eks-pod-identity-agent"]
    for use in service_account_uses(graph):
        for association in associations_for(graph, use):
            if association.type != POD_IDENTITY:
                continue
            why = f"its pods run as {use.namespace}/{use.service_account} and can start before the association is in effect, without credentials"
            findings += _missing(graph, use.resource, association, why)
            for agent in agents:
                findings += _missing(graph, use.resource, agent, "the Pod Identity agent hands out the credentials its pods ask for")
    return findings


def settle_after_pod_identity(graph: PlanGraph, settings: Config) -> Findings:
    """A consumer waits for a settle (a sleep) that itself waits for the association."""
    findings: Findings = []
    settles = [r for r in graph.resources if r.type in SETTLE_TYPES]
    for use in service_account_uses(graph):
        for association in associations_for(graph, use):
            if association.type != POD_IDENTITY:
                continue
            if not any(graph.waits(s.urn, association.urn) and graph.waits(use.resource.urn, s.urn) for s in settles):
                findings.append(
                    (
                        use.resource.urn,
                        f"waits for no settle after {short(association.urn)}: associations are eventually consistent and may take "
                        "several seconds to be effective",
                    )
                )
    return findings


def vpc_origin_ingress_after_distribution(graph: PlanGraph, settings: Config) -> Findings:
    """The rule admitting CloudFront's VPC-origin security group into the load balancer's group."""
    findings: Findings = []
    own_groups = {g.id for g in graph.of_type(SG)}
    for origin in graph.of_type(*VPC_ORIGIN):
        balancers = graph.direct_of_type(origin, *LOAD_BALANCER)
        groups = {sg for b in balancers for sg in as_list(b.props.get("securityGroups")) if isinstance(sg, str)}
        distributions = [d for d in graph.of_type(*DISTRIBUTION) if graph.waits(d.urn, origin.urn)]
        for rule in graph.of_type(*SG_INGRESS_RULES):
            referenced = rule.props.get("referencedSecurityGroupId") or rule.props.get("sourceSecurityGroupId")
            if rule.props.get("securityGroupId") in groups and isinstance(referenced, str) and referenced not in own_groups:
                for distribution in distributions:
                    findings += _missing(
                        graph,
                        rule,
                        distribution,
                        "CloudFront creates its VPC-origin security group only once a distribution uses the VPC origin",
                    )
    return findings


def _forwards(rule: Resource) -> list[tuple[object, object]]:
    """(target group ARN, weight or None) for every forward action of a listener rule."""
    found: list[tuple[object, object]] = []
    for action in as_list(rule.props.get("actions")):
        if not isinstance(action, Mapping):
            continue
        if action.get("targetGroupArn"):
            found.append((action["targetGroupArn"], None))
        for group in as_list(get(action, "forward.targetGroups")):
            if isinstance(group, Mapping):
                found.append((group.get("arn"), group.get("weight")))
    return found


def _target_group(graph: PlanGraph, user: Resource, arn: object) -> Resource | None:
    return resolve(graph, user, arn, TARGET_GROUP, "name")


def _bindings(graph: PlanGraph, group: Resource) -> list[Resource]:
    return [b for b in graph.of_type(BINDING) if _target_group(graph, b, get(b.props, "spec.targetGroupARN")) is group]


def binding_before_rule(graph: PlanGraph, settings: Config) -> Findings:
    findings: Findings = []
    for rule in graph.of_type(*LISTENER_RULE):
        for arn, weight in _forwards(rule):
            group = _target_group(graph, rule, arn)
            if group is None or weight == 0:
                continue
            for binding in _bindings(graph, group):
                findings += _missing(
                    graph,
                    rule,
                    binding,
                    f"it sends traffic to {short(group.urn)}, which has no targets until the binding registers the pods",
                )
    return findings


def _bound_workloads(graph: PlanGraph, binding: Resource) -> list[Resource]:
    """The Deployments behind a binding: its Service's selector matched against their pod labels."""
    namespace = get(binding.props, "metadata.namespace")
    service_name = get(binding.props, "spec.serviceRef.name")
    services = [
        s
        for s in graph.of_type(SERVICE)
        if get(s.props, "metadata.name") == service_name and get(s.props, "metadata.namespace") == namespace
    ]
    found: list[Resource] = []
    for service in services:
        selector = get(service.props, "spec.selector")
        if not isinstance(selector, Mapping) or not selector:
            continue
        for deployment in graph.of_type(DEPLOYMENT):
            labels = get(deployment.props, "spec.template.metadata.labels")
            if (
                get(deployment.props, "metadata.namespace") == namespace
                and isinstance(labels, Mapping)
                and selector.items() <= labels.items()
            ):
                found.append(deployment)
    return found


def _parks(graph: PlanGraph, deployment: Resource) -> list[Resource]:
    """The resources that take a Deployment to zero replicas: itself, or a patch of it."""
    name, namespace = get(deployment.props, "metadata.name"), get(deployment.props, "metadata.namespace")
    found = [deployment] if get(deployment.props, "spec.replicas") == 0 else []
    for patch in graph.of_type(DEPLOYMENT_PATCH):
        if (
            get(patch.props, "metadata.name") == name
            and get(patch.props, "metadata.namespace") == namespace
            and get(patch.props, "spec.replicas") == 0
        ):
            found.append(patch)
    return found


def parked_colour_after_rule(graph: PlanGraph, settings: Config) -> Findings:
    findings: Findings = []
    for rule in graph.of_type(*LISTENER_RULE):
        for arn, weight in _forwards(rule):
            group = _target_group(graph, rule, arn)
            if group is None or weight != 0:
                continue
            for binding in _bindings(graph, group):
                for deployment in _bound_workloads(graph, binding):
                    for parking in _parks(graph, deployment):
                        if graph.waits(rule.urn, parking.urn):
                            findings.append(
                                (
                                    rule.urn,
                                    f"takes the weight from {short(group.urn)} only after {short(parking.urn)} parks it: requests still sent there fail",
                                )
                            )
                        else:
                            findings += _missing(
                                graph,
                                parking,
                                rule,
                                f"it parks the pods behind {short(group.urn)}, which still get traffic until the rule's weight is 0",
                            )
    return findings


def access_before_kubernetes_provider(graph: PlanGraph, settings: Config) -> Findings:
    findings: Findings = []
    entries = [e for e in graph.of_type(ACCESS_ENTRY) if e.props.get("type") in (None, "STANDARD")]
    principals = {e.props.get("principalArn") for e in entries}
    associations = [a for a in graph.of_type(ACCESS_POLICY) if a.props.get("principalArn") in principals]
    for provider in graph.of_type(K8S_PROVIDER):
        for grant in [*entries, *associations]:
            who = grant.props.get("principalArn")
            findings += _missing(
                graph, provider, grant, f"the provider's first call as {who} is refused until its access entry and policy are in effect"
            )
    return findings


def policies_before_their_users(graph: PlanGraph, settings: Config) -> Findings:
    """Topic and key policies before the publishers; key policies before log groups; queue and log
    resource policies before the EventBridge targets that deliver there."""
    findings: Findings = []
    for publisher, service, arn, _ in topic_publisher_links(graph):
        topic = resolve(graph, publisher, arn, TOPIC, "name")
        if topic is None:
            continue
        for policy in policies_of(graph, topic, TOPIC_POLICY, "arn", "name"):
            findings += _missing(
                graph, publisher, policy, f"{service} may publish to {short(topic.urn)} only once its topic policy is in effect"
            )
        key = resolve(graph, topic, topic.props.get("kmsMasterKeyId"), KEY) if topic.props.get("kmsMasterKeyId") else None
        for policy in policies_of(graph, key, KEY_POLICY, "keyId", "keyId") if key else []:
            findings += _missing(graph, publisher, policy, f"{service} may use the topic's key only once its key policy is in effect")
    for group in graph.of_type(*LOG_GROUP):
        key = resolve(graph, group, group.props.get("kmsKeyId"), KEY) if group.props.get("kmsKeyId") else None
        for policy in policies_of(graph, key, KEY_POLICY, "keyId", "keyId") if key else []:
            findings += _missing(graph, group, policy, "CloudWatch Logs refuses a key whose policy does not yet let it use the key")
    for target in graph.of_type(EVENT_TARGET):
        arn = target.props.get("arn")
        if isinstance(arn, str) and ":sqs:" in arn:
            queue = resolve(graph, target, arn, QUEUE, "name")
            for policy in policies_of(graph, queue, QUEUE_POLICY, "queueUrl") if queue else []:
                findings += _missing(graph, target, policy, "events delivered before the queue policy is in effect are dropped")
        if isinstance(arn, str) and ":logs:" in arn:
            for policy in graph.of_type(LOG_RESOURCE_POLICY):
                if arn.split(":log-group:")[-1] in str(policy.props.get("policyDocument")):
                    findings += _missing(graph, target, policy, "events delivered before the log resource policy is in effect are dropped")
    return findings


_POD_ID_CONSISTENCY = (
    "docs.aws.amazon.com/cli/latest/reference/eks/create-pod-identity-association.html ('EKS Pod Identity associations are "
    "eventually consistent, and may take several seconds to be effective after the initial API call returns successfully')"
)

ORDERINGS: tuple[Ordering, ...] = (
    Ordering(
        "a Pod Identity association (and the Pod Identity agent)",
        "the chart, add-on or workload whose pods run under its service account",
        "EKS injects credentials when a pod starts; a pod that starts first runs without them until restarted",
        f"{_POD_ID_CONSISTENCY}; docs.aws.amazon.com/eks/latest/APIReference/API_CreatePodIdentityAssociation.html",
        pod_identity_before_pods,
    ),
    Ordering(
        "the CloudFront distribution that uses the VPC origin",
        "the ingress rule that admits CloudFront's VPC-origin security group into the load balancer's group",
        "the group the rule references exists only once a distribution uses the VPC origin",
        "docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html (the "
        "CloudFront-VPCOrigins-Service-SG managed group); aws/aws-cdk#34629",
        vpc_origin_ingress_after_distribution,
    ),
    Ordering(
        "a target group's TargetGroupBinding",
        "a listener rule that forwards to the target group with a non-zero weight (the weighted traffic rule, and each "
        "colour's header rule, which exists so the ALB health-checks the colour's targets: its pods wait for it in turn)",
        "until the AWS Load Balancer Controller registers the pods, the target group has no targets and the ALB answers 503",
        "kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/targetgroupbinding/targetgroupbinding/ "
        "(the controller registers the Service's endpoints as targets); docs.aws.amazon.com/elasticloadbalancing/latest/"
        "application/load-balancer-troubleshooting.html (HTTP 503: 'target groups for the load balancer have no registered targets')",
        binding_before_rule,
    ),
    Ordering(
        "the listener rule that takes a colour's weight to 0",
        "that colour parking (replicas 0)",
        "pods removed while the rule still forwards to them turn requests into errors",
        "docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-update-rules.html (weighted forward actions); "
        "the same HTTP 503 for a target group without healthy targets",
        parked_colour_after_rule,
    ),
    Ordering(
        "every access entry and access policy association",
        "the Kubernetes provider (and so its first call)",
        "the API server refuses a principal until its access entry and policy exist",
        "docs.aws.amazon.com/eks/latest/userguide/access-entries.html (access entries grant IAM principals Kubernetes access)",
        access_before_kubernetes_provider,
    ),
    Ordering(
        "a topic's policy and its key's policy; a log group's key policy; a queue's or log group's resource policy",
        "the alarms, budgets and EventBridge targets that publish there; the log group that uses the key",
        "AWS checks the resource policy when the service first delivers (or, for CloudWatch Logs, when the group is created)",
        "docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html; docs.aws.amazon.com/sns/latest/dg/"
        "sns-key-management.html; docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html",
        policies_before_their_users,
    ),
)

# Advisory: waits that make an eventually consistent grant effective before its first use.
SETTLES: tuple[Ordering, ...] = (
    Ordering(
        "a settle (a short sleep) after each Pod Identity association",
        "the pods that use it",
        "the association is eventually consistent",
        _POD_ID_CONSISTENCY,
        settle_after_pod_identity,
    ),
)

NO_EDGES = "the document carries no dependencies (an old plan document or a preview without them): ordering not checked"


def check_orderings(resources: Sequence[Resource], config: Config) -> Findings:
    graph = graph_of(resources)
    if not graph.has_edges:
        return []
    findings: Findings = []
    for ordering in ORDERINGS:
        findings += ordering.check(graph, config)
    return sorted(set(findings))


def _rows_apply(graph: PlanGraph, config: Config) -> bool:
    """Whether some ordering row finds pairs to order in a document: without edges, a row reports every
    pair it finds, so any finding means the document has something the missing edges leave unchecked
    (a Kubernetes provider alone, with no access entry to wait for, has nothing to order)."""
    return any(ordering.check(graph, config) for ordering in ORDERINGS)


def check_settles(resources: Sequence[Resource], config: Config) -> Findings:
    graph = graph_of(resources)
    if not graph.has_edges:
        return [(None, NO_EDGES)] if _rows_apply(graph, config) else []
    findings: Findings = []
    for ordering in SETTLES:
        findings += ordering.check(graph, config)
    return sorted(set(findings), key=lambda f: (f[0] or "", f[1]))


STACK_POLICIES: list[StackPolicySpec] = [
    StackPolicySpec(
        "in-effect-before-use",
        "What must be in effect before what, on the dependency graph (policy/ordering.py).",
        MANDATORY,
        check_orderings,
    ),
    StackPolicySpec(
        "settle-after-eventually-consistent-grants",
        "Pods wait a moment after the Pod Identity association they use (policy/ordering.py).",
        ADVISORY,
        check_settles,
    ),
]
