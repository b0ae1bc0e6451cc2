"""How long pricing a ~300-resource plan document takes: read, parse, price, render.

The budget is 1 s for a document the size of the production plan. This builds a synthetic
document of about 300 resources (the committed production plan's resources, repeated under
new names) so it runs without the program; `bench/bench.py` times `make plan`, which prices
the real one. Exit 1 over the budget.

    .venv/bin/python bench/bench_pricing.py
"""

from __future__ import annotations

import copy
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pricing import load_document  # noqa: E402
from pricing.estimate import estimate  # noqa: E402
from pricing.render import text_report  # noqa: E402

BUDGET_SECONDS = 1.0
TARGET_RESOURCES = 300


def synthetic_plan() -> dict[str, Any]:
    plan: dict[str, Any] = json.loads((ROOT / "tests" / "data" / "plan_production.json").read_text())
    template = [r for r in plan["resources"] if r.get("custom") and not r["type"].startswith("pulumi:")]
    resources = list(plan["resources"])
    copies = 0
    while len(resources) < TARGET_RESOURCES:
        copies += 1
        for r in template:
            clone = copy.deepcopy(r)
            clone["urn"] = f"{r['urn']}-{copies}"
            clone["name"] = f"{r['name']}-{copies}"
            resources.append(clone)
    plan["resources"] = resources
    return plan


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.json"
        plan = synthetic_plan()
        path.write_text(json.dumps(plan))
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            report, source = estimate(load_document(str(path)))
            text_report("bench", report, source)
            runs.append(time.perf_counter() - start)
    best, worst = min(runs), max(runs)
    count = len(plan["resources"])
    print(f"priced {count} resources: best {best * 1000:.1f} ms, worst {worst * 1000:.1f} ms (budget {BUDGET_SECONDS * 1000:.0f} ms)")
    return 0 if worst < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
