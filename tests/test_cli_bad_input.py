"""Every `python -m preflight` path answers bad input with exit 2 and one `error:` line, no traceback."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from config_edits import set_key
from config_stacks import edited
from config_stacks import write as write_stack_file

from config import ConfigError
from preflight import plan_command
from preflight.__main__ import main
from preflight.document import config_section
from preflight.mocks import EmailPlatformMocks
from preflight.recorder import RecordingMonitor
from preflight.runner import Run, run_program
from preflight.stack_files import load_stack_file

DATA = Path(__file__).parent / "data"
PLAN: dict[str, Any] = json.loads((DATA / "plan_production.json").read_text())
NODES_URN = next(r["urn"] for r in PLAN["resources"] if r["name"] == "cluster-nodes")
CLUSTER_URN = next(r["urn"] for r in PLAN["resources"] if r["name"] == "db-cluster")


def one_error_line(capsys: pytest.CaptureFixture[str], *needles: str) -> str:
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err
    return err


def resource(document: dict[str, Any], urn: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in document["resources"] if r["urn"] == urn)
    return found


def write(tmp_path: Path, document: Any, name: str = "doc.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return str(path)


# --- plan -------------------------------------------------------------------------------------


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch, production: Run) -> None:
    """`plan` without running the program again: the session's production run."""
    monkeypatch.setattr(plan_command, "plan", lambda stack, stack_file=None: production)


@pytest.mark.parametrize("where", ["directory", "missing"])
def test_plan_json_to_an_unwritable_path_is_exit_2(planned: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str) -> None:
    target = tmp_path if where == "directory" else tmp_path / "nonexistent" / "dir" / "p.json"
    assert main(["plan", "--json", str(target)]) == 2
    one_error_line(capsys, str(target))


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["plan", "--bogus"], "unrecognized arguments: --bogus"),
        (["plan", "--stack"], "--stack"),
        (["check"], "document"),
        (["check", "x.json", "--bogus"], "unrecognized arguments: --bogus"),
        ([], "error: no command; commands: plan, check, cost, diff"),
    ],
)
def test_argument_errors_are_one_line(capsys: pytest.CaptureFixture[str], argv: list[str], needle: str) -> None:
    assert main(argv) == 2
    one_error_line(capsys, needle)


@pytest.mark.parametrize("argv", [["--help"], ["check", "--help"], ["plan", "--help"]])
def test_help_is_usage_on_stdout(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "usage" in captured.out and captured.err == ""


def test_config_values_that_look_like_json_but_are_not_are_shown_as_strings() -> None:
    stack_file = SimpleNamespace(
        config={"aws:profile": "[prod", "aws:defaultTags": '{"tags": {"a": "b"}}', "aws:region": "us-east-1"}, secret_keys=set()
    )
    assert config_section(SimpleNamespace(stack_file=stack_file)) == {  # type: ignore[arg-type]
        "aws:defaultTags": {"tags": {"a": "b"}},
        "aws:profile": "[prod",
        "aws:region": "us-east-1",
    }


# --- bad stack config: refused before anything registers --------------------------------------
# Every rule's refusal is tested on the config step alone (tests/test_*_config.py); these two show
# once that such a refusal stops the program before its first resource, and `preflight plan` with it.

SHORT_GRACE = {"preStopSeconds": 100, "drainSeconds": 20, "terminationGracePeriodSeconds": 75}
GRACE_REFUSED = "invalid stack config: email-platform:app.shutdown.terminationGracePeriodSeconds = 75: must be longer than"


def test_bad_stack_config_stops_the_program_before_any_resource_and_plan_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_stack_file(edited("production", set_key("app.shutdown", SHORT_GRACE)), tmp_path, stack="production")
    monitor = RecordingMonitor(EmailPlatformMocks())
    with pytest.raises(ConfigError, match=GRACE_REFUSED):
        run_program(load_stack_file("production", path=path), monitor=monitor)
    assert [r.type for r in monitor.recorded] in ([], ["pulumi:pulumi:Stack"]), "nothing but the root stack registers"
    assert plan_command.main(["--stack", "production", "--stack-file", str(path)]) == 2
    one_error_line(capsys, GRACE_REFUSED)


def test_bad_stack_config_exits_2_from_the_command_line_with_one_line(tmp_path: Path) -> None:
    path = write_stack_file(edited("production", set_key("monitoring.cache.memoryPercent", 180)), tmp_path, stack="production")
    result = subprocess.run(
        [sys.executable, "-m", "preflight", "plan", "--stack", "production", "--stack-file", str(path)],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.strip().endswith(
        "invalid stack config: email-platform:monitoring.cache.memoryPercent = 180: must be between 0 and 100"
    ), result.stderr
    assert "Traceback" not in result.stderr + result.stdout


# --- documents: check, cost, diff ----------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "cost", "diff"])
def test_a_non_utf8_document_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    path = tmp_path / "doc.json"
    path.write_bytes(b'{"version": 1, "stack": "\xff\xfe"}')
    argv = [command, str(path)] + ([str(path)] if command == "diff" else [])
    assert main(argv) == 2
    one_error_line(capsys, "UTF-8")


@pytest.mark.parametrize("text", ["1e400", "NaN", "-Infinity", "-3"])
@pytest.mark.parametrize("command", ["cost", "diff"])
def test_a_number_that_is_not_finite_and_non_negative_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, text: str
) -> None:
    document = copy.deepcopy(PLAN)
    resource(document, NODES_URN)["inputs"]["scalingConfig"]["desiredSize"] = "@@"
    path = write(tmp_path, json.dumps(document).replace('"@@"', text))
    assert main([command, path] + ([path] if command == "diff" else [])) == 2
    one_error_line(capsys, "desiredSize")


@pytest.mark.parametrize("text", ["1e400", "NaN", ".nan", ".inf", "-1"])
def test_a_usage_figure_that_is_not_finite_and_non_negative_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    usage = tmp_path / "usage.yaml"
    usage.write_text(f"aws:rds/cluster:Cluster:\n  storage_gb: {text}\n")
    assert main(["cost", str(DATA / "export_production.json"), "--usage", str(usage)]) == 2
    one_error_line(capsys, "storage_gb")


def _set_type(d: dict[str, Any]) -> None:
    resource(d, CLUSTER_URN)["type"] = 7


def _set_inputs(d: dict[str, Any]) -> None:
    resource(d, CLUSTER_URN)["inputs"] = ["engine"]


def _set_instance_types(d: dict[str, Any]) -> None:
    resource(d, NODES_URN)["inputs"]["instanceTypes"] = "m6i.large"


def _set_scaling(d: dict[str, Any]) -> None:
    resource(d, NODES_URN)["inputs"]["scalingConfig"] = 3


def _set_stack(d: dict[str, Any]) -> None:
    d["stack"] = ["production"]


def _set_region(d: dict[str, Any]) -> None:
    d["config"]["aws:region"] = 5


@pytest.mark.parametrize(
    ("edit", "needles", "commands"),
    [
        (_set_type, ("type", CLUSTER_URN), ("check", "cost", "diff")),
        (_set_inputs, ("inputs", CLUSTER_URN), ("check", "cost", "diff")),
        (_set_instance_types, ("instanceTypes", NODES_URN), ("cost", "diff")),
        (_set_scaling, ("scalingConfig", NODES_URN), ("cost", "diff")),
        (_set_stack, ("stack",), ("check", "cost", "diff")),
        (_set_region, ("aws:region",), ("cost", "diff")),
    ],
)
def test_wrong_types_in_documents_are_exit_2_naming_field_and_resource(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: Any, needles: tuple[str, ...], commands: tuple[str, ...]
) -> None:
    document = copy.deepcopy(PLAN)
    edit(document)
    path = write(tmp_path, document)
    for command in commands:
        assert main([command, path] + ([path] if command == "diff" else [])) == 2, command
        one_error_line(capsys, *needles)


# --- policy-config: the stack's costGuardrails read as diff reads them ---------------------------


@pytest.mark.parametrize(
    ("guardrails", "needle"),
    [
        ({"maxMonthlyUsd": "lots"}, "email-platform:costGuardrails.maxMonthlyUsd = 'lots' is not a number >= 0"),
        ({"maxMonthlyUsd": 500, "unpriced": "maybe"}, "email-platform:costGuardrails.unpriced = 'maybe'; allowed: refuse, warn"),
        ({"maxMonthly": 500}, "email-platform:costGuardrails.maxMonthly is not a guardrail"),
        ([1], "email-platform:costGuardrails must be an object"),
    ],
    ids=["not-a-number", "unpriced-choice", "unknown-key", "a-list"],
)
def test_policy_config_refuses_bad_cost_guardrails_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], guardrails: Any, needle: str
) -> None:
    path = write_stack_file(edited("staging", set_key("costGuardrails", guardrails)), tmp_path, stack="staging")
    assert main(["policy-config", "--stack", "staging", "--stack-file", str(path)]) == 2
    one_error_line(capsys, f"error: Pulumi.staging.yaml: {needle}")
    assert capsys.readouterr().out == ""


def test_policy_config_passes_good_cost_guardrails_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    guardrails = {"maxMonthlyUsd": 500, "maxIncreaseUsd": 50, "unpriced": "warn"}
    path = write_stack_file(edited("staging", set_key("costGuardrails", guardrails)), tmp_path, stack="staging")
    assert main(["policy-config", "--stack", "staging", "--stack-file", str(path)]) == 0
    settings = json.loads(capsys.readouterr().out)["cost-guardrails"]
    assert settings["maxMonthlyUsd"] == 500 and settings["unpriced"] == "warn" and settings["enforcementLevel"] == "mandatory"


def _set_parent(d: dict[str, Any]) -> None:
    resource(d, CLUSTER_URN)["parent"] = 5


def _set_provider(d: dict[str, Any]) -> None:
    resource(d, CLUSTER_URN)["provider"] = 5


def _set_parent_not_a_urn(d: dict[str, Any]) -> None:
    resource(d, CLUSTER_URN)["parent"] = "x"


@pytest.mark.parametrize(
    ("edit", "needles"),
    [
        (_set_parent, ("'parent' is int", CLUSTER_URN)),
        (_set_provider, ("'provider' is int", CLUSTER_URN)),
        (_set_parent_not_a_urn, ("'parent'", "not a Pulumi URN", CLUSTER_URN)),
        (_set_type, ("type", CLUSTER_URN)),
    ],
)
@pytest.mark.parametrize("command", ["check", "cost", "diff"])
def test_a_records_wrong_parent_or_provider_is_exit_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: Any, needles: tuple[str, ...], command: str
) -> None:
    base = write(tmp_path, PLAN, "base.json")
    document = copy.deepcopy(PLAN)
    edit(document)
    head = write(tmp_path, document, "head.json")
    argv = [command, base, head] if command == "diff" else [command, head]
    assert main(argv) == 2
    one_error_line(capsys, head, *needles)
