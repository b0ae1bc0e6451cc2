"""The actors table (policy/actors.py): the CI identities and the admins named in the stack config, and
the EKS access and RBAC each needs.

Small plans are built in the test (graph_plans.Plan); today's production plan document is the fixture
for what the checks report on the code before this round's fixes.
"""

from __future__ import annotations

from graph_plans import ACCOUNT, GRANTS, Plan, allow, before_round3, findings, policy_doc

from policy.actors import settings_from_stack_config

DEPLOY = f"arn:aws:iam::{ACCOUNT}:role/ci-deploy"
PREVIEW = f"arn:aws:iam::{ACCOUNT}:role/ci-preview"
DRIFT = f"arn:aws:iam::{ACCOUNT}:role/ci-drift"
VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
ADMIN_VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy"
CLUSTER_ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"


# ── today's plan ──


def test_todays_production_plan_names_no_ci_identities_so_their_read_access_and_self_trust_go_unchecked() -> None:
    assert findings(before_round3(), GRANTS) == []
    assert findings(before_round3(), "ci-identities-named") == [
        "cluster-eks: names no CI identities (email-platform:ci deployRole/previewRole/driftRole): the pull-request preview "
        "and the drift check run as their own roles and get no EKS access entry, so they cannot read the cluster's objects, "
        "and no row checks that whichever role the Kubernetes provider acts as trusts them (a role that assumes itself must "
        "name itself in its trust policy)"
    ]


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
