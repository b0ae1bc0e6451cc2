"""EKS managed add-on versions, pinned per Kubernetes version and moved on purpose.

A version resolved at preview time (`aws.eks.get_addon_version(most_recent=True)`) moves with
every release EKS publishes, so an unrelated `pulumi up` would roll vpc-cni or coredns. Instead
the table below says which build each add-on runs for each Kubernetes version the config
accepts; raising `cluster.version` moves them with it (the add-ons follow the control plane in
the same `pulumi up`), and `cluster.addons.<name>.version` pins one add-on to a build of your
choosing (a newer patch, or holding one back).

Where the figures come from: each is an add-on build listed for that Kubernetes version by
`aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>` (the EKS API
`DescribeAddonVersions`, whose `compatibilities[].defaultVersion` marks the build EKS installs
by default). They were recorded without an AWS account: `SOURCES` names the AWS page each confirmed
row was read from, `UNCONFIRMED` the rows no AWS table gave, which the first real deploy checks
(docs/first-deploy.md); EKS refuses a build it does not list for the cluster's version
(`InvalidParameterException`). To move the table: run the command above for each add-on and
version, update the row, its source and the date, and commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.declare import OPTIONAL, string
from config.reader import ConfigError
from config.reading import At

# Read 2026-11 (where each row comes from: SOURCES and UNCONFIRMED below); re-check with
# describe-addon-versions before relying on a row (docs/first-deploy.md says how).
# The cluster's own add-ons (components/cluster/addons.py) and the observability add-on
# (components/observability.py).
MANAGED_ADDONS = (
    "vpc-cni",
    "kube-proxy",
    "coredns",
    "eks-pod-identity-agent",
    "metrics-server",
    "amazon-cloudwatch-observability",
)

# Kubernetes version -> add-on -> build. kube-proxy tracks the Kubernetes minor; coredns moves every few minors.
# Only the versions config/cluster.py accepts (policy/eks_calendar.py); 1.36 waits for its EKS dates.
DEFAULT_VERSIONS: dict[str, dict[str, str]] = {
    "1.31": {
        "vpc-cni": "v1.20.1-eksbuild.3",
        "kube-proxy": "v1.31.14-eksbuild.9",
        "coredns": "v1.11.4-eksbuild.40",
        "eks-pod-identity-agent": "v1.3.8-eksbuild.2",
        "metrics-server": "v0.7.2-eksbuild.4",
        "amazon-cloudwatch-observability": "v4.5.0-eksbuild.1",
    },
    "1.32": {
        "vpc-cni": "v1.20.1-eksbuild.3",
        "kube-proxy": "v1.32.13-eksbuild.5",
        "coredns": "v1.11.4-eksbuild.40",
        "eks-pod-identity-agent": "v1.3.8-eksbuild.2",
        "metrics-server": "v0.8.0-eksbuild.2",
        "amazon-cloudwatch-observability": "v4.5.0-eksbuild.1",
    },
    "1.33": {
        "vpc-cni": "v1.20.1-eksbuild.3",
        "kube-proxy": "v1.33.10-eksbuild.2",
        "coredns": "v1.12.4-eksbuild.18",
        "eks-pod-identity-agent": "v1.3.8-eksbuild.2",
        "metrics-server": "v0.8.0-eksbuild.2",
        "amazon-cloudwatch-observability": "v4.5.0-eksbuild.1",
    },
    "1.34": {
        "vpc-cni": "v1.20.4-eksbuild.1",
        "kube-proxy": "v1.34.6-eksbuild.2",
        "coredns": "v1.13.2-eksbuild.11",
        "eks-pod-identity-agent": "v1.3.8-eksbuild.2",
        "metrics-server": "v0.8.0-eksbuild.2",
        "amazon-cloudwatch-observability": "v4.5.0-eksbuild.1",
    },
    "1.35": {
        "vpc-cni": "v1.20.4-eksbuild.1",
        "kube-proxy": "v1.35.3-eksbuild.2",
        "coredns": "v1.14.3-eksbuild.3",
        "eks-pod-identity-agent": "v1.3.8-eksbuild.2",
        "metrics-server": "v0.8.0-eksbuild.2",
        "amazon-cloudwatch-observability": "v4.10.0-eksbuild.1",
    },
}

# Where a row's build comes from: the EKS User Guide's "latest version of the Amazon EKS add-on type
# for each Kubernetes version" tables, as the search tool stored them (undated copies; the CoreDNS one
# already lists 1.36, so it postdates that release). A build listed there is one EKS lists for that
# version.
_KUBE_PROXY = "EKS User Guide, managing-kube-proxy (docs.amazonaws.cn zh_cn copy: 1.31-1.35)"
_COREDNS = "EKS User Guide, managing-coredns (docs.aws.amazon.com ja_jp copy: 1.30-1.36)"
_VPC_CNI = "EKS User Guide, managing-vpc-cni (docs.aws.amazon.com ja_jp copy: v1.20.1-eksbuild.3 for 1.27-1.33)"
SOURCES: dict[tuple[str, str], str] = {
    **{(v, "kube-proxy"): _KUBE_PROXY for v in DEFAULT_VERSIONS},
    **{(v, "coredns"): _COREDNS for v in DEFAULT_VERSIONS},
    **{(v, "vpc-cni"): _VPC_CNI for v in ("1.31", "1.32", "1.33")},
}
# No AWS table read lists these for the version; the first deploy confirms them (docs/first-deploy.md).
# The CloudWatch add-on's build follows its chart (aws-observability/helm-charts tags): chart 4.5.0 is
# of 2025-09-24, before EKS 1.35 (2026-01-27), and 4.10.0 of 2026-01-23 is the first chart after it was
# announced; which eksbuild EKS lists for 1.35 is not confirmed.
UNCONFIRMED: dict[tuple[str, str], str] = {
    **{(v, "vpc-cni"): "no table read lists 1.34 or 1.35" for v in ("1.34", "1.35")},
    **{(v, "eks-pod-identity-agent"): "its page lists no builds per version" for v in DEFAULT_VERSIONS},
    **{(v, "metrics-server"): "its page lists no builds per version" for v in DEFAULT_VERSIONS},
    **{(v, "amazon-cloudwatch-observability"): "the eksbuild of the chart version is not read from AWS" for v in DEFAULT_VERSIONS},
}

# EKS add-on builds are named v<major>.<minor>.<patch>-eksbuild.<n>.
VERSION_PATTERN = r"v\d+\.\d+\.\d+-eksbuild\.\d+"
_VERSION_MEANING = "must be an EKS add-on build, e.g. v1.12.3-eksbuild.1 (aws eks describe-addon-versions lists them)"


@dataclass(frozen=True)
class AddonOverride:
    version: str | None = string(
        "the build to run instead of the table's for `cluster.version`", default=OPTIONAL, pattern=VERSION_PATTERN, meaning=_VERSION_MEANING
    )


@dataclass(frozen=True)
class AddonVersions:
    versions: dict[str, str]
    # The add-ons whose build is a config override, not the table's.
    overridden: frozenset[str] = frozenset()

    def __getitem__(self, addon: str) -> str:
        return self.versions[addon]


def addon_versions(overrides: dict[str, AddonOverride], at: At) -> AddonVersions:
    """The table's builds for `cluster.version`, with each `cluster.addons.<name>.version` override applied."""
    kubernetes_version = at.reading["version"]
    table = DEFAULT_VERSIONS.get(kubernetes_version)
    if table is None:  # config/cluster.py accepts only versions the table covers (a test holds the two together)
        raise ConfigError(at.key, kubernetes_version, "no pinned add-on versions for this Kubernetes version")
    chosen = {addon: override.version for addon, override in overrides.items() if override.version is not None}
    return AddonVersions({**table, **chosen}, frozenset(chosen))
