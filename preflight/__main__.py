"""`python -m preflight plan|check|cost|diff|policy-config`: the offline tools (see docs/ARCHITECTURE.md).

Exit codes: 0 fine; 1 mandatory policy violation or refused change; 2 bad input (bad stack
config, unreadable document) with one line on stderr and no traceback.
"""

from __future__ import annotations

import sys

from preflight.check_command import main as check_main
from preflight.cost_command import main as cost_main
from preflight.diff_command import main as diff_main
from preflight.plan_command import main as plan_main
from preflight.policy_config_command import main as policy_config_main

USAGE = """usage: python -m preflight <command> …
  plan --stack STACK [--json PATH]     run the program offline: tree, policy findings, counts, secrets to set
  check DOC.json [--json]              the policy pack over a plan document or `pulumi preview --json`
  cost DOC.json [--markdown]           monthly cost of a plan document, a preview or a stack export
  diff BASE.json HEAD.json [--markdown]  pull-request diff: resources and cost; exit 1 if data would be lost
                                       or a costGuardrails limit is crossed (--cost-approved: report only)
  policy-config --stack STACK          the --policy-pack-config of the cost-guardrails policy for a real preview
"""


def main(argv: list[str]) -> int:
    commands = {"plan": plan_main, "check": check_main, "cost": cost_main, "diff": diff_main, "policy-config": policy_config_main}
    if not argv:
        print(f"error: no command; commands: {', '.join(commands)}", file=sys.stderr)
        return 2
    if argv[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0
    command, rest = argv[0], argv[1:]
    if command not in commands:
        print(f"error: unknown command {command!r}; commands: {', '.join(commands)}", file=sys.stderr)
        return 2
    return commands[command](rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
