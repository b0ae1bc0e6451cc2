"""`preflight plan --stack S [--json PATH]`: the whole stack, offline, from the committed stack file."""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from config import PROJECT, ConfigError
from preflight.arguments import OneLineParser
from preflight.check_command import Violation, check_resources
from preflight.document import build_document
from preflight.runner import Run, run_program
from preflight.scan.command import main as scan_main
from preflight.stack_files import StackFileError, load_stack_file
from preflight.tree import render_counts, render_secrets, render_tree
from pricing.advice import advise, render_advice
from pricing.documents import DocumentError, parse_document
from pricing.estimate import estimate, resolve_inputs
from pricing.render import text_report


def plan(stack: str, stack_file: Path | None = None) -> Run:
    if stack_file is None:
        return run_program(load_stack_file(stack))
    return run_program(load_stack_file(stack, root=stack_file.resolve().parent, path=stack_file))


def main(argv: list[str]) -> int:
    parser = OneLineParser(prog="python -m preflight plan")
    parser.add_argument("--stack", default="production")
    parser.add_argument("--json", type=Path, help="write the version-1 plan document here")
    parser.add_argument("--stack-file", type=Path, help="plan this stack file instead of Pulumi.<stack>.yaml")
    parser.add_argument("--scan", action="store_true", help="also run checkov's AWS checks (a few seconds; docs/scanning.md)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help: usage printed on stdout
        return 0 if exit_.code in (0, None) else 2
    except DocumentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        run = plan(args.stack, args.stack_file)
    except (ConfigError, StackFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    document = build_document(run)
    violations = check_resources(
        document["resources"], environment=run.stack_file.config.get(f"{PROJECT}:environment"), stack_config=document["config"]
    )
    document["violations"] = [asdict(v) for v in violations]
    # The same path as `preflight cost` over the written document: same records, regions, usage.
    try:
        parsed = parse_document(document, f"plan of {run.stack}")
        document["cost"], _ = estimate(parsed)
        region, usage, _ = resolve_inputs(parsed)
        environment = parsed.environment or run.stack
        advice = render_advice(advise(parsed.records, region, usage, environment), environment)
    except DocumentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Stack {run.stack} (offline plan under Pulumi mocks; nothing was deployed)\n")
    print("\n".join(render_tree(run)))
    print("\nPolicy findings (the pack in policy/, as `pulumi preview --policy-pack policy` runs it):")
    print("\n".join(render_violations(violations)))
    print()
    print(
        text_report(f"Monthly cost estimate ({run.stack}, on-demand, {run.stack_file.region})", document["cost"], "stack config costUsage")
    )
    print(f"Cheaper at the same availability ({environment}; `preflight cost --advise` on the plan document):")
    print("\n".join(advice))
    print("\nResources by type:")
    print("\n".join(render_counts(run)))
    print("\nSecrets still to set:")
    print("\n".join(render_secrets(run)))
    if args.json is not None:
        try:
            args.json.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n")
        except OSError as error:
            print(f"error: cannot write the plan document to {args.json}: {error.strerror or error}", file=sys.stderr)
            return 2
        print(f"\nPlan document written to {args.json}")
    if args.scan:
        print("\ncheckov (the ecosystem's AWS checks over the plan in Terraform's format):")
        if scan_summary(document) != 0:
            return 1
    # A mandatory violation fails the plan as it would fail `pulumi preview --policy-pack`.
    return 1 if any(v.level == "mandatory" for v in violations) else 0


def scan_summary(document: dict[str, object]) -> int:
    """Scan the plan document with checkov and print the summary; 1 when a finding is open, 2 when it cannot run."""
    with tempfile.TemporaryDirectory(prefix="preflight-plan-") as scratch:
        path = Path(scratch) / "plan.json"
        path.write_text(json.dumps(document))
        return scan_main([str(path)])


def render_violations(violations: list[Violation]) -> list[str]:
    if not violations:
        return ["  none"]
    return [f"  {v.level:9} {v.policy:34} {v.urn.rsplit('::', 1)[-1]}: {v.message}" for v in violations]
