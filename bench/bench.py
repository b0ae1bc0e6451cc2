"""Speed and memory budgets, measured (not asserted in tests, where timing is noisy).

    make bench                      # plan budgets, then a warm `make test` and its slowest tests
    .venv/bin/python bench/bench.py --no-tests      # the plan budgets only (seconds, not a minute)

Prints one line per figure, with its budget, then where one plan's time goes (bench/plan_phases.py).
On a shared machine wall time follows the load; the plan's CPU time (user+sys) is printed beside
it, and the load average with it.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

BUDGETS = {"plan_warm_s": 6.0, "plan_peak_mib": 1024.0, "make_test_s": 45.0}


def _timed(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user+sys) and peak RSS (MiB) of one command (its children included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, max(after.ru_maxrss, before.ru_maxrss) / 1024


def _report(name: str, value: float, unit: str) -> bool:
    budget = BUDGETS[name]
    ok = value < budget
    print(f"{name:14} {value:8.2f} {unit:4} budget < {budget:g} {unit}  {'ok' if ok else 'OVER BUDGET'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-tests", action="store_true", help="leave out the warm `make test` (about a minute)")
    parser.add_argument("--test-runs", type=int, default=1, help="warm `make test` runs (the median is reported)")
    parser.add_argument("--slowest", type=int, default=15, help="how many of the slowest tests to print")
    parser.add_argument("--no-phases", action="store_true", help="leave out the per-phase table")
    args = parser.parse_args()

    # The plan exits 1 on a mandatory finding; its time counts all the same.
    plan = ["sh", "-c", f"{PY} -m preflight plan --stack production --json /dev/null 2>/dev/null || test $? -eq 1"]
    _timed(plan)  # warm the file cache, the .pyc files and the compact botocore models
    times, cpus, peaks = zip(*(_timed(plan) for _ in range(args.runs)), strict=True)
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    print(
        f"make plan (production), {args.runs} warm runs: median {statistics.median(times):.2f} s wall "
        f"(max {max(times):.2f}), {statistics.median(cpus):.2f} s CPU (user+sys); load average {load}"
    )
    ok = _report("plan_warm_s", statistics.median(times), "s")
    ok &= _report("plan_peak_mib", max(peaks), "MiB")
    if not args.no_phases:
        print("\nWhere one plan's time goes (bench/plan_phases.py; phases of 5 ms or more):")
        phases = subprocess.run(
            [PY, str(ROOT / "bench" / "plan_phases.py"), "--min-ms", "5"], cwd=ROOT, check=True, capture_output=True, text=True
        )
        print(phases.stdout)

    pricing_bench = ROOT / "bench" / "bench_pricing.py"
    if pricing_bench.exists():
        subprocess.run([PY, str(pricing_bench)], cwd=ROOT, check=True)

    cost_bench = ROOT / "bench" / "bench_cost.py"
    if cost_bench.exists():
        ok &= subprocess.run([PY, str(cost_bench)], cwd=ROOT, check=False).returncode == 0

    if not args.no_tests:
        ok &= _make_test(args.test_runs, args.slowest)
    return 0 if ok else 1


def _make_test(runs: int, slowest: int) -> bool:
    """Warm `make test` (ruff, mypy beside pytest on two workers): wall and CPU time, then its slowest tests."""
    subprocess.run([str(ROOT / ".venv" / "bin" / "mypy")], cwd=ROOT, check=False, stdout=subprocess.DEVNULL)  # mypy's cache: warm
    environment = {**os.environ, "PYTEST_ADDOPTS": f"--durations={slowest} --durations-min=0.5"}
    times, cpus, outputs = [], [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(
            ["make", "--no-print-directory", "test"], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
        )
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        outputs.append(result.stdout)
        if result.returncode != 0:
            print(result.stdout[-3000:] + result.stderr[-2000:])
            print("make test failed: its time is not a measurement")
            return False
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    print(
        f"\nmake test, {runs} warm run(s): median {statistics.median(times):.1f} s wall, "
        f"{statistics.median(cpus):.1f} s CPU (user+sys, every process); load average {load}"
    )
    ok = _report("make_test_s", statistics.median(times), "s")
    lines = outputs[-1].splitlines()
    header = next((i for i, line in enumerate(lines) if "slowest" in line and "durations" in line), None)
    if header is not None:
        print(f"\nThe slowest tests of the last run (pytest --durations={slowest}; setup is a fixture's first use):")
        for line in lines[header + 1 :]:
            if not line.strip() or line.startswith(("=", "(")):
                break
            print("  " + line)
    return ok


if __name__ == "__main__":
    sys.exit(main())
