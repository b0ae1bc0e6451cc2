"""The actors table (policy/actors.py): each grant derived from the plan, and a finding when one is missing.

Small plans are built in the test (graph_plans.Plan); today's production plan document is the fixture
for what the checks report on the code before this round's fixes.
"""

from __future__ import annotations

import copy
import json

from graph_plans import (
    ACCOUNT,
    POD_IDENTITY_TRUST,
    Plan,
    allow,
    before_round3,
    by_name,
    controller_stack,
    findings,
    policy_doc,
    topic_stack,
)
from pulumi_policy import PolicyCustomTimeouts, PolicyResource, PolicyResourceOptions, StackValidationArgs, StackValidationPolicy
from pulumi_policy.proxy import unknown_checking_proxy

from policy.actors import ACTORS, settings_from_stack_config
from policy.registry import ALL_POLICIES

GRANTS = "actors-have-their-grants"
DEPLOY = f"arn:aws:iam::{ACCOUNT}:role/ci-deploy"
PREVIEW = f"arn:aws:iam::{ACCOUNT}:role/ci-preview"
DRIFT = f"arn:aws:iam::{ACCOUNT}:role/ci-drift"
VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
ADMIN_VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy"
CLUSTER_ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"


def test_every_row_says_what_who_and_where_it_is_written() -> None:
    assert len(ACTORS) >= 10
    for actor in ACTORS:
        assert actor.actor and actor.must and actor.grant
        assert "docs.aws.amazon.com" in actor.source or "kubernetes.io" in actor.source, actor.actor


# ── today's plan ──


def test_todays_production_plan_names_no_ci_identities_so_their_read_access_and_self_trust_go_unchecked() -> None:
    assert findings(before_round3(), GRANTS) == []
    assert findings(before_round3(), "ci-identities-named") == [
        "cluster-eks: names no CI identities (email-platform:ci deployRole/previewRole/driftRole): the pull-request preview "
        "and the drift check run as their own roles and get no EKS access entry, so they cannot read the cluster's objects, "
        "and no row checks that whichever role the Kubernetes provider acts as trusts them (a role that assumes itself must "
        "name itself in its trust policy)"
    ]


def test_a_topic_publisher_missing_from_the_key_policy_is_named_with_its_reason() -> None:
    document = before_round3()
    key_policy = by_name(document, "monitoring-topic", "aws:kms/keyPolicy:KeyPolicy")
    policy = json.loads(key_policy["inputs"]["policy"])
    for statement in policy["Statement"]:
        if isinstance(statement["Principal"].get("Service"), list):
            statement["Principal"]["Service"].remove("events.amazonaws.com")
    key_policy["inputs"]["policy"] = json.dumps(policy)
    assert [f for f in findings(document, GRANTS) if "key policy" in f] == [
        "integrations-on-call: publishes to monitoring-alarms, encrypted with monitoring-topic, whose key policy does not allow "
        "events.amazonaws.com kms:Decrypt, kms:GenerateDataKey",
        "registry-critical-findings: publishes to monitoring-alarms, encrypted with monitoring-topic, whose key policy does not "
        "allow events.amazonaws.com kms:Decrypt, kms:GenerateDataKey",
    ]


def test_a_rule_outside_the_topic_policys_source_arn_condition_is_refused() -> None:
    document = before_round3()
    target = by_name(document, "registry-critical-findings", "aws:cloudwatch/eventTarget:EventTarget")
    target["inputs"]["rule"] = "some-other-rule"
    assert findings(document, GRANTS)[-1] == (
        "registry-critical-findings: publishes to monitoring-alarms, whose topic policy does not allow SNS:Publish for "
        f"events.amazonaws.com from arn:aws:events:us-east-1:{ACCOUNT}:rule/some-other-rule"
    )


# ── AWS services publishing to a topic ──


def test_an_alarm_publishes_where_topic_and_key_policies_allow_cloudwatch() -> None:
    plan = topic_stack(key_services=["cloudwatch.amazonaws.com"], topic_services=["cloudwatch.amazonaws.com"])
    assert findings(plan.document(), GRANTS) == []


def test_an_alarm_whose_service_the_topic_or_key_policy_leaves_out_is_found() -> None:
    plan = topic_stack(key_services=["budgets.amazonaws.com"], topic_services=["budgets.amazonaws.com"])
    assert findings(plan.document(), GRANTS) == [
        "alarm: publishes to topic, encrypted with topic-key, whose key policy does not allow cloudwatch.amazonaws.com kms:Decrypt, kms:GenerateDataKey",
        "alarm: publishes to topic, whose topic policy does not allow SNS:Publish for cloudwatch.amazonaws.com",
    ]


def test_a_topic_key_without_a_key_policy_keeps_the_default_policy_that_no_service_may_use() -> None:
    plan = topic_stack(key_services=["cloudwatch.amazonaws.com"], topic_services=["cloudwatch.amazonaws.com"])
    del plan.records["topic-key-policy"]
    plan.records["alarm"]["dependencies"].pop()
    assert findings(plan.document(), GRANTS) == [
        "alarm: publishes to topic, encrypted with topic-key, whose key policy is the default one: cloudwatch.amazonaws.com is "
        "not allowed kms:Decrypt, kms:GenerateDataKey"
    ]


def test_log_groups_need_the_regional_logs_principal_in_their_key_policy() -> None:
    plan = Plan()
    plan.add("aws:kms/key:Key", "logs-key")
    statement = allow(
        {"Service": "logs.us-east-1.amazonaws.com"},
        ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
    )
    plan.add("aws:kms/keyPolicy:KeyPolicy", "logs-key-policy", {"keyId": "k", "policy": policy_doc(statement)}, waits=["logs-key"])
    key_arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k"
    plan.add("aws:cloudwatch/logGroup:LogGroup", "group", {"kmsKeyId": key_arn}, waits=["logs-key", "logs-key-policy"])
    assert findings(plan.document(), GRANTS) == []
    statement["Principal"] = {"Service": "logs.amazonaws.com"}
    plan.records["logs-key-policy"]["inputs"]["policy"] = policy_doc(statement)
    assert findings(plan.document(), GRANTS) == [
        "group: is encrypted with logs-key, whose key policy does not allow logs.us-east-1.amazonaws.com kms:Encrypt, kms:Decrypt, "
        "kms:ReEncryptFrom, kms:GenerateDataKey, kms:DescribeKey"
    ]


def test_eventbridge_needs_the_queue_policy_to_send_to_sqs() -> None:
    plan = Plan()
    queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:interruptions"
    plan.add("aws:sqs/queue:Queue", "queue", {"name": "interruptions"})
    plan.add(
        "aws:sqs/queuePolicy:QueuePolicy",
        "queue-policy",
        {"queueUrl": "u", "policy": policy_doc(allow({"Service": "sqs.amazonaws.com"}, "sqs:SendMessage"))},
        waits=["queue"],
    )
    plan.add("aws:cloudwatch/eventRule:EventRule", "rule", {"name": "r"})
    plan.add("aws:cloudwatch/eventTarget:EventTarget", "target", {"rule": "r", "arn": queue_arn}, waits=["rule", "queue", "queue-policy"])
    assert findings(plan.document(), GRANTS) == [
        "target: sends to queue, whose queue policy does not allow events.amazonaws.com sqs:SendMessage"
    ]


# ── Pod Identity ──


def test_a_controller_chart_with_its_association_has_its_grant() -> None:
    assert findings(controller_stack().document(), GRANTS) == []


def test_a_chart_whose_service_account_no_association_names_is_found_both_ways() -> None:
    plan = controller_stack()
    plan.records["lbc-chart"]["inputs"]["values"]["serviceAccount"]["name"] = "lbc"
    assert findings(plan.document(), GRANTS) == [
        "lbc-chart: runs as kube-system/lbc, which no Pod Identity association gives a role: its AWS calls fail",
        "lbc-identity: gives a role to kube-system/aws-load-balancer-controller, which no chart, add-on or workload of the stack runs under",
    ]


def test_a_bare_pod_is_a_user_of_its_service_accounts_association() -> None:
    """A bare Pod (a kind with a pod template, policy/resource_types.py) runs under its service account."""
    plan = controller_stack()
    del plan.records["lbc-chart"]
    unused = (
        "lbc-identity: gives a role to kube-system/aws-load-balancer-controller, which no chart, add-on or workload of the stack runs under"
    )
    assert findings(plan.document(), GRANTS) == [unused]
    spec = {"serviceAccountName": "aws-load-balancer-controller"}
    plan.add("kubernetes:core/v1:Pod", "pod", {"metadata": {"namespace": "kube-system", "name": "p"}, "spec": spec}, waits=["lbc-identity"])
    assert findings(plan.document(), GRANTS) == []


def test_a_pod_identity_role_that_does_not_trust_pods_eks_is_found() -> None:
    plan = controller_stack()
    plan.records["lbc-role"]["inputs"]["assumeRolePolicy"] = policy_doc(allow({"Service": "pods.eks.amazonaws.com"}, "sts:AssumeRole"))
    assert findings(plan.document(), GRANTS) == [
        "lbc-role: is handed out by a Pod Identity association but does not trust pods.eks.amazonaws.com (sts:AssumeRole, sts:TagSession)"
    ]


def test_an_addon_hands_out_its_role_through_its_own_pod_identity_associations() -> None:
    """eks.Addon's `podIdentityAssociations` (EKS CreateAddon): no standalone association is needed."""
    plan = controller_stack()
    plan.add("aws:iam/role:Role", "agent-role", {"assumeRolePolicy": POD_IDENTITY_TRUST})
    association = {"serviceAccount": "cloudwatch-agent", "roleArn": "arn:aws:iam::1:role/agent-role-0c1d2e3"}
    addon = {"addonName": "amazon-cloudwatch-observability", "clusterName": "c", "podIdentityAssociations": [association]}
    plan.add("aws:eks/addon:Addon", "insights", addon, waits=["agent", "agent-role"])
    assert findings(plan.document(), GRANTS) == []
    plan.records["insights"]["inputs"]["podIdentityAssociations"] = []
    assert findings(plan.document(), GRANTS) == [
        "agent-role: trusts Pod Identity, but no association (standalone or an add-on's) hands it to a service account",
        "insights: runs as amazon-cloudwatch/cloudwatch-agent, which no Pod Identity association gives a role: its AWS calls fail",
    ]


def test_an_addons_role_must_trust_pod_identity_too() -> None:
    plan = controller_stack()
    plan.add("aws:iam/role:Role", "agent-role", {"assumeRolePolicy": policy_doc(allow({"Service": "ec2.amazonaws.com"}, "sts:AssumeRole"))})
    association = {"serviceAccount": "cloudwatch-agent", "roleArn": "arn:aws:iam::1:role/agent-role-0c1d2e3"}
    addon = {"addonName": "amazon-cloudwatch-observability", "clusterName": "c", "podIdentityAssociations": [association]}
    plan.add("aws:eks/addon:Addon", "insights", addon, waits=["agent", "agent-role"])
    assert findings(plan.document(), GRANTS) == [
        "agent-role: is handed out by insights's podIdentityAssociations but does not trust pods.eks.amazonaws.com "
        "(sts:AssumeRole, sts:TagSession)"
    ]


def test_controllers_need_the_pod_identity_agent() -> None:
    plan = controller_stack()
    del plan.records["agent"]
    for record in plan.records.values():
        record["dependencies"] = [u for u in record["dependencies"] if not u.endswith("::agent")]
    assert findings(plan.document(), GRANTS) == ["lbc-chart: uses Pod Identity, but the stack installs no eks-pod-identity-agent add-on"]


# ── roles handed to services, and what they may do ──


def test_a_role_handed_to_a_service_must_trust_that_service() -> None:
    plan = Plan()
    plan.add("aws:iam/role:Role", "flow-role", {"assumeRolePolicy": policy_doc(allow({"Service": "ec2.amazonaws.com"}, "sts:AssumeRole"))})
    plan.add("aws:ec2/flowLog:FlowLog", "flow-log", {"iamRoleArn": "arn:aws:iam::1:role/flow-role-0a1b2c3"}, waits=["flow-role"])
    assert findings(plan.document(), GRANTS) == ["flow-role: is flow-log's iamRoleArn, but does not trust vpc-flow-logs.amazonaws.com"]


def test_appconfigs_alarm_monitor_role_must_read_alarms() -> None:
    plan = Plan()
    trust = policy_doc(allow({"Service": "appconfig.amazonaws.com"}, "sts:AssumeRole"))
    plan.add("aws:iam/role:Role", "monitor", {"assumeRolePolicy": trust})
    plan.add(
        "aws:iam/rolePolicy:RolePolicy",
        "monitor-reads",
        {"role": "monitor-9e5ec9e", "policy": policy_doc({"Effect": "Allow", "Action": "cloudwatch:GetMetricData", "Resource": "*"})},
        waits=["monitor"],
    )
    plan.add(
        "aws:appconfig/environment:Environment",
        "flags",
        {"monitors": [{"alarmArn": "a", "alarmRoleArn": "arn:aws:iam::1:role/monitor-9e5ec9e"}]},
        waits=["monitor"],
    )
    assert findings(plan.document(), GRANTS) == ["monitor: is flags's alarmRoleArn, but may not cloudwatch:DescribeAlarms"]


# ── the CI identities and the admins (from the stack config) ──


def _cluster_with_access(grants: dict[str, str], config: dict[str, object]) -> Plan:
    plan = Plan(config)
    plan.add("aws:eks/cluster:Cluster", "eks", {"name": "c"})
    for index, (principal, policy) in enumerate(grants.items()):
        plan.add("aws:eks/accessEntry:AccessEntry", f"entry-{index}", {"principalArn": principal, "type": "STANDARD"}, waits=["eks"])
        association = {"principalArn": principal, "policyArn": policy, "accessScope": {"type": "cluster"}}
        plan.add("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", f"association-{index}", association, waits=[f"entry-{index}"])
    return plan


CI = {"email-platform:ci": {"deployRole": DEPLOY, "previewRole": PREVIEW, "driftRole": DRIFT}}


def test_ci_identities_with_admin_and_read_access_have_their_grants() -> None:
    plan = _cluster_with_access({DEPLOY: CLUSTER_ADMIN, PREVIEW: VIEW, DRIFT: VIEW}, CI)
    assert findings(plan.document(), GRANTS) == []


def test_a_ci_identity_without_an_access_entry_is_found() -> None:
    plan = _cluster_with_access({DEPLOY: CLUSTER_ADMIN, PREVIEW: VIEW}, CI)
    assert findings(plan.document(), GRANTS) == [f"eks: CI identity driftRole ({DRIFT}) has no EKS access entry"]


LB_CHART = {
    "chart": "aws-load-balancer-controller",
    "namespace": "kube-system",
    "values": {"serviceAccount": {"name": "aws-load-balancer-controller"}},
}


def _preview_findings(plan: Plan) -> list[str]:
    return [f for f in findings(plan.document(), GRANTS) if "previewRole" in f]


def test_the_preview_identity_reads_no_secrets_but_those_a_chart_looks_up() -> None:
    """`pulumi preview` does not refresh and a refused dry run previews from the inputs, so the app's
    Secrets need no read; the LB controller chart reads its webhook's TLS Secret back while it renders."""
    plan = _cluster_with_access({DEPLOY: CLUSTER_ADMIN, PREVIEW: VIEW, DRIFT: ADMIN_VIEW}, CI)
    plan.add("kubernetes:core/v1:Secret", "app-secrets", {"metadata": {"name": "s", "namespace": "app"}})
    assert findings(plan.document(), GRANTS) == []
    plan.add("kubernetes:helm.sh/v4:Chart", "lbc-chart", LB_CHART)
    assert _preview_findings(plan) == [
        f"entry-1: CI identity previewRole ({PREVIEW}) cannot get secrets aws-load-balancer-tls in kube-system, which a chart "
        "looks up while the preview renders it (a refused lookup fails the preview): bind its access entry's Kubernetes "
        "groups to a role that may get them"
    ]
    plan.records["entry-1"]["inputs"]["kubernetesGroups"] = ["chart-lookups"]
    role = {"metadata": {"name": "lookups", "namespace": "kube-system"}, "rules": [{**_SECRET_BY_NAME, "resourceNames": ["other"]}]}
    plan.add(f"{RBAC}:Role", "lookups-role", role)
    subject = [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "chart-lookups"}]
    binding = {"metadata": {"namespace": "kube-system"}, "roleRef": {"kind": "Role", "name": "lookups"}, "subjects": subject}
    plan.add(f"{RBAC}:RoleBinding", "lookups", binding, waits=["lookups-role"])
    assert len(_preview_findings(plan)) == 1, "a Role for another Secret's name grants nothing here"
    plan.records["lookups-role"]["inputs"]["rules"] = [{**_SECRET_BY_NAME, "resourceNames": ["aws-load-balancer-tls"]}]
    assert _preview_findings(plan) == []
    plan.records["lbc-chart"]["inputs"]["values"]["nameOverride"] = "lbc"
    (finding,) = _preview_findings(plan)
    assert "cannot get secrets lbc-tls in kube-system" in finding


def test_a_preview_identity_without_a_read_only_policy_is_found() -> None:
    plan = _cluster_with_access({DEPLOY: CLUSTER_ADMIN, PREVIEW: VIEW, DRIFT: ADMIN_VIEW}, CI)
    del plan.records["association-1"]
    assert findings(plan.document(), GRANTS) == [
        f"entry-1: CI identity previewRole ({PREVIEW}) has no read-only access policy (AmazonEKSViewPolicy) at cluster scope"
    ]


READERS = "email-platform:refresh-readers"
RBAC = "kubernetes:rbac.authorization.k8s.io/v1"
_SECRET_BY_NAME = {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}


def _drift_with_view(*objects: tuple[str, str, dict[str, object]]) -> Plan:
    """CI identities with view access; the drift role's entry carries the readers' group; the objects given."""
    plan = _cluster_with_access({DEPLOY: CLUSTER_ADMIN, PREVIEW: VIEW, DRIFT: VIEW}, CI)
    plan.records["entry-2"]["inputs"]["kubernetesGroups"] = [READERS]
    for kind, name, metadata in objects:
        plan.add(kind, name, {"metadata": metadata})
    # The RBAC objects are objects of the state too: the refresh reads them (granted cluster-wide here).
    _readers(plan, "readers-rbac", [RBAC_GET], None)
    return plan


def _readers(plan: Plan, name: str, rules: list[dict[str, object]], namespace: str | None) -> None:
    """A ClusterRole with `rules` bound to the readers' group: by a RoleBinding in `namespace`, or cluster-wide."""
    plan.add(f"{RBAC}:ClusterRole", f"{name}-role", {"rules": rules})
    subject = [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": READERS}]
    ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": f"{name}-role-5d2c1b0a"}
    if namespace is None:
        plan.add(f"{RBAC}:ClusterRoleBinding", name, {"roleRef": ref, "subjects": subject}, waits=[f"{name}-role"])
    else:
        binding = {"metadata": {"namespace": namespace}, "roleRef": ref, "subjects": subject}
        plan.add(f"{RBAC}:RoleBinding", name, binding, waits=[f"{name}-role"])


SECRETS_GET = {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}
RBAC_GET = {
    "apiGroups": ["rbac.authorization.k8s.io"],
    "resources": ["clusterroles", "clusterrolebindings", "roles", "rolebindings"],
    "verbs": ["get"],
}
NODE_POOLS_GET = {"apiGroups": ["karpenter.sh"], "resources": ["nodepools"], "verbs": ["get"]}


def test_the_drift_identity_must_get_every_kind_the_stack_declares_where_it_lives() -> None:
    plan = _drift_with_view(
        ("kubernetes:core/v1:Secret", "app-secrets", {"name": "s", "namespace": "app"}),
        ("kubernetes:apps/v1:Deployment", "app", {"name": "d", "namespace": "app"}),
        ("kubernetes:karpenter.sh/v1:NodePool", "pool", {"name": "default"}),
    )
    (finding,) = findings(plan.document(), GRANTS)
    assert finding.startswith(f"entry-2: CI identity driftRole ({DRIFT}) cannot get karpenter.sh/nodepools, secrets in app, ")
    # Secrets read where they live, by a RoleBinding of the entry's group; the NodePool (cluster-scoped)
    # by a ClusterRoleBinding. Deployments are the view policy's.
    _readers(plan, "readers-app", [SECRETS_GET], "app")
    _readers(plan, "readers-cluster", [NODE_POOLS_GET], None)
    assert findings(plan.document(), GRANTS) == []


def test_a_rolebinding_grants_only_in_its_own_namespace_and_never_cluster_scoped_kinds() -> None:
    plan = _drift_with_view(
        ("kubernetes:core/v1:Secret", "app-secrets", {"name": "s", "namespace": "app"}),
        ("kubernetes:karpenter.sh/v1:NodePool", "pool", {"name": "default"}),
    )
    _readers(plan, "readers-ops", [SECRETS_GET, NODE_POOLS_GET], "ops")
    (finding,) = findings(plan.document(), GRANTS)
    assert "cannot get karpenter.sh/nodepools, secrets in app, " in finding


def test_rbac_counts_only_for_the_entrys_groups_and_the_get_verb() -> None:
    plan = _drift_with_view(("kubernetes:core/v1:Secret", "app-secrets", {"name": "s", "namespace": "app"}))
    _readers(plan, "readers-app", [{**SECRETS_GET, "verbs": ["list", "watch"]}], "app")
    assert len(findings(plan.document(), GRANTS)) == 1, "list and watch are not get"
    plan.records["readers-app-role"]["inputs"]["rules"] = [SECRETS_GET]
    assert findings(plan.document(), GRANTS) == []
    plan.records["entry-2"]["inputs"]["kubernetesGroups"] = ["someone-else"]
    assert len(findings(plan.document(), GRANTS)) == 1, "a binding for a group the entry does not carry grants nothing"


def test_the_rbac_objects_are_objects_the_refresh_reads_and_a_role_may_grant_in_its_namespace() -> None:
    plan = _drift_with_view(("kubernetes:core/v1:Secret", "app-secrets", {"name": "s", "namespace": "app"}))
    plan.add(f"{RBAC}:Role", "secrets-reader", {"metadata": {"name": "secrets-reader", "namespace": "app"}, "rules": [SECRETS_GET]})
    subject = [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": READERS}]
    ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "secrets-reader"}
    binding = {"metadata": {"namespace": "app"}, "roleRef": ref, "subjects": subject}
    plan.add(f"{RBAC}:RoleBinding", "secrets-readers", binding, waits=["secrets-reader"])
    assert findings(plan.document(), GRANTS) == []
    plan.records["readers-rbac-role"]["inputs"]["rules"] = [{**RBAC_GET, "resources": ["clusterroles", "clusterrolebindings"]}]
    (finding,) = findings(plan.document(), GRANTS)
    assert "cannot get rbac.authorization.k8s.io/rolebindings in app, rbac.authorization.k8s.io/roles in app, " in finding


def test_a_namespace_scoped_admin_view_reads_secrets_in_those_namespaces() -> None:
    plan = _drift_with_view(("kubernetes:core/v1:Secret", "app-secrets", {"name": "s", "namespace": "app"}))
    scoped = {"principalArn": DRIFT, "policyArn": ADMIN_VIEW, "accessScope": {"type": "namespace", "namespaces": ["app"]}}
    plan.add("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "drift-secrets", scoped, waits=["entry-2"])
    assert findings(plan.document(), GRANTS) == []
    plan.records["drift-secrets"]["inputs"]["accessScope"]["namespaces"] = ["ops"]
    assert len(findings(plan.document(), GRANTS)) == 1


def test_a_deploy_identity_without_cluster_admin_is_found() -> None:
    plan = _cluster_with_access({DEPLOY: VIEW, PREVIEW: VIEW, DRIFT: VIEW}, CI)
    assert findings(plan.document(), GRANTS) == [
        f"entry-0: CI identity deployRole ({DEPLOY}) has no cluster-wide AmazonEKSClusterAdminPolicy association"
    ]


def test_the_provider_role_must_trust_itself_when_it_is_the_ci_identity_that_runs_the_program() -> None:
    config = {**CI, "email-platform:cluster": {"kubernetesRole": DEPLOY}}
    plan = _cluster_with_access({DEPLOY: CLUSTER_ADMIN, PREVIEW: VIEW, DRIFT: VIEW}, config)
    trust = policy_doc(
        allow({"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"}, "sts:AssumeRoleWithWebIdentity")
    )
    plan.add("aws:iam/role:Role", "deploy", {"name": "ci-deploy", "assumeRolePolicy": trust})
    messages = findings(plan.document(), GRANTS)
    assert (
        f"deploy: the Kubernetes provider assumes {DEPLOY}, whose trust policy does not let itself (a role assuming itself must be named in its own trust policy) assume it"
        in messages
    )
    trusting = policy_doc(allow({"AWS": [DEPLOY, PREVIEW, DRIFT]}, "sts:AssumeRole"))
    plan.records["deploy"]["inputs"]["assumeRolePolicy"] = trusting
    assert findings(plan.document(), GRANTS) == []


def test_cluster_access_roles_get_the_policy_the_config_names() -> None:
    config = {**CI, "email-platform:cluster": {"access": {"arn:aws:iam::1:role/oncall": "AmazonEKSAdminViewPolicy:app,ops"}}}
    plan = _cluster_with_access({DEPLOY: CLUSTER_ADMIN, PREVIEW: VIEW, DRIFT: VIEW, "arn:aws:iam::1:role/oncall": VIEW}, config)
    assert findings(plan.document(), GRANTS) == [
        "entry-3: cluster.access gives arn:aws:iam::1:role/oncall AmazonEKSAdminViewPolicy, but no association grants it"
    ]


def test_a_stack_that_names_its_ci_identities_gets_no_advisory() -> None:
    plan = _cluster_with_access({DEPLOY: CLUSTER_ADMIN, PREVIEW: VIEW, DRIFT: VIEW}, CI)
    assert findings(plan.document(), "ci-identities-named") == []
    assert len(findings(_cluster_with_access({DEPLOY: CLUSTER_ADMIN}, {}).document(), "ci-identities-named")) == 1


def test_settings_come_from_the_stack_config_sections() -> None:
    config = {**CI, "email-platform:cluster": {"access": {"a": "b"}, "kubernetesRole": DEPLOY}}
    assert settings_from_stack_config(config) == {"ci": CI["email-platform:ci"], "clusterAccess": {"a": "b"}, "kubernetesRole": DEPLOY}


# ── the same check under CrossGuard, with the engine's arguments ──


def test_the_crossguard_policy_sees_dependencies_and_reports_the_missing_grant() -> None:
    (policy,) = [p for p in ALL_POLICIES if p.name == GRANTS]
    assert isinstance(policy, StackValidationPolicy)
    plan = controller_stack()
    plan.records["lbc-chart"]["inputs"]["values"]["serviceAccount"]["name"] = "lbc"
    opts = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
    engine: dict[str, PolicyResource] = {}
    for record in plan.records.values():  # in registration order: dependencies first
        deps = [engine[u] for u in record["dependencies"]]
        props = unknown_checking_proxy(copy.deepcopy(record["inputs"]))
        engine[record["urn"]] = PolicyResource(record["type"], props, record["urn"], record["name"], opts, None, None, deps, {})
    reported: list[tuple[str, str | None]] = []
    policy.validate(StackValidationArgs(list(engine.values()), {}), lambda message, urn=None: reported.append((message, urn)))
    assert [(m.split(",")[0], (u or "").rsplit("::", 1)[-1]) for m, u in reported] == [
        ("runs as kube-system/lbc", "lbc-chart"),
        ("gives a role to kube-system/aws-load-balancer-controller", "lbc-identity"),
    ]


def test_pod_identity_trust_fixture_is_what_eks_documents() -> None:
    assert json.loads(POD_IDENTITY_TRUST)["Statement"][0]["Action"] == ["sts:AssumeRole", "sts:TagSession"]
