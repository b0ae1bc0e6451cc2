"""EventBridge buses, rules, archives and API destinations, AppConfig, and IAM managed policies, as their APIs answer."""

from __future__ import annotations

import uuid
from typing import Any

import pulumi

from preflight.mocks.common import MockContext, arn, short_hash

Args = pulumi.runtime.MockResourceArgs


def _name(args: Args) -> str:
    return str(args.inputs.get("name") or f"{args.name}-{short_hash(args.name, length=7)}")


def _generated_uuid(*parts: str) -> str:
    return str(uuid.UUID(short_hash(*parts, length=32)))


def _event_bus(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = _name(args)
    return {"name": name, "arn": arn(ctx, "events", f"event-bus/{name}")}


def _event_rule(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    # A rule on a custom bus has the bus's name in its ARN; the provider's id is `bus/rule`.
    name, bus = _name(args), str(args.inputs.get("eventBusName") or "default")
    path = f"rule/{name}" if bus == "default" else f"rule/{bus}/{name}"
    return {"name": name, "arn": arn(ctx, "events", path)}


def _event_target(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {"targetId": str(args.inputs.get("targetId") or f"terraform-{short_hash(args.name, length=20)}")}


def _event_archive(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = _name(args)
    return {"name": name, "arn": arn(ctx, "events", f"archive/{name}")}


def _event_connection(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name, generated = _name(args), _generated_uuid("connection", args.name)
    return {
        "name": name,
        "arn": arn(ctx, "events", f"connection/{name}/{generated}"),
        # EventBridge keeps the credentials in a Secrets Manager secret of its own.
        "secretArn": arn(ctx, "secretsmanager", f"secret:events!connection/{name}/{generated}-{short_hash(name, length=6)}"),
    }


def _event_api_destination(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = _name(args)
    return {"name": name, "arn": arn(ctx, "events", f"api-destination/{name}/{_generated_uuid('destination', args.name)}")}


def _appconfig_id(*parts: str) -> str:
    """AppConfig ids are 7 lower-case letters and digits."""
    return short_hash("appconfig", *parts, length=7)


def _application(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {"arn": arn(ctx, "appconfig", f"application/{resource_id}")}


def _environment(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    app_id, env_id = str(args.inputs["applicationId"]), _appconfig_id("environment", args.name)
    return {
        "environmentId": env_id,
        "arn": arn(ctx, "appconfig", f"application/{app_id}/environment/{env_id}"),
        "state": "ReadyForDeployment",
    }


def _configuration_profile(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    app_id, profile_id = str(args.inputs["applicationId"]), _appconfig_id("profile", args.name)
    return {
        "configurationProfileId": profile_id,
        "arn": arn(ctx, "appconfig", f"application/{app_id}/configurationprofile/{profile_id}"),
    }


def _deployment_strategy(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {"arn": arn(ctx, "appconfig", f"deploymentstrategy/{resource_id}")}


def _iam_policy(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = _name(args)
    return {
        "name": name,
        "arn": arn(ctx, "iam", f"policy/{name}", region=False),
        "policyId": "ANPA" + short_hash("policy", name).upper(),
        "attachmentCount": 0,
    }


# The provider's ids: an application's and a strategy's own id; `environment:application` and
# `profile:application` for the two that live inside an application.
IDS = {
    "aws:appconfig/application:Application": lambda args, ctx: _appconfig_id("application", args.name),
    "aws:appconfig/deploymentStrategy:DeploymentStrategy": lambda args, ctx: _appconfig_id("strategy", args.name),
    "aws:appconfig/environment:Environment": lambda args, ctx: f"{_appconfig_id('environment', args.name)}:{args.inputs['applicationId']}",
    "aws:appconfig/configurationProfile:ConfigurationProfile": lambda args, ctx: (
        f"{_appconfig_id('profile', args.name)}:{args.inputs['applicationId']}"
    ),
    "aws:cloudwatch/eventRule:EventRule": lambda args, ctx: f"{args.inputs.get('eventBusName', 'default')}/{_name(args)}",
}

COMPUTED = {
    "aws:cloudwatch/eventBus:EventBus": _event_bus,
    "aws:cloudwatch/eventRule:EventRule": _event_rule,
    "aws:cloudwatch/eventTarget:EventTarget": _event_target,
    "aws:cloudwatch/eventArchive:EventArchive": _event_archive,
    "aws:cloudwatch/eventConnection:EventConnection": _event_connection,
    "aws:cloudwatch/eventApiDestination:EventApiDestination": _event_api_destination,
    "aws:appconfig/application:Application": _application,
    "aws:appconfig/environment:Environment": _environment,
    "aws:appconfig/configurationProfile:ConfigurationProfile": _configuration_profile,
    "aws:appconfig/deploymentStrategy:DeploymentStrategy": _deployment_strategy,
    "aws:iam/policy:Policy": _iam_policy,
}
