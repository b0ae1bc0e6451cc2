"""ElastiCache: cluster mode, Multi-AZ failover, TLS, encryption, auth token, snapshots, logs and who may connect, as the engine would receive them."""

from __future__ import annotations

import re
import string
from typing import Any
from urllib.parse import unquote

import botocore.session
import pulumi
import pytest
from component_build import Built, build
from owned_stacks import settings

from components.redis import Redis, RedisArgs, redis_url
from components.shared.secrets import SAFE_SPECIALS
from config.basics import Basics, Tags
from config.reader import Section
from config.redis import ELASTICACHE_NODE_TYPES, ENGINE_VERSIONS, parse_redis
from preflight.recorder import RecordedResource, RecordingMonitor
from preflight.runner import Run

GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
ELASTICACHE = botocore.session.get_session().get_service_model("elasticache")
# ElastiCache auth tokens: printable ASCII, and of the specials only these (CreateReplicationGroup).
AUTH_TOKEN_SPECIALS = set("!&#$^<>-")


def _group(run: Run) -> RecordedResource:
    (group,) = run.of_type(GROUP)
    return group


def _enum(shape: str) -> list[str]:
    return list(ELASTICACHE.shape_for(shape).enum)


def test_valkey_in_cluster_mode_with_a_matching_parameter_group(each_stack: Run) -> None:
    group = _group(each_stack)
    configured = settings(each_stack.stack).redis
    assert (group.inputs["engine"], group.inputs["engineVersion"]) == (configured.engine, configured.engine_version)
    assert group.inputs["clusterMode"] == "enabled"
    assert group.inputs["clusterMode"] in _enum("ClusterMode")
    (params,) = each_stack.of_type("aws:elasticache/parameterGroup:ParameterGroup")
    assert group.inputs["parameterGroupName"] == params.outputs["name"]
    assert params.inputs["family"] == ENGINE_VERSIONS[configured.engine][configured.engine_version] == configured.parameter_group_family
    values = {p["name"]: p["value"] for p in params.inputs["parameters"]}
    assert values["cluster-enabled"] == "yes"  # a custom group for cluster mode must say so itself
    assert not params.protect


def test_shards_replicas_and_node_type_come_from_config(sized: Built) -> None:
    (group,) = sized.of_type(GROUP)
    assert (group.inputs["numNodeGroups"], group.inputs["replicasPerNodeGroup"]) == (SIZED["shards"], SIZED["replicasPerShard"])
    assert group.inputs["nodeType"] == SIZED["nodeType"] and SIZED["nodeType"] in ELASTICACHE_NODE_TYPES
    assert "numCacheClusters" not in group.inputs  # that is the non-cluster-mode shape
    assert group.inputs["snapshotRetentionLimit"] == SIZED["snapshotRetentionDays"]


def test_every_stack_runs_its_configured_node_type(each_stack: Run) -> None:
    configured = settings(each_stack.stack).redis
    group = _group(each_stack)
    assert (group.inputs["nodeType"], group.inputs["numNodeGroups"]) == (configured.node_type, configured.shards)
    assert group.inputs["nodeType"] in ELASTICACHE_NODE_TYPES


def test_multi_az_with_automatic_failover_and_a_replica_per_shard(each_stack: Run) -> None:
    group = _group(each_stack)
    assert group.inputs["multiAzEnabled"] is True
    assert group.inputs["automaticFailoverEnabled"] is True
    assert group.inputs["replicasPerNodeGroup"] >= 1
    shards, replicas = group.inputs["numNodeGroups"], group.inputs["replicasPerNodeGroup"]
    assert len(group.outputs["memberClusters"]) == shards * (1 + replicas)


def test_tls_is_required_in_transit(each_stack: Run) -> None:
    group = _group(each_stack)
    assert group.inputs["transitEncryptionEnabled"] is True
    assert group.inputs["transitEncryptionMode"] == "required"
    assert "required" in _enum("TransitEncryptionMode")


def test_data_at_rest_is_encrypted_with_a_protected_rotated_key(each_stack: Run) -> None:
    group = _group(each_stack)
    assert group.inputs["atRestEncryptionEnabled"] is True
    keys = {k.outputs["arn"]: k for k in each_stack.of_type("aws:kms/key:Key")}
    key = keys[group.inputs["kmsKeyId"]]
    assert key.inputs["enableKeyRotation"] is True
    assert key.protect
    assert key.name == "redis-storage"


def test_auth_token_is_a_generated_secret_with_an_explicit_update_strategy(each_stack: Run) -> None:
    group = _group(each_stack)
    assert group.inputs["authToken"] == "[secret]"
    assert group.inputs["authTokenUpdateStrategy"] == "ROTATE"
    assert group.inputs["authTokenUpdateStrategy"] in _enum("AuthTokenUpdateStrategyType")
    (token,) = [p for p in each_stack.of_type("random:index/randomPassword:RandomPassword") if p.name == "redis-auth-token"]
    assert 16 <= token.inputs["length"] <= 128
    assert set(token.inputs["overrideSpecial"]) <= AUTH_TOKEN_SPECIALS


def test_snapshots_are_retained_and_windows_set(each_stack: Run) -> None:
    group = _group(each_stack)
    configured = settings(each_stack.stack).redis
    assert group.inputs["snapshotRetentionLimit"] == configured.snapshot_retention_days >= 1
    assert (group.inputs["snapshotWindow"], group.inputs["maintenanceWindow"]) == (
        configured.snapshot_window,
        configured.maintenance_window,
    )
    (suffix,) = [r for r in each_stack.of_type("random:index/randomId:RandomId") if r.name == "redis-final-snapshot"]
    assert group.inputs["finalSnapshotIdentifier"] == f"email-platform-{each_stack.stack}-final-{suffix.outputs['hex']}"


def test_slow_log_and_engine_log_go_to_retained_log_groups(sized: Built) -> None:
    (group,) = sized.of_type(GROUP)
    deliveries = {d["logType"]: d for d in group.inputs["logDeliveryConfigurations"]}
    assert set(deliveries) == {"slow-log", "engine-log"} == set(_enum("LogType"))
    log_groups = {g.outputs["name"]: g for g in sized.of_type("aws:cloudwatch/logGroup:LogGroup")}
    for delivery in deliveries.values():
        assert delivery["destinationType"] == "cloudwatch-logs"
        assert delivery["destinationType"] in _enum("DestinationType")
        assert delivery["logFormat"] in _enum("LogFormat")
        assert log_groups[delivery["destination"]].inputs["retentionInDays"] == SIZED["logRetentionDays"]


def test_replication_group_is_protected(each_stack: Run) -> None:
    assert _group(each_stack).protect


def test_it_lives_in_the_private_subnets(each_stack: Run) -> None:
    private = {s.id for s in each_stack.of_type("aws:ec2/subnet:Subnet") if "-private-" in s.name}
    (subnets,) = each_stack.of_type("aws:elasticache/subnetGroup:SubnetGroup")
    assert set(subnets.inputs["subnetIds"]) == private
    assert _group(each_stack).inputs["subnetGroupName"] == subnets.outputs["name"]


def test_only_the_kubernetes_cluster_reaches_6379(each_stack: Run) -> None:
    (sg_id,) = _group(each_stack).inputs["securityGroupIds"]
    (eks,) = each_stack.of_type("aws:eks/cluster:Cluster")
    rules = [
        r for r in each_stack.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") if r.inputs["securityGroupId"] == sg_id
    ]
    (rule,) = rules
    assert rule.inputs["referencedSecurityGroupId"] == eks.outputs["vpcConfig"]["clusterSecurityGroupId"]
    assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == ("tcp", 6379, 6379)
    (security_group,) = [g for g in each_stack.of_type("aws:ec2/securityGroup:SecurityGroup") if g.id == sg_id]
    assert not security_group.inputs.get("ingress")


def test_redis_url_is_a_secret_output_and_the_endpoint_plain(each_stack: Run) -> None:
    group = _group(each_stack)
    assert each_stack.outputs["redisUrl"] == "[secret]"
    assert each_stack.outputs["redisConfigurationEndpoint"] == group.outputs["configurationEndpointAddress"]


def test_url_percent_encodes_the_token() -> None:
    token = "Ab1" + "".join(sorted(AUTH_TOKEN_SPECIALS))
    url = redis_url(token, "clustercfg.example", 6379)
    assert url.startswith("rediss://:")
    userinfo, host = url.removeprefix("rediss://").rsplit("@", 1)
    assert unquote(userinfo) == ":" + token
    assert host == "clustercfg.example:6379"


BASICS = Basics("production", "eu-west-1", "mail.shop.test", Tags("owner", "centre", {}))
# A cache section of the test's own, every figure unlike the defaults.
SIZED: dict[str, Any] = {
    "engineVersion": "8.0",
    "nodeType": "cache.r7g.xlarge",
    "shards": 3,
    "replicasPerShard": 2,
    "snapshotRetentionDays": 9,
    "logRetentionDays": 400,
}


def _build(monitor: RecordingMonitor, exposed: dict[str, Any] | None = None) -> Built:
    def program() -> None:
        redis = Redis(
            "redis",
            RedisArgs(
                parse_redis(Section("email-platform:redis", SIZED), BASICS),
                vpc_id="vpc-0abc1234def567890",
                private_subnet_ids=["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"],
                client_security_group_id="sg-0123456789abcdef0",
            ),
        )
        if exposed is not None:
            values = {"url": redis.redis_url, "endpoint": redis.configuration_endpoint, "members": redis.member_clusters}
            pulumi.Output.all(**values, secret=pulumi.Output.from_input(redis.redis_url.is_secret())).apply(exposed.update)

    return build(monitor, program)


@pytest.fixture(scope="module")
def sized(module_mocks: RecordingMonitor) -> Built:
    return _build(module_mocks)


def test_redis_url_follows_requirements_and_carries_the_generated_token(pulumi_mocks: RecordingMonitor) -> None:
    exposed: dict[str, Any] = {}
    built = _build(pulumi_mocks, exposed)
    match = re.fullmatch(r"rediss://:([^@]+)@([^:]+):6379", exposed["url"])
    assert match is not None, exposed["url"]
    token = unquote(match.group(1))
    assert 16 <= len(token) <= 128
    assert set(token) <= set(string.ascii_letters + string.digits) | AUTH_TOKEN_SPECIALS
    assert set(SAFE_SPECIALS) <= AUTH_TOKEN_SPECIALS
    (group,) = built.of_type(GROUP)
    assert match.group(2) == exposed["endpoint"] == group.outputs["configurationEndpointAddress"]
    assert exposed["members"] == group.outputs["memberClusters"]
    assert exposed["secret"] is True, "REDIS_URL is a secret inside the program"


@pytest.mark.parametrize("engine", sorted(ENGINE_VERSIONS))
def test_every_known_version_maps_to_a_family_of_its_engine(engine: str) -> None:
    for version, family in ENGINE_VERSIONS[engine].items():  # type: ignore[index]
        assert family.startswith(engine)
        assert family.removeprefix(engine).startswith(version.split(".")[0])


def test_the_app_opens_a_cluster_client_because_the_cache_runs_in_cluster_mode(each_stack: Run) -> None:
    """REDIS_URL is the configuration endpoint of a cluster-mode group: every colour's REDIS_CLUSTER says so."""
    assert _group(each_stack).inputs["clusterMode"] == "enabled"
    config_maps = each_stack.of_type("kubernetes:core/v1:ConfigMap")
    assert config_maps and {c.inputs["data"]["REDIS_CLUSTER"] for c in config_maps} == {"true"}
