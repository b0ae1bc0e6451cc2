"""Aurora, ElastiCache and generated passwords, as the providers answer after a create.

What the program reads is here: cluster writer/reader endpoints and port, the configuration
endpoint and member clusters of a cluster-mode replication group, auto-generated names of
subnet and parameter groups, and the `result` of a RandomPassword (so the URL-building code
really runs). Shapes follow the real services: `<id>.cluster-<hash>.<region>.rds.amazonaws.com`,
`clustercfg.<id>.<hash>.<region code>.cache.amazonaws.com`, member clusters `<id>-0001-001`.
"""

from __future__ import annotations

import base64
import hashlib
import string
from typing import Any

import pulumi

from preflight.mocks.common import MockContext, arn, short_hash

Args = pulumi.runtime.MockResourceArgs


def _auto_name(args: Args) -> str:
    """The name the provider generates when the program leaves it out (`<name>-<7 hex>`), lower-cased as RDS does."""
    return str(args.inputs.get("name") or f"{args.name}-{short_hash('name', args.name, length=7)}").lower()


def _named(service: str, kind: str) -> Any:
    def outputs(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
        name = _auto_name(args)
        return {"name": name, "arn": arn(ctx, service, f"{kind}:{name}")}

    return outputs


def _region_code(region: str) -> str:
    """ElastiCache's short region code in endpoints: us-east-1 -> use1."""
    area, direction, number = region.split("-", 2)
    return f"{area}{direction[0]}{number}"


def _rds_cluster(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    identifier = str(args.inputs.get("clusterIdentifier") or f"{args.name}-{short_hash(args.name, length=7)}")
    suffix = short_hash("rds-endpoint", ctx.account_id, ctx.region, length=12)
    version = str(args.inputs.get("engineVersion") or "16")
    return {
        "clusterIdentifier": identifier,
        "arn": arn(ctx, "rds", f"cluster:{identifier}"),
        "endpoint": f"{identifier}.cluster-{suffix}.{ctx.region}.rds.amazonaws.com",
        "readerEndpoint": f"{identifier}.cluster-ro-{suffix}.{ctx.region}.rds.amazonaws.com",
        "port": int(args.inputs.get("port") or 5432),
        "clusterResourceId": "cluster-" + short_hash("cluster-resource", identifier, length=26).upper(),
        "hostedZoneId": "Z2R2ITUGPM61AM",
        # A major-only pin runs that major's default minor.
        "engineVersionActual": version if "." in version else f"{version}.9",
        "clusterMembers": [],
    }


def _rds_cluster_instance(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    identifier = str(args.inputs.get("identifier") or f"{args.name}-{short_hash(args.name, length=7)}")
    suffix = short_hash("rds-endpoint", ctx.account_id, ctx.region, length=12)
    return {
        "identifier": identifier,
        "arn": arn(ctx, "rds", f"db:{identifier}"),
        "endpoint": f"{identifier}.{suffix}.{ctx.region}.rds.amazonaws.com",
        "port": 5432,
        "dbiResourceId": "db-" + short_hash("dbi", identifier, length=26).upper(),
        "writer": int(args.inputs.get("promotionTier") or 0) == 0,
        "storageEncrypted": True,
    }


def _replication_group(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    group_id = str(args.inputs.get("replicationGroupId") or args.name).lower()
    shards = int(args.inputs.get("numNodeGroups") or 1)
    replicas = int(args.inputs.get("replicasPerNodeGroup") or 0)
    version = str(args.inputs.get("engineVersion") or "7.1")
    host = f"{group_id}.{short_hash('cache', group_id, length=6)}.{_region_code(ctx.region)}.cache.amazonaws.com"
    cluster_mode = args.inputs.get("clusterMode") == "enabled" or shards > 1
    return {
        "replicationGroupId": group_id,
        "arn": arn(ctx, "elasticache", f"replicationgroup:{group_id}"),
        "port": int(args.inputs.get("port") or 6379),
        "engineVersionActual": f"{version}.1",
        "clusterEnabled": cluster_mode,
        # Cluster mode has one configuration endpoint and no primary/reader endpoints.
        "configurationEndpointAddress": f"clustercfg.{host}" if cluster_mode else "",
        "primaryEndpointAddress": "" if cluster_mode else f"master.{host}",
        "readerEndpointAddress": "" if cluster_mode else f"replica.{host}",
        "memberClusters": [f"{group_id}-{shard:04d}-{node:03d}" for shard in range(1, shards + 1) for node in range(1, replicas + 2)],
    }


def _random_password(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    """A password drawn deterministically from the name, honouring length, character sets and minimums."""
    length = int(args.inputs.get("length") or 16)
    specials = str(args.inputs.get("overrideSpecial") or "!@#$%&*()-_=+[]{}<>:?")
    classes = [
        (string.ascii_lowercase, args.inputs.get("lower", True), int(args.inputs.get("minLower") or 0)),
        (string.ascii_uppercase, args.inputs.get("upper", True), int(args.inputs.get("minUpper") or 0)),
        (string.digits, args.inputs.get("numeric", True), int(args.inputs.get("minNumeric") or 0)),
        (specials, args.inputs.get("special", True), int(args.inputs.get("minSpecial") or 0)),
    ]
    stream = hashlib.sha256(f"password/{args.name}".encode()).digest() * (length // 8 + 2)
    chars = [alphabet[stream[i] % len(alphabet)] for alphabet, on, minimum in classes if on for i in range(minimum)]
    pool = "".join(alphabet for alphabet, on, _ in classes if on)
    chars += [pool[stream[i + 64] % len(pool)] for i in range(length - len(chars))]
    return {"result": "".join(chars[:length]), "bcryptHash": "$2a$10$" + short_hash("bcrypt", args.name, length=53)}


def _random_id(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    """Random bytes drawn deterministically from the name, in the encodings the provider returns."""
    raw = hashlib.sha256(f"random-id/{args.name}".encode()).digest()[: int(args.inputs.get("byteLength") or 8)]
    b64_url = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return {"hex": raw.hex(), "b64Url": b64_url, "b64Std": base64.b64encode(raw).decode(), "dec": str(int.from_bytes(raw, "big"))}


COMPUTED = {
    "aws:rds/cluster:Cluster": _rds_cluster,
    "aws:rds/clusterInstance:ClusterInstance": _rds_cluster_instance,
    "aws:rds/subnetGroup:SubnetGroup": _named("rds", "subgrp"),
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": _named("rds", "cluster-pg"),
    "aws:rds/parameterGroup:ParameterGroup": _named("rds", "pg"),
    "aws:elasticache/replicationGroup:ReplicationGroup": _replication_group,
    "aws:elasticache/subnetGroup:SubnetGroup": _named("elasticache", "subnetgroup"),
    "aws:elasticache/parameterGroup:ParameterGroup": _named("elasticache", "parametergroup"),
    "random:index/randomPassword:RandomPassword": _random_password,
    "random:index/randomId:RandomId": _random_id,
}
