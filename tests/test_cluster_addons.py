"""EKS managed add-ons: each at the build pinned for the configured Kubernetes version, moved on purpose."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from cluster_build import build_cluster, cluster_config, cluster_settings

from components.cluster.addons import ADDONS
from components.observability import ADDON as CONTAINER_INSIGHTS
from config.addon_versions import DEFAULT_VERSIONS, MANAGED_ADDONS, SOURCES, UNCONFIRMED, VERSION_PATTERN
from config.reader import ConfigError
from policy.eks_calendar import CALENDAR, EKS_VERSIONS
from preflight.recorder import RecordingMonitor
from preflight.runner import Run

ADDON = "aws:eks/addon:Addon"


def _versions(built: Any) -> dict[str, str]:
    return {a.inputs["addonName"]: a.inputs["addonVersion"] for a in built.of_type(ADDON)}


def test_the_table_pins_every_managed_addon_for_every_version_the_config_accepts() -> None:
    assert {spec.name for spec in ADDONS} | {CONTAINER_INSIGHTS} == set(MANAGED_ADDONS)
    for version in EKS_VERSIONS:
        assert set(DEFAULT_VERSIONS[version]) == set(MANAGED_ADDONS), version
    for row in DEFAULT_VERSIONS.values():
        assert all(re.fullmatch(VERSION_PATTERN, build) for build in row.values())


def test_addons_run_the_tables_build_with_no_lookup_at_preview(pulumi_mocks: RecordingMonitor) -> None:
    """The builds are the committed table's, as plain strings: nothing EKS publishes later moves them.
    (The mocks answer no `aws:eks/getAddonVersion`: a lookup would stop the run.)"""
    version = "1.35"
    built = build_cluster(pulumi_mocks, cluster_settings(cluster_config(version=version)))
    assert _versions(built) == {spec.name: DEFAULT_VERSIONS[version][spec.name] for spec in ADDONS}
    again = build_cluster(pulumi_mocks, cluster_settings(cluster_config(version=version)))
    assert _versions(again) == _versions(built)
    assert all(a.inputs["resolveConflictsOnUpdate"] == "OVERWRITE" for a in built.of_type(ADDON))


def test_a_version_override_is_honoured_and_the_others_keep_the_table(pulumi_mocks: RecordingMonitor) -> None:
    pinned = "v1.12.9-eksbuild.7"
    settings = cluster_settings(cluster_config(version="1.34", addons={"coredns": {"version": pinned}}))
    assert settings.addon_versions.overridden == {"coredns"}
    versions = _versions(build_cluster(pulumi_mocks, settings))
    assert versions["coredns"] == pinned
    assert versions["kube-proxy"] == DEFAULT_VERSIONS["1.34"]["kube-proxy"]


@pytest.mark.parametrize(
    ("addons", "key", "needle"),
    [
        ({"coredns": {"version": "1.12"}}, "email-platform:cluster.addons.coredns.version", "EKS add-on build"),
        ({"core-dns": {"version": "v1.12.3-eksbuild.1"}}, "email-platform:cluster.addons.core-dns", "did you mean 'coredns'"),
    ],
)
def test_a_bad_override_is_one_line(addons: dict[str, Any], key: str, needle: str) -> None:
    with pytest.raises(ConfigError, match=needle) as raised:
        cluster_settings(cluster_config(addons=addons))
    assert raised.value.key == key


def test_raising_the_kubernetes_version_moves_the_addons(pulumi_mocks: RecordingMonitor) -> None:
    older = _versions(build_cluster(pulumi_mocks, cluster_settings(cluster_config(version="1.34"))))
    newer_built = build_cluster(pulumi_mocks, cluster_settings(cluster_config(version="1.35")))
    newer = _versions(newer_built)
    assert older["kube-proxy"].startswith("v1.34.") and newer["kube-proxy"].startswith("v1.35.")
    assert older["coredns"] != newer["coredns"]
    # The system node group follows the control plane instead of staying on the version it was created with.
    (cluster,) = newer_built.of_type("aws:eks/cluster:Cluster")
    (nodes,) = newer_built.of_type("aws:eks/nodeGroup:NodeGroup")
    assert cluster.inputs["version"] == nodes.inputs["version"] == "1.35"


def test_addons_whose_pods_need_nodes_wait_for_them(production: Run) -> None:
    (nodes,) = production.of_type("aws:eks/nodeGroup:NodeGroup")
    cluster_addons = [a for a in production.of_type(ADDON) if a.name.startswith("cluster-")]
    waiting = {a.inputs["addonName"] for a in cluster_addons if nodes.urn in a.dependencies}
    assert waiting == {"coredns", "metrics-server"}


def test_the_upgrade_policy_defaults_to_standard_support(each_stack: Run) -> None:
    (cluster,) = each_stack.of_type("aws:eks/cluster:Cluster")
    assert cluster.inputs["upgradePolicy"] == {"supportType": "STANDARD"}
    model = botocore.session.get_session().get_service_model("eks")
    assert set(model.shape_for("SupportType").enum) == {"STANDARD", "EXTENDED"}


def test_every_pinned_build_has_an_aws_source_or_is_listed_as_unconfirmed() -> None:
    cells = {(version, addon) for version, row in DEFAULT_VERSIONS.items() for addon in row}
    assert set(SOURCES) | set(UNCONFIRMED) == cells and not set(SOURCES) & set(UNCONFIRMED)
    assert all(text for text in [*SOURCES.values(), *UNCONFIRMED.values()])
    guide = (Path(__file__).resolve().parent.parent / "docs" / "first-deploy.md").read_text()
    assert "describe-addon-versions" in guide and "UNCONFIRMED" in guide


def test_the_table_covers_exactly_the_versions_the_calendar_offers_with_dates_from_aws() -> None:
    assert set(EKS_VERSIONS) <= set(DEFAULT_VERSIONS) <= set(CALENDAR)
    assert all("estimated" not in CALENDAR[version].source for version in DEFAULT_VERSIONS)
