"""Every policy of the pack: the one list `policy/__main__.py`, `preflight check` and the tests read.

A policy is declared once, in its concern module's `RESOURCE_POLICIES` or `STACK_POLICIES`; this
module only gathers those lists (tests/policy/test_registry.py fails when a module's specs are
missing here or listed twice).
"""

from __future__ import annotations

from policy import (
    actors,
    api_model,
    availability,
    cluster,
    cluster_support,
    cost,
    data,
    edge,
    engine_invariants,
    integrations,
    ordering,
    placeholders,
    slo_signals,
    storage,
    tagging,
    workloads,
)
from policy.crossguard import build_policies
from policy.specs import ResourcePolicySpec, StackPolicySpec

RESOURCE_POLICIES: list[ResourcePolicySpec] = [
    *edge.RESOURCE_POLICIES,
    *data.RESOURCE_POLICIES,
    *storage.RESOURCE_POLICIES,
    *cluster.RESOURCE_POLICIES,
    *cluster_support.RESOURCE_POLICIES,
    *availability.RESOURCE_POLICIES,
    *tagging.RESOURCE_POLICIES,
    *workloads.RESOURCE_POLICIES,
    *integrations.RESOURCE_POLICIES,
    *api_model.RESOURCE_POLICIES,
]
STACK_POLICIES: list[StackPolicySpec] = [
    *edge.STACK_POLICIES,
    *storage.STACK_POLICIES,
    *cluster.STACK_POLICIES,
    *cluster_support.STACK_POLICIES,
    *tagging.STACK_POLICIES,
    *availability.STACK_POLICIES,
    *data.STACK_POLICIES,
    *workloads.STACK_POLICIES,
    *integrations.STACK_POLICIES,
    *cost.STACK_POLICIES,
    *placeholders.STACK_POLICIES,
    *slo_signals.STACK_POLICIES,
    *engine_invariants.STACK_POLICIES,
    *actors.STACK_POLICIES,
    *ordering.STACK_POLICIES,
]
ALL_SPECS: list[ResourcePolicySpec | StackPolicySpec] = [*RESOURCE_POLICIES, *STACK_POLICIES]
ALL_POLICIES = build_policies(RESOURCE_POLICIES, STACK_POLICIES)
