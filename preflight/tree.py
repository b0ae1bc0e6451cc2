"""The human view of a plan: the component tree with key settings, counts, secrets to set."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from preflight.recorder import RecordedResource
from preflight.runner import Run

# What a reviewer wants to see on each line, by type: input paths (dotted, [n] for lists).
KEY_SETTINGS: dict[str, tuple[str, ...]] = {
    "pulumi:providers:aws": ("region", "defaultTags.tags"),
    "aws:ec2/vpc:Vpc": ("cidrBlock",),
    "aws:ec2/subnet:Subnet": ("availabilityZone", "cidrBlock"),
    "aws:ec2/flowLog:FlowLog": ("trafficType", "logDestinationType"),
    "aws:cloudwatch/logGroup:LogGroup": ("name", "retentionInDays"),
    "aws:kms/key:Key": ("enableKeyRotation", "deletionWindowInDays"),
    "aws:eks/cluster:Cluster": (
        "name",
        "version",
        "encryptionConfig.resources",
        "enabledClusterLogTypes",
        "vpcConfig.endpointPublicAccess",
        "vpcConfig.publicAccessCidrs",
    ),
    "aws:eks/nodeGroup:NodeGroup": ("instanceTypes", "amiType", "capacityType", "scalingConfig"),
    "aws:ec2/launchTemplate:LaunchTemplate": (
        "blockDeviceMappings[0].ebs.volumeSize",
        "blockDeviceMappings[0].ebs.volumeType",
        "blockDeviceMappings[0].ebs.encrypted",
        "metadataOptions.httpTokens",
    ),
}


def lookup(value: Any, path: str) -> Any:
    for part in path.replace("[", ".[").split("."):
        if isinstance(value, str) and value[:1] == "{":
            value = json.loads(value)  # provider inputs: the engine receives objects as JSON text
        if part.startswith("["):
            index = int(part[1:-1])
            value = value[index] if isinstance(value, list) and index < len(value) else None
        else:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


def _settings(resource: RecordedResource) -> str:
    shown = []
    for path in KEY_SETTINGS.get(resource.type, ()):
        value = lookup(resource.inputs, path)
        if value is not None:
            label = path.rsplit(".", 1)[-1]
            shown.append(f"{label}={_compact(value)}")
    return "  " + " ".join(shown) if shown else ""


def _compact(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ",".join(_compact(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{_compact(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render_tree(run: Run) -> list[str]:
    children: dict[str | None, list[RecordedResource]] = {}
    for resource in run.resources:
        children.setdefault(resource.parent, []).append(resource)
    lines: list[str] = []

    def walk(resource: RecordedResource, prefix: str, last: bool, top: bool) -> None:
        branch = "" if top else ("└─ " if last else "├─ ")
        flags = " [protected]" if resource.protect else ""
        kind = resource.type if resource.custom else f"component {resource.type}"
        lines.append(f"{prefix}{branch}{resource.name} ({kind}){flags}{_settings(resource)}")
        kids = children.get(resource.urn, [])
        # Components first, then resources: the shape of the stack before its details.
        kids = sorted(kids, key=lambda r: (r.custom, r.type, r.name))
        for index, kid in enumerate(kids):
            extension = "" if top else ("   " if last else "│  ")
            walk(kid, prefix + extension, index == len(kids) - 1, False)

    for root in children.get(None, []):
        walk(root, "", True, True)
    return lines


def render_counts(run: Run) -> list[str]:
    counts = Counter(r.type for r in run.resources if r.custom)
    width = max((len(t) for t in counts), default=0)
    lines = [f"  {type_token.ljust(width)}  {count:>3}" for type_token, count in sorted(counts.items())]
    lines.append(f"  {'total'.ljust(width)}  {sum(counts.values()):>3}")
    return lines


def render_secrets(run: Run) -> list[str]:
    if not run.stack_file.placeholders:
        return ["  none: every required secret is set"]
    return [f"  {key}: {why}" for key, why in sorted(run.stack_file.placeholders.items())]
