"""The one place that sets Pulumi mocks, and the whole-stack fixtures.

- `pulumi_mocks` (autouse): fresh mocks before every test, preview=False so every apply runs.
  No test file calls set_mocks itself: the last caller would win during collection.
- `module_mocks`: mocks for a component built once for a module's tests (tests/component_build.py).
- `production` / `staging`: the real program run once per session (per worker) on the tests' own
  stack files (`tests/stacks/`, read through tests/owned_stacks.py); tests assert on what it
  registered. The example stacks at the repository's root are not read here.
- `production_elsewhere`: the production test stack moved out of us-east-1, once per session.
- `committed_run`: the program on a stack file committed at the root (the tests about those files).
- `run_stack_with`: the program run on a test stack with some keys changed (guardrail tests).
- `load_config_with`: only the config step on such a file (for values that must be accepted).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from owned_stacks import elsewhere, stack_config, stack_file
from pulumi.runtime import config as runtime_config

from config import StackConfig, load_stack_config
from preflight.recorder import RecordingMonitor
from preflight.runner import Run, configure_mocks, run_program
from preflight.stack_files import load_stack_file

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def pulumi_mocks() -> Iterator[RecordingMonitor]:
    yield configure_mocks("test", "us-east-1")


@pytest.fixture(scope="module")
def module_mocks() -> RecordingMonitor:
    """Fresh mocks for a build shared by a module's tests (tests/component_build.py: what it returns is
    plain data); the autouse fixture still gives each test its own."""
    return configure_mocks("test", "us-east-1")


@pytest.fixture(scope="session")
def production() -> Run:
    return run_program(stack_file("production"))


@pytest.fixture(scope="session")
def staging() -> Run:
    return run_program(stack_file("staging"))


@pytest.fixture(scope="session")
def production_elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The production test stack moved out of us-east-1 (owned_stacks.elsewhere): the program's
    cross-region path, run once per session and worker."""
    config = stack_config("production")
    elsewhere(config)
    folder = tmp_path_factory.mktemp("elsewhere")
    (folder / "Pulumi.production.yaml").write_text(yaml.safe_dump({"config": config}))
    return run_program(load_stack_file("production", root=folder))


@pytest.fixture(scope="session")
def committed_run() -> Callable[[str], Run]:
    """The program run on a stack file committed at the repository's root, once per stack and worker:
    only for the tests whose point is the committed stack itself (grouped on one worker)."""
    runs: dict[str, Run] = {}

    def run(stack: str) -> Run:
        if stack not in runs:
            runs[stack] = run_program(load_stack_file(stack))
        return runs[stack]

    return run


@pytest.fixture(scope="session", params=["production", "staging"])
def each_stack(request: pytest.FixtureRequest) -> Run:
    run: Run = request.getfixturevalue(request.param)
    return run


@pytest.fixture
def load_config_with(tmp_path: Path) -> Callable[..., StackConfig]:
    """Only the config step on an edited copy of a test stack: for values that must be accepted,
    without the cost of running the whole program."""

    def load(stack: str, edit: Callable[[dict[str, Any]], None]) -> StackConfig:
        config = stack_config(stack)
        edit(config)
        (tmp_path / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": config}))
        stack_file = load_stack_file(stack, root=tmp_path)
        configure_mocks(stack, stack_file.region)
        runtime_config.set_all_config(dict(stack_file.config), list(stack_file.secret_keys))
        return load_stack_config()

    return load


@pytest.fixture
def run_stack_with(tmp_path: Path) -> Callable[..., Run]:
    """Run the program on a copy of a test stack after `edit(config)` changed it in place."""

    def run(stack: str, edit: Callable[[dict[str, Any]], None], monitor: RecordingMonitor | None = None) -> Run:
        config = stack_config(stack)
        edit(config)
        (tmp_path / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": config}))
        return run_program(load_stack_file(stack, root=tmp_path), monitor=monitor)

    return run


def pytest_sessionfinish() -> None:
    """The session's runs leave millions of objects (the SDKs' generated types, the recorded plans):
    pytest's last unraisable-exception sweep collects garbage twice at exit, about a second and a
    half a worker walking objects that live until the process ends. Frozen, the sweep skips them
    (an error raised while freeing one of them at exit would go unreported; one raised during a
    test is still reported as before)."""
    gc.freeze()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print what tests/test_aws_api_model.py measured: the share of each test stack's AWS inputs
    the API model checked (recorded with `record_property`, which also crosses xdist workers)."""
    lines = sorted(
        {
            str(value)
            for reports in terminalreporter.stats.values()
            for report in reports
            for name, value in getattr(report, "user_properties", ())
            if name == "aws-api-coverage"
        }
    )
    if lines:
        terminalreporter.write_sep("-", "AWS API model coverage")
        for line in lines:
            terminalreporter.write_line(line)
