"""Kubernetes workload policies: a locked-down pod passes, each loosening trips them, and every
Deployment needs a PodDisruptionBudget. Called directly and through their CrossGuard wrappers."""

from __future__ import annotations

from typing import Any

from policy_cases import add_case_tests
from policy_helpers import (
    APP_DEPLOYMENT,
    DELETE,
    GOOD_STACK,
    PDB_RES,
    changed,
)

from policy import workloads
from policy.resource_types import DEPLOYMENT
from policy.specs import Resource

C0 = "spec.template.spec.containers.0"

# (policy, resource type, compliant props, broken props, policy config)
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    ("k8s-pod-security", DEPLOYMENT, APP_DEPLOYMENT, changed(APP_DEPLOYMENT, "spec.template.spec.securityContext.runAsUser", 1000), {}),
    ("k8s-resources", DEPLOYMENT, APP_DEPLOYMENT, changed(APP_DEPLOYMENT, f"{C0}.resources.limits", {}), {}),
    ("k8s-probes", DEPLOYMENT, APP_DEPLOYMENT, changed(APP_DEPLOYMENT, f"{C0}.livenessProbe", DELETE), {}),
    (
        "k8s-no-literal-secrets",
        DEPLOYMENT,
        APP_DEPLOYMENT,
        changed(APP_DEPLOYMENT, f"{C0}.env.1", {"name": "DATABASE_URL", "value": "postgresql://u:p@db:5432/email_db"}),
        {},
    ),
    ("k8s-image-pinned", DEPLOYMENT, APP_DEPLOYMENT, changed(APP_DEPLOYMENT, f"{C0}.image", "email:latest"), {}),
    (
        "k8s-image-latest",
        DEPLOYMENT,
        APP_DEPLOYMENT,
        changed(APP_DEPLOYMENT, f"{C0}.image", "email:latest"),
        {"environment": "development"},
    ),
]

# More ways to trip a policy: each must be caught too (the ones a careless edit would cause).
MORE_BROKEN: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("k8s-image-pinned", DEPLOYMENT, changed(APP_DEPLOYMENT, f"{C0}.image", "email"), {"environment": "staging"}),
    ("k8s-pod-security", DEPLOYMENT, changed(APP_DEPLOYMENT, f"{C0}.securityContext.allowPrivilegeEscalation", True), {}),
    ("k8s-pod-security", DEPLOYMENT, changed(APP_DEPLOYMENT, f"{C0}.securityContext.readOnlyRootFilesystem", False), {}),
    ("k8s-pod-security", DEPLOYMENT, changed(APP_DEPLOYMENT, f"{C0}.securityContext.capabilities.drop", ["NET_RAW"]), {}),
    ("k8s-pod-security", DEPLOYMENT, changed(APP_DEPLOYMENT, "spec.template.spec.securityContext.seccompProfile", DELETE), {}),
    ("k8s-pod-security", DEPLOYMENT, changed(APP_DEPLOYMENT, "spec.template.spec.securityContext.runAsNonRoot", False), {}),
    ("k8s-no-literal-secrets", DEPLOYMENT, changed(APP_DEPLOYMENT, f"{C0}.env.0", {"name": "EMAIL_API_KEY", "value": "[secret]"}), {}),
    ("k8s-image-pinned", DEPLOYMENT, changed(APP_DEPLOYMENT, f"{C0}.image", "registry:5000/email"), {}),
]

# Compliant variants the policies must not trip on.
MORE_COMPLIANT: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    # `latest` outside production: k8s-image-latest advises, k8s-image-pinned lets it pass.
    ("k8s-image-pinned", DEPLOYMENT, changed(APP_DEPLOYMENT, f"{C0}.image", "email:latest"), {"environment": "staging"}),
    ("k8s-image-latest", DEPLOYMENT, changed(APP_DEPLOYMENT, f"{C0}.image", "email:latest"), {"environment": "production"}),
    ("k8s-image-pinned", DEPLOYMENT, changed(APP_DEPLOYMENT, f"{C0}.image", "registry:5000/email@sha256:" + "a" * 64), {}),
    ("k8s-pod-security", DEPLOYMENT, changed(APP_DEPLOYMENT, f"{C0}.securityContext.runAsUser", 20000), {}),
]

# (stack policy, the compliant stack with one thing broken)
STACK_CASES: list[tuple[str, list[Resource]]] = [
    ("pod-disruption-budget", [r for r in GOOD_STACK if r is not PDB_RES]),
]


add_case_tests(globals(), workloads, cases=CASES, more_broken=MORE_BROKEN, more_compliant=MORE_COMPLIANT, stack_cases=STACK_CASES)
