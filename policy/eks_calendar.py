"""The EKS Kubernetes versions this program accepts, with their end-of-support dates.

Standard support lasts 14 months from the version's EKS release, extended support 12 more. At the
end of standard support a cluster whose upgrade policy is `STANDARD` is upgraded by EKS itself
("If you disable extended support, your cluster will be auto upgraded at the end of standard
support"); at the end of extended support every cluster is ("Clusters running on a Kubernetes
version that has completed its 26-month lifecycle … will be auto-upgraded to the next version").
Either way the stack still says the old version, and the next `pulumi up` would ask EKS to go
back, which it refuses (a control plane is never downgraded). The policy
`eks-version-support` (policy/cluster_support.py) warns ahead, the drift report says what
happened (.github/scripts/drift_explain.py), and config/cluster.py accepts the versions offered.

Source: the EKS User Guide's "Amazon EKS Kubernetes release calendar"
(https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar;
awsdocs/amazon-eks-user-guide `latest/ug/versioning/kubernetes-versions.adoc` at 013856044148),
dates in UTC. Rows it did not list when read say where they come from instead. Pure data (the
standard library only): the policy pack, the program's config and the drift job (which installs
nothing) all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

CALENDAR_READ = date(2026, 11, 29)
_GUIDE = "EKS User Guide, Kubernetes release calendar"


@dataclass(frozen=True)
class EksVersion:
    version: str
    eks_release: date
    end_of_standard_support: date
    end_of_extended_support: date
    source: str


CALENDAR: dict[str, EksVersion] = {
    v.version: v
    for v in (
        EksVersion("1.31", date(2024, 9, 26), date(2025, 11, 26), date(2026, 11, 26), _GUIDE),
        EksVersion("1.32", date(2025, 1, 23), date(2026, 3, 23), date(2027, 3, 23), _GUIDE),
        EksVersion("1.33", date(2025, 5, 29), date(2026, 7, 29), date(2027, 7, 29), _GUIDE),
        EksVersion("1.34", date(2025, 10, 2), date(2026, 12, 2), date(2027, 12, 2), _GUIDE),
        # Not yet in the guide's table as read: endoflife.date/amazon-eks (secondary), consistent
        # with the guide's 14 + 12 months from the EKS release.
        EksVersion("1.35", date(2026, 1, 27), date(2027, 3, 27), date(2028, 3, 27), "endoflife.date/amazon-eks (secondary)"),
        # 1.36 is not offered until the guide's calendar gives its dates: its end of support decides
        # when EKS upgrades a cluster by itself, which an estimate must not decide.
    )
}
# Versions EKS offers (standard or extended support) on the date the calendar was read.
EKS_VERSIONS = tuple(v for v, row in CALENDAR.items() if row.end_of_extended_support > CALENDAR_READ)


def next_version(version: str) -> str:
    """The minor EKS upgrades a control plane to: one minor up (EKS never skips a minor)."""
    major, minor = version.split(".")
    return f"{major}.{int(minor) + 1}"
