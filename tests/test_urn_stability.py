"""Stateful resources keep their URNs: a refactor that would replace or delete one fails here.

A snapshot lists, per stack, the URN of every resource that holds data (a protected
resource, or a type in preflight.changes.STATEFUL_TYPES). A change that renames one must add
an alias for the old URN (`pulumi.ResourceOptions(aliases=[...])`); a change that really means
to drop or add one updates the snapshot on purpose:

    UPDATE_URN_SNAPSHOT=1 .venv/bin/python -m pytest tests/test_urn_stability.py

Two kinds of snapshot: the tests' own stacks (`tests/stacks/stateful-urns.<stack>.json`), which
exercise every optional feature, hold the program to its URNs whatever the committed stacks say;
each stack file committed at the root with a snapshot in `tests/snapshots/` is held to its own
(a stack file without one is skipped: write it with the command above once the stack is deployed).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from owned_stacks import STACKS, committed

from preflight.changes import STATEFUL_TYPES
from preflight.recorder import RecordedResource
from preflight.runner import Run

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def _stateful(run: Run) -> list[RecordedResource]:
    return [r for r in run.resources if r.custom and (r.protect or r.type in STATEFUL_TYPES)]


def missing_urns(snapshot: list[str], run: Run) -> list[str]:
    """Snapshot URNs that no current resource answers to, by its URN or by an alias."""
    answered = {r.urn for r in run.resources} | {alias for r in run.resources for alias in r.aliases}
    return [urn for urn in snapshot if urn not in answered]


def _check_against(path: Path, run: Run) -> None:
    current = sorted(r.urn for r in _stateful(run))
    if os.environ.get("UPDATE_URN_SNAPSHOT") == "1":
        path.write_text(json.dumps(current, indent=2) + "\n")
    snapshot = json.loads(path.read_text())
    lost = missing_urns(snapshot, run)
    assert lost == [], (
        "these stateful resources would be replaced or deleted: add an alias for the old URN, "
        "or update the snapshot on purpose (see this file's docstring)"
    )
    # A renamed resource whose alias names its old URN is not new.
    new = sorted(r.urn for r in _stateful(run) if r.urn not in snapshot and not set(r.aliases) & set(snapshot))
    assert new == [], "new stateful resources: review them, then update the snapshot (see this file's docstring)"


def test_stateful_urns_match_the_snapshot(each_stack: Run) -> None:
    _check_against(STACKS / f"stateful-urns.{each_stack.stack}.json", each_stack)


@pytest.mark.xdist_group("committed-stacks")
@pytest.mark.parametrize("stack", committed())
def test_a_committed_stack_keeps_its_stateful_urns(stack: str, committed_run: Callable[[str], Run]) -> None:
    path = SNAPSHOTS / f"stateful-urns.{stack}.json"
    if not path.exists() and os.environ.get("UPDATE_URN_SNAPSHOT") != "1":
        pytest.skip(f"no URN snapshot for the stack {stack} ({path.name}); write one once it is deployed")
    _check_against(path, committed_run(stack))


def test_an_alias_keeps_a_renamed_resource_from_counting_as_lost(production: Run) -> None:
    stateful = _stateful(production)
    if not stateful:
        pytest.skip("no stateful resource in this stack yet")
    renamed = stateful[0]
    old_urn = renamed.urn
    moved = RecordedResource(**{**renamed.__dict__, "urn": old_urn + "-renamed", "aliases": []})
    without_alias = Run(production.stack_file, [moved], {})
    assert missing_urns([old_urn], without_alias) == [old_urn]
    with_alias = Run(production.stack_file, [RecordedResource(**{**moved.__dict__, "aliases": [old_urn]})], {})
    assert missing_urns([old_urn], with_alias) == []
