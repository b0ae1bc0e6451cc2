"""The stacks of this repository: one per committed `Pulumi.<stack>.yaml`.

Tests, preflight's messages and the workflows all take the list from here, so a stack of your
own (`Pulumi.dev.yaml`) is planned, diffed and deployed like the committed ones.

`python3 preflight/stacks.py [--json] [--root DIR]` prints them in deployment order: every other stack first
(alphabetically), `production` last, so the deploy workflow's one-at-a-time matrix rolls out to
production only after the rest succeeded. Standard library only: the workflow runs it before
anything is installed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Deployed after every other stack (and behind the reviewers of its GitHub environment).
LAST = "production"


def discover(root: Path = ROOT) -> list[str]:
    """Stack names in deployment order: the others alphabetically, then production."""
    names = {path.name.removeprefix("Pulumi.").removesuffix(".yaml") for path in root.glob("Pulumi.*.yaml")}
    return sorted(names, key=lambda name: (name == LAST, name))


def main(argv: list[str]) -> int:
    root = Path(argv[argv.index("--root") + 1]) if "--root" in argv else ROOT
    stacks = discover(root)
    print(json.dumps(stacks) if "--json" in argv else "\n".join(stacks))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
