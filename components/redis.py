"""ElastiCache (Valkey by default) in cluster mode: sessions and cache, failover-ready and encrypted.

- Failover: shards with replicas spread over the private subnets' zones, Multi-AZ and
  automatic failover on; daily snapshots kept per config and a named final snapshot.
- Outsiders: private subnets, and a security group that admits 6379 from the Kubernetes
  cluster's security group only; clients authenticate with a generated auth token.
- The wire: TLS required (`transit_encryption_mode = "required"`, so no plaintext client
  is accepted even during a migration). ElastiCache negotiates TLS 1.2 or 1.3 and has no
  setting for a 1.3 floor; the app's client can insist on 1.3 itself.
- At rest: a customer-managed, rotated KMS key.

`protect` covers the replication group and its key. ElastiCache has no deletion protection
setting: `protect` and the final snapshot are what stand between a mistake and the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from components.shared.kms import rotated_key
from components.shared.log_encryption import log_group_key
from components.shared.network_access import client_ingress
from components.shared.secrets import final_snapshot_identifier, generated_secret
from components.shared.tags import name_tag
from config.redis import PORT, RedisSettings

# ROTATE keeps the old token valid next to the new one until a later SET, so pods that still
# hold the old REDIS_URL keep working while they roll; it is also what AWS does when omitted,
# which is exactly why it is written down.
AUTH_TOKEN_UPDATE_STRATEGY = "ROTATE"
LOG_TYPES = ("slow-log", "engine-log")
# Always cluster mode, one shard or many: REDIS_URL is then the configuration endpoint, and the
# app must use a cluster client (the app's REDIS_CLUSTER, docs/releases.md).
CLUSTER_MODE = "enabled"
# Keys without a TTL (none, for sessions and cache entries written with an expiry) are never
# evicted; under memory pressure the least recently used expiring keys go first.
MAXMEMORY_POLICY = "volatile-lru"


def redis_url(token: str, host: str, port: int) -> str:
    """`rediss://` (TLS) with the token as password and no user name: the form the app's REDIS_URL takes."""
    return f"rediss://:{quote(token, safe='')}@{host}:{port}"


@dataclass
class RedisArgs:
    settings: RedisSettings
    vpc_id: pulumi.Input[str]
    private_subnet_ids: Sequence[pulumi.Input[str]]
    # The EKS cluster security group: every node and pod carries it, nothing else does.
    client_security_group_id: pulumi.Input[str]


class Redis(pulumi.ComponentResource):
    replication_group: aws.elasticache.ReplicationGroup
    configuration_endpoint: pulumi.Output[str]
    port: pulumi.Output[int]
    replication_group_id: pulumi.Output[str]
    member_clusters: pulumi.Output[list[str]]
    security_group_id: pulumi.Output[str]
    redis_url: pulumi.Output[str]

    def __init__(self, name: str, args: RedisArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:data:Redis", name, None, opts)
        settings = args.settings
        group_id = settings.replication_group_id

        key = rotated_key(f"{name}-storage", f"{group_id}-cache", f"ElastiCache data and snapshots of {group_id}", self, protect=True)
        security_group = self._security_group(name, args)
        subnets = aws.elasticache.SubnetGroup(
            f"{name}-subnets",
            subnet_ids=list(args.private_subnet_ids),
            description=f"Private subnets of {group_id}",
            opts=pulumi.ResourceOptions(parent=self),
        )
        parameters = self._parameter_group(name, settings)
        log_groups = self._log_groups(name, settings)
        token = generated_secret(f"{name}-auth-token", self)
        self.replication_group = self._replication_group(
            name,
            settings,
            key=key,
            security_group=security_group,
            subnets=subnets,
            parameters=parameters,
            log_groups=log_groups,
            token=token,
        )

        group = self.replication_group
        self.configuration_endpoint = group.configuration_endpoint_address
        self.port = group.port.apply(lambda port: port if port is not None else PORT)
        self.replication_group_id = group.replication_group_id
        self.member_clusters = group.member_clusters.apply(list)
        self.security_group_id = security_group.id
        self.redis_url = pulumi.Output.secret(
            pulumi.Output.all(token.result, group.configuration_endpoint_address, self.port).apply(
                lambda parts: redis_url(parts[0], parts[1], int(parts[2]))
            )
        )
        self.register_outputs(
            {
                "configurationEndpoint": self.configuration_endpoint,
                "port": self.port,
                "replicationGroupId": self.replication_group_id,
                "memberClusters": self.member_clusters,
                "securityGroupId": self.security_group_id,
                "redisUrl": self.redis_url,
            }
        )

    def _security_group(self, name: str, args: RedisArgs) -> aws.ec2.SecurityGroup:
        """The cache's port from the Kubernetes cluster, and nothing else."""
        settings = args.settings
        group_id = settings.replication_group_id
        security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description=f"ElastiCache {group_id}: {PORT} from the Kubernetes cluster only",
            tags=name_tag(f"{group_id}-cache"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        client_ingress(f"{name}-from-cluster", security_group, args.client_security_group_id, PORT, settings.engine.capitalize(), self)
        return security_group

    def _parameter_group(self, name: str, settings: RedisSettings) -> aws.elasticache.ParameterGroup:
        """Not protected: a major upgrade replaces it (new family), and AWS refuses to delete one in use."""
        return aws.elasticache.ParameterGroup(
            f"{name}-params",
            family=settings.parameter_group_family,
            description=f"{settings.replication_group_id}: cluster mode, {MAXMEMORY_POLICY}",
            parameters=[
                # A custom group must say cluster-enabled itself for a cluster-mode group.
                aws.elasticache.ParameterGroupParameterArgs(name="cluster-enabled", value="yes"),
                aws.elasticache.ParameterGroupParameterArgs(name="maxmemory-policy", value=MAXMEMORY_POLICY),
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _log_groups(self, name: str, settings: RedisSettings) -> dict[str, aws.cloudwatch.LogGroup]:
        logs_key = log_group_key(f"{name}-logs", f"Encrypts the {settings.replication_group_id} logs", pulumi.ResourceOptions(parent=self))
        return {
            log_type: aws.cloudwatch.LogGroup(
                f"{name}-{log_type}",
                name=f"/aws/elasticache/{settings.replication_group_id}/{log_type}",
                retention_in_days=settings.log_retention_days,
                kms_key_id=logs_key,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for log_type in LOG_TYPES
        }

    def _replication_group(
        self,
        name: str,
        settings: RedisSettings,
        *,
        key: aws.kms.Key,
        security_group: aws.ec2.SecurityGroup,
        subnets: aws.elasticache.SubnetGroup,
        parameters: aws.elasticache.ParameterGroup,
        log_groups: dict[str, aws.cloudwatch.LogGroup],
        token: random.RandomPassword,
    ) -> aws.elasticache.ReplicationGroup:
        group_id = settings.replication_group_id
        return aws.elasticache.ReplicationGroup(
            f"{name}-group",
            replication_group_id=group_id,
            description=f"Sessions and cache of {group_id}",
            engine=settings.engine,
            # major.minor: ElastiCache applies patches itself, and 8.0 matches a running 8.0.x.
            engine_version=settings.engine_version,
            auto_minor_version_upgrade=True,
            # Only when set: an explicit false would differ from the state of a stack that never set it.
            apply_immediately=settings.apply_immediately or None,
            node_type=settings.node_type,
            port=PORT,
            parameter_group_name=parameters.name,
            cluster_mode=CLUSTER_MODE,
            num_node_groups=settings.shards,
            replicas_per_node_group=settings.replicas_per_shard,
            multi_az_enabled=True,
            automatic_failover_enabled=True,
            subnet_group_name=subnets.name,
            security_group_ids=[security_group.id],
            transit_encryption_enabled=True,
            transit_encryption_mode="required",
            at_rest_encryption_enabled=True,
            kms_key_id=key.arn,
            auth_token=token.result,
            auth_token_update_strategy=AUTH_TOKEN_UPDATE_STRATEGY,
            snapshot_retention_limit=settings.snapshot_retention_days,
            snapshot_window=settings.snapshot_window,
            maintenance_window=settings.maintenance_window,
            final_snapshot_identifier=final_snapshot_identifier(f"{name}-final-snapshot", settings.replication_group_id, self),
            log_delivery_configurations=[
                aws.elasticache.ReplicationGroupLogDeliveryConfigurationArgs(
                    destination=log_groups[log_type].name,
                    destination_type="cloudwatch-logs",
                    log_format="json",
                    log_type=log_type,
                )
                for log_type in LOG_TYPES
            ],
            tags=name_tag(group_id),
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )
