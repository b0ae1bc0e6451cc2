"""What the plan's 120-column view must not cut off, and what `make` and a pipe must not hide.

The advice's saving, the Karpenter note's figure and a command at the end of a note survive at
120 columns (lines fold instead of ending in "…"); the range's ceiling counts Karpenter's
NodePool; `preflight cost … | head` ends quietly; `make plan` names preflight's own exit code; the
Makefile neither echoes the tool install's "npm not found" branch nor hides the tests' progress.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from preflight import plan_command
from preflight.runner import Run
from pricing import price_resources
from pricing.advice import Advice, render_advice
from pricing.render import text_report, wrap

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "urn:pulumi:production::email-platform::"
WIDTH = plan_command.WIDTH


def rec(type_token: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"urn": f"{PREFIX}{type_token}::{name}", "type": type_token, "name": name, "inputs": inputs, "parent": None}


def _node_pool_and_nodes(cpu: str) -> list[dict[str, Any]]:
    pool = rec("kubernetes:karpenter.sh/v1:NodePool", "pool", {"spec": {"limits": {"cpu": cpu}}})
    nodes = rec(
        "aws:eks/nodeGroup:NodeGroup",
        "nodes",
        {"instanceTypes": ["m6i.xlarge"], "scalingConfig": {"minSize": 2, "desiredSize": 2, "maxSize": 2}},
    )
    return [pool, nodes]


def test_the_karpenter_figure_survives_120_columns_and_is_in_the_ceiling() -> None:
    report = price_resources(_node_pool_and_nodes("48"), "us-east-1")
    text = text_report("Monthly cost estimate", report, "none", width=WIDTH)
    assert all(len(line) <= WIDTH for line in text.splitlines()) and "…" not in text
    assert "about $1,682 a month" in " ".join(text.split())  # 12 x m6i.xlarge x $0.192 x 730 h
    # The node group is fixed at 2 nodes: the ceiling above the total is the NodePool's limit.
    assert round(report["ceiling"] - report["monthly"], 2) == round(48 / 4 * 0.192 * 730, 2)
    assert "Karpenter's NodePools included" in text.splitlines()[1]


def test_the_advice_keeps_its_saving_and_its_change_at_120_columns() -> None:
    advice = Advice(
        "cluster-nodes",
        "m6i.xlarge -> m7g.xlarge (Graviton, same vCPU and memory; the image must be multi-arch)",
        config_change="cluster.nodeGroup.instanceTypes: [m7g.xlarge]",
        monthly_saving=63.07,
    )
    lines = [folded for line in render_advice([advice], "production") for folded in wrap(line, WIDTH, "      ")]
    assert all(len(line) <= WIDTH for line in lines)
    joined = " ".join(" ".join(lines).split())
    assert "saves $63.07/month; set cluster.nodeGroup.instanceTypes: [m7g.xlarge]" in joined


def test_a_command_in_a_note_stays_on_one_line() -> None:
    note = "  - " + "x" * 90 + " then run `python -m preflight prices import --region eu-west-2` to replace them."
    lines = wrap(note, WIDTH)
    assert len(lines) > 1 and any("`python -m preflight prices import --region eu-west-2`" in line for line in lines)


def test_the_plan_says_who_approved_a_cost_breach_and_passes(
    monkeypatch: pytest.MonkeyPatch, staging: Run, capsys: pytest.CaptureFixture[str]
) -> None:
    import dataclasses

    config = {**staging.stack_file.config, "email-platform:costGuardrails": json.dumps({"maxMonthlyUsd": 1})}
    tight = dataclasses.replace(staging, stack_file=dataclasses.replace(staging.stack_file, config=config))
    monkeypatch.setattr(plan_command, "plan", lambda stack, stack_file=None: tight)
    assert plan_command.main(["--stack", "staging"]) == 1
    assert "error: mandatory policy cost-guardrails refuses" in capsys.readouterr().err
    assert plan_command.main(["--stack", "staging", "--cost-approved", "--approved-by", "octocat"]) == 0
    out = capsys.readouterr().out
    assert "advisory  cost-guardrails" in out and "exceeds maxMonthlyUsd $1.00" in " ".join(out.split())
    assert "cost-guardrails: approved by octocat (label `cost-approved`): reported above, not enforced" in out


def test_a_reader_that_stops_early_ends_the_command_quietly() -> None:
    """`preflight cost … | head`: the pipe closes before the report is written; no traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "preflight", "cost", str(ROOT / "tests" / "data" / "plan_production.json")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the child has started writing
    error = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1
    assert "Traceback" not in error and "BrokenPipeError" not in error


def _recipe(target: str) -> list[str]:
    """The target's recipe lines from the Makefile, continuation lines joined."""
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe: list[str] = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        if recipe and recipe[-1].endswith("\\"):
            recipe[-1] = recipe[-1][:-1] + line.strip()
        else:
            recipe.append(line[1:])
    return recipe


def test_make_does_not_echo_the_npm_not_found_branch() -> None:
    (install,) = [line for line in _recipe("node_modules/.installed") if 'echo "npm not found' in line]
    assert install.startswith("@"), "make echoes an un-silenced recipe line, npm-not-found message and all"


def test_make_test_shows_the_tests_progress() -> None:
    (tests,) = [line for line in _recipe("test") if "pytest" in line]
    pytest_command = tests[tests.index("-m pytest") :].split(";")[0]
    assert ">" not in pytest_command, "pytest's output goes to a file: make test is silent until it ends"
    assert "mypy >" in tests and "&" in tests  # the type check still runs beside the tests


def test_make_plan_names_preflights_own_exit_code() -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "plan", "STACK=no-such-stack"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 2  # make's own code, whatever failed
    assert "error: no stack file Pulumi.no-such-stack.yaml" in result.stderr
    assert "preflight plan exited 2 (1: a mandatory finding or refused change; 2: bad input)" in result.stderr


@pytest.mark.parametrize(
    ("given", "missing"),
    [([], "NAME= REGION= ENVIRONMENT="), (["NAME=london-staging", "REGION=eu-west-2"], "ENVIRONMENT=")],
    ids=["none", "no-environment"],
)
def test_make_new_stack_names_the_make_variables_to_give(given: list[str], missing: str) -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "new-stack", *given], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 2
    assert f"make new-stack needs {missing}, e.g. make new-stack NAME=london-production REGION=eu-west-2" in result.stderr, result.stderr
    assert "--region" not in result.stderr and "preflight new-stack" not in result.stdout  # stopped before preflight ran


def test_only_the_install_rules_run_in_parallel() -> None:
    """Two makes installing into one venv at once corrupt it: the command line's goals run one after
    another even under -j; the three independent installs run side by side, under the caller's -j if any."""
    makefile = (ROOT / "Makefile").read_text()
    assert "ifeq ($(MAKELEVEL),0)\n.NOTPARALLEL:\nendif" in makefile and "MAKEFLAGS +=" not in makefile
    variables = dict(re.findall(r"^(\w+) := (\S+)$", makefile, re.M))
    assert variables["SCAN_VENV"] not in (variables["VENV"], "$(VENV)") and not variables["SCAN_VENV"].startswith("$(VENV)/")
    (install,) = [line for line in _recipe("$(VENV)/.tools") if "$(MAKE)" in line]
    assert [line.strip() for line in makefile.splitlines() if "$(MAKE)" in line] == [install.strip()]
    assert "$(if $(findstring -j,$(MAKEFLAGS)),,-j3)" in install
    assert all(rule in install for rule in ("$(VENV)/.dev", "$(SCAN_VENV)/.installed", "node_modules/.installed"))
