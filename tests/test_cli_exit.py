"""`python -m preflight` ends without tearing the interpreter down (`end` in preflight/__main__.py):
what it printed still reaches a pipe whole, and its exit code is the command's."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from plan_documents import plan_before_checks

from preflight.check_command import main as check

ROOT = Path(__file__).resolve().parent.parent


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    # Without PYTHONUNBUFFERED a pipe is block-buffered: output not flushed before the end is lost.
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-m", "preflight", *argv], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


def test_a_refusal_reaches_the_pipe_whole_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = tmp_path / "plan.json"
    document.write_text(json.dumps(plan_before_checks()))
    expected_code = check([str(document)])
    expected = capsys.readouterr().out
    assert expected_code == 1, "the document from before the checks holds mandatory findings"

    result = _cli("check", str(document))
    assert result.returncode == 1
    assert _untimed(result.stdout) == _untimed(expected)


def _untimed(text: str) -> str:
    """The coverage line says how long the models took to read: not the same twice."""
    return re.sub(r"\d+ ms", "N ms", text)


def test_bad_input_keeps_its_one_line_and_exit_2(tmp_path: Path) -> None:
    result = _cli("check", str(tmp_path / "missing.json"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot read document") and result.stderr.count("\n") == 1
