"""`preflight scan DOC [DOC …] [--base BASE] [--markdown] [--terraform DIR]`: checkov over the plan.

Each document (a plan document from `make plan JSON=…`, `pulumi preview --json` or a stack
export) becomes a Terraform plan JSON file (terraform_plan.py); checkov's `terraform_plan`
framework judges them all in one offline run. Findings covered by policy/checkov-skips.yaml are
counted with their reason; any other finding is open and the exit code is 1. With `--base`, the
findings the head has and the base has not are listed: what a change introduces, for the PR
comment (`--markdown`). Exit 2: a document or the skips file cannot be read, or checkov cannot run.
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from documents.reader import DocumentError, load_document
from preflight.arguments import OneLineParser
from preflight.scan.checkov_run import Finding, Report, ScannerError, run_checkov
from preflight.scan.skips import Skip, SkipsError, load_skips, split
from preflight.scan.terraform_plan import terraform_plan


@dataclass
class Scan:
    label: str
    report: Report
    open: list[Finding]
    skipped: list[tuple[Finding, Skip]]


def scan_documents(paths: list[str], skips: list[Skip], terraform_dir: Path | None = None) -> list[Scan]:
    """Convert and scan every document; raises DocumentError or ScannerError."""
    with tempfile.TemporaryDirectory(prefix="preflight-scan-") as scratch:
        directory = terraform_dir or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        files, labels = [], []
        for index, path in enumerate(paths):
            document = load_document(path)
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
            target = directory / f"{index}-{document.stack or 'stack'}.tfplan.json"
            target.write_text(json.dumps(terraform_plan(document, raw), indent=1) + "\n")
            files.append(target)
            labels.append(document.stack or path)
        reports = run_checkov(files)
    scans = []
    for label, file in zip(labels, files, strict=True):
        report = reports[str(file)]
        open_, skipped = split(report.failed, skips)
        scans.append(Scan(label, report, open_, skipped))
    return scans


def unused_skips(scans: list[Scan], skips: list[Skip]) -> list[Skip]:
    used = {skip for scan in scans for _, skip in scan.skipped}
    return [skip for skip in skips if skip not in used]


def summary_lines(scan: Scan) -> list[str]:
    failed = len(scan.report.failed)
    lines = [
        f"checkov terraform_plan checks on {scan.label}: {scan.report.passed} passed, {failed} failed "
        f"({len(scan.skipped)} accepted in policy/checkov-skips.yaml, {len(scan.open)} open)"
    ]
    lines += [f"  open  {f.check:12} {f.address}: {f.name}" for f in scan.open]
    return lines


def new_findings(head: Scan, base: Scan) -> list[Finding]:
    before = {(f.check, f.address) for f in base.report.failed}
    return [f for f in head.report.failed if (f.check, f.address) not in before]


def main(argv: list[str]) -> int:
    parser = OneLineParser(prog="python -m preflight scan")
    parser.add_argument("documents", nargs="+", help="plan documents, `pulumi preview --json` or stack exports")
    parser.add_argument("--base", help="the base branch's plan document: list the findings the head adds")
    parser.add_argument("--markdown", action="store_true", help="print the new findings as Markdown (with --base)")
    parser.add_argument("--terraform", type=Path, help="keep the Terraform plan files in this directory")
    args = parser.parse_or_exit_code(argv)
    if isinstance(args, int):
        return args
    try:
        skips = load_skips()
        paths = list(args.documents) + ([args.base] if args.base else [])
        scans = scan_documents(paths, skips, args.terraform)
    except (DocumentError, ScannerError, SkipsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    heads = scans[: len(args.documents)]
    if args.base:
        added = [f for head in heads for f in new_findings(head, scans[-1])]
        if args.markdown:
            print("#### New checkov findings\n")
            print("\n".join(f"- `{f.check}` `{f.address}`: {f.name}" for f in added) or "None.")
        else:
            print(f"New checkov findings against {args.base}: {len(added)}")
            print("\n".join(f"  {f.check:12} {f.address}: {f.name}" for f in added))
    if not args.markdown:
        for scan in heads:
            print("\n".join(summary_lines(scan)))
    return 1 if any(scan.open for scan in heads) else 0
