"""The CI identities: the IAM roles GitHub's workflows run as (docs/ci-setup.md).

Each is optional and is an IAM role ARN. On a cluster the stack creates they get EKS access
entries (config/cluster_access.py merges them with `cluster.access`):

- `deployRole` (deploy.yml, `pulumi up`): `AmazonEKSClusterAdminPolicy`, cluster-wide;
- `previewRole` (pull-request.yml, `pulumi preview`): `AmazonEKSViewPolicy`, cluster-wide, plus
  the stack's chart-lookup group: `get` on the Secret the LB controller chart reads back while it
  renders (components/cluster/state_readers.py, `ChartLookupReaders`);
- `driftRole` (drift.yml, `pulumi refresh --preview-only`): `AmazonEKSViewPolicy` plus the
  stack's refresh-read group, which reads the kinds the view policy leaves out (Secrets, CRDs,
  RBAC, webhook configurations, the controllers' custom resources; components/cluster/state_readers.py).

Each job's Kubernetes provider authenticates as the job's own role (`aws eks get-token` without
`--role-arn`), so no role has to be allowed to assume another, or itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.declare import Group, optional_string
from config.reader import Section

# An IAM role ARN (any partition); the name may carry a path.
ROLE_ARN_PATTERN = r"arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]+"
ROLE_ARN_MEANING = "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)"


@dataclass(frozen=True)
class CiSettings:
    deploy_role: str | None = None
    preview_role: str | None = None
    drift_role: str | None = None

    def roles(self) -> dict[str, str]:
        """Each set role by its key (`deployRole` …), in the order the config reference lists them."""
        found = {"deployRole": self.deploy_role, "previewRole": self.preview_role, "driftRole": self.drift_role}
        return {key: arn for key, arn in found.items() if arn}


DEPLOY_ROLE = optional_string(
    "deployRole",
    "the role deploy.yml runs `pulumi up` as (vars.AWS_DEPLOY_ROLE_ARN); gets AmazonEKSClusterAdminPolicy",
    pattern=ROLE_ARN_PATTERN,
    meaning=ROLE_ARN_MEANING,
)
PREVIEW_ROLE = optional_string(
    "previewRole",
    "the read-only role pull-request.yml runs `pulumi preview` as (vars.AWS_PREVIEW_ROLE_ARN); gets AmazonEKSViewPolicy and "
    "the chart-lookup group",
    pattern=ROLE_ARN_PATTERN,
    meaning=ROLE_ARN_MEANING,
)
DRIFT_ROLE = optional_string(
    "driftRole",
    "the read-only role drift.yml refreshes as (vars.AWS_DRIFT_ROLE_ARN); gets AmazonEKSViewPolicy and the refresh-read group",
    pattern=ROLE_ARN_PATTERN,
    meaning=ROLE_ARN_MEANING,
)
CI = Group(
    "ci",
    "the IAM roles of the CI workflows: each gets its Kubernetes access on a cluster the stack creates",
    (DEPLOY_ROLE, PREVIEW_ROLE, DRIFT_ROLE),
    rule=(
        "a role also listed in `cluster.access` keeps that entry: the deploy role must be "
        "`AmazonEKSClusterAdminPolicy` there, the preview and drift roles a cluster-wide policy; "
        "with `cluster.mode: existing` the cluster's owner grants them"
    ),
)


def parse_ci(section: Section) -> CiSettings:
    settings = CiSettings(
        deploy_role=DEPLOY_ROLE.read(section),
        preview_role=PREVIEW_ROLE.read(section),
        drift_role=DRIFT_ROLE.read(section),
    )
    section.finish()
    return settings
