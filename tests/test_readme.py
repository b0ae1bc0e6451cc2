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


def test_making_a_stack_of_ones_own_covers_region_zones_versions_and_secrets() -> None:
    section = "\n".join(README[README.index("## Make your own stack") : README.index("## Docs")])
    for needle in ("cp Pulumi.staging.yaml Pulumi.dev.yaml", "aws:region", "availabilityZones", 'engineVersion: "16.9"', "--secret"):
        assert needle in section, needle


def test_every_link_resolves() -> None:
    for target in re.findall(r"\]\(([^)#]+)\)", "\n".join(README)):
        if not target.startswith("http"):
            assert (ROOT / target).is_file(), target
