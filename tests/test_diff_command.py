"""`preflight diff`: the pull-request comment, and refusing to lose protected data."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from preflight.changes import compare
from preflight.diff_command import main
from pricing import parse_document

DATA = Path(__file__).parent / "data"
BASE = str(DATA / "plan_production.json")
HEAD = str(DATA / "plan_production_head.json")


def test_markdown_matches_the_golden_comment(capsys: pytest.CaptureFixture[str]) -> None:
    # Regenerate after a deliberate change: python -m preflight.diff_command BASE HEAD --markdown > tests/data/diff_production.md
    assert main([BASE, HEAD, "--markdown"]) == 1
    assert capsys.readouterr().out == (DATA / "diff_production.md").read_text(encoding="utf-8")


def test_golden_figures_are_the_hand_computed_ones() -> None:
    text = (DATA / "diff_production.md").read_text(encoding="utf-8")
    # head adds a node (0.192 x 730 + 100 x 0.08 = 148.16) and a NAT with its EIP (55.35 + 3.65)
    assert "| Delta | +$207.16 (+21.2%) |" in text
    assert "| `cluster-nodes` | `aws:eks/nodeGroup:NodeGroup` | `scalingConfig` | +$148.16 |" in text


def test_replacing_a_protected_database_is_flagged_first_and_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([BASE, HEAD, "--markdown"]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[2:5] == [
        "> [!CAUTION]",
        "> **Protected or stateful resources would be lost:**",
        "> - **replaced** `db-cluster` (`aws:rds/cluster:Cluster`, protected, stateful) — forced by `kmsKeyId`",
    ]
    assert captured.err == "refused: 1 protected or stateful resource(s) would be lost\n"


def test_allow_delete_protected_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([BASE, HEAD, "--allow-delete-protected"]) == 0
    assert "WARNING: replaced " in capsys.readouterr().out


def test_same_document_has_no_changes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([BASE, BASE]) == 0
    out = capsys.readouterr().out
    assert "delta               +$0.00 (+0.0%)" in out and "no resource changes" in out


def _plan() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(BASE).read_text())
    return data


def test_removing_a_stateful_resource_is_refused_even_unprotected() -> None:
    head = _plan()
    head["resources"] = [r for r in head["resources"] if r["name"] != "db-cluster"]
    changes = compare(parse_document(_plan()), parse_document(head))
    assert [(c.name, c.kind, c.protected, c.stateful) for c in changes.dangerous] == [("db-cluster", "removed", True, True)]


def test_an_in_place_change_is_changed_not_replaced() -> None:
    head = _plan()
    for r in head["resources"]:
        if r["name"] == "db-cluster":
            r["inputs"]["backupRetentionPeriod"] = 14
    changes = compare(parse_document(_plan()), parse_document(head))
    assert [(c.name, c.properties) for c in changes.changed] == [("db-cluster", ("backupRetentionPeriod",))]
    assert changes.replaced == [] and changes.dangerous == []


def test_a_preview_replace_op_counts_as_replaced() -> None:
    preview = json.loads((DATA / "preview_production.json").read_text())
    for step in preview["steps"]:
        if step["urn"].endswith("::cluster-eks"):
            step["op"] = "replace"
            step["newState"] = copy.deepcopy(step["newState"])
            step["newState"]["inputs"]["tags"] = {"x": "y"}
    changes = compare(parse_document(_plan()), parse_document(preview))
    assert [c.name for c in changes.replaced] == ["cluster-eks"]
    assert [c.name for c in changes.removed] == ["network-nat-old"]


def test_documents_of_two_stacks_are_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = _plan()
    other["stack"] = "staging"
    path = tmp_path / "staging.json"
    path.write_text(json.dumps(other))
    assert main([BASE, str(path)]) == 2
    assert capsys.readouterr().err == "error: base is stack 'production' but head is stack 'staging'\n"


def test_bad_head_is_exit_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "head.json"
    path.write_text("{")
    assert main([BASE, str(path), "--markdown"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1 and captured.err.startswith("error: ")


def _renamed(document: dict[str, Any], old: str, new: str) -> tuple[str, str]:
    """Rename the resource called `old` to `new`, with an alias to its old URN (as the program does)."""
    [record] = [r for r in document["resources"] if r["name"] == old]
    old_urn = record["urn"]
    record["urn"], record["name"], record["aliases"] = old_urn.rsplit("::", 1)[0] + f"::{new}", new, [old_urn]
    return old_urn, record["urn"]


@pytest.mark.parametrize("markdown", [False, True])
def test_a_rename_with_an_alias_is_a_change_not_a_loss(tmp_path: Path, capsys: pytest.CaptureFixture[str], markdown: bool) -> None:
    base, head = _plan(), _plan()
    _, old_urn = _renamed(base, "db-cluster", "database-cluster")
    _, new_urn = _renamed(head, "db-cluster", "database-main")
    head["resources"][[r["urn"] for r in head["resources"]].index(new_urn)]["aliases"] = [old_urn]
    for document, name in ((base, "base.json"), (head, "head.json")):
        (tmp_path / name).write_text(json.dumps(document))
    argv = [str(tmp_path / "base.json"), str(tmp_path / "head.json")] + (["--markdown"] if markdown else [])
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "would be lost" not in captured.out and "WARNING" not in captured.out
    assert "database-main" in captured.out and "renamed from" in captured.out
    changes = compare(parse_document(base), parse_document(head))
    assert [(c.urn, c.kind, c.renamed_from) for c in changes.changed] == [(new_urn, "changed", old_urn)]
    assert changes.removed == changes.replaced == changes.added == changes.dangerous == []


def test_a_preview_step_alias_is_carried_too() -> None:
    head = _plan()
    old_urn, new_urn = _renamed(head, "db-cluster", "database-main")
    preview = {"steps": [{"op": "same", "urn": r["urn"], "newState": r} for r in head["resources"]]}
    doc = parse_document(preview)
    assert next(r for r in doc.records if r["urn"] == new_urn)["aliases"] == [old_urn]
    changes = compare(parse_document(_plan()), doc)
    assert [c.renamed_from for c in changes.changed] == [old_urn] and changes.dangerous == []


def test_the_comment_says_why_the_cost_moved_and_what_the_symbols_mean(capsys: pytest.CaptureFixture[str]) -> None:
    main([BASE, HEAD, "--markdown"])
    lines = capsys.readouterr().out.splitlines()
    # The hand-computed figures above: the node group's extra node, then the NAT and its address.
    assert (
        "**Why the cost moved:** +$148.16 cluster-nodes (changed) · +$55.35 network-nat-b (added) · +$3.65 network-nat-b-eip (added)"
        in lines
    )
    assert "<sub>+ added · ~ changed in place · +- replaced (deleted, then created again) · - removed</sub>" in lines
    main([BASE, HEAD])
    text = capsys.readouterr().out.splitlines()
    assert text[-1] == "legend: + added · ~ changed in place · +- replaced (deleted, then created again) · - removed"
    assert {line.split()[0] for line in text if "urn:pulumi:" in line and not line.startswith("WARNING")} == {"+", "+-", "~", "-"}


def test_a_stack_new_in_the_pull_request_is_diffed_against_an_empty_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What .ci/plan-diff writes as the base when the base branch has no such stack file."""
    empty = tmp_path / "base.json"
    empty.write_text(json.dumps({"version": 1, "project": "email-platform", "stack": "production", "config": {}, "resources": []}))
    assert main([str(empty), BASE, "--markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## email-platform · production (a new stack: every resource is added)\n")
    assert "| Baseline | $0.00 |" in out and " 0 changed · 0 replaced · 0 removed" in out
