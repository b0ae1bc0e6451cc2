"""The plan's closing summary: a few counts, one line each, so the last screen says where things stand.

`PlanSummary` holds counts only (the plan command fills it); a new line is a new field and one
entry in `lines()`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from preflight.tree import fit
from pricing.render import money


@dataclass(frozen=True)
class PlanSummary:
    stack: str
    resources: int
    components: int
    monthly_usd: float
    unpriced: int  # resources without a price: the monthly figure is a lower bound
    findings: Mapping[str, int] = field(default_factory=dict)  # level -> count
    secrets_to_set: Sequence[str] = ()
    placeholders: Sequence[str] = ()  # kinds of example values still set (domain, image, …)
    # CI roles a stack that creates its cluster leaves unnamed (ci.previewRole …): shown only when some are
    ci_roles_to_set: Sequence[str] = ()
    scan_failed: bool = False  # checkov reported a finding not accepted in policy/checkov-skips.yaml

    @property
    def mandatory(self) -> int:
        return self.findings.get("mandatory", 0)

    @property
    def exit_code(self) -> int:
        return 1 if self.mandatory or self.scan_failed else 0

    @property
    def result(self) -> str:
        """The exit code `preflight plan` returns, said where `make` (which exits 2 on any failure) hides it."""
        if self.mandatory:
            return "exit 1: a mandatory policy finding (above)"
        if self.scan_failed:
            return "exit 1: checkov findings not accepted in policy/checkov-skips.yaml (above)"
        return "ok: exit 0"

    def lines(self, width: int | None = None) -> list[str]:
        """One line a count; with `width`, a long list (the secrets, listed in full above it) is cut to fit."""
        cost = money(self.monthly_usd) + " per month"
        cost += f" (partial: {self.unpriced} resource(s) unpriced)" if self.unpriced else " (every resource priced)"
        findings = " · ".join(f"{self.findings.get(level, 0)} {level}" for level in ("mandatory", "advisory"))
        secrets = f"{len(self.secrets_to_set)} ({', '.join(self.secrets_to_set)})" if self.secrets_to_set else "none"
        placeholders = f"{len(self.placeholders)} ({', '.join(self.placeholders)})" if self.placeholders else "none"
        rows = [
            ("resources", f"{self.resources} (in {self.components} components)"),
            ("monthly cost", cost),
            ("policy findings", findings),
            ("secrets to set", secrets),
            ("example values", placeholders),
        ]
        if self.ci_roles_to_set:
            rows.append(("CI roles to set", f"{', '.join(self.ci_roles_to_set)} (their workflows cannot reach the cluster)"))
        rows.append(("result", self.result))
        return [f"Summary of stack {self.stack}:"] + [fit(f"  {label:<16} ", text, width) for label, text in rows]
