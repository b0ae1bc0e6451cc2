"""The Pulumi SDK internals the offline runner leans on, each stated as a test.

preflight/runner.py runs the program under mocks through parts of the SDK that are not its
public API, preflight/recorder.py reads the SDK's wire form, and components/cost_estimate.py
reads input types through a private module. An SDK upgrade may change any of them without
notice; each test here states one assumption, so an upgrade that breaks it fails here, by name
and with the pinned version, instead of somewhere obscure in a plan.

A name that disappears outright fails sooner: at the import of preflight/runner.py (pytest's
collection error names it), or in every test's mock setup if set_mocks stops honouring the
stand-in root. The test named after that piece says what the runner assumed of it.
"""

from __future__ import annotations

import asyncio
import gc
import importlib.metadata
import inspect
import re
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime.mocks as sdk_mocks
import pulumi_aws as aws
import pytest
from pulumi import _types
from pulumi.runtime import config as runtime_config
from pulumi.runtime import rpc, sync_await
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime import stack as runtime_stack

from documents import reader as documents
from preflight.recorder import SECRET, RecordingMonitor
from preflight.runner import configure_mocks, run_program
from preflight.stack_files import StackFile

ROOT = Path(__file__).resolve().parent.parent


def _pinned_pulumi() -> str:
    found = re.search(r"^pulumi==(\S+)", (ROOT / "requirements.txt").read_text(), re.MULTILINE)
    return found.group(1) if found else "(not pinned in requirements.txt)"


PINNED = _pinned_pulumi()
INSTALLED = importlib.metadata.version("pulumi")


def holds(condition: object, assumption: str, relied_on_by: str = "preflight/runner.py") -> None:
    assert condition, (
        f"Pulumi SDK assumption broken: {assumption}. {relied_on_by} relies on it; it held for "
        f"pulumi=={PINNED} (pinned in requirements.txt), the installed SDK is {INSTALLED}."
    )


def parameters(function: Any) -> list[str]:
    return [name for name in inspect.signature(function).parameters if name != "self"]


# ── running the program: _sync_await and run_in_stack ────────────────────────────────────────


def test_sync_await_runs_a_coroutine_to_its_result_and_lets_its_error_through() -> None:
    assumption = "pulumi.runtime.sync_await._sync_await(awaitable) runs an awaitable to completion outside an event loop"
    holds(callable(getattr(sync_await, "_sync_await", None)), assumption)
    holds(parameters(sync_await._sync_await) == ["awaitable"], f"{assumption}, taking the awaitable as its one parameter")

    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    holds(sync_await._sync_await(answer()) == 42, f"{assumption} and returns its result")

    class ProgramError(Exception):
        pass

    async def fails() -> None:
        raise ProgramError("bad stack config")

    with pytest.raises(ProgramError, match="bad stack config"):
        sync_await._sync_await(fails())  # a ConfigError must reach `preflight plan` as itself


def test_run_in_stack_is_a_coroutine_taking_the_program() -> None:
    assumption = "pulumi.runtime.stack.run_in_stack(func) is a coroutine function that runs func inside a new root stack"
    run_in_stack = getattr(runtime_stack, "run_in_stack", None)
    holds(run_in_stack is not None and inspect.iscoroutinefunction(run_in_stack), assumption)
    holds(parameters(run_in_stack) == ["func"], f"{assumption} (one parameter, the program callable)")


# ── configuring the mocks: set_mocks, the root resource, the runtime's pending work ───────────


def test_set_mocks_takes_the_keywords_the_runner_passes() -> None:
    wanted = {"mocks", "project", "stack", "preview", "monitor"}
    holds(wanted <= set(parameters(pulumi.runtime.set_mocks)), f"pulumi.runtime.set_mocks accepts {sorted(wanted)}")


def test_root_resource_can_be_set_to_a_stand_in_and_cleared() -> None:
    assumption = "pulumi.runtime.settings.set_root_resource/get_root_resource hold any object, and None"
    holds(hasattr(runtime_settings, "set_root_resource") and hasattr(runtime_settings, "get_root_resource"), assumption)
    stand_in = object()
    try:
        runtime_settings.set_root_resource(stand_in)  # type: ignore[arg-type]
        holds(runtime_settings.get_root_resource() is stand_in, assumption)
    finally:
        runtime_settings.set_root_resource(None)  # type: ignore[arg-type]
    holds(runtime_settings.get_root_resource() is None, assumption)


def test_set_mocks_creates_a_root_stack_only_when_there_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    """configure_mocks holds the root's place with a stand-in so that set_mocks registers no stack:
    each run registers its own through run_in_stack, as the engine's host does."""
    assumption = "set_mocks constructs pulumi.runtime.mocks.Stack only when get_root_resource() is None"
    holds(hasattr(sdk_mocks, "Stack") and hasattr(sdk_mocks, "get_root_resource"), assumption)
    constructed: list[object] = []

    class CountingStack:
        def __init__(self) -> None:
            constructed.append(self)

        def _finish(self) -> None:
            pass

    monkeypatch.setattr(sdk_mocks, "Stack", CountingStack)
    configure_mocks("test", "us-east-1")
    holds(constructed == [], f"{assumption} (a stand-in root must stop it)")
    holds(runtime_settings.get_root_resource() is None, "after configure_mocks no root stack is set, so run_in_stack can register one")

    monkeypatch.setattr(sdk_mocks, "get_root_resource", lambda: None)  # as if there were no stand-in
    configure_mocks("test", "us-east-1")
    holds(len(constructed) == 1, f"{assumption} (and does construct it when there is none)")


def test_pending_work_left_by_a_failed_run_fails_the_next_until_cleared() -> None:
    """A failed run leaves its exception and RPCs in the runtime; the runner clears them before and
    after every run, or the next run (the next test) would fail with the old error."""
    assumption = "pulumi.runtime.settings.SETTINGS.rpc_manager holds the runtime's pending RPCs and first error; clear() forgets them"
    manager = getattr(getattr(runtime_settings, "SETTINGS", None), "rpc_manager", None)
    holds(manager is not None and callable(getattr(manager, "clear", None)), assumption)
    holds(isinstance(manager.rpcs, list) and hasattr(manager, "unhandled_exception"), f"{assumption} (rpcs, unhandled_exception)")
    holds(isinstance(runtime_settings.SETTINGS.outputs, set), "pulumi.runtime.settings.SETTINGS.outputs is a set of pending tasks")

    manager.unhandled_exception = RuntimeError("left over from a failed run")
    with pytest.raises(RuntimeError, match="left over"):
        sync_await._sync_await(runtime_stack.wait_for_rpcs())
    manager.clear()
    holds(manager.rpcs == [] and manager.unhandled_exception is None, f"{assumption}: clear() empties rpcs and unhandled_exception")
    sync_await._sync_await(runtime_stack.wait_for_rpcs())  # nothing left: returns


# ── waiting for the program's work: what preflight/runner.py's _settle reads ───────────────────


def test_outputs_are_tracked_until_they_finish_and_failed_ones_stay() -> None:
    """_settle takes the pending output tasks from SETTINGS.outputs and waits for each itself."""
    assumption = (
        "every Output's task is added to pulumi.runtime.settings.SETTINGS.outputs (a set, guarded by SETTINGS.lock); "
        "a task that finishes removes itself, one that fails stays until someone awaits it"
    )
    settings = runtime_settings.SETTINGS
    holds(isinstance(settings.outputs, set) and hasattr(settings.lock, "__enter__"), assumption)

    def fails(_: int) -> int:
        raise LookupError("an apply failed")

    async def outputs() -> tuple[bool, bool, bool, bool]:
        ok = pulumi.Output.from_input(1).apply(lambda x: x + 1)
        bad = pulumi.Output.from_input(1).apply(fails)
        tracked = ok._data in settings.outputs and bad._data in settings.outputs
        await asyncio.wait([ok._data, bad._data])
        await asyncio.sleep(0)  # the done callbacks run
        return tracked, ok._data in settings.outputs, bad._data in settings.outputs, isinstance(bad._data.exception(), LookupError)

    tracked, ok_stays, bad_stays, bad_failed = sync_await._sync_await(outputs())
    settings.outputs.clear()
    holds(tracked, f"{assumption} (tracked when made)")
    holds(not ok_stays, f"{assumption} (a finished task leaves the set)")
    holds(bad_stays and bad_failed, f"{assumption} (a failed task stays, with its error)")


def test_run_in_stack_awaits_what_the_program_returns_before_finishing_the_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    """_settle runs as the awaitable the program function returns: before the stack registers its outputs."""
    assumption = "run_in_stack awaits an awaitable returned by the program function before Stack._finish"
    order: list[str] = []
    finish = runtime_stack.Stack._finish

    def finishing(stack: Any) -> None:
        order.append("stack finished")
        finish(stack)

    async def program_work() -> None:
        await asyncio.sleep(0)
        order.append("program's work awaited")

    monkeypatch.setattr(runtime_stack.Stack, "_finish", finishing)
    sync_await._sync_await(runtime_stack.run_in_stack(program_work))
    holds(order == ["program's work awaited", "stack finished"], assumption)


def test_set_all_config_sets_values_and_which_are_secret() -> None:
    assumption = "pulumi.runtime.config.set_all_config(config, secret_keys) replaces the config and its secret keys"
    holds(parameters(runtime_config.set_all_config) == ["config", "secret_keys"], assumption)
    runtime_config.set_all_config({"email-platform:plain": "1", "email-platform:hidden": "2"}, ["email-platform:hidden"])
    holds(runtime_config.get_config("email-platform:plain") == "1", f"{assumption} (values)")
    holds(runtime_config.is_config_secret("email-platform:hidden"), f"{assumption} (secret keys)")
    holds(not runtime_config.is_config_secret("email-platform:plain"), f"{assumption} (only the keys named)")


# ── the whole runner on a small program ──────────────────────────────────────────────────────

SMALL_PROGRAM = """
import pulumi

config = pulumi.Config()
if config.get("fail"):
    raise LookupError("the program failed on purpose")
pulumi.CustomResource(
    "test:index:Thing", "thing", {"greeting": config.require("greeting"), "token": pulumi.Output.secret("inline-secret-value")}
)
pulumi.export("greeting", config.require("greeting"))
pulumi.export("token", config.require_secret("token"))
"""


def _stack_file(tmp_path: Path, **extra: str) -> StackFile:
    config = {"aws:region": "us-east-1", "email-platform:greeting": "hello", "email-platform:token": "config-secret-value", **extra}
    return StackFile("test", tmp_path / "Pulumi.test.yaml", config, ["email-platform:token"])


def test_a_failed_run_raises_the_programs_error_and_the_next_run_records_everything(tmp_path: Path) -> None:
    program = tmp_path / "program.py"
    program.write_text(SMALL_PROGRAM)
    with pytest.raises(LookupError, match="failed on purpose"):
        run_program(_stack_file(tmp_path, **{"email-platform:fail": "yes"}), program=program)

    run = run_program(_stack_file(tmp_path), program=program)
    stack = run.named("email-platform-test")
    thing = run.named("thing")
    holds(
        stack.type == "pulumi:pulumi:Stack" and thing.parent == stack.urn, "run_in_stack registers one root stack that parents the program"
    )
    holds(
        thing.inputs == {"greeting": "hello", "token": SECRET} and "inline-secret-value" in run.secret_values,
        "secrets reach the monitor wrapped in rpc._special_sig_key/_special_secret_sig",
        "preflight/recorder.py",
    )
    holds(run.outputs == {"greeting": "hello", "token": SECRET}, "stack exports reach RegisterResourceOutputs on the root stack")


CHAINED_PROGRAM = """
import gc
import pulumi

config = pulumi.Config()


def chain(depth):
    # Each link registers a resource from inside an apply, once the previous one has its URN:
    # work the program starts while the runner is already waiting.
    if depth == 0:
        return "end of the chain"
    thing = pulumi.CustomResource("test:index:Thing", f"link-{depth}", {"depth": depth})
    return thing.urn.apply(lambda _: chain(depth - 1))


def fail(_):
    raise LookupError("an apply failed on purpose")


pulumi.export("chain", pulumi.Output.from_input(5).apply(chain))
if config.get("fail"):
    pulumi.Output.from_input(1).apply(fail)  # nothing else awaits it: only the runner's wait sees it fail
pulumi.export("collecting", gc.isenabled())
"""


def test_the_runner_waits_for_work_started_while_it_waits_and_leaves_none_to_the_sdk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """preflight/runner.py's _settle waits for every RPC and output until none is left, so the SDK's
    own wait (quadratic in the pending outputs) finds nothing left when the stack finishes."""
    program = tmp_path / "program.py"
    program.write_text(CHAINED_PROGRAM)
    left_at_finish: list[tuple[int, int]] = []
    finish = runtime_stack.Stack._finish

    def finishing(stack: Any) -> None:
        settings = runtime_settings.SETTINGS
        left_at_finish.append((len(settings.outputs), len(settings.rpc_manager.rpcs)))
        finish(stack)

    monkeypatch.setattr(runtime_stack.Stack, "_finish", finishing)
    run = run_program(_stack_file(tmp_path), program=program)
    assert sorted(r.name for r in run.of_type("test:index:Thing")) == [f"link-{depth}" for depth in range(1, 6)]
    assert run.outputs["chain"] == "end of the chain"
    assert left_at_finish == [(0, 0)], "outputs or RPCs were left for the SDK's own wait"


def test_an_apply_that_fails_fails_the_run_with_its_own_error(tmp_path: Path) -> None:
    program = tmp_path / "program.py"
    program.write_text(CHAINED_PROGRAM)
    with pytest.raises(LookupError, match="an apply failed on purpose"):
        run_program(_stack_file(tmp_path, **{"email-platform:fail": "yes"}), program=program)


def test_no_collection_runs_while_the_program_runs_and_the_collector_is_left_as_found(tmp_path: Path) -> None:
    program = tmp_path / "program.py"
    program.write_text(CHAINED_PROGRAM)
    assert gc.isenabled()
    run = run_program(_stack_file(tmp_path), program=program)
    assert run.outputs["collecting"] is False
    assert gc.isenabled() and gc.get_freeze_count() == 0, "the collector is back on and nothing stays frozen"
    gc.disable()
    try:
        run_program(_stack_file(tmp_path), program=program)
        assert not gc.isenabled(), "a caller's disabled collector stays disabled"
    finally:
        gc.enable()


# ── what the recorder and the documents read ─────────────────────────────────────────────────


def test_wire_constants_the_recorder_and_the_documents_read() -> None:
    names = ("_special_sig_key", "_special_secret_sig", "_special_resource_sig", "_special_asset_sig", "_special_archive_sig", "UNKNOWN")
    for name in names:
        holds(
            isinstance(getattr(rpc, name, None), str), f"pulumi.runtime.rpc.{name} is the wire protocol's string", "preflight/recorder.py"
        )
    # Previews and stack exports are written by the engine with the same constants.
    holds(rpc._special_sig_key == documents.SECRET_SIG, "rpc._special_sig_key marks secrets in previews and exports", "documents/reader.py")
    holds(rpc.UNKNOWN == documents.UNKNOWN, "rpc.UNKNOWN is the placeholder for values unknown until apply", "documents/reader.py")


def test_mock_monitor_has_what_the_recording_monitor_overrides_and_reads(pulumi_mocks: RecordingMonitor) -> None:
    user = "preflight/recorder.py"
    monitor = sdk_mocks.MockMonitor
    holds(parameters(monitor.make_urn) == ["parent", "type_", "name"], "MockMonitor.make_urn(parent, type_, name)", user)
    for method in ("RegisterResource", "RegisterResourceOutputs"):
        holds(
            callable(getattr(monitor, method, None)) and parameters(getattr(monitor, method)) == ["request"],
            f"MockMonitor.{method}(request)",
            user,
        )
    registration = getattr(monitor, "ResourceRegistration", None)
    holds(
        isinstance(pulumi_mocks.resources, dict) and {"urn", "id", "state"} <= set(getattr(registration, "_fields", ())),
        "MockMonitor.resources maps each URN to a registration with urn, id and state",
        user,
    )


# ── what components/cost_estimate.py reads ───────────────────────────────────────────────────


def test_input_types_turn_into_engine_named_dicts() -> None:
    user = "components/cost_estimate.py"
    holds(
        callable(getattr(_types, "is_input_type", None)) and callable(getattr(_types, "input_type_to_dict", None)),
        "pulumi._types has is_input_type and input_type_to_dict",
        user,
    )
    args = aws.ec2.LaunchTemplateMetadataOptionsArgs(http_tokens="required")
    holds(_types.is_input_type(type(args)) and not _types.is_input_type(dict), "is_input_type(cls) is true for an Args class only", user)
    holds(_types.input_type_to_dict(args) == {"httpTokens": "required"}, "input_type_to_dict gives the engine's (camelCase) names", user)


def test_legacy_stack_transformations_see_type_name_props_and_options() -> None:
    user = "components/cost_estimate.py"
    holds(parameters(pulumi.runtime.register_stack_transformation) == ["t"], "pulumi.runtime.register_stack_transformation(t)", user)
    wanted = ["resource", "type_", "name", "props", "opts"]
    holds(parameters(pulumi.ResourceTransformationArgs.__init__) == wanted, f"pulumi.ResourceTransformationArgs has {wanted}", user)
