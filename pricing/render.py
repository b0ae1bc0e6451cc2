"""Cost reports as a plain-text table (terminal) or Markdown (pull-request comments)."""

from __future__ import annotations

import re
import textwrap

from pricing.report import CostReport

CEILING = "at its limits, Karpenter's NodePools included"


def money(value: float) -> str:
    value = round(value, 2) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def signed(value: float) -> str:
    value = round(value, 2) + 0.0
    return f"+{money(value)}" if value >= 0 else money(value)


def _quantity(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.4f}".rstrip("0")


def _unit_price(value: float) -> str:
    text = f"{value:.8f}".rstrip("0")
    whole, _, cents = text.partition(".")
    return f"${int(whole):,}.{cents.ljust(2, '0')}"


def figure(value: float | str) -> str:
    """A usage figure as a reader writes it: 500, 50,000,000, 0.5 or "not set"."""
    if isinstance(value, str):
        return value
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def _assumption_lines(report: CostReport) -> list[tuple[str, str]]:
    return [
        (f"{scope} {key}", figure(value))
        for scope, figures in sorted(report["assumptions"].items())
        for key, value in sorted(figures.items())
    ]


def partial(report: CostReport) -> str:
    """What a headline must add when its total leaves something out."""
    count = len({u["urn"] for u in report["unpriced"]})
    return f" — partial: {count} resource{'s' if count != 1 else ''} unpriced" if count else ""


def elide(text: str, width: int) -> str:
    """`text` cut to `width` characters, the cut marked with "…"."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def wrap(text: str, width: int | None, indent: str = "    ") -> list[str]:
    """`text` folded to `width` columns, the following lines indented: a figure or a command at its
    end survives (the plan's terminal view); one line when `width` is None."""
    if width is None or len(text) <= width:
        return [text]
    # A `command` stays on one line: its spaces are not break points.
    kept = re.sub(r"`[^`]*`", lambda code: code.group().replace(" ", "\0"), text)
    lines = textwrap.wrap(kept, width, subsequent_indent=indent, break_on_hyphens=False, break_long_words=False)
    return [line.replace("\0", " ") for line in lines]


def text_report(title: str, report: CostReport, usage_source: str, *, width: int | None = None) -> str:
    """The cost table; with `width`, resources are named without their type and the component
    column is shortened so that the table fits (the plan's terminal view)."""
    out = [f"{title}: {money(report['monthly'])} per month ({report['currency']}, {report['region']}){partial(report)}"]
    out += [f"  range: {money(report['floor'])} (autoscaling at minimum) to {money(report['ceiling'])} ({CEILING})"]
    if "withCommitments" in report:
        out.append(f"  with the stack's costCommitments: {money(report['withCommitments'])}")
    out.append("")
    rows = [("Resource", "Component", "Quantity", "Unit price", "Monthly")]
    for resource in sorted(report["resources"], key=lambda r: (-r["monthly"], r["urn"])):
        for i, c in enumerate(resource["components"]):
            name = resource["name"] if width else f"{resource['name']} ({resource['type']})"
            label = name if i == 0 else ""
            rows.append((label, c["name"], f"{_quantity(c['quantity'])} {c['unit']}", _unit_price(c["unitPrice"]), money(c["monthly"])))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    if width and sum(widths) + 8 > width:
        widths[1] = max(width - 8 - widths[0] - sum(widths[2:]), 12)
        rows = [(row[0], elide(row[1], widths[1]), *row[2:]) for row in rows]
    for row in rows:
        out.append(
            "  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip()
        )
    out += ["", "By component:"]
    out += [f"  {name:<24} {money(value):>14}" for name, value in report["byComponent"].items()]
    if report["unpriced"]:
        out += ["", "Unpriced (not in the total):"]
        for u in report["unpriced"]:
            name = u["urn"].rsplit("::", 1)[-1] if width else u["urn"]
            out += wrap(f"  {name} ({u['type']}): {u['reason']}", width)
    out += ["", f"Usage assumptions (from {usage_source}):"]
    out += [f"  {key} = {value}" for key, value in _assumption_lines(report)] or ["  (none needed)"]
    if report["notes"]:
        out += ["", "Notes:"]
        for note in report["notes"]:
            out += wrap(f"  - {note}", width)
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_report(title: str, report: CostReport, usage_source: str) -> str:
    out = [
        f"### {title}: {money(report['monthly'])} per month{partial(report)}",
        "",
        f"{report['currency']}, {report['region']}, on-demand list prices; range {money(report['floor'])} "
        f"(autoscaling at minimum) to {money(report['ceiling'])} ({CEILING})"
        + (f"; {money(report['withCommitments'])} with the stack's costCommitments." if "withCommitments" in report else "."),
        "",
    ]
    out += ["| Resource | Type | Monthly |", "|---|---|---:|"]
    for resource in sorted(report["resources"], key=lambda r: (-r["monthly"], r["urn"])):
        out.append(f"| `{_cell(resource['name'])}` | `{resource['type']}` | {money(resource['monthly'])} |")
    out += ["", "| Component | Monthly |", "|---|---:|"]
    out += [f"| {_cell(name)} | {money(value)} |" for name, value in report["byComponent"].items()]
    if report["unpriced"]:
        out += ["", "**Unpriced** (not in the total):", ""]
        out += [f"- `{u['urn']}` (`{u['type']}`): {_cell(u['reason'])}" for u in report["unpriced"]]
    out += ["", f"<details><summary>Usage assumptions (from {usage_source})</summary>", ""]
    out += [f"- `{key}` = {value}" for key, value in _assumption_lines(report)] or ["- (none needed)"]
    out += [""] + [f"- {note}" for note in report["notes"]]
    out += ["", "</details>"]
    return "\n".join(out) + "\n"
