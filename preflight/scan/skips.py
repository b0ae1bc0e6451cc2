"""The checked-in list of checkov findings we accept, each with its reason (policy/checkov-skips.yaml).

An entry names a check and, optionally, the Terraform addresses it covers (shell-style patterns
such as `aws_cloudwatch_log_group.*`); without addresses it covers every resource. A reason is
required: a conscious choice, or a check that cannot apply to this architecture.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

import yaml

from preflight.scan.checkov_run import Finding

SKIPS_FILE = Path(__file__).resolve().parent.parent.parent / "policy" / "checkov-skips.yaml"


class SkipsError(ValueError):
    """The skips file is malformed; the message is one line."""


@dataclass(frozen=True)
class Skip:
    check: str
    reason: str
    resources: tuple[str, ...] = ()

    def covers(self, finding: Finding) -> bool:
        if finding.check != self.check:
            return False
        return not self.resources or any(fnmatchcase(finding.address, pattern) for pattern in self.resources)


def load_skips(path: Path = SKIPS_FILE) -> list[Skip]:
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as error:
        raise SkipsError(f"{path}: cannot read the skips ({error})") from error
    entries = data.get("skips") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise SkipsError(f"{path}: expected a top-level 'skips' list")
    skips = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("check"), str):
            raise SkipsError(f"{path}: skips[{index}] has no 'check'")
        reason = entry.get("reason")
        if not isinstance(reason, str) or len(reason.strip()) < 10:
            raise SkipsError(f"{path}: skips[{index}] ({entry['check']}) has no reason; say why the finding is accepted")
        resources = entry.get("resources") or []
        if not isinstance(resources, list) or not all(isinstance(r, str) for r in resources):
            raise SkipsError(f"{path}: skips[{index}] ({entry['check']}): 'resources' must be a list of addresses")
        skips.append(Skip(entry["check"], reason.strip(), tuple(resources)))
    return skips


def split(findings: list[Finding], skips: list[Skip]) -> tuple[list[Finding], list[tuple[Finding, Skip]]]:
    """(unskipped findings, skipped findings with the skip that covers each)."""
    open_, skipped = [], []
    for finding in findings:
        skip = next((s for s in skips if s.covers(finding)), None)
        if skip is None:
            open_.append(finding)
        else:
            skipped.append((finding, skip))
    return open_, skipped
