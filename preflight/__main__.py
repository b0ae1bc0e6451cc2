"""`python -m preflight <command>`: plan, check, cost, diff, policy-config, scan, new-stack, prices (docs/ARCHITECTURE.md).

Exit codes: 0 fine; 1 mandatory policy violation or refused change; 2 bad input (bad stack
config, unreadable document) with one line on stderr and no traceback.
"""

from __future__ import annotations

import importlib
import os
import sys

USAGE = """usage: python -m preflight <command> …
  plan --stack STACK [--json PATH] [--wide] [--by-type]
                                       run the program offline: tree, findings, cost, secrets, summary
  check DOC.json [--json]              the policy pack over a plan document, a preview or a stack export
  cost DOC.json [--markdown]           monthly cost of a plan document, a preview or a stack export
  diff BASE.json HEAD.json [--markdown]  pull-request diff: resources and cost; exit 1 if data would be lost
                                       or a costGuardrails limit is crossed (--cost-approved: report only)
  policy-config --stack STACK          the --policy-pack-config of the cost-guardrails policy for a real preview
  scan DOC.json… [--base BASE.json] [--markdown]  checkov's AWS checks over the plan in Terraform's format
  new-stack NAME --region R --environment E     write Pulumi.NAME.yaml for your own stack (docs: README)
  prices import --region R FILE…        catalogue prices for a region from AWS's Price List offer files
  prices urls --region R                the offer files to download for a region
"""


def main(argv: list[str]) -> int:
    # Each command's module is imported only when it runs: `cost` and `diff` need neither the
    # program (Pulumi, the providers) nor the policy pack, and start in a fraction of the time.
    commands = {
        "plan": "preflight.plan_command",
        "check": "preflight.check_command",
        "cost": "preflight.cost_command",
        "diff": "preflight.diff_command",
        "policy-config": "preflight.policy_config_command",
        "scan": "preflight.scan.command",
        "new-stack": "preflight.new_stack_command",
        "prices": "preflight.prices_command",
    }
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
    # Importing `pricing` builds the price catalogue from pricing/region_data/: a file there it
    # cannot use raises RegionFileError (a DocumentError, caught without importing `pricing`), which
    # would otherwise stop every command with a traceback, `prices` included.
    from documents.reader import DocumentError

    try:
        module = importlib.import_module(commands[command])
    except DocumentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    run: int = module.main(rest)
    return run


def run(argv: list[str]) -> int:
    """`main`, with a reader that stops early (`preflight cost doc.json | head`) ending it quietly.

    Python turns the closed pipe into BrokenPipeError; its documentation ("Note on SIGPIPE", the
    signal module) has the remedy used here: point stdout at devnull so the interpreter's last
    flush cannot raise again, and exit with an error status rather than a traceback.
    """
    try:
        code = main(argv)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def end(code: int) -> None:
    """End the process with `code` once stdout and stderr are flushed, without tearing the interpreter down.

    After a plan the interpreter holds a few million objects (the provider SDKs' modules, the
    program's resources and outputs); a normal exit runs a full collection and frees them one by
    one, about 1.5 s of CPU after the last line is printed. Nothing at exit is ours to wait for:
    the files the commands write are closed when written, and the exit handlers left are the SDK's
    idle executor threads and logging's flush of handlers we do not use. mypy ends the same way
    (`mypy.util.hard_exit`, its default `--fast-exit`).
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # a reader that left, or a stream already closed
            code = code or 1
    os._exit(code)


if __name__ == "__main__":
    end(run(sys.argv[1:]))
