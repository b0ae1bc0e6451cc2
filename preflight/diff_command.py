"""`preflight diff BASE.json HEAD.json [--markdown]`: a pull request's effect on one stack.

The comment leads with what cannot be undone (a protected or stateful resource replaced or
removed), then the monthly cost before and after, then the resources by kind of change.
Exit 1 when something protected or stateful would be lost, unless ``--allow-delete-protected``,
or when the head breaches the stack's ``costGuardrails`` (one line on stderr names the biggest
contributors), or when a parameter-group family changes while its engine does not apply
immediately, or when a change is one AWS refuses while the resource is in use or locked
(`preflight/refused_changes.py`; called out in the text and the Markdown too). A resource the head cannot price is left out of both totals, never counted as a
saving, and the delta says "partial".
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

from documents.reader import DocumentError, load_document
from preflight.arguments import OneLineParser
from preflight.changes import Change, Changes, compare, family_changes_without_apply_immediately
from preflight.refused_changes import Refusal, refusals
from pricing.estimate import estimate
from pricing.guardrails import APPROVAL_LABEL, CostDelta, breaches, stack_guardrails
from pricing.guardrails import compare as compare_costs
from pricing.guardrails import warnings as guardrail_warnings
from pricing.render import figure, money, signed
from pricing.report import CostReport

Costs = Callable[[str], float | None]


def _parser() -> OneLineParser:
    parser = OneLineParser(prog="preflight diff", description="Compare two documents of one stack: resources and monthly cost.")
    parser.add_argument("base", help="the document of the base branch")
    parser.add_argument("head", help="the document of the pull request")
    parser.add_argument("--markdown", action="store_true", help="print Markdown (for a pull-request comment)")
    parser.add_argument("--allow-delete-protected", action="store_true", help="exit 0 even if protected resources are lost")
    parser.add_argument(
        "--cost-approved",
        action="store_true",
        help=f"report cost-guardrail breaches but exit 0 for them (the pull request carries `{APPROVAL_LABEL}`)",
    )
    parser.add_argument("--approved-by", default="", help="who applied the approval label (for the comment)")
    parser.add_argument("--usage", help="usage assumptions for both documents (see `preflight cost --help`)")
    parser.add_argument("--region", help="AWS region, when the documents do not say")
    return parser


def _costs(report: CostReport) -> Costs:
    """A resource's monthly figure: None when it is unpriced, 0 when it is free."""
    by_urn: dict[str, float | None] = {r["urn"]: r["monthly"] for r in report["resources"]}
    by_urn.update({u["urn"]: None for u in report["unpriced"] if u["urn"] not in by_urn})
    return lambda urn: by_urn.get(urn, 0.0)


def _amount(value: float | None) -> str:
    return "unpriced" if value is None else money(value)


def _delta(before: float | None, after: float | None, *, sign: int = 1) -> str:
    if before is None or after is None:
        return "unpriced"
    return signed(sign * (after - before))


def _why(change: Change) -> str:
    reasons = [r for r, on in (("protected", change.protected), ("stateful", change.stateful)) if on]
    return ", ".join(reasons)


def _props(change: Change) -> str:
    props = ", ".join(f"`{p}`" for p in change.properties)
    if change.renamed_from:
        renamed = f"renamed from `{change.renamed_from.rsplit('::', 1)[-1]}`"
        return f"{props}; {renamed}" if props else renamed
    return props or "(see preview)"


def _maybe(change: Change) -> str:
    """Changed properties the provider replaces the resource on under a condition of its own."""
    return f" (may replace: {', '.join(change.may_replace)})" if change.may_replace else ""


def _old(change: Change) -> str:
    """The URN the base document knows the resource by."""
    return change.renamed_from or change.urn


def _renamed(change: Change) -> str:
    return f"  (renamed from {change.renamed_from})" if change.renamed_from else ""


def _partial(delta: CostDelta) -> str:
    if not delta.partial:
        return ""
    return f" — partial: {len(delta.partial)} unpriced in this change, left out of both totals ({', '.join(delta.partial[:3])})"


def _percent_of(delta: CostDelta) -> str:
    return "n/a" if delta.percent is None else f"{round(delta.percent, 1) + 0.0:+.1f}%"  # + 0.0: no "-0.0%"


# What the symbols of the text diff (and the comment's section headings) mean.
LEGEND = "+ added · ~ changed in place · +- replaced (deleted, then created again) · - removed"


def cost_movers(changes: Changes, base: CostReport, head: CostReport, top: int = 3) -> list[tuple[str, str, float]]:
    """The resources that moved the monthly cost most: (name, kind of change, delta), largest first."""
    old, new = _costs(base), _costs(head)
    moves: list[tuple[str, str, float]] = []
    for kind, group in (
        ("added", changes.added),
        ("replaced", changes.replaced),
        ("changed", changes.changed),
        ("removed", changes.removed),
    ):
        for c in group:
            before = 0.0 if kind == "added" else old(_old(c))
            after = 0.0 if kind == "removed" else new(c.urn)
            if before is not None and after is not None and round(after - before, 2) != 0:
                moves.append((c.name, kind, after - before))
    return sorted(moves, key=lambda m: (-abs(m[2]), m[0]))[:top]


def why(changes: Changes, base: CostReport, head: CostReport) -> str:
    """One line: the top contributors to the cost delta (empty when nothing moved it)."""
    movers = cost_movers(changes, base, head)
    return " · ".join(f"{signed(delta)} {name} ({kind})" for name, kind, delta in movers)


@dataclass(frozen=True)
class Approval:
    """The pull request's `cost-approved` label: whether it is there, and who applied it."""

    approved: bool = False
    by: str = ""

    def line(self) -> str:
        who = f" by @{self.by}" if self.by else ""
        return f"approved{who} with the label `{APPROVAL_LABEL}`"


def render_markdown(
    title: str,
    changes: Changes,
    base: CostReport,
    head: CostReport,
    allowed: bool,
    delta: CostDelta,
    breached: list[str],
    approval: Approval | None = None,
    warned: list[str] | None = None,
    refused: list[Refusal] | None = None,
) -> str:
    old, new = _costs(base), _costs(head)
    approval = approval or Approval()
    out = [f"## {title}", ""]
    if refused:
        out += ["> [!CAUTION]", "> **Changes AWS refuses** (`pulumi up` would fail on these; the check fails):"]
        out += [f"> - `{r.name}` (`{r.type}`): {r.reason}. <sub>Source: {r.source}</sub>" for r in refused]
        out.append("")
    if breached and approval.approved:
        out += ["> [!NOTE]", f"> **Cost guardrails breached, {approval.line()}:** the workflow passes; what was approved:"]
        out += [f"> - {reason}" for reason in breached]
        out.append("")
    elif breached:
        out += ["> [!WARNING]", "> **Cost guardrails breached** (the workflow fails unless the pull request is labelled "]
        out[-1] += f"`{APPROVAL_LABEL}`):"
        out += [f"> - {reason}" for reason in breached]
        out.append("")
    if warned:
        out += ["> [!NOTE]", "> **Cost guardrails checked on the priced part only:**"]
        out += [f"> - {line}" for line in warned]
        out.append("")
    if changes.dangerous:
        out += ["> [!CAUTION]", "> **Protected or stateful resources would be lost:**"]
        for c in changes.dangerous:
            because = f" — forced by {_props(c)}" if c.kind == "replaced" else ""
            out.append(f"> - **{c.kind}** `{c.name}` (`{c.type}`, {_why(c)}){because}")
        if allowed:
            out.append("> ")
            out.append("> Allowed with `--allow-delete-protected`.")
        out.append("")
    out += [
        "| Monthly cost (USD) | |",
        "|---|---:|",
        f"| Baseline | {money(delta.base)} |",
        f"| This change | {money(delta.head)} |",
        f"| Delta | {signed(delta.delta)} ({_percent_of(delta)}){_partial(delta)} |",
        f"| Range of this change | {money(head['floor'])} (autoscaling at minimum) to {money(head['ceiling'])} (at its limits) |",
        "",
    ]
    if why(changes, base, head):
        out += [f"**Why the cost moved:** {why(changes, base, head)}", ""]
    out += [
        f"**Resources:** {len(changes.added)} added · {len(changes.changed)} changed · "
        f"{len(changes.replaced)} replaced · {len(changes.removed)} removed",
        "",
        f"<sub>{LEGEND}</sub>",
    ]
    if changes.added:
        out += ["", "#### + Added", "", "| Resource | Type | Monthly |", "|---|---|---:|"]
        out += [f"| `{c.name}` | `{c.type}` | {_amount(new(c.urn))} |" for c in changes.added]
    if changes.replaced:
        out += ["", "#### +- Replaced", "", "| Resource | Type | Forced by | Monthly delta |", "|---|---|---|---:|"]
        out += [f"| `{c.name}` | `{c.type}` | {_props(c)} | {_delta(old(_old(c)), new(c.urn))} |" for c in changes.replaced]
    if changes.changed:
        out += ["", "#### ~ Changed", "", "| Resource | Type | Properties | Monthly delta |", "|---|---|---|---:|"]
        out += [f"| `{c.name}` | `{c.type}` | {_props(c)}{_maybe(c)} | {_delta(old(_old(c)), new(c.urn))} |" for c in changes.changed]
    if changes.removed:
        out += ["", "#### - Removed", "", "| Resource | Type | Monthly |", "|---|---|---:|"]
        out += [f"| `{c.name}` | `{c.type}` | {_delta(old(c.urn), 0.0)} |" for c in changes.removed]
    if head["unpriced"]:
        out += ["", f"<details><summary>{len(head['unpriced'])} unpriced (not in the totals)</summary>", ""]
        out += [f"- `{u['urn']}` (`{u['type']}`): {u['reason']}" for u in head["unpriced"]]
        out += ["", "</details>"]
    assumptions = [
        f"- `{scope} {key}` = {figure(value)}"
        for scope, figures in sorted(head["assumptions"].items())
        for key, value in sorted(figures.items())
    ]
    if assumptions:
        out += ["", "<details><summary>Usage assumptions</summary>", "", *assumptions, "", "</details>"]
    return "\n".join(out) + "\n"


def render_text(
    title: str,
    changes: Changes,
    base: CostReport,
    head: CostReport,
    allowed: bool,
    delta: CostDelta,
    breached: list[str],
    approval: Approval | None = None,
    warned: list[str] | None = None,
    refused: list[Refusal] | None = None,
) -> str:
    old, new = _costs(base), _costs(head)
    approval = approval or Approval()
    out = [title, ""]
    for r in refused or []:
        out.append(f"REFUSED BY AWS: {r.line()}")
    if refused:
        out.append("")
    for c in changes.dangerous:
        out.append(f"WARNING: {c.kind} {c.urn} ({_why(c)}){' [allowed]' if allowed else ''}")
    if changes.dangerous:
        out.append("")
    out += [
        f"baseline    {money(delta.base):>14}",
        f"this change {money(delta.head):>14}",
        f"delta       {signed(delta.delta):>14} ({_percent_of(delta)}){_partial(delta)}",
        f"range       {money(head['floor']):>14} to {money(head['ceiling'])} (autoscaling at minimum / at its limits)",
    ]
    if why(changes, base, head):
        out.append(f"why         {why(changes, base, head)}")
    out += [""]
    label = f"COST GUARDRAIL ({approval.line()})" if approval.approved else "COST GUARDRAIL"
    out += [f"{label}: {reason}" for reason in breached]
    out += [f"cost guardrail warning: {line}" for line in warned or []]
    if breached or warned:
        out.append("")
    for c in changes.added:
        out.append(f"+ {c.urn}  {_amount(new(c.urn))}")
    for c in changes.replaced:
        out.append(f"+- {c.urn}  [{', '.join(c.properties)}]  {_delta(old(_old(c)), new(c.urn))}{_renamed(c)}")
    for c in changes.changed:
        out.append(f"~ {c.urn}  [{', '.join(c.properties)}]{_maybe(c)}  {_delta(old(_old(c)), new(c.urn))}{_renamed(c)}")
    for c in changes.removed:
        out.append(f"- {c.urn}  {_delta(old(c.urn), 0.0)}")
    if not (changes.added or changes.replaced or changes.changed or changes.removed):
        out.append("no resource changes")
    else:
        out += ["", f"legend: {LEGEND}"]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
        base_doc, head_doc = load_document(args.base), load_document(args.head)
        if base_doc.stack != head_doc.stack:
            raise DocumentError(f"base is stack {base_doc.stack!r} but head is stack {head_doc.stack!r}")
        # An empty base (a stack new in the pull request) is priced in the head's region.
        base, _ = estimate(base_doc, args.usage, args.region or (None if base_doc.records else head_doc.region))
        head, _ = estimate(head_doc, args.usage, args.region)
        guardrails = stack_guardrails(head_doc)
    except DocumentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    changes = compare(base_doc, head_doc)
    renamed = {c.urn: c.renamed_from for c in [*changes.changed, *changes.replaced] if c.renamed_from}
    delta = compare_costs(base, head, renamed)
    breached = breaches(guardrails, head, delta)
    warned = guardrail_warnings(guardrails, head)
    approval = Approval(args.cost_approved, args.approved_by)
    title = f"{head_doc.project} · {head_doc.stack}"
    if not base_doc.records:
        title += " (a new stack: every resource is added)"
    refused = refusals(changes, base_doc, head_doc)
    render = render_markdown if args.markdown else render_text
    sys.stdout.write(render(title, changes, base, head, args.allow_delete_protected, delta, breached, approval, warned, refused))
    status = 0
    if changes.dangerous and not args.allow_delete_protected:
        print(f"refused: {len(changes.dangerous)} protected or stateful resource(s) would be lost", file=sys.stderr)
        status = 1
    if breached and args.cost_approved:
        print(f"{approval.line()}: cost guardrails of {head_doc.stack}: {'; '.join(breached)}", file=sys.stderr)
    elif breached:
        print(f"refused: cost guardrails of {head_doc.stack}: {'; '.join(breached)}", file=sys.stderr)
        status = 1
    for refusal in refused:
        print(f"refused change: {refusal.line()}", file=sys.stderr)
        status = 1
    family = family_changes_without_apply_immediately(base_doc, head_doc)
    if family:
        print(f"refused change: {family[0]}", file=sys.stderr)
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
