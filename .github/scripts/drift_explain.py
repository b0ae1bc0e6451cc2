#!/usr/bin/env python3
"""Drift a person acts on: the known drifts of a refresh report, said in words with what to do.

Usage: drift_explain.py REPORT [STACK]  (REPORT: the text of `pulumi refresh --preview-only --diff`)

Prints one paragraph per drift it recognises, nothing otherwise; the drift issue (drift.sh) puts
them above the raw diff. Recognised today: EKS moved the control plane's Kubernetes version by
itself — at the end of standard support under `upgradePolicy: STANDARD`, at the end of extended
support under `EXTENDED` (EKS User Guide, Kubernetes version lifecycle). The stack must then
follow it, because a `pulumi up` still naming the old version asks EKS to downgrade, which it
refuses. Dates come from policy/eks_calendar.py, read by path (stdlib only: the drift job installs
nothing).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
# A resource line of the diff: "~ aws:eks/cluster:Cluster: (update)" (the op sign, the type token).
_RESOURCE = re.compile(r"^\s*[-+~<>]{1,3}\s+([\w.-]+:[\w./-]+:[\w.-]+):")
_VERSION_CHANGE = re.compile(r'^\s*~\s+version\s*:\s*"?(\d+\.\d+)"?\s*=>\s*"?(\d+\.\d+)"?')
EKS_CLUSTER = "aws:eks/cluster:Cluster"


def _calendar() -> ModuleType | None:
    spec = importlib.util.spec_from_file_location("eks_calendar", ROOT / "policy" / "eks_calendar.py")
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules["eks_calendar"] = module  # dataclasses resolve the module by name
    spec.loader.exec_module(module)
    return module


def cluster_version_changes(report: str) -> list[tuple[str, str]]:
    """(old, new) for each EKS cluster whose `version` the refresh found changed."""
    changes: list[tuple[str, str]] = []
    current = ""
    for line in report.splitlines():
        resource = _RESOURCE.match(line)
        if resource:
            current = resource.group(1)
            continue
        change = _VERSION_CHANGE.match(line)
        if change and current == EKS_CLUSTER:
            changes.append((change.group(1), change.group(2)))
    return changes


def explain(report: str, stack: str = "<stack>") -> list[str]:
    calendar = _calendar()
    paragraphs = []
    for old, new in cluster_version_changes(report):
        when = ""
        row = calendar.CALENDAR.get(old) if calendar is not None else None
        if row is not None:
            when = f" ({old} left standard support on {row.end_of_standard_support}, extended support ends {row.end_of_extended_support})"
        paragraphs.append(
            f"**EKS upgraded the control plane from {old} to {new} by itself**, at the end of {old}'s support{when}. "
            f"Set `cluster.version` to `{new}` in `Pulumi.{stack}.yaml` and run `pulumi up` (the add-ons and the node "
            f"group follow it). Until then every `pulumi up` fails: it asks EKS to go back to {old}, which EKS refuses."
        )
    return paragraphs


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    report = Path(argv[0]).read_text(encoding="utf-8", errors="replace") if Path(argv[0]).exists() else ""
    for paragraph in explain(report, argv[1] if len(argv) > 1 else "<stack>"):
        print(paragraph)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
