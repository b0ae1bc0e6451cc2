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
from typing import Any

from config.declare import OPTIONAL, key_path, string
from config.reader import Section
from config.reading import read

# An IAM role ARN (any partition); the name may carry a path.
ROLE_ARN_PATTERN = r"arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]+"
ROLE_ARN_MEANING = "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)"


def _role(description: str) -> Any:
    return string(description, default=OPTIONAL, pattern=ROLE_ARN_PATTERN, meaning=ROLE_ARN_MEANING)


@dataclass(frozen=True)
class CiSettings:
    deploy_role: str | None = _role("the role deploy.yml runs `pulumi up` as (vars.AWS_DEPLOY_ROLE_ARN); gets AmazonEKSClusterAdminPolicy")
    preview_role: str | None = _role(
        "the read-only role pull-request.yml runs `pulumi preview` as (vars.AWS_PREVIEW_ROLE_ARN); gets AmazonEKSViewPolicy and "
        "the chart-lookup group"
    )
    drift_role: str | None = _role(
        "the read-only role drift.yml refreshes as (vars.AWS_DRIFT_ROLE_ARN); gets AmazonEKSViewPolicy and the refresh-read group"
    )

    def roles(self) -> dict[str, str]:
        """Each set role by its key (`deployRole` …), in the order the config reference lists them."""
        return {key_path(CiSettings, name): arn for name in ("deploy_role", "preview_role", "drift_role") if (arn := getattr(self, name))}


def parse_ci(section: Section) -> CiSettings:
    return read(CiSettings, section, production=False)
