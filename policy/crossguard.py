"""The specs as CrossGuard policies: what `policy/__main__.py` hands to `PolicyPack`.

The wrappers read the engine's arguments (unknown-checking proxies, `PolicyResource`s) through
`normalize`, call the same `evaluate` that `preflight check` calls, and report each message with
`report_violation`, stack findings with the resource's URN.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pulumi_policy import (
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from policy.specs import Resource, ResourcePolicySpec, StackPolicySpec
from policy.values import normalize


def _resource_validation(spec: ResourcePolicySpec) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        for message in spec.evaluate(args.resource_type, args.props, args.get_config()):
            report_violation(message, None)

    return validate


def resource_from_engine(resource: PolicyResource) -> Resource:
    """A stack policy's view of one engine resource."""
    return Resource(
        type=resource.resource_type,
        urn=resource.urn,
        name=resource.name,
        props=normalize(resource.props),
        protect=bool(resource.opts.protect) if resource.opts is not None else False,
        provider=resource.provider.urn if resource.provider is not None else "",
        parent=resource.parent.urn if resource.parent is not None else "",
        property_dependencies={k: tuple(d.urn for d in v) for k, v in resource.property_dependencies.items()},
        dependencies=tuple(d.urn for d in resource.dependencies or ()),
    )


def _providers_not_listed(engine_resources: Sequence[PolicyResource], resources: Sequence[Resource]) -> list[Resource]:
    """The providers the resources name, for the policies that read a provider's settings (its region)."""
    known = {resource.urn for resource in resources}
    found: list[Resource] = []
    for resource in engine_resources:
        provider = resource.provider
        if provider is not None and provider.urn not in known:
            known.add(provider.urn)
            found.append(Resource(type=provider.resource_type, urn=provider.urn, name=provider.name, props=normalize(provider.props)))
    return found


def _stack_validation(spec: StackPolicySpec) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [resource_from_engine(r) for r in args.resources]
        for urn, message in spec.evaluate(resources + _providers_not_listed(args.resources, resources), args.get_config()):
            report_violation(message, urn)

    return validate


def _config_schema(config: Mapping[str, Mapping[str, Any]]) -> PolicyConfigSchema | None:
    return PolicyConfigSchema(properties={k: dict(v) for k, v in config.items()}) if config else None


def build_policies(resource_specs: Sequence[ResourcePolicySpec], stack_specs: Sequence[StackPolicySpec]) -> list[Policy]:
    """One CrossGuard policy per spec, in the order given: resource policies, then stack policies."""
    policies: list[Policy] = []
    for spec in resource_specs:
        policies.append(
            ResourceValidationPolicy(
                name=spec.name,
                description=spec.description,
                validate=_resource_validation(spec),
                enforcement_level=spec.level,
                config_schema=_config_schema(spec.config),
            )
        )
    for stack_spec in stack_specs:
        policies.append(
            StackValidationPolicy(
                name=stack_spec.name,
                description=stack_spec.description,
                validate=_stack_validation(stack_spec),
                enforcement_level=stack_spec.level,
                config_schema=_config_schema(stack_spec.config),
            )
        )
    return policies
