"""Run checkov's `terraform_plan` framework over Terraform plan files, offline, and read its findings.

checkov pins boto3 and packaging versions the program's SDKs cannot share, so it is installed
apart: in its own venv, .venv-scan (requirements-scan.txt, `make tools`), or where that is absent
in a `pip install --target` directory (CHECKOV_PATH, default .venv/checkov) put first on PYTHONPATH. `--skip-download` keeps it offline: no platform key, no policy download.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
SCAN_PYTHON = Path(os.environ.get("CHECKOV_PYTHON", ROOT / ".venv-scan" / "bin" / "python"))
CHECKOV_PATH = Path(os.environ.get("CHECKOV_PATH", ROOT / ".venv" / "checkov"))


class ScannerError(RuntimeError):
    """checkov is missing or did not run; the message is one line."""


@dataclass(frozen=True, order=True)
class Finding:
    check: str
    address: str
    name: str
    file: str


@dataclass
class Report:
    passed: int
    failed: list[Finding]


def run_checkov(plan_files: list[Path]) -> dict[str, Report]:
    """One checkov process over every file; a report per file (keyed by the path as given)."""
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    if SCAN_PYTHON.is_file():
        python = str(SCAN_PYTHON)
    elif (CHECKOV_PATH / "checkov").is_dir():
        python, env["PYTHONPATH"] = sys.executable, str(CHECKOV_PATH)
    else:
        raise ScannerError(f"checkov is not installed: `make tools` puts it in {SCAN_PYTHON.parent.parent} (requirements-scan.txt)")
    command = [python, "-m", "checkov.main", "--framework", "terraform_plan", "--skip-download", "--output", "json", "--compact"]
    for path in plan_files:
        command += ["--file", str(path)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    if result.returncode not in (0, 1):
        raise ScannerError(f"checkov did not run (exit {result.returncode}): {result.stderr.strip().splitlines()[-1:]}")
    try:
        output: Any = json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise ScannerError(f"checkov printed no JSON report: {error}") from error
    sections = output if isinstance(output, list) else [output]
    reports = {str(path): Report(0, []) for path in plan_files}
    by_name = {path.name: str(path) for path in plan_files}
    for section in sections:
        results = section.get("results", {}) if isinstance(section, dict) else {}
        for state, checks in (("passed", results.get("passed_checks", [])), ("failed", results.get("failed_checks", []))):
            for check in checks:
                key = by_name.get(Path(str(check.get("file_path", ""))).name) or (str(plan_files[0]) if len(plan_files) == 1 else "")
                if key not in reports:
                    continue
                if state == "passed":
                    reports[key].passed += 1
                else:
                    finding = Finding(check["check_id"], check["resource"], check.get("check_name", ""), key)
                    reports[key].failed.append(finding)
    for report in reports.values():
        report.failed = sorted(set(report.failed))
    return reports
