"""Extract the providers' replace-on-change schema into preflight/data/force_new.json (run by hand).

The command line: its arguments, the sources it reads and the document it writes. How to run it and
what it reads for each provider: the package's docstring (`preflight/force_new_extract/__init__.py`).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from preflight.force_new_extract.aws_index import AwsSource
from preflight.force_new_extract.aws_types import aws_entry, terraform_name
from preflight.force_new_extract.framework_providers import RANDOM_FILES, TIME_FILES, TLS_FILES, framework_provider
from preflight.force_new_extract.git_source import Git
from preflight.force_new_extract.kubernetes import DIFF_GO, diffed_object_by_object, kubernetes_entry
from preflight.go_literals import kubernetes_table

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "preflight" / "data" / "force_new.json"
PINNED = ("pulumi-aws", "pulumi-kubernetes", "pulumi-tls", "pulumi-random", "pulumiverse-time")


def requirement_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = re.match(r"^([\w-]+)==([\w.]+)", line.strip())
        if match and match.group(1) in PINNED:
            pins[match.group(1)] = match.group(2)
    return pins


def declared_types(plans: list[Path]) -> set[str]:
    types: set[str] = set()
    for plan in plans:
        document = json.loads(plan.read_text())
        types |= {r["type"] for r in document["resources"] if r.get("custom", True) and not r["type"].startswith("pulumi:")}
    return types


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m preflight.force_new_extract", description=__doc__.splitlines()[0] if __doc__ else None)
    for name in ("aws-index", "kubernetes", "tls", "random", "time"):
        parser.add_argument(f"--{name}", type=Path, required=True, help="a git directory (bare or .git)")
        parser.add_argument(f"--{name}-rev", default="HEAD")
    parser.add_argument("--plan", type=Path, action="append", required=True, help="a plan document of a stack (make plan JSON=…)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    aws_git, k8s_git = Git(args.aws_index, args.aws_index_rev), Git(args.kubernetes, args.kubernetes_rev)
    tls_git, random_git = Git(args.tls, args.tls_rev), Git(args.random, args.random_rev)
    time_git = Git(args.time, args.time_rev)
    aws = AwsSource(aws_git)
    k8s_table = kubernetes_table(k8s_git.show(DIFF_GO) or "")
    types: dict[str, Any] = {}
    not_extracted: dict[str, str] = {}
    tls, random = framework_provider(tls_git, TLS_FILES), framework_provider(random_git, RANDOM_FILES)
    time = framework_provider(time_git, TIME_FILES)
    for token in sorted(declared_types(args.plan)):
        package = token.split(":")[0]
        if package == "aws":
            tf = terraform_name(token, aws)
            if tf is None:
                not_extracted[token] = f"no terraform-provider-aws resource found for it in {aws.version}"
                continue
            types[token] = aws_entry(token, tf, aws)
        elif package == "kubernetes":
            if diffed_object_by_object(token):
                not_extracted[token] = "a component or a patch: the objects it manages are diffed by the provider one by one"
                continue
            types[token] = kubernetes_entry(token, k8s_table)
        elif package == "tls" and token in tls:
            types[token] = tls[token]
        elif package == "random" and token in random:
            types[token] = random[token]
        elif package == "time" and token in time:
            types[token] = time[token]
        else:
            not_extracted[token] = "no extractor for this provider"
    document = {
        "generatedBy": "python -m preflight.force_new_extract (see its docstring)",
        "pins": requirement_pins(),
        "sources": {
            "aws": {
                "upstream": "hashicorp/terraform-provider-aws",
                "version": aws.version,
                "readFrom": f"lonegunmanb/terraform-provider-aws-index@{aws_git.commit[:12]} ({aws_git.subject()})",
            },
            "kubernetes": {
                "repository": "pulumi/pulumi-kubernetes",
                "commit": k8s_git.commit,
                "file": DIFF_GO,
                "at": k8s_git.subject(),
            },
            "tls": {"repository": "hashicorp/terraform-provider-tls", "commit": tls_git.commit, "at": tls_git.subject()},
            "random": {"repository": "hashicorp/terraform-provider-random", "commit": random_git.commit, "at": random_git.subject()},
            "time": {
                "repository": "hashicorp/terraform-provider-time",
                "commit": time_git.commit,
                "at": time_git.subject(),
                "bridgedBy": "pulumiverse/pulumi-time",
            },
        },
        "types": types,
        "notExtracted": not_extracted,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    print(f"{len(types)} types written to {args.out}; {len(not_extracted)} not extracted", file=sys.stderr)
    # A type with nothing that replaces it is either true upstream or a schema the reader did not find:
    # a reviewer checks each against its source (tests/test_force_new_data.py keeps the reviewed list).
    for token in sorted(t for t, entry in types.items() if not entry["replaceOn"]):
        print(
            f"  no replace-on-change field: {token} ({types[token].get('upstreamSource', types[token].get('upstream'))})", file=sys.stderr
        )
    return 0
