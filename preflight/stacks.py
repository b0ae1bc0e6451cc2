"""The stacks of this repository: one per committed `Pulumi.<stack>.yaml`, and the ones it deploys.

Tests and preflight's messages take the stack files from here (`discover`). The workflows take
the stacks the repository names in its variable DEPLOY_STACKS (`named`; docs/pull-requests-and-deployments.md):
the example stacks (example.com, us-east-1) never deploy by accident, and a repository that names
none deploys none. The pull-request diff plans the named stacks, or every stack file while none
is named (offline, so planning the examples costs nothing).

`python3 preflight/stacks.py [--json] [--root DIR] [--named "a b"] [--all-when-unnamed]` prints
them: every stack file in deployment order (the others alphabetically, `production` last), or the
named ones in the order named, each checked to have its stack file. Standard library only: the
workflows run it before anything is installed.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Deployed after every other stack (and behind the reviewers of its GitHub environment).
LAST = "production"


def discover(root: Path = ROOT) -> list[str]:
    """Stack names in deployment order: the others alphabetically, then production."""
    names = {path.name.removeprefix("Pulumi.").removesuffix(".yaml") for path in root.glob("Pulumi.*.yaml")}
    return sorted(names, key=lambda name: (name == LAST, name))


class UnknownStackError(ValueError):
    """A named stack without its stack file."""


def named(text: str, root: Path = ROOT) -> list[str]:
    """The stacks a repository variable names (separated by spaces, commas or new lines), in order."""
    names = [name for name in re.split(r"[\s,]+", text) if name]
    files = set(discover(root))
    for name in names:
        if name not in files:
            raise UnknownStackError(
                f"DEPLOY_STACKS names {name!r}, which has no Pulumi.{name}.yaml; stack files: {', '.join(sorted(files)) or 'none'}"
            )
    if len(set(names)) != len(names):
        raise UnknownStackError(f"DEPLOY_STACKS names a stack twice: {text.strip()!r}")
    return names


def _option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv and argv.index(name) + 1 < len(argv) else None


def main(argv: list[str]) -> int:
    root = Path(_option(argv, "--root") or ROOT)
    chosen = _option(argv, "--named")
    try:
        stacks = named(chosen, root) if chosen and chosen.strip() else []
    except UnknownStackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not stacks and (chosen is None or "--all-when-unnamed" in argv):
        stacks = discover(root)
    print(json.dumps(stacks) if "--json" in argv else "\n".join(stacks))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
