"""The README a newcomer reads first: the caveat and the quickstart on one screen, then how to make
a stack of one's own, and every link pointing at a file that exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()


def test_the_caveat_and_the_quickstart_fit_one_screen() -> None:
    make_your_own = README.index("## Make your own stack")
    assert make_your_own <= 40
    caveat = next(i for i, line in enumerate(README) if "Run only under mocks" in line)
    assert caveat < README.index("## Quickstart")
    quickstart = "\n".join(README[:make_your_own])
    assert "make plan " in quickstart and "make test " in quickstart


def test_making_a_stack_of_ones_own_is_the_command_then_the_values_secrets_plan_and_deploy_list() -> None:
    section = "\n".join(README[README.index("## Make your own stack") : README.index("## Docs")])
    for needle in (
        "make new-stack NAME=",
        "python -m preflight new-stack",
        "--secret",
        "make plan STACK=",
        "DEPLOY_STACKS",
        "prices import",
    ):
        assert needle in section, needle
    assert "cp Pulumi." not in section  # the examples are not the way to a stack of one's own


def test_the_readme_says_what_make_test_and_the_exit_codes_are() -> None:
    text = " ".join("\n".join(README).split())
    assert "`make` itself exits 2 on any failure" in text and ".venv/bin/python -m preflight plan --stack S" in text
    assert "checks every `Pulumi.*.yaml` in the repository as `make plan` does" in text


def test_every_link_resolves() -> None:
    for target in re.findall(r"\]\(([^)#]+)\)", "\n".join(README)):
        if not target.startswith("http"):
            assert (ROOT / target).is_file(), target
