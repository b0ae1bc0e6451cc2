"""The drift report says in words what EKS did and what to set, above the raw diff."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

from policy.eks_calendar import CALENDAR, next_version

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / ".github" / "scripts"
OLD = "1.34"
NEW = next_version(OLD)


def _explainer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("drift_explain", SCRIPTS / "drift_explain.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _report(cluster_version_change: bool, other: str = "") -> str:
    """A refresh diff in the shape `pulumi refresh --preview-only --diff` prints (a resource line, then its property changes)."""
    lines = [
        "Previewing refresh (production):",
        "    ~ aws:eks/cluster:Cluster: (update)",
        "        [id=email-platform-production]",
        "        [urn=urn:pulumi:production::email-platform::email:cluster:Cluster$aws:eks/cluster:Cluster::cluster-eks]",
    ]
    if cluster_version_change:
        lines += ['      ~ platformVersion: "eks.12" => "eks.3"', f'      ~ version: "{OLD}" => "{NEW}"']
    lines += [other, "Resources:", "    ~ 1 to update", "error: no changes were expected but changes were proposed"]
    return "\n".join(lines)


def test_an_eks_version_upgrade_is_said_in_words_with_what_to_set() -> None:
    (paragraph,) = _explainer().explain(_report(True), "production")
    assert f"EKS upgraded the control plane from {OLD} to {NEW} by itself" in paragraph
    assert f"Set `cluster.version` to `{NEW}` in `Pulumi.production.yaml`" in paragraph
    assert str(CALENDAR[OLD].end_of_standard_support) in paragraph
    assert "refuses" in paragraph


def test_other_resources_versions_are_not_taken_for_the_clusters() -> None:
    other = '    ~ aws:rds/cluster:Cluster: (update)\n      ~ version: "16.8" => "16.9"'
    assert _explainer().explain(_report(False, other), "production") == []


def test_the_drift_job_warns_in_words(tmp_path: Path) -> None:
    """drift.sh refresh with a fake `pulumi` printing the upgraded cluster: the annotation carries the sentence."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (tmp_path / "report.txt").write_text(_report(True))
    (fake / "pulumi").write_text(f"#!/bin/sh\ncat '{tmp_path / 'report.txt'}'\nexit 255\n")
    (fake / "pulumi").chmod(0o755)
    output = tmp_path / "output"
    output.write_text("")
    env = {"PATH": f"{fake}:/usr/bin:/bin", "STACK": "production", "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(tmp_path)}
    result = subprocess.run(
        ["bash", str(SCRIPTS / "drift.sh"), "refresh"], env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0 and output.read_text().strip() == "drifted=true"
    assert f"::warning::**EKS upgraded the control plane from {OLD} to {NEW} by itself**" in result.stdout
    assert "drift_explain.py" in (SCRIPTS / "drift.sh").read_text().split("issue()", 1)[1], "the issue body carries it too"
