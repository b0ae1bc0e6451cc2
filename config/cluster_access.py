"""Who may reach the Kubernetes API of a cluster the stack creates: EKS access entries from config.

The cluster authenticates by access entries only (no aws-auth ConfigMap) and does not make
whoever created it an admin: every principal is listed here, with one EKS access policy,
cluster-wide or limited to namespaces. The Kubernetes provider authenticates as the first
role with `AmazonEKSClusterAdminPolicy` (``aws eks get-token --role-arn``), so whoever runs
`pulumi up` (a laptop, CI) must be allowed to assume that role, and a second deployer does
not depend on the credentials of the first.

The value of each entry is a policy name, optionally followed by `:` and comma-separated
namespaces: `AmazonEKSViewPolicy` (the whole cluster) or `AmazonEKSEditPolicy:email-platform`.
Access policies: https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from config.declare import string_map
from config.reader import ConfigError

CLUSTER_ADMIN = "AmazonEKSClusterAdminPolicy"
# The EKS access policies this program grants; ClusterAdmin is cluster-wide by nature.
ACCESS_POLICIES = (CLUSTER_ADMIN, "AmazonEKSAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy")
ACCESS_POLICY_ARN_PREFIX = "arn:aws:eks::aws:cluster-access-policy/"
_ROLE_ARN = re.compile(r"arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]+")
# A Kubernetes namespace name (RFC 1123 label).
_NAMESPACE = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")

ACCESS = string_map(
    "access",
    "IAM roles that may use the Kubernetes API, each with an EKS access policy (`Policy` or `Policy:ns1,ns2`)",
    default={},
    rule=(
        "role ARN → one of " + ", ".join(f"`{p}`" for p in ACCESS_POLICIES) + "; at least one `AmazonEKSClusterAdminPolicy` "
        "role with `mode: create` (the provider deploys as the first; the creator gets no admin); refused with `mode: existing`"
    ),
)


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


def parse_access(key: str, entries: dict[str, str]) -> list[AccessGrant]:
    """The grants, in the order written; ConfigError for a bad ARN, policy or namespace, or no admin."""
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
    if not any(g.policy == CLUSTER_ADMIN and not g.namespaces for g in grants):
        raise ConfigError(
            key,
            entries,
            f"needs at least one role with {CLUSTER_ADMIN} (the deploy role the Kubernetes provider assumes); "
            "the cluster's creator gets no admin access",
        )
    return grants


def deploy_role(grants: list[AccessGrant]) -> str:
    """The role the Kubernetes provider assumes: the first cluster admin."""
    return next(g.role_arn for g in grants if g.policy == CLUSTER_ADMIN)
