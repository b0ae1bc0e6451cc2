"""eks-version-support: an advisory finding before EKS upgrades the control plane by itself.

`today` is injected, so each case says on which day it is judged; the dates come from the
calendar table (policy/eks_calendar.py), never from literals here.
"""

from __future__ import annotations

from datetime import date, timedelta

from config.cluster import ClusterSettings
from config.declare import declaration
from policy.cluster_support import RESOURCE_POLICIES, WARN_DAYS, support_messages
from policy.eks_calendar import CALENDAR, EKS_VERSIONS, next_version
from policy.specs import ADVISORY
from preflight.runner import Run

VERSION_ON_TEST = "1.34"


def _props(version: str, policy: str = "STANDARD") -> dict[str, object]:
    return {"version": version, "upgradePolicy": {"supportType": policy}}


def test_the_calendar_covers_every_version_the_config_accepts() -> None:
    assert set(declaration(ClusterSettings, "version").choices) == set(EKS_VERSIONS) <= set(CALENDAR)  # type: ignore[union-attr]
    for row in CALENDAR.values():
        assert row.eks_release < row.end_of_standard_support < row.end_of_extended_support, row.version
        assert row.source


def test_standard_policy_is_warned_within_the_window_and_told_what_to_set() -> None:
    end = CALENDAR[VERSION_ON_TEST].end_of_standard_support
    (message,) = support_messages(_props(VERSION_ON_TEST), WARN_DAYS, today=end - timedelta(days=30))
    assert f"on {end} (in 30 days)" in message
    assert f"set cluster.version to {next_version(VERSION_ON_TEST)}" in message and "upgradePolicy EXTENDED" in message
    assert support_messages(_props(VERSION_ON_TEST), WARN_DAYS, today=end - timedelta(days=WARN_DAYS + 1)) == []


def test_past_the_end_it_says_what_happened_and_what_to_do() -> None:
    end = CALENDAR[VERSION_ON_TEST].end_of_standard_support
    (message,) = support_messages(_props(VERSION_ON_TEST), WARN_DAYS, today=end + timedelta(days=5))
    assert f"left EKS standard support on {end}" in message and "refuses" in message
    assert f"set cluster.version to {next_version(VERSION_ON_TEST)}" in message


def test_extended_policy_is_judged_against_the_end_of_extended_support() -> None:
    row = CALENDAR[VERSION_ON_TEST]
    assert support_messages(_props(VERSION_ON_TEST, "EXTENDED"), WARN_DAYS, today=row.end_of_standard_support) == []
    (message,) = support_messages(_props(VERSION_ON_TEST, "EXTENDED"), WARN_DAYS, today=row.end_of_extended_support - timedelta(days=1))
    assert f"leaves EKS extended support on {row.end_of_extended_support}" in message


def test_a_version_the_calendar_lacks_is_said_plainly() -> None:
    (message,) = support_messages(_props("1.99"), WARN_DAYS, today=date(2026, 12, 7))
    assert "not in the EKS release calendar" in message


def test_the_plan_of_a_stack_carries_the_finding_as_advisory(production: Run) -> None:
    """The pack runs it on the cluster's own inputs (advisory: `make plan` still exits 0)."""
    (spec,) = RESOURCE_POLICIES
    assert spec.level == ADVISORY
    (cluster,) = production.of_type("aws:eks/cluster:Cluster")
    end = CALENDAR[cluster.inputs["version"]].end_of_standard_support
    on_the_day = support_messages(cluster.inputs, WARN_DAYS, today=end)
    assert on_the_day and "(in 0 days)" in on_the_day[0]
