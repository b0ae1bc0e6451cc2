"""The cost benchmarks: each stack's expected, floor, ceiling and committed figures, the naive
reference of the same guarantees and capacity, and how long `preflight cost --advise` takes.

    .venv/bin/python bench/bench_cost.py

Plans both committed stacks offline (as `make plan` does), then prices the plan documents.
Exit 1 when production is less than 25 % below the naive reference or --advise takes 1 s or more.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pricing import load_document  # noqa: E402
from pricing.advice import advise  # noqa: E402
from pricing.estimate import estimate, resolve_inputs  # noqa: E402
from pricing.reference import naive_total  # noqa: E402

TARGET_BELOW_REFERENCE = 25.0
ADVISE_BUDGET_S = 1.0


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for stack in ("production", "staging"):
            path = Path(tmp) / f"{stack}.json"
            subprocess.run(
                [sys.executable, "-m", "preflight", "plan", "--stack", stack, "--json", str(path)],
                cwd=ROOT,
                check=False,
                stdout=subprocess.DEVNULL,
            )
            doc = load_document(str(path))
            report, _ = estimate(doc)
            region, usage, _ = resolve_inputs(doc)
            naive = naive_total(doc.records, region, usage)
            below = (1 - report["monthly"] / naive) * 100
            committed = report.get("withCommitments", report["monthly"])
            print(
                f"{stack:10} expected ${report['monthly']:>9,.2f}  floor ${report['floor']:>9,.2f}  "
                f"ceiling ${report['ceiling']:>9,.2f}  with commitments ${committed:>9,.2f}  "
                f"naive reference ${naive:>9,.2f} ({below:.1f} % below)"
            )
            if stack == "production" and below < TARGET_BELOW_REFERENCE:
                print(f"production is less than {TARGET_BELOW_REFERENCE:g} % below the naive reference")
                ok = False
            runs = []
            for _ in range(5):
                start = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "preflight", "cost", str(path), "--advise"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
                )
                runs.append(time.perf_counter() - start)
            start = time.perf_counter()
            advice = advise(doc.records, region, usage, doc.environment or stack)
            in_process = time.perf_counter() - start
            median = statistics.median(runs)
            print(
                f"{stack:10} preflight cost --advise: median {median:.2f} s (whole command, 5 runs; "
                f"the advice itself {in_process * 1000:.0f} ms, {len(advice)} option(s)); budget < {ADVISE_BUDGET_S:g} s"
            )
            ok &= median < ADVISE_BUDGET_S
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
