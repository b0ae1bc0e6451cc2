""".ci/plan-diff, the pull-request job's one step per stack: a stack the base branch lacks is
diffed against an empty base, and a failed plan still leaves a comment with its one-line error.

`make` is replaced by a stand-in that copies a plan document (or fails like `make plan` does), so
the script's own logic runs without planning anything.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "plan-diff"
PLAN = Path(__file__).parent / "data" / "plan_production.json"
FAKE_MAKE = """#!/usr/bin/env bash
# make -C DIR --no-print-directory plan STACK=S JSON=PATH
dir=$2
for arg in "$@"; do case $arg in JSON=*) json=${arg#JSON=};; esac; done
if [ -f "$dir/FAIL" ]; then
  echo "Collecting pulumi (a pip line on stderr)" >&2
  echo "error: $(cat "$dir/FAIL")" >&2
  echo "make: *** [Makefile:31: plan] Error 2" >&2
  exit 2
fi
cp "$dir/plan.json" "$json"
"""


@pytest.fixture
def sides(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    bin_dir, base, head = tmp_path / "bin", tmp_path / "base", tmp_path / "head"
    for folder in (bin_dir, base, head):
        folder.mkdir()
    (bin_dir / "make").write_text(FAKE_MAKE)
    (bin_dir / "make").chmod(0o755)
    shutil.copy(PLAN, head / "plan.json")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "PREFLIGHT_PYTHON": sys.executable, "PYTHONPATH": str(ROOT)}
    return base, head, env


def _run(base: Path, head: Path, env: dict[str, str]) -> tuple[int, str]:
    out = base.parent / "out"
    result = subprocess.run(
        [str(SCRIPT), "production", str(base), str(head), str(out)], env=env, capture_output=True, text=True, check=False
    )
    return result.returncode, (out / "diff.md").read_text()


def test_a_stack_the_base_branch_lacks_is_all_new(sides: tuple[Path, Path, dict[str, str]]) -> None:
    code, comment = _run(*sides)
    assert code == 0
    assert comment.startswith("## email-platform · production (a new stack: every resource is added)\n")


def test_a_failed_plan_still_leaves_a_comment_with_its_error(sides: tuple[Path, Path, dict[str, str]]) -> None:
    base, head, env = sides
    (head / "FAIL").write_text("invalid stack config: email-platform:netwrok: unknown key; did you mean 'network'?")
    code, comment = _run(base, head, env)
    assert code == 2
    assert comment.splitlines()[-1] == (
        "> The offline plan of this pull request failed: "
        "`error: invalid stack config: email-platform:netwrok: unknown key; did you mean 'network'?`"
    )


def test_a_failed_base_plan_is_reported_as_the_base_branchs(sides: tuple[Path, Path, dict[str, str]]) -> None:
    base, head, env = sides
    (base / "Pulumi.production.yaml").write_text("config: {}\n")
    (base / "FAIL").write_text("no stack file")
    code, comment = _run(base, head, env)
    assert code == 2 and "The offline plan of the base branch failed: `error: no stack file`" in comment


FAKE_MAKE_RECORDING = FAKE_MAKE.replace(
    'cp "$dir/plan.json" "$json"', 'printf "%s\\n" "$@" > "$dir/make-args"\ncp "$dir/plan.json" "$json"'
)


def _breaching(head: Path) -> None:
    """The head's plan with a monthly limit it exceeds."""
    document = json.loads(PLAN.read_text())
    document["config"]["email-platform:costGuardrails"] = {"maxMonthlyUsd": 1}
    (head / "plan.json").write_text(json.dumps(document))


def test_a_cost_breach_fails_without_the_label(sides: tuple[Path, Path, dict[str, str]]) -> None:
    base, head, env = sides
    _breaching(head)
    code, comment = _run(base, head, env)
    assert code == 1 and "**Cost guardrails breached** (the workflow fails unless" in comment


def test_the_label_passes_a_breach_and_the_comment_says_who_approved_what(sides: tuple[Path, Path, dict[str, str]]) -> None:
    base, head, env = sides
    (base.parent / "bin" / "make").write_text(FAKE_MAKE_RECORDING)
    _breaching(head)
    code, comment = _run(base, head, {**env, "COST_APPROVED": "true", "COST_APPROVED_BY": "octo-cat; rm -rf /"})
    assert code == 0
    assert "**Cost guardrails breached, approved by @octo-catrm-rf with the label `cost-approved`:**" in comment
    assert "> - monthly $" in comment and "exceeds maxMonthlyUsd $1.00" in comment
    # The head's plan ran with the approval (the login kept to letters, digits and hyphens).
    assert "ARGS=--cost-approved --approved-by=octo-catrm-rf" in (head / "make-args").read_text().splitlines()
