"""Kubernetes workload policies: a locked-down pod passes, each loosening trips them, and every
Deployment needs a PodDisruptionBudget. Called directly and through their CrossGuard wrappers."""

from __future__ import annotations

from typing import Any

import pytest
from policy_helpers import (
    APP_DEPLOYMENT,
    DELETE,
    GOOD_STACK,
    PDB_RES,
    PRODUCTION,
    changed,
    names,
    resource_spec,
    stack_spec,
    validate_resource,
    validate_stack,
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
]

# More ways to trip a policy: each must be caught too (the ones a careless edit would cause).
MORE_BROKEN: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
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
    ("k8s-image-pinned", DEPLOYMENT, changed(APP_DEPLOYMENT, f"{C0}.image", "registry:5000/email@sha256:" + "a" * 64), {}),
    ("k8s-pod-security", DEPLOYMENT, changed(APP_DEPLOYMENT, f"{C0}.securityContext.runAsUser", 20000), {}),
]

# (stack policy, the compliant stack with one thing broken)
STACK_CASES: list[tuple[str, list[Resource]]] = [
    ("pod-disruption-budget", [r for r in GOOD_STACK if r is not PDB_RES]),
]


@pytest.mark.parametrize(("name", "resource_type", "compliant", "broken", "config"), CASES, ids=[c[0] for c in CASES])
def test_policy_passes_compliant_and_trips_broken(
    name: str, resource_type: str, compliant: dict[str, Any], broken: dict[str, Any], config: dict[str, Any]
) -> None:
    spec = resource_spec(name)
    assert spec.evaluate(resource_type, compliant, config) == []
    assert spec.evaluate(resource_type, broken, config), f"{name} did not trip on {broken}"


@pytest.mark.parametrize(("name", "resource_type", "compliant", "broken", "config"), CASES, ids=[c[0] for c in CASES])
def test_wrapper_reports_through_report_violation(
    name: str, resource_type: str, compliant: dict[str, Any], broken: dict[str, Any], config: dict[str, Any]
) -> None:
    assert validate_resource(name, resource_type, compliant, config) == []
    assert validate_resource(name, resource_type, broken, config)


@pytest.mark.parametrize(("name", "resource_type", "broken", "config"), MORE_BROKEN, ids=[c[0] for c in MORE_BROKEN])
def test_policy_trips_on_other_breakages(name: str, resource_type: str, broken: dict[str, Any], config: dict[str, Any]) -> None:
    assert resource_spec(name).evaluate(resource_type, broken, config)


@pytest.mark.parametrize(("name", "resource_type", "props", "config"), MORE_COMPLIANT, ids=[c[0] for c in MORE_COMPLIANT])
def test_policy_accepts_other_valid_choices(name: str, resource_type: str, props: dict[str, Any], config: dict[str, Any]) -> None:
    assert resource_spec(name).evaluate(resource_type, props, config) == []


@pytest.mark.parametrize(("name", "broken_stack"), STACK_CASES, ids=[c[0] for c in STACK_CASES])
def test_stack_policy_passes_good_stack_and_trips_broken(name: str, broken_stack: list[Resource]) -> None:
    spec = stack_spec(name)
    assert spec.evaluate(GOOD_STACK, PRODUCTION) == []
    assert spec.evaluate(broken_stack, PRODUCTION), f"{name} did not trip"


@pytest.mark.parametrize(("name", "broken_stack"), STACK_CASES, ids=[c[0] for c in STACK_CASES])
def test_stack_wrapper_reports_with_the_resource_urn(name: str, broken_stack: list[Resource]) -> None:
    assert validate_stack(name, GOOD_STACK, PRODUCTION) == []
    reported = validate_stack(name, broken_stack, PRODUCTION)
    assert reported and all(urn and urn.startswith("urn:pulumi:") for _, urn in reported)


def test_every_workloads_policy_is_tested_both_ways() -> None:
    assert {c[0] for c in CASES} == names(workloads.RESOURCE_POLICIES)
    assert {c[0] for c in STACK_CASES} == names(workloads.STACK_POLICIES)
