"""`preflight check DOC.json [--json] [--policy-config PATH]`: the policy pack, without the Pulumi CLI.

Runs the very functions `policy/__main__.py` registers with CrossGuard over every resource of a
version-1 plan document (`make plan JSON=…`), of `pulumi preview --json` or of a `pulumi stack
export` (read by `documents/reader.py`, as `cost` and `diff` read them), prints one line per
finding and exits 1 when any finding is mandatory. A document it cannot read, of another version
or of another project is bad input: one `error:` line on stderr, exit 2.

Policy config uses the shape of `pulumi preview --policy-pack-config`:
`{"all": "advisory", "db-backup-retention": {"minRetentionDays": 14}, "k8s-probes": "disabled"}`.
When the config does not say which environment this is, the plan's `email-platform:environment`
(or its stack name) does, so Multi-AZ is required exactly where the stack says "production".
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from documents.reader import PROJECT, DocumentError, Record, parse_document, plain_config_value, read_json
from policy.actors import settings_from_stack_config
from policy.api_model import coverage
from policy.registry import ALL_SPECS
from policy.resource_types import AWS_PROVIDER
from policy.specs import Resource, ResourcePolicySpec, StackPolicySpec, provider_urn
from policy.values import normalize
from preflight.arguments import OneLineParser
from pricing.estimate import USAGE_CONFIG_KEY, parse_usage
from pricing.guardrails import GUARDRAILS_CONFIG_KEY, Guardrails, parse_guardrails

_LEVELS = ("mandatory", "advisory", "remediate", "disabled")


@dataclass(frozen=True)
class Violation:
    policy: str
    level: str  # "mandatory" | "advisory"
    urn: str
    message: str


def load_records(document: Any, path: str = "<document>") -> tuple[list[Record], str, dict[str, Any]]:
    """(resource records, stack name, stack config) of a plan document, `pulumi preview --json` or a
    stack export, read by the reader pricing and `diff` share. A preview's records include the
    resources it only reads; the stack config is a plan's (a preview's config is the CLI's own
    shape: it informs the cost settings only, see `main`)."""
    doc = parse_document(document, path)
    return [*doc.records, *doc.reads], doc.stack, doc.config if doc.kind == "plan" else {}


# ---------------------------------------------------------------------------------------------
# Running the policies
# ---------------------------------------------------------------------------------------------


def _property_dependencies(record: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    deps = record.get("propertyDependencies")
    if not isinstance(deps, Mapping):
        return {}
    return {str(k): tuple(str(u) for u in v) for k, v in deps.items() if isinstance(v, list)}


def to_resource(record: Mapping[str, Any]) -> Resource:
    """A document record (`documents/reader.py`, or the plan's own) as the policies see it."""
    inputs = record.get("inputs") if isinstance(record.get("inputs"), Mapping) else {}
    urn = str(record["urn"])
    return Resource(
        type=str(record["type"]),
        urn=urn,
        name=str(record.get("name") or urn.rsplit("::", 1)[-1]),
        props=normalize(inputs),
        protect=bool(record.get("protect")),
        provider=str(record.get("provider") or ""),
        parent=str(record.get("parent") or ""),
        property_dependencies=_property_dependencies(record),
        id=str(record.get("id") or ""),
        dependencies=tuple(str(u) for u in record.get("dependencies") or () if isinstance(u, str)),
        aliases=tuple(str(urn) for urn in record.get("aliases") or () if isinstance(urn, str)),
    )


def _default_providers(resources: Sequence[Resource], stack_config: Mapping[str, Any]) -> list[Resource]:
    """Default AWS providers the records point at but do not list, configured from `aws:*` stack config.

    The engine creates default providers itself, so plan documents may only name them; what
    they would be configured with is the stack's `aws:` config (e.g. `aws:defaultTags`).
    """
    known = {r.urn for r in resources}
    inputs = {key.split(":", 1)[1]: value for key, value in stack_config.items() if key.startswith("aws:")}
    missing = sorted({provider_urn(r.provider) for r in resources if r.provider})
    return [
        Resource(type=AWS_PROVIDER, urn=urn, name=urn.rsplit("::", 1)[-1], props=normalize(inputs))
        for urn in missing
        if f"::{AWS_PROVIDER}::default" in urn and urn not in known and inputs
    ]


def _policy_settings(spec: ResourcePolicySpec | StackPolicySpec, policy_config: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """(enforcement level, config) for one policy from a `--policy-pack-config`-shaped mapping."""
    level = spec.level.value
    settings: dict[str, Any] = {}
    for key in ("all", spec.name):
        entry = policy_config.get(key)
        if isinstance(entry, str):
            level = entry
        elif isinstance(entry, Mapping):
            level = str(entry.get("enforcementLevel", level))
            if key == spec.name:
                settings.update({k: v for k, v in entry.items() if k != "enforcementLevel"})
    if level == "remediate":
        level = "mandatory"  # as the engine reports a remediation policy that still finds a problem
    return level, settings


def config_settings(stack_config: Mapping[str, Any] | None) -> dict[str, Any]:
    """The graph policies' settings (`ci`, `clusterAccess`, `kubernetesRole`) from a stack's config."""
    return settings_from_stack_config({k: _config_value(v) for k, v in (stack_config or {}).items()})


def _config_value(value: Any) -> Any:
    """A config value as previews write it ({"value": ..., "secret": false}, or JSON text) or as given."""
    value = plain_config_value(value)
    if isinstance(value, str) and value[:1] == "{":
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    return value


def cost_settings(stack_config: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the cost policy needs from the stack config, where the policy config leaves it out.

    `costGuardrails` and `costUsage` are read by pricing's readers, as `cost` and `diff` read them:
    a bad value raises `DocumentError`.
    """
    stack_config = {key: plain_config_value(value) for key, value in (stack_config or {}).items()}
    settings: dict[str, Any] = {}
    region = stack_config.get("aws:region")
    if isinstance(region, str):
        settings["region"] = region
    usage = parse_usage(stack_config.get(USAGE_CONFIG_KEY))
    if usage is not None:
        settings["usage"] = usage
    raw = stack_config.get(GUARDRAILS_CONFIG_KEY)
    guardrails = parse_guardrails(raw)
    if guardrails.max_monthly_usd is not None:
        settings["maxMonthlyUsd"] = guardrails.max_monthly_usd
    if raw is not None and guardrails.unpriced != Guardrails().unpriced:
        settings["unpriced"] = guardrails.unpriced
    return settings


def policies_evaluated(config: Mapping[str, Any] | None = None) -> int:
    """How many policies of the pack run under this policy config (the disabled ones do not)."""
    return sum(_policy_settings(spec, dict(config or {}))[0] != "disabled" for spec in ALL_SPECS)


def resources_counted(records: Iterable[Mapping[str, Any]]) -> int:
    """Resources as the plan counts them: components (the stack and its groupings) left out."""
    return sum(record.get("custom", True) is not False for record in records)


def check_resources(
    records: Iterable[Mapping[str, Any]],
    config: Mapping[str, Any] | None = None,
    *,
    environment: str | None = None,
    stack_config: Mapping[str, Any] | None = None,
    cost_config: Mapping[str, Any] | None = None,
) -> list[Violation]:
    """Every policy over plan-document (or preview) records; sorted, mandatory first.

    `config` is policy config in the `--policy-pack-config` shape; `environment` fills the
    Multi-AZ policies' `environment` where the config leaves it out.
    """
    policy_config = dict(config or {})
    document_config = stack_config if cost_config is None else cost_config
    graph_settings = config_settings(document_config)
    stack_cost_settings = cost_settings(document_config)
    resources = [to_resource(r) for r in records]
    resources += _default_providers(resources, stack_config or {})
    violations: list[Violation] = []
    for spec in ALL_SPECS:
        level, settings = _policy_settings(spec, policy_config)
        if level == "disabled":
            continue
        if environment is not None and "environment" in spec.config:
            settings.setdefault("environment", environment)
        for key, value in [*stack_cost_settings.items(), *graph_settings.items()]:
            if key in spec.config:
                settings.setdefault(key, value)
        if isinstance(spec, ResourcePolicySpec):
            for resource in resources:
                for message in spec.evaluate(resource.type, resource.props, settings):
                    violations.append(Violation(spec.name, level, resource.urn, message))
        else:
            for urn, message in spec.evaluate(resources, settings):
                violations.append(Violation(spec.name, level, urn or "(stack)", message))
    return sorted(violations, key=lambda v: (v.level != "mandatory", v.policy, v.urn, v.message))


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def _load_policy_config(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    config = read_json(path, "policy config")
    if not isinstance(config, Mapping):
        raise DocumentError(f"policy config {path} must be a JSON object of policy name → level or settings")
    for name, entry in config.items():
        if isinstance(entry, str) and entry not in _LEVELS:
            raise DocumentError(f"policy config {path}: {name} = {entry!r}; levels are {', '.join(_LEVELS)}")
    return dict(config)


def _environment(stack: str, stack_config: Mapping[str, Any]) -> str:
    configured = stack_config.get(f"{PROJECT}:environment")
    return configured if isinstance(configured, str) and configured else stack


def main(argv: list[str]) -> int:
    parser = OneLineParser(prog="python -m preflight check", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("document", type=Path, help="a plan document (make plan JSON=…), `pulumi preview --json` or `pulumi stack export`")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument("--policy-config", type=Path, help="policy pack config (the --policy-pack-config file format)")
    args = parser.parse_or_exit_code(argv)
    if isinstance(args, int):
        return args
    try:
        policy_config = _load_policy_config(args.policy_config)
        document = read_json(args.document)
        records, stack, stack_config = load_records(document, str(args.document))
        document_config = document.get("config") if isinstance(document, Mapping) else None
        # A bad costGuardrails or costUsage (in the document or the policy config) is bad input too.
        violations = check_resources(
            records,
            policy_config,
            environment=_environment(stack, stack_config),
            stack_config=stack_config,
            cost_config=document_config if isinstance(document_config, Mapping) else None,
        )
    except DocumentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    mandatory = sum(v.level == "mandatory" for v in violations)
    if args.json:
        print(json.dumps({"stack": stack, "violations": [asdict(v) for v in violations]}, indent=2))
    else:
        for v in violations:
            print(f"{v.level} {v.policy} {v.urn}: {v.message}")
        advisory = len(violations) - mandatory
        print(coverage((str(r["urn"]), str(r["type"]), r.get("inputs") or {}) for r in records).line())
        print(
            f"{resources_counted(records)} resources (components not counted) and {policies_evaluated(policy_config)} policies "
            f"evaluated in stack {stack or '?'}: {mandatory} mandatory, {advisory} advisory finding(s)"
        )
    return 1 if mandatory else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
