"""Speed and memory budgets, measured (not asserted in tests, where timing is noisy).

    make bench                      # plan budgets: production warm < 6 s, peak < 1 GiB
    .venv/bin/python bench/bench.py --with-tests    # also time the whole `make test`

Prints one line per figure, with its budget.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

BUDGETS = {"plan_warm_s": 6.0, "plan_peak_mib": 1024.0, "make_test_s": 45.0}


def _timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and the child's peak RSS (MiB) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak_kib, before) / 1024


def _report(name: str, value: float, unit: str) -> bool:
    budget = BUDGETS[name]
    ok = value < budget
    print(f"{name:14} {value:8.2f} {unit:4} budget < {budget:g} {unit}  {'ok' if ok else 'OVER BUDGET'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--with-tests", action="store_true", help="also time `make test` (minutes)")
    args = parser.parse_args()

    plan = [PY, "-m", "preflight", "plan", "--stack", "production", "--json", "/dev/null"]
    _timed(plan)  # warm the file cache and .pyc files
    times, peaks = zip(*(_timed(plan) for _ in range(args.runs)), strict=True)
    print(f"make plan (production), {args.runs} warm runs: median {statistics.median(times):.2f} s, max {max(times):.2f} s")
    ok = _report("plan_warm_s", statistics.median(times), "s")
    ok &= _report("plan_peak_mib", max(peaks), "MiB")

    pricing_bench = ROOT / "bench" / "bench_pricing.py"
    if pricing_bench.exists():
        subprocess.run([PY, str(pricing_bench)], cwd=ROOT, check=True)

    cost_bench = ROOT / "bench" / "bench_cost.py"
    if cost_bench.exists():
        ok &= subprocess.run([PY, str(cost_bench)], cwd=ROOT, check=False).returncode == 0

    if args.with_tests:
        elapsed, _ = _timed(["make", "test"])
        ok &= _report("make_test_s", elapsed, "s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
