"""Where `make plan`'s time goes, phase by phase: wall and CPU milliseconds of one run in this process.

    .venv/bin/python bench/plan_phases.py [--stack production] [--runs 3]

It runs `preflight plan`'s own `main` (output discarded) with timers wrapped around the functions
it calls, so the phases are the command's and follow it when it changes:

* imports: every module executed (outermost `exec_module`, lazy pulumi_aws/pulumi_kubernetes
  submodules included), split into start-up (before the program runs) and during the program;
* the program under the mock monitor: the monitor's registrations (recorder and mocks, on the
  SDK's executor threads), the SDK's and the runner's waiting (their own steps only, not the
  tasks they wait for), the rest (the program's code, the SDK's registration and `apply`s);
* the policy pack, policy by policy (botocore model reads apart), the API model's coverage line,
  the pricer, advice, the document and the rendering.

With `--runs N` the program is planned N times in fresh processes and each phase's median printed.
CPU is `thread_time` of the thread doing the work (the executor threads' for the monitor), so
phases that overlap on threads do not count twice; the total is the process's user+sys time.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

Clock = tuple[float, float]  # (wall, cpu) seconds
WALL: dict[str, float] = defaultdict(float)
CPU: dict[str, float] = defaultdict(float)
_phase = ["start-up"]  # the phase imports are charged to


def _now() -> Clock:
    return time.perf_counter(), time.thread_time()


def _charge(name: str, start: Clock) -> None:
    wall, cpu = _now()
    WALL[name] += wall - start[0]
    CPU[name] += cpu - start[1]


@contextlib.contextmanager
def phase(name: str) -> Iterator[None]:
    start = _now()
    try:
        yield
    finally:
        _charge(name, start)


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with phase(name):
            return function(*args, **kwargs)

    return wrapper


class _TimedSteps:
    """An awaitable timing only its coroutine's own steps (not the tasks it waits for)."""

    def __init__(self, name: str, awaitable: Any) -> None:
        self.name, self.awaitable = name, awaitable

    def __await__(self) -> Generator[Any, Any, Any]:
        steps = self.awaitable.__await__()
        value: Any = None
        error: BaseException | None = None
        while True:
            start = _now()
            try:
                yielded = steps.send(value) if error is None else steps.throw(error)
            except StopIteration as done:
                return done.value
            finally:
                _charge(self.name, start)
            try:
                value, error = (yield yielded), None
            except BaseException as thrown:  # handed on to the coroutine it was meant for
                value, error = None, thrown


def _hook_imports() -> None:
    from importlib._bootstrap_external import _LoaderBasics  # type: ignore[attr-defined]

    original = _LoaderBasics.exec_module
    depth = [0]

    def exec_module(self: Any, module: Any) -> None:
        depth[0] += 1
        start = _now()
        try:
            original(self, module)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                _charge(f"imports during {_phase[0]}", start)

    _LoaderBasics.exec_module = exec_module


def _hook_program() -> None:
    """Timers around the program's parts: the monitor, the SDK's waiting, the runner's."""
    from pulumi.runtime import stack as runtime_stack

    import preflight.mocks as mocks
    import preflight.recorder as recorder
    import preflight.runner as runner

    register = recorder.RecordingMonitor.RegisterResource
    new_resource = mocks.EmailPlatformMocks.new_resource
    recorder.RecordingMonitor.RegisterResource = timed("program: mock monitor (recorder)", register)  # type: ignore[method-assign]
    mocks.EmailPlatformMocks.new_resource = timed("program: mock monitor (mocks' outputs)", new_resource)  # type: ignore[method-assign]

    wait = runtime_stack.wait_for_rpcs
    runtime_stack.wait_for_rpcs = lambda *a, **k: _TimedSteps("program: SDK waiting (wait_for_rpcs)", wait(*a, **k))
    settle = getattr(runner, "_settle", None)
    if settle is not None:
        runner._settle = lambda *a, **k: _TimedSteps("program: runner waiting (_settle)", settle(*a, **k))  # type: ignore[attr-defined]


def _hook_policies() -> None:
    from policy.registry import ALL_SPECS

    for spec in ALL_SPECS:
        object.__setattr__(spec, "check", timed(f"policy {spec.name}", spec.check))


def _hook_command(command: Any) -> None:
    names = {
        "build_document": "document: build",
        "check_resources": "policies: the pack (total)",
        "coverage": "policies: API model coverage line",
        "parse_document": "pricer: parse the document",
        "estimate": "pricer: estimate",
        "resolve_inputs": "pricer: region and usage",
        "advise": "advice",
        "render_advice": "advice",
        "render_tree": "rendering: tree",
        "render_secrets": "rendering: secrets",
        "text_report": "rendering: cost report",
    }
    for attribute, name in names.items():
        setattr(command, attribute, timed(name, getattr(command, attribute)))
    plan = command.plan

    def timed_plan(*args: Any, **kwargs: Any) -> Any:
        _phase[0] = "the program"
        try:
            with phase("program (total)"):
                return plan(*args, **kwargs)
        finally:
            _phase[0] = "checks and rendering"

    command.plan = timed_plan


def _derived(results: dict[str, tuple[float, float]]) -> None:
    """The rows nobody times directly: what is left of each total once its timed parts are taken out."""

    def left(total: str, *parts: str) -> tuple[float, float]:
        wall, cpu = results.get(total, (0.0, 0.0))
        for part in parts:
            wall, cpu = wall - results.get(part, (0.0, 0.0))[0], cpu - results.get(part, (0.0, 0.0))[1]
        return max(wall, 0.0), max(cpu, 0.0)

    results["start-up: the rest"] = left("start-up (total)", "imports during start-up")
    waits = ("imports during the program", "program: SDK waiting (wait_for_rpcs)", "program: runner waiting (_settle)")
    results["program: the rest (program code, SDK registration, applies)"] = left("program (total)", *waits)
    policies = [name for name in results if name.startswith("policy ")]
    results["policies: the rest (records to resources, settings)"] = left("policies: the pack (total)", *policies)
    checks = [
        name for name in results if name.startswith(("policies: the pack", "policies: API", "pricer", "advice", "document", "rendering"))
    ]
    results["checks and rendering: the rest (JSON, printing)"] = left(
        "command (total)", "program (total)", "imports during checks and rendering", *checks
    )


def measure(stack: str) -> dict[str, tuple[float, float]]:
    """{phase: (wall ms, cpu ms)} of one `preflight plan` in this process."""
    import resource

    started = _now()
    cpu_started = time.process_time()
    _hook_imports()
    with phase("start-up (total)"):
        command = importlib.import_module("preflight.plan_command")
        _hook_program()
        _hook_policies()
    _hook_command(command)
    from policy.aws_api import models

    out = io.StringIO()
    with phase("command (total)"), contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        command.main(["--stack", stack, "--json", "/dev/null"])
    results = {name: (WALL[name] * 1000, CPU[name] * 1000) for name in WALL}
    model_ms = sum(models.LOAD_MS.values())
    results["policies: botocore model reads (within aws-api-model)"] = (model_ms, model_ms)
    _derived(results)
    results["total (process, after the interpreter's start)"] = (
        (_now()[0] - started[0]) * 1000,
        (time.process_time() - cpu_started) * 1000,
    )
    results["peak RSS MiB"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0.0)
    return results


ORDER = (
    "start-up (total)",
    "imports during start-up",
    "start-up: the rest",
    "program (total)",
    "imports during the program",
    "program: SDK waiting",
    "program: runner waiting",
    "program: the rest",
    "program: mock monitor",
    "command (total)",
    "policies: the pack (total)",
    "policy ",
    "policies: the rest",
    "policies: botocore",
    "policies: API model",
    "pricer",
    "advice",
    "document",
    "rendering",
    "imports during checks",
    "checks and rendering: the rest",
    "total",
    "peak",
)


def _rank(name: str) -> tuple[int, str]:
    return next((index for index, prefix in enumerate(ORDER) if name.startswith(prefix)), len(ORDER)), name


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stack", default="production")
    parser.add_argument("--runs", type=int, default=1, help="fresh processes; medians printed")
    parser.add_argument("--json", action="store_true", help="print {phase: [wall ms, cpu ms]} (one run)")
    parser.add_argument("--min-ms", type=float, default=0.0, help="fold policies under this many CPU ms into one row")
    args = parser.parse_args()
    if args.runs == 1 or args.json:
        results = measure(args.stack)
        if args.json:
            print(json.dumps(results))
            return 0
        runs = [results]
    else:
        command = [sys.executable, __file__, "--stack", args.stack, "--json"]
        runs = [json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout) for _ in range(args.runs)]
    medians = {
        name: (
            statistics.median(run.get(name, (0.0, 0.0))[0] for run in runs),
            statistics.median(run.get(name, (0.0, 0.0))[1] for run in runs),
        )
        for name in {name for run in runs for name in run}
    }
    small = [name for name in medians if name.startswith("policy ") and medians[name][1] < args.min_ms]
    if small:
        medians[f"policy (the other {len(small)}, each under {args.min_ms:g} ms)"] = (
            sum(medians[n][0] for n in small),
            sum(medians[n][1] for n in small),
        )
        for name in small:
            del medians[name]
    print(f"{'phase (' + args.stack + f', median of {len(runs)})':62} {'wall ms':>8} {'cpu ms':>8}")
    for name in sorted(medians, key=_rank):
        indent = "" if "(total)" in name or name.startswith(("total", "peak")) else "  "
        wall, cpu = medians[name]
        print(f"{indent + name:62} {wall:8.0f} {cpu:8.0f}")
    print("(the mock monitor runs on the SDK's executor threads: its CPU is not part of the program's, its wall time overlaps it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
