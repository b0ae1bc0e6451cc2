"""Run the real program (__main__.py) under Pulumi mocks and record what it registers."""

from __future__ import annotations

import runpy
import sys
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

    def children_of(self, parent: RecordedResource) -> list[RecordedResource]:
        return [r for r in self.resources if r.parent == parent.urn]


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


def _run_path(program: Path) -> None:
    runpy.run_path(str(program), run_name="__main__")


def run_program(stack_file: StackFile, program: Path = PROGRAM, monitor: RecordingMonitor | None = None) -> Run:
    """Run the program for one stack file; ConfigError and program errors propagate.

    Pass a monitor to look at what was registered when the run fails.
    """
    if str(program.parent) not in sys.path:
        sys.path.insert(0, str(program.parent))
    monitor = configure_mocks(stack_file.stack, stack_file.region, monitor)
    runtime_config.set_all_config(dict(stack_file.config), list(stack_file.secret_keys))
    try:
        _sync_await(run_in_stack(lambda: _run_path(program)))
    finally:
        runtime_settings.SETTINGS.rpc_manager.clear()
        runtime_settings.SETTINGS.outputs.clear()
    secrets = set(monitor.secret_values) | {stack_file.config[key] for key in stack_file.secret_keys}
    return Run(stack_file, list(monitor.recorded), dict(monitor.stack_outputs), frozenset(secrets))
