"""`preflight plan --stack S [--json PATH]`: the whole stack, offline, from the committed stack file."""

from __future__ import annotations

import json
import sys
import tempfile
import textwrap
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from config import PROJECT, ConfigError
from documents.reader import DocumentError, parse_document
from policy.actors import missing_ci_roles
from policy.api_model import coverage
from policy.placeholders import POLICY as PLACEHOLDERS
from preflight.arguments import OneLineParser
from preflight.check_command import Violation, check_resources, config_settings
from preflight.document import build_document
from preflight.runner import Run, run_program
from preflight.stack_files import StackFileError, load_stack_file
from preflight.summary import PlanSummary
from preflight.tree import render_counts, render_secrets, render_tree
from pricing.advice import advise, render_advice
from pricing.estimate import estimate, resolve_inputs
from pricing.guardrails import APPROVAL_LABEL, stack_guardrails
from pricing.guardrails import warnings as guardrail_warnings
from pricing.render import text_report, wrap

COST_POLICY = "cost-guardrails"
CI_NAMED = "ci-identities-named"


def plan(stack: str, stack_file: Path | None = None) -> Run:
    if stack_file is None:
        return run_program(load_stack_file(stack))
    return run_program(load_stack_file(stack, root=stack_file.resolve().parent, path=stack_file))


WIDTH = 120  # the terminal view fits this many columns unless --wide


def main(argv: list[str]) -> int:
    parser = OneLineParser(prog="python -m preflight plan")
    parser.add_argument("--stack", default="production")
    parser.add_argument("--json", type=Path, help="write the version-1 plan document here")
    parser.add_argument("--stack-file", type=Path, help="plan this stack file instead of Pulumi.<stack>.yaml")
    parser.add_argument("--scan", action="store_true", help="also run checkov's AWS checks (a few seconds; docs/scanning.md)")
    parser.add_argument("--wide", action="store_true", help=f"print long lines whole (default: fit to {WIDTH} columns)")
    parser.add_argument("--by-type", action="store_true", help="list the resources by type instead of the tree")
    parser.add_argument(
        "--cost-approved",
        action="store_true",
        help=f"report a cost-guardrails breach without failing (the pull request carries `{APPROVAL_LABEL}`)",
    )
    parser.add_argument("--approved-by", default="", help="who approved the cost (the label's actor), for the report")
    args = parser.parse_or_exit_code(argv)
    if isinstance(args, int):
        return args
    try:
        run = plan(args.stack, args.stack_file)
    except (ConfigError, StackFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    width = None if args.wide else WIDTH
    document, violations = evaluate(run, cost_approved=args.cost_approved)
    # The same path as `preflight cost` over the written document: same records, regions, usage.
    try:
        parsed = parse_document(document, f"plan of {run.stack}")
        document["cost"], _ = estimate(parsed)
        region, usage, _ = resolve_inputs(parsed)
        environment = parsed.environment or run.stack
        advice = render_advice(advise(parsed.records, region, usage, environment), environment)
        guardrails = stack_guardrails(parsed)
    except DocumentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Stack {run.stack} in {run.stack_file.region}: offline plan under Pulumi mocks (nothing was deployed)\n")
    if args.by_type:
        print("Resources by type (the tree without --by-type):")
        print("\n".join(render_counts(run)))
    else:
        print("\n".join(render_tree(run, width)))
    print("\nPolicy findings (the pack in policy/, as `pulumi preview --policy-pack policy` runs it):")
    print("\n".join(render_violations(violations, width)))
    approved = [v for v in violations if v.policy == COST_POLICY] if args.cost_approved else []
    if approved:
        who = f" by {args.approved_by}" if args.approved_by else ""
        print("\n".join(wrap(f"  {COST_POLICY}: approved{who} (label `{APPROVAL_LABEL}`): reported above, not enforced", width)))
    api_line = "  " + coverage((r["urn"], r["type"], r["inputs"]) for r in document["resources"]).line()
    print("\n".join(wrap(api_line, width)))
    print()
    print(text_report("Monthly cost estimate (on-demand list prices)", document["cost"], "stack config costUsage", width=width))
    for line in guardrail_warnings(guardrails, document["cost"]):
        print("\n".join(wrap(f"Cost guardrail warning: {line}", width)) + "\n")
    print(f"Cheaper at the same availability ({environment}; `preflight cost --advise` on the plan document):")
    print("\n".join(folded for line in advice for folded in wrap(line, width, "      ")) + "\n")
    print("Secrets still to set:")
    print("\n".join(render_secrets(run, width)))
    if args.json is not None:
        try:
            args.json.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n")
        except OSError as error:
            print(f"error: cannot write the plan document to {args.json}: {error.strerror or error}", file=sys.stderr)
            return 2
        print(f"\nPlan document written to {args.json}")
    scan_failed = False
    if args.scan:
        print("\ncheckov (the ecosystem's AWS checks over the plan in Terraform's format):")
        scan_failed = scan_summary(document) != 0
    summary = summarize(run, violations, document["cost"], scan_failed=scan_failed)
    print()
    print("\n".join(summary.lines(width)))
    # A mandatory violation fails the plan as it would fail `pulumi preview --policy-pack`.
    if summary.mandatory:
        print(f"error: {refusal(violations)}", file=sys.stderr)
    elif scan_failed:
        print("error: checkov reports findings not in policy/checkov-skips.yaml (listed above)", file=sys.stderr)
    return summary.exit_code


def evaluate(run: Run, *, cost_approved: bool = False) -> tuple[dict[str, Any], list[Violation]]:
    """The plan document and the policy pack's findings, with the stack's own guardrail settings:
    exactly what `make plan` checks (the own-stack test calls this too). With `cost_approved` the
    cost-guardrails policy is advisory, as the workflow's policy config makes it for a real preview."""
    document = build_document(run)
    policy_config = {COST_POLICY: "advisory"} if cost_approved else {}
    violations = check_resources(
        document["resources"],
        policy_config,
        environment=run.stack_file.config.get(f"{PROJECT}:environment"),
        stack_config=document["config"],
    )
    document["violations"] = [asdict(v) for v in violations]
    return document, violations


def scan_summary(document: dict[str, object]) -> int:
    """Scan the plan document with checkov and print the summary; 1 when a finding is open, 2 when it cannot run."""
    from preflight.scan.command import main as scan_main  # only with --scan: `make plan` does not load the scanner's modules

    with tempfile.TemporaryDirectory(prefix="preflight-plan-") as scratch:
        path = Path(scratch) / "plan.json"
        path.write_text(json.dumps(document))
        return scan_main([str(path)])


def summarize(run: Run, violations: list[Violation], cost: Mapping[str, Any], *, scan_failed: bool = False) -> PlanSummary:
    custom = [r for r in run.resources if r.custom]
    return PlanSummary(
        stack=run.stack,
        resources=len(custom),
        components=len(run.resources) - len(custom),
        monthly_usd=float(cost["monthly"]),
        unpriced=len(cost["unpriced"]),
        findings=Counter(v.level for v in violations),
        secrets_to_set=sorted(run.stack_file.placeholders),
        placeholders=[v.message.split(" still set", 1)[0].removeprefix("example ") for v in violations if v.policy == PLACEHOLDERS],
        ci_roles_to_set=[f"ci.{key}" for key in missing_ci_roles(config_settings(run.stack_file.config))]
        if any(v.policy == CI_NAMED for v in violations)
        else [],
        scan_failed=scan_failed,
    )


def refusal(violations: list[Violation]) -> str:
    """The reason a plan exits 1, in one line: the first mandatory finding and how many more."""
    mandatory = [v for v in violations if v.level == "mandatory"]
    first = mandatory[0]
    more = f" (and {len(mandatory) - 1} more mandatory finding(s) above)" if len(mandatory) > 1 else ""
    return f"mandatory policy {first.policy} refuses {first.urn.rsplit('::', 1)[-1]}: {first.message}{more}"


def render_violations(violations: list[Violation], width: int | None = None) -> list[str]:
    if not violations:
        return ["  none"]
    lines: list[str] = []
    for v in violations:
        text = f"  {v.level:9} {v.policy}  {v.urn.rsplit('::', 1)[-1]}: {v.message}"
        lines += textwrap.wrap(text, width, subsequent_indent=" " * 12, break_on_hyphens=False) if width else [text]
    return lines
