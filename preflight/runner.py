"""Run the real program (__main__.py) under Pulumi mocks and record what it registers."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import runpy
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from config import PROJECT
from preflight.mocks import EmailPlatformMocks
from preflight.recorder import RecordedResource, RecordingMonitor
from preflight.stack_files import StackFile

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "__main__.py"


@dataclass
class Run:
    """What one run of the program registered, as the engine would have seen it."""

    stack_file: StackFile
    resources: list[RecordedResource]
    outputs: dict[str, Any]
    # Plaintext of every secret the program handled (config secrets, generated passwords,
    # private keys, URLs built from them): tests assert none reaches a document or a log.
    secret_values: frozenset[str] = frozenset()

    @property
    def stack(self) -> str:
        return self.stack_file.stack

    def of_type(self, type_token: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_token]

    def named(self, name: str) -> RecordedResource:
        matches = [r for r in self.resources if r.name == name]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources named {name!r}")
        return matches[0]


def configure_mocks(stack: str, region: str, monitor: RecordingMonitor | None = None) -> RecordingMonitor:
    """Point the Pulumi runtime at fresh mocks (preview=False, so every apply runs)."""
    monitor = monitor if monitor is not None else RecordingMonitor(EmailPlatformMocks(region))
    # set_mocks registers a root stack only when there is none. Hold the place with a stand-in
    # so it does not: each run (and each test) registers its own, as the engine's host does.
    runtime_settings.set_root_resource(_NO_STACK)  # type: ignore[arg-type]
    pulumi.runtime.set_mocks(monitor.mocks, project=PROJECT, stack=stack, preview=False, monitor=monitor)
    runtime_settings.SETTINGS.rpc_manager.clear()
    runtime_settings.SETTINGS.outputs.clear()
    runtime_settings.set_root_resource(None)  # type: ignore[arg-type]
    return monitor


_NO_STACK = object()


@contextlib.contextmanager
def _collections_paused() -> Iterator[None]:
    """No cyclic garbage collection while the program runs; what it made goes to the oldest generation.

    A run allocates a few million long-lived objects (the provider SDKs' generated input types as
    their modules load, every resource's inputs, outputs and tasks) and little cyclic garbage. Each
    full collection walks all of them to free almost nothing: a production plan spent about 2 s of
    its 6 s of CPU in eight of them (peak memory 283 MiB with collections, 287 MiB without).
    Reference counting still frees everything outside a cycle. At the end, `gc.freeze()` then
    `gc.unfreeze()` moves every tracked object into the oldest generation without walking it (what
    mypy does after loading its graph, mypy/build.py), so the next young collections do not walk the
    run's objects either; cycles among them are still freed by a later full collection.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def _run_path(program: Path) -> None:
    runpy.run_path(str(program), run_name="__main__")


def run_under_mocks(program: Callable[[], object]) -> None:
    """Run `program` as the engine's host runs a Pulumi program, under the mocks `configure_mocks` set:
    inside a root stack, then the wait for everything it started (`_settle`); errors propagate.

    `run_program` runs __main__.py this way; the tests build one component this way."""

    def run_and_settle() -> Any:
        program()
        return _settle()

    try:
        with _collections_paused():
            _sync_await(run_in_stack(run_and_settle))
    finally:
        runtime_settings.SETTINGS.rpc_manager.clear()
        runtime_settings.SETTINGS.outputs.clear()


async def _settle() -> None:
    """Wait until every RPC and output task the program started has finished: the offline runner's wait.

    The SDK's own wait (pulumi.runtime.stack.wait_for_rpcs, run by run_in_stack after the program
    and its stack's `_finish`) waits for the pending outputs with `asyncio.wait(FIRST_COMPLETED)`
    in a loop, handing every still-pending task a new done callback on each pass: quadratic in the
    outputs a plan holds open (about 170,000 callbacks and a second of CPU for production). This
    waits for the same work, each task once, in the order the tasks finish: every RPC and output
    task is awaited, the first that fails raises its own error as soon as it finishes (the SDK also
    raises an RPC's recorded unhandled error), and RPCs and outputs started meanwhile are picked up
    until none is left. The SDK's wait then finds only the stack outputs' registration to wait for.
    Only the offline runner waits this way: the program, and the SDK under a real engine, are as they were.
    """
    settings = runtime_settings.SETTINGS
    manager = settings.rpc_manager
    while True:
        with settings.lock:
            # Tasks finished successfully remove themselves from `outputs`; failed ones stay (the SDK's
            # Output._track), so a failure is raised here even when it happened before this wait.
            pending: list[Any] = list(settings.outputs)
            settings.outputs.clear()
        rpcs, manager.rpcs = manager.rpcs, []
        if not pending and not rpcs:
            break
        for finished in asyncio.as_completed([*rpcs, *pending]):
            await finished
        if manager.unhandled_exception is not None:
            raise manager.unhandled_exception.with_traceback(manager.exception_traceback)


def run_program(stack_file: StackFile, program: Path = PROGRAM, monitor: RecordingMonitor | None = None) -> Run:
    """Run the program for one stack file; ConfigError and program errors propagate.

    Pass a monitor to look at what was registered when the run fails.
    """
    if str(program.parent) not in sys.path:
        sys.path.insert(0, str(program.parent))
    monitor = configure_mocks(stack_file.stack, stack_file.region, monitor)
    runtime_config.set_all_config(dict(stack_file.config), list(stack_file.secret_keys))
    run_under_mocks(lambda: _run_path(program))
    secrets = set(monitor.secret_values) | {stack_file.config[key] for key in stack_file.secret_keys}
    return Run(stack_file, list(monitor.recorded), dict(monitor.stack_outputs), frozenset(secrets))
