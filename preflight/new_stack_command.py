"""`python -m preflight new-stack NAME --region R --environment E`: a stack of your own in one command.

Writes `Pulumi.NAME.yaml`: the region's zones (three in production, two otherwise), uptime
canaries in the region and its partner, production's backup copies in the partner (the partner is
in the same jurisdiction: config/aws_regions.py), the environment's cost guardrails, and the
example values still to replace, listed at the end of the file and on the terminal. No cloud call:
the zones are the region's first zone codes (or the letters config/aws_regions.py knows the region
offers instead), to confirm against your account.

Exit 0 written; 2 bad input (an unknown region or environment, a file that exists) with one line.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from config.aws_regions import AWS_REGIONS, PARTNERS, ZONE_LETTERS, closest_region, zones
from config.basics import ENVIRONMENTS
from config.monitoring import CANARY_REGIONS
from preflight.arguments import OneLineParser
from preflight.stack_template import ENVIRONMENT_SETTINGS, EXAMPLE_IMAGE, stack_text
from pricing.catalogue import supported

ROOT = Path(__file__).resolve().parent.parent
_NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}"  # a Pulumi stack name


class NewStackError(Exception):
    """Bad input: the message is the whole `error:` line."""


def _yaml_list(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def placeholders(name: str, region: str, environment: str, partner_note: str | None) -> list[str]:
    """What to make your own before `pulumi up`, in the order a reader meets it in the file."""
    count = 3 if environment == "production" else 2
    known = ZONE_LETTERS.get(region)
    zone_note = (
        f"zones: {', '.join(zones(region, count))} are the region's first zone codes; "
        f"confirm them with `aws ec2 describe-availability-zones --region {region}` (older accounts map letters per account)"
    )
    if known is not None:
        zone_note += f"; {known.why}"
        if known.zones_per_account is not None and known.zones_per_account < count:
            zone_note += f", so the {count} zones this environment needs may not exist for your account: consider another region"
    items = [
        zone_note,
        "domain, edge.hostedZone and edge.subjectAlternativeNames: your public host name and its Route 53 zone",
        "tags.owner and tags.costCenter: who runs and who pays for the stack",
        "cluster.access: the IAM roles of your admins and on-call (account 123456789012 is an example)",
        "ci.deployRole, ci.previewRole and ci.driftRole: the roles your workflows run as (docs/ci-setup.md), "
        "the same ARNs as the repository variables AWS_DEPLOY_ROLE_ARN, AWS_PREVIEW_ROLE_ARN and AWS_DRIFT_ROLE_ARN",
        "cluster.publicAccessCidrs: your CI runners' or VPN's ranges",
        "app.blue.image and app.green.image: your image, pinned by digest",
        "monitoring.notifications.emails and monitoring.budget.emails: who gets alarms and budget alerts",
        "costGuardrails and monitoring.budget.monthlyUsd: set them from the figure `make plan` prints",
        f"the secret: pulumi config set --secret emailApiKey <key> --stack {name}",
    ]
    if partner_note:
        items.insert(1, partner_note)
    return items


def build(name: str, region: str, environment: str) -> tuple[str, list[str]]:
    """(the stack file's text, the values to make your own)."""
    if not re.fullmatch(_NAME, name):
        raise NewStackError(f"stack name {name!r}: letters, digits, '-', '_' and '.' (as Pulumi allows)")
    if region not in AWS_REGIONS:
        close = closest_region(region)
        raise NewStackError(f"--region {region}: not an AWS region" + (f"; did you mean {close}?" if close else ""))
    if environment not in ENVIRONMENTS:
        raise NewStackError(f"--environment {environment}: allowed: {', '.join(ENVIRONMENTS)}")
    partner = PARTNERS.get(region)
    if partner is None:
        raise NewStackError(f"--region {region}: no partner region in config/aws_regions.py for its backup copies and canaries")
    canaries = [r for r in (region, partner.region) if r in CANARY_REGIONS] or [region]
    note = None
    if not partner.same_jurisdiction:
        note = (
            f"backup.copyRegion and canaryRegions: {partner.region} ({partner.jurisdiction}) is the nearest region but not "
            "the same jurisdiction; confirm it against your data-residency rules"
        )
    settings = ENVIRONMENT_SETTINGS[environment]
    domain = f"{name}.mail.example.com"
    values = {
        "name": name,
        "region": region,
        "region_name": AWS_REGIONS[region],
        "environment": environment,
        "domain": domain,
        "hosted_zone": "example.com",
        "zones": _yaml_list(zones(region, 3 if environment == "production" else 2)),
        "canary_regions": _yaml_list(canaries),
        "canary_why": f"the region and its partner ({partner.jurisdiction})",
        "copy_region": partner.region,
        "copy_why": f"the partner region ({partner.jurisdiction}); must differ from aws:region",
        "image": EXAMPLE_IMAGE,
        **{key: value for key, value in settings.items() if key != "cidr"},
        "cidr": settings["cidr"],
    }
    todo = placeholders(name, region, environment, note)
    if not supported(region):
        todo.insert(
            0,
            f"prices: the catalogue has none for {region} (only region-independent ones); import them with "
            f"`python -m preflight prices import --region {region}` (docs/cost.md), or the cost guardrails refuse the plan",
        )
    ending = "\n# Make these your own (then `make plan STACK=" + name + "` lists what is left):\n"
    ending += "".join(f"#   - {item}\n" for item in todo)
    return stack_text(environment, values) + ending, todo


def main(argv: list[str]) -> int:
    parser = OneLineParser(prog="python -m preflight new-stack", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("name", help="the stack's name: the file is Pulumi.NAME.yaml")
    parser.add_argument("--region", required=True, help="the AWS region, e.g. eu-west-2")
    parser.add_argument("--environment", required=True, help=f"one of {', '.join(ENVIRONMENTS)}")
    parser.add_argument("--root", type=Path, default=ROOT, help="where to write it (default: the project)")
    parser.add_argument("--force", action="store_true", help="replace an existing stack file")
    args = parser.parse_or_exit_code(argv)
    if isinstance(args, int):
        return args
    path = args.root / f"Pulumi.{args.name}.yaml"
    try:
        if path.exists() and not args.force:
            raise NewStackError(f"{path.name} exists; pass --force to replace it")
        text, todo = build(args.name, args.region, args.environment)
        path.write_text(text, encoding="utf-8")
    except (NewStackError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Wrote {path.name}: {args.environment} in {args.region} ({AWS_REGIONS[args.region]}).")
    print("Make these your own:")
    print("\n".join(f"  - {item}" for item in todo))
    print(f"Then: make plan STACK={args.name}   (and name it in the repository variable DEPLOY_STACKS to deploy it)")
    return 0
