"""Who may reach the Kubernetes API of a cluster the stack creates: EKS access entries from config.

The cluster authenticates by access entries only (no aws-auth ConfigMap) and does not make
whoever created it an admin: every principal is listed, in `cluster.access` (people, other
teams) or in the `ci` section (the workflows' roles, config/ci.py), with one EKS access policy
each, cluster-wide or limited to namespaces. Both lists become one entry per role.

The Kubernetes provider authenticates as whoever runs `pulumi` (`aws eks get-token` without
`--role-arn`): the deploy job as its deploy role, a person as their own role, each with an entry
of their own. `cluster.kubernetesRole` names a cluster-admin role to assume instead, for a
person whose own role has no entry.

The value of each `cluster.access` entry is a policy name, optionally followed by `:` and
comma-separated namespaces: `AmazonEKSViewPolicy` (the whole cluster) or `AmazonEKSEditPolicy:email-platform`.
Access policies: https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from config.ci import ROLE_ARN_PATTERN, CiSettings
from config.reader import ConfigError

CLUSTER_ADMIN = "AmazonEKSClusterAdminPolicy"
VIEW = "AmazonEKSViewPolicy"
# The Kubernetes group the drift role's entry carries; components/cluster/state_readers.py binds
# it to the reads a refresh needs beyond AmazonEKSViewPolicy. Not `system:`-prefixed (reserved).
REFRESH_READ_GROUP = "email-platform:refresh-readers"
# The Kubernetes group the preview role's entry carries: bound to `get` on the objects the charts look
# up while Pulumi renders them (components/cluster/state_readers.py, `ChartLookupReaders`).
CHART_LOOKUP_GROUP = "email-platform:chart-lookup-readers"
# The EKS access policies this program grants; ClusterAdmin is cluster-wide by nature.
ACCESS_POLICIES = (CLUSTER_ADMIN, "AmazonEKSAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy")
ACCESS_POLICY_ARN_PREFIX = "arn:aws:eks::aws:cluster-access-policy/"
_ROLE_ARN = re.compile(ROLE_ARN_PATTERN)
# A Kubernetes namespace name (RFC 1123 label).
_NAMESPACE = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")


@dataclass(frozen=True)
class AccessGrant:
    """One access entry and its policy association."""

    role_arn: str
    policy: str
    # Empty: the whole cluster.
    namespaces: tuple[str, ...]

    @property
    def policy_arn(self) -> str:
        return ACCESS_POLICY_ARN_PREFIX + self.policy


@dataclass(frozen=True)
class AccessEntrySpec:
    """One principal's access entry: its policy associations and the Kubernetes groups it carries."""

    role_arn: str
    grants: tuple[AccessGrant, ...]
    kubernetes_groups: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The role's name, path flattened: part of the entry's resource name, whichever list names the role."""
        return self.role_arn.split(":role/", 1)[1].replace("/", "-")

    @property
    def is_cluster_admin(self) -> bool:
        return any(g.policy == CLUSTER_ADMIN and not g.namespaces for g in self.grants)


@dataclass(frozen=True)
class ClusterAccess:
    entries: tuple[AccessEntrySpec, ...]

    @property
    def refresh_group(self) -> str | None:
        """The refresh-read group when some entry carries it (a drift role is configured)."""
        return REFRESH_READ_GROUP if any(REFRESH_READ_GROUP in e.kubernetes_groups for e in self.entries) else None

    @property
    def chart_lookup_group(self) -> str | None:
        """The chart-lookup group when some entry carries it (a preview role is configured)."""
        return CHART_LOOKUP_GROUP if any(CHART_LOOKUP_GROUP in e.kubernetes_groups for e in self.entries) else None

    def entry(self, role_arn: str) -> AccessEntrySpec | None:
        return next((e for e in self.entries if e.role_arn == role_arn), None)


NO_ACCESS = ClusterAccess(entries=())


def parse_access(key: str, entries: dict[str, str]) -> list[AccessGrant]:
    """The grants of `cluster.access`, in the order written; ConfigError for a bad ARN, policy or namespace."""
    grants: list[AccessGrant] = []
    for role_arn, value in entries.items():
        entry_key = f"{key}.{role_arn}"
        if _ROLE_ARN.fullmatch(role_arn) is None:
            raise ConfigError(entry_key, role_arn, "each key must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
        policy, _, scope = value.partition(":")
        if policy not in ACCESS_POLICIES:
            raise ConfigError(entry_key, value, "allowed: " + ", ".join(ACCESS_POLICIES) + " (optionally :namespace,…)")
        namespaces = tuple(n.strip() for n in scope.split(",")) if scope else ()
        for namespace in namespaces:
            if _NAMESPACE.fullmatch(namespace) is None:
                raise ConfigError(entry_key, value, f"{namespace!r} is not a Kubernetes namespace name")
        if namespaces and policy == CLUSTER_ADMIN:
            raise ConfigError(entry_key, value, f"{CLUSTER_ADMIN} is cluster-wide; give it without namespaces")
        grants.append(AccessGrant(role_arn, policy, namespaces))
    return grants


def merge_access(access_key: str, grants: list[AccessGrant], ci: CiSettings, ci_key: str) -> tuple[AccessEntrySpec, ...]:
    """One entry per role: `cluster.access` first (as written), then the CI roles it does not list.

    A CI role listed in `cluster.access` keeps that entry, which must already give what the job
    needs: the deploy role cluster admin, the preview and drift roles a cluster-wide policy (every
    access policy includes the view policy's reads). The drift role's entry also carries the
    refresh-read group, the preview role's the chart-lookup group."""
    listed = {g.role_arn: g for g in grants}
    entries: dict[str, AccessEntrySpec] = {g.role_arn: AccessEntrySpec(g.role_arn, (g,)) for g in grants}
    needs = {"deployRole": CLUSTER_ADMIN, "previewRole": VIEW, "driftRole": VIEW}
    for ci_name, role_arn in ci.roles().items():
        existing = listed.get(role_arn)
        wanted = needs[ci_name]
        if existing is not None:
            if wanted == CLUSTER_ADMIN and existing.policy != CLUSTER_ADMIN:
                raise ConfigError(
                    f"{access_key}.{role_arn}",
                    existing.policy,
                    f"is {ci_key}.{ci_name}, which runs `pulumi up`: give it {CLUSTER_ADMIN}, or remove it from cluster.access",
                )
            if existing.namespaces:
                raise ConfigError(
                    f"{access_key}.{role_arn}",
                    f"{existing.policy}:{','.join(existing.namespaces)}",
                    f"is {ci_key}.{ci_name}, which reads the whole cluster: give it a cluster-wide policy, or remove it from cluster.access",
                )
        elif role_arn not in entries:
            entries[role_arn] = AccessEntrySpec(role_arn, (AccessGrant(role_arn, wanted, ()),))
        elif wanted == CLUSTER_ADMIN:  # the same role as preview or drift, added above with the view policy
            entries[role_arn] = AccessEntrySpec(role_arn, (AccessGrant(role_arn, CLUSTER_ADMIN, ()),))
        group = {"driftRole": REFRESH_READ_GROUP, "previewRole": CHART_LOOKUP_GROUP}.get(ci_name)
        if group is not None:
            entry = entries[role_arn]
            entries[role_arn] = AccessEntrySpec(role_arn, entry.grants, tuple(sorted({*entry.kubernetes_groups, group})))
    return tuple(entries.values())


def check_kubernetes_role(role: str, role_key: str, entries: tuple[AccessEntrySpec, ...], ci: CiSettings, ci_key: str) -> None:
    """The role the Kubernetes provider assumes must be a cluster admin, and no CI job may be made to assume it."""
    if ci.roles():
        raise ConfigError(
            role_key,
            role,
            f"refused beside {ci_key} roles: every run would assume it, the read-only preview and drift jobs too; "
            "each CI job reaches the cluster as its own role",
        )
    entry = next((e for e in entries if e.role_arn == role), None)
    if entry is None or not entry.is_cluster_admin:
        raise ConfigError(role_key, role, f"must be a role with {CLUSTER_ADMIN} in cluster.access (the provider deploys as it)")


def parse_cluster_access(
    access_key: str, access: dict[str, str], kubernetes_role: str | None, role_key: str, ci: CiSettings, ci_key: str
) -> ClusterAccess:
    """`cluster.access` and the CI roles merged, with the role the provider assumes (if any) checked against them."""
    entries = merge_access(access_key, parse_access(access_key, access), ci, ci_key)
    if not any(e.is_cluster_admin for e in entries):
        raise ConfigError(
            access_key,
            access,
            f"needs at least one role with {CLUSTER_ADMIN} here or in {ci_key}.deployRole (the deploy role that runs "
            "`pulumi up`); the cluster's creator gets no admin access",
        )
    if kubernetes_role is not None:
        check_kubernetes_role(kubernetes_role, role_key, entries, ci, ci_key)
    return ClusterAccess(entries)
