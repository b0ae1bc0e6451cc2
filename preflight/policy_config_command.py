"""`preflight policy-config --stack S [--stack-file PATH] [--cost-approved]`: the `--policy-pack-config` a real preview needs.

CrossGuard hands a policy its pack config, not the stack's config, so the cost-guardrails policy
gets the stack's region, `costUsage` and `costGuardrails.maxMonthlyUsd` from this file. With
`--cost-approved` (the pull request carries the `cost-approved` label) the policy is advisory:
a breach is still reported, but does not fail the preview.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from documents.reader import DocumentError
from preflight.arguments import OneLineParser
from preflight.check_command import cost_settings
from preflight.stack_files import StackFileError, load_stack_file
from pricing.guardrails import APPROVAL_LABEL, GUARDRAILS_CONFIG_KEY, parse_guardrails


def main(argv: list[str]) -> int:
    parser = OneLineParser(prog="python -m preflight policy-config", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--stack", default="production")
    parser.add_argument("--stack-file", type=Path, help="read this stack file instead of Pulumi.<stack>.yaml")
    parser.add_argument("--cost-approved", action="store_true", help=f"the pull request carries `{APPROVAL_LABEL}`")
    args = parser.parse_or_exit_code(argv)
    if isinstance(args, int):
        return args
    try:
        path = args.stack_file
        stack_file = load_stack_file(args.stack) if path is None else load_stack_file(args.stack, root=path.resolve().parent, path=path)
        # Read as `diff` reads it, the file named: a value the policy could not use is refused here.
        parse_guardrails(stack_file.config.get(GUARDRAILS_CONFIG_KEY), where=f"{stack_file.path.name}: {GUARDRAILS_CONFIG_KEY}")
        settings = cost_settings(stack_file.config)
    except (StackFileError, DocumentError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    settings["enforcementLevel"] = "advisory" if args.cost_approved else "mandatory"
    print(json.dumps({"cost-guardrails": settings}, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
