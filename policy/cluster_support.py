"""EKS version support: warn before EKS moves the control plane by itself.

With `upgradePolicy: STANDARD` EKS upgrades a cluster at the end of its version's standard support;
with `EXTENDED`, at the end of extended support. The stack would then still say the old version and
the next `pulumi up` would ask EKS to go back, which it refuses. This advisory policy says so
`warnDays` ahead (and once it has happened), with the date from the EKS release calendar
(policy/eks_calendar.py) and what to set.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from policy.eks_calendar import CALENDAR, next_version
from policy.resource_types import EKS_CLUSTER
from policy.specs import ADVISORY, Config, ResourcePolicySpec, StackPolicySpec, schema
from policy.values import UNKNOWN, get

WARN_DAYS = 90


def support_messages(props: Mapping[str, Any], warn_days: int, today: date) -> list[str]:
    """What to tell the owner of a cluster with these inputs on `today` (empty: nothing due within `warn_days`)."""
    version = get(props, "version")
    policy = get(props, "upgradePolicy.supportType")
    if version is UNKNOWN or policy is UNKNOWN or not isinstance(version, str):
        return []
    row = CALENDAR.get(version)
    if row is None:
        return [f"Kubernetes {version} is not in the EKS release calendar of policy/eks_calendar.py; its end of support is unknown"]
    target = next_version(version)
    extended = policy == "EXTENDED"
    end = row.end_of_extended_support if extended else row.end_of_standard_support
    support = "extended" if extended else "standard"
    days = (end - today).days
    upgrade = f"set cluster.version to {target} (the add-ons follow it)"
    if days < 0:
        return [
            f"Kubernetes {version} left EKS {support} support on {end}; with upgradePolicy {policy} EKS upgrades the control "
            f"plane to {target} by itself, and a `pulumi up` still saying {version} asks EKS to go back, which it refuses: {upgrade}"
        ]
    if days <= warn_days:
        stay = "" if extended else f", or set upgradePolicy EXTENDED to stay until {row.end_of_extended_support} at 6 × the hourly price"
        return [
            f"Kubernetes {version} leaves EKS {support} support on {end} (in {days} days); with upgradePolicy {policy} EKS then "
            f"upgrades the control plane to {target} by itself: {upgrade} before then{stay}"
        ]
    return []


def eks_version_support(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    return support_messages(props, int(config["warnDays"]), date.today())


RESOURCE_POLICIES: list[ResourcePolicySpec] = [
    ResourcePolicySpec(
        "eks-version-support",
        "The cluster's Kubernetes version is not about to be upgraded by EKS itself (end of standard or extended support).",
        ADVISORY,
        EKS_CLUSTER,
        eks_version_support,
        config=schema(warnDays={"type": "integer", "minimum": 0, "default": WARN_DAYS}),
    ),
]
STACK_POLICIES: list[StackPolicySpec] = []
