"""`preflight cost`: what a user sees, and exit 2 with one line for a bad document."""

from __future__ import annotations

from pathlib import Path

import pytest

from preflight.cost_command import main

DATA = Path(__file__).parent / "data"
PLAN = str(DATA / "plan_production.json")


def test_text_table_shows_total_breakdown_assumptions_and_unpriced(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([PLAN]) == 0
    out = capsys.readouterr().out
    assert out.startswith("email-platform · production: $976.08 per month (USD, us-east-1)")
    assert "instance hours (m6i.xlarge)          2,190 hours      $0.192  $420.48" in out
    assert "  cluster                         $517.48" in out
    assert "aws:rds/cluster:Cluster monthly_io_requests = 50,000,000" in out
    assert "(aws:kinesis/stream:Stream): no pricing rule for this type" in out


def test_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([PLAN, "--markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### email-platform · production: $976.08 per month — partial: 1 resource unpriced\n")
    assert "| `cluster-nodes` | `aws:eks/nodeGroup:NodeGroup` | $444.48 |" in out


def test_stack_export_takes_usage_from_a_stack_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(DATA / "export_production.json"), "--usage", str(DATA / "usage_production.yaml")]) == 0
    assert "$976.08 per month" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not JSON (line 1, column 1: Expecting value)"),
        ('{"version": 2, "resources": []}', "unknown document version 2 (plan is 1, stack export is 3)"),
        ('{"version": 1, "project": "billing", "resources": []}', "project is 'billing', expected 'email-platform'"),
    ],
)
def test_bad_document_is_exit_2_and_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str) -> None:
    path = tmp_path / "doc.json"
    path.write_text(text)
    assert main([str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"error: {path}: {message}\n"


def test_missing_file_and_bad_arguments_are_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main([str(tmp_path / "nope.json")]) == 2
    assert main([]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("error: ") and "cannot read" in err[0]
    assert err[1] == "error: preflight cost: the following arguments are required: document"


def test_stack_export_without_usage_warns_on_one_stderr_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no Pulumi.production.yaml here
    assert main([str(DATA / "export_production.json")]) == 0
    captured = capsys.readouterr()
    assert "per month" in captured.out
    [warning] = captured.err.splitlines()
    assert warning.startswith("warning: ") and "every usage figure is 0" in warning and "--usage" in warning


def test_stack_export_with_usage_does_not_warn(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(DATA / "export_production.json"), "--usage", str(DATA / "usage_production.yaml")]) == 0
    assert capsys.readouterr().err == ""
