"""The cluster and what surrounds it: EKS, its nodes' launch templates, KMS keys, log groups and
security-group ingress.

Secrets envelope-encrypted, control-plane logs shipped, node volumes encrypted gp3, IMDSv2 only,
keys rotated, logs not kept forever, and the internet reaching only the load balancer's 80/443.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from policy.resource_types import EKS_CLUSTER, KMS_KEY, LAUNCH_TEMPLATE, LOAD_BALANCER, LOG_GROUP, SG, SG_INGRESS_RULE, SG_RULE
from policy.specs import ADVISORY, MANDATORY, Config, Resource, ResourcePolicySpec, StackFinding, StackPolicySpec, schema
from policy.values import UNKNOWN, as_list, at_least, get, is_set, is_true, number


def eks_secrets_encryption(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    encryption = get(props, "encryptionConfig")
    if encryption is UNKNOWN:
        return []
    # pulumi-aws v7 takes one block; older shapes were a list of them.
    blocks = encryption if isinstance(encryption, list) else [encryption] if encryption else []
    for block in blocks:
        resources = get(block, "resources")
        if (resources is UNKNOWN or "secrets" in as_list(resources)) and is_set(get(block, "provider.keyArn")):
            return []
    return ["encryptionConfig does not envelope-encrypt 'secrets' with a KMS key (provider.keyArn)"]


def eks_control_plane_logs(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    types = get(props, "enabledClusterLogTypes")
    if types is UNKNOWN:
        return []
    missing = [t for t in config["requiredLogTypes"] if t not in as_list(types)]
    return [f"enabledClusterLogTypes is missing {', '.join(missing)}"] if missing else []


def ebs_encrypted_gp3(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """Node volumes are encrypted gp3 and big enough for images, logs and the app (≥ 100 GiB)."""
    mappings = get(props, "blockDeviceMappings")
    if mappings is UNKNOWN:
        return []
    minimum = int(config["minRootVolumeGiB"])
    if not as_list(mappings):
        return [f"launch template sets no blockDeviceMappings: the root volume would not be encrypted gp3 >= {minimum} GiB"]
    messages = []
    for index, mapping in enumerate(as_list(mappings)):
        ebs = get(mapping, "ebs")
        where = f"blockDeviceMappings[{index}].ebs"
        if ebs is UNKNOWN:
            continue
        if not is_true(get(ebs, "encrypted")):
            messages.append(f"{where}.encrypted is not true")
        if get(ebs, "volumeType") not in ("gp3", UNKNOWN):
            messages.append(f"{where}.volumeType is {get(ebs, 'volumeType')!r}; use 'gp3'")
        if index == 0 and not at_least(get(ebs, "volumeSize"), minimum):
            messages.append(f"{where}.volumeSize is {get(ebs, 'volumeSize')!r}; need >= {minimum} GiB")
    return messages


def imdsv2_required(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    tokens = get(props, "metadataOptions.httpTokens")
    if tokens in ("required", UNKNOWN):
        return []
    return [f"metadataOptions.httpTokens is {tokens!r}; use 'required' (IMDSv2 only)"]


def kms_key_rotation(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    if get(props, "keySpec") not in (None, "SYMMETRIC_DEFAULT", UNKNOWN):
        return []  # AWS rotates only symmetric keys
    if is_true(get(props, "enableKeyRotation")):
        return []
    return ["enableKeyRotation is off"]


def log_retention(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    days = get(props, "retentionInDays")
    if days is UNKNOWN or (number(days) or 0) > 0:
        return []
    return ["retentionInDays is unset: logs are kept (and billed) forever"]


_WORLD = frozenset({"0.0.0.0/0", "::/0"})


def _world_open_ingress(resource_type: str, props: Mapping[str, Any]) -> list[tuple[str, Any, Any, Any]]:
    """(where, protocol, fromPort, toPort) of every ingress that admits the whole internet."""
    found: list[tuple[str, Any, Any, Any]] = []
    if resource_type == SG_INGRESS_RULE:
        if get(props, "cidrIpv4") in _WORLD or get(props, "cidrIpv6") in _WORLD:
            found.append(("rule", get(props, "ipProtocol"), get(props, "fromPort"), get(props, "toPort")))
    elif resource_type == SG_RULE:
        cidrs = as_list(get(props, "cidrBlocks")) + as_list(get(props, "ipv6CidrBlocks"))
        if get(props, "type") == "ingress" and _WORLD.intersection(c for c in cidrs if isinstance(c, str)):
            found.append(("rule", get(props, "protocol"), get(props, "fromPort"), get(props, "toPort")))
    elif resource_type == SG:
        for index, rule in enumerate(as_list(get(props, "ingress"))):
            cidrs = as_list(get(rule, "cidrBlocks")) + as_list(get(rule, "ipv6CidrBlocks"))
            if _WORLD.intersection(c for c in cidrs if isinstance(c, str)):
                found.append((f"ingress[{index}]", get(rule, "protocol"), get(rule, "fromPort"), get(rule, "toPort")))
    return found


def no_public_ingress(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """The internet reaches only the configured ports (the load balancer's 80/443); see the stack policy."""
    ports = {int(p) for p in config["publicPorts"]}
    messages = []
    for where, protocol, from_port, to_port in _world_open_ingress(resource_type, props):
        if UNKNOWN in (from_port, to_port):
            continue
        single_port = number(from_port) == number(to_port) and number(from_port) in ports
        if str(protocol) in ("-1", "all") or not single_port:
            messages.append(
                f"{where} opens {protocol}/{from_port}-{to_port} to the internet; only ports "
                f"{', '.join(map(str, sorted(ports)))} of the load balancer may be public"
            )
    return messages


def public_ingress_only_on_load_balancer(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """Internet-open 80/443 is allowed only on a security group that a load balancer uses."""
    balancers = [r for r in resources if r.type in LOAD_BALANCER]
    lb_group_urns = {urn for lb in balancers for urn in lb.property_dependencies.get("securityGroups", ())}
    lb_group_ids: set[str] = set()
    ids_complete = True
    for lb in balancers:
        groups = lb.props.get("securityGroups")
        if groups is UNKNOWN or any(g is UNKNOWN for g in as_list(groups)):
            ids_complete = False
        lb_group_ids.update(g for g in as_list(groups) if isinstance(g, str))
    groups_by_urn = {r.urn: r for r in resources if r.type == SG}
    findings: list[StackFinding] = []
    for resource in resources:
        if not _world_open_ingress(resource.type, resource.props):
            continue
        if resource.type == SG:
            group_urn: str | None = resource.urn
            group_id: Any = resource.id or None
        else:
            deps = resource.property_dependencies.get("securityGroupId", ())
            group_urn = deps[0] if deps else None
            group_id = resource.props.get("securityGroupId")
            if group_id is None and group_urn in groups_by_urn:
                group_id = groups_by_urn[group_urn].id or None
        if group_urn is not None and lb_group_urns:
            on_lb = group_urn in lb_group_urns
        elif isinstance(group_id, str) and group_id and ids_complete:
            on_lb = group_id in lb_group_ids
        else:
            continue  # cannot tell which group this is; the per-resource port check still applies
        if not on_lb:
            findings.append((resource.urn, "internet-open ingress on a security group no load balancer uses"))
    return findings


_ANYWHERE = ("0.0.0.0/0", "::/0")


def eks_endpoint_not_world_open(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """The Kubernetes API answers only to known ranges (IAM still authenticates every call).

    Without publicAccessCidrs EKS opens a public endpoint to 0.0.0.0/0 (the API's default).
    """
    if get(props, "vpcConfig.endpointPublicAccess") is False:
        return []
    cidrs = get(props, "vpcConfig.publicAccessCidrs")
    if cidrs is UNKNOWN:
        return []
    world = [c for c in (as_list(cidrs) or ["0.0.0.0/0"]) if c in _ANYWHERE]
    if not world:
        return []
    return [
        f"the public API endpoint is open to {', '.join(world)}; narrow email-platform:cluster.publicAccessCidrs "
        "to your runners' or VPN's ranges (or endpointPublicAccess: false)"
    ]


RESOURCE_POLICIES: list[ResourcePolicySpec] = [
    ResourcePolicySpec(
        "eks-secrets-encryption", "EKS envelope-encrypts Kubernetes secrets with KMS.", MANDATORY, EKS_CLUSTER, eks_secrets_encryption
    ),
    ResourcePolicySpec(
        "eks-control-plane-logs",
        "EKS ships audit, api and authenticator logs.",
        MANDATORY,
        EKS_CLUSTER,
        eks_control_plane_logs,
        schema(requiredLogTypes={"type": "array", "items": {"type": "string"}, "default": ["api", "audit", "authenticator"]}),
    ),
    ResourcePolicySpec(
        "ebs-encrypted-gp3",
        "Node volumes are encrypted gp3 of at least 100 GiB.",
        MANDATORY,
        LAUNCH_TEMPLATE,
        ebs_encrypted_gp3,
        schema(minRootVolumeGiB={"type": "integer", "minimum": 1, "default": 100}),
    ),
    ResourcePolicySpec(
        "imdsv2-required", "Instances accept only IMDSv2.", MANDATORY, LAUNCH_TEMPLATE | {"aws:ec2/instance:Instance"}, imdsv2_required
    ),
    ResourcePolicySpec(
        "eks-endpoint-not-world-open",
        "The EKS API's public endpoint is not open to the whole internet.",
        ADVISORY,
        EKS_CLUSTER,
        eks_endpoint_not_world_open,
    ),
    ResourcePolicySpec("kms-key-rotation", "KMS keys rotate yearly.", MANDATORY, KMS_KEY, kms_key_rotation),
    ResourcePolicySpec("log-retention", "Log groups have a retention period.", ADVISORY, LOG_GROUP, log_retention),
    ResourcePolicySpec(
        "no-public-ingress",
        "Only ports 80/443 may be open to the internet.",
        MANDATORY,
        frozenset({SG, SG_INGRESS_RULE, SG_RULE}),
        no_public_ingress,
        schema(publicPorts={"type": "array", "items": {"type": "integer"}, "default": [80, 443]}),
    ),
]
STACK_POLICIES: list[StackPolicySpec] = [
    StackPolicySpec(
        "public-ingress-only-on-load-balancer",
        "Internet-open ingress only on a load balancer's group.",
        MANDATORY,
        public_ingress_only_on_load_balancer,
    ),
]
