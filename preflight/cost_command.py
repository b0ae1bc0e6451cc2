"""`preflight cost DOC.json [--markdown]`: the monthly estimate of a plan, preview or stack export."""

from __future__ import annotations

import sys

from documents.reader import DocumentError, load_document
from preflight.arguments import OneLineParser
from pricing.advice import advise, render_advice
from pricing.estimate import NO_USAGE, USAGE_CONFIG_KEY, estimate, resolve_inputs
from pricing.render import markdown_report, text_report


def _parser() -> OneLineParser:
    parser = OneLineParser(
        prog="preflight cost",
        description="Price a plan document, a `pulumi preview --json` or a `pulumi stack export` document.",
    )
    parser.add_argument("document", help="path of the JSON document")
    parser.add_argument("--markdown", action="store_true", help="print Markdown (for a pull-request comment)")
    parser.add_argument("--usage", help="usage assumptions: a Pulumi.<stack>.yaml or a YAML/JSON mapping of type -> figures")
    parser.add_argument("--region", help="AWS region, when the document does not say")
    parser.add_argument(
        "--advise", action="store_true", help="also list cheaper options that keep the environment's availability guarantees"
    )
    parser.add_argument("--environment", help="the stack's environment for --advise, when the document does not say")
    return parser


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
        doc = load_document(args.document)
        report, usage_source = estimate(doc, args.usage, args.region)
    except DocumentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if usage_source == NO_USAGE:
        where = "the stack export carries no config" if doc.kind == "export" else f"{doc.path} has no {USAGE_CONFIG_KEY}"
        print(
            f"warning: no usage assumptions ({where} and there is no Pulumi.{doc.stack}.yaml with them here): "
            f"every usage figure is 0; pass --usage Pulumi.{doc.stack}.yaml (or a YAML/JSON mapping of type -> figures)",
            file=sys.stderr,
        )
    title = f"{doc.project} · {doc.stack}"
    render = markdown_report if args.markdown else text_report
    sys.stdout.write(render(title, report, usage_source))
    if args.advise:
        region, usage, _ = resolve_inputs(doc, args.usage, args.region)
        environment = args.environment or doc.environment or doc.stack
        advice = advise(doc.records, region, usage, environment)
        sys.stdout.write("\n".join(["", f"Cheaper at the same availability ({environment}):", *render_advice(advice, environment)]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
