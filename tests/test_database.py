"""Aurora PostgreSQL: engine, instances, encryption, TLS, backups, protection, logs, auth and who may connect, as the engine would receive them."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import botocore.session
import pulumi
import pytest
from component_build import Built, build
from owned_stacks import settings

from components.database import Database, DatabaseArgs, database_url
from components.shared.secrets import SAFE_SPECIALS
from config.basics import Basics, Tags
from config.database import AURORA_INSTANCE_CLASSES, DEFAULT_CA_BUNDLE_PATH, PROVIDER_CHECKED, parse_database
from config.reader import ConfigError, Section
from preflight.recorder import RecordedResource, RecordingMonitor
from preflight.runner import Run

ROOT = Path(__file__).resolve().parent.parent

CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
RDS = botocore.session.get_session().get_service_model("rds")
AUTOSCALING = botocore.session.get_session().get_service_model("application-autoscaling")


def _one(run: Run, type_token: str) -> RecordedResource:
    (resource,) = run.of_type(type_token)
    return resource


def _by_id(run: Run, type_token: str) -> dict[str, RecordedResource]:
    return {r.id or "": r for r in run.of_type(type_token)}


def _by_name_output(run: Run, type_token: str) -> dict[str, RecordedResource]:
    return {r.outputs["name"]: r for r in run.of_type(type_token)}


def _enum(model: Any, shape: str) -> list[str]:
    return list(model.shape_for(shape).enum)


# ── engine and upgrades ─────────────────────────────────────────────────────────────────────


def test_engine_is_aurora_postgresql_pinned_to_the_configured_minor(each_stack: Run) -> None:
    cluster = _one(each_stack, CLUSTER)
    assert cluster.inputs["engine"] == "aurora-postgresql"
    assert cluster.inputs["engineVersion"] == settings(each_stack.stack).database.engine_version
    assert cluster.inputs["engineMode"] == "provisioned"


def test_minor_upgrades_are_deliberate_and_major_ones_refused(each_stack: Run) -> None:
    cluster = _one(each_stack, CLUSTER)
    assert cluster.inputs["allowMajorVersionUpgrade"] is False
    assert cluster.inputs["autoMinorVersionUpgrade"] is False
    for instance in each_stack.of_type(INSTANCE):
        assert instance.inputs["autoMinorVersionUpgrade"] is False
        # Instances follow the cluster's version: a minor upgrade then changes no input of theirs.
        assert "engineVersion" not in instance.inputs


def test_the_pinned_version_is_the_running_one_so_no_update_sends_an_older_version(each_stack: Run) -> None:
    """With the pin equal to the running version, a provider that resends engine_version on
    every modify sends the running version, which RDS accepts."""
    cluster = _one(each_stack, CLUSTER)
    assert cluster.outputs["engineVersionActual"] == cluster.inputs["engineVersion"]


def test_the_major_only_refusal_was_decided_for_the_pinned_provider() -> None:
    """Bumping pulumi-aws fails this test: check whether the new release bridges a Terraform AWS
    provider with PR #49396 (docs/data.md) before relaxing or keeping the major.minor rule."""
    requirements = (ROOT / "requirements.txt").read_text().splitlines()
    assert PROVIDER_CHECKED in requirements


# ── instances, zones, failover, scaling ─────────────────────────────────────────────────────


def test_at_least_two_instances_in_different_zones_with_promotion_tiers(each_stack: Run) -> None:
    instances = sorted(each_stack.of_type(INSTANCE), key=lambda r: r.name)
    assert len(instances) >= 2
    assert len({i.inputs["availabilityZone"] for i in instances}) == len(instances)
    assert [i.inputs["promotionTier"] for i in instances][:2] == [0, 1]
    cluster = _one(each_stack, CLUSTER)
    assert {i.inputs["clusterIdentifier"] for i in instances} == {cluster.inputs["clusterIdentifier"]}


def test_instances_count_class_and_zones_come_from_config(sized: Built) -> None:
    instances = sorted(sized.of_type(INSTANCE), key=lambda r: r.name)
    assert [i.inputs["instanceClass"] for i in instances] == [SIZED["instanceClass"]] * SIZED["instances"]
    assert [i.inputs["availabilityZone"] for i in instances] == ZONES, "one instance per zone, in order"
    assert SIZED["instanceClass"] in AURORA_INSTANCE_CLASSES


def test_every_stack_runs_a_known_aurora_class(each_stack: Run) -> None:
    for instance in each_stack.of_type(INSTANCE):
        assert instance.inputs["instanceClass"] == settings(each_stack.stack).database.instance_class
        assert instance.inputs["instanceClass"] in AURORA_INSTANCE_CLASSES


def test_readers_scale_on_cpu_between_the_configured_bounds(sized: Built) -> None:
    target = sized.one("aws:appautoscaling/target:Target", "database-readers")
    (policy,) = sized.of_type("aws:appautoscaling/policy:Policy")
    (cluster,) = sized.of_type(CLUSTER)
    scaling = SIZED["readReplicaScaling"]
    assert target.inputs["serviceNamespace"] == "rds"
    assert target.inputs["scalableDimension"] == "rds:cluster:ReadReplicaCount"
    assert target.inputs["resourceId"] == f"cluster:{cluster.inputs['clusterIdentifier']}"
    assert (target.inputs["minCapacity"], target.inputs["maxCapacity"]) == (scaling["minReplicas"], scaling["maxReplicas"])
    assert policy.inputs["policyType"] == "TargetTrackingScaling"
    tracking = policy.inputs["targetTrackingScalingPolicyConfiguration"]
    assert tracking["predefinedMetricSpecification"]["predefinedMetricType"] == "RDSReaderAverageCPUUtilization"
    assert tracking["targetValue"] == scaling["targetCpuPercent"]
    assert policy.inputs["resourceId"] == target.inputs["resourceId"]


# ── encryption and TLS ──────────────────────────────────────────────────────────────────────


def test_storage_and_performance_insights_use_a_protected_rotated_kms_key(each_stack: Run) -> None:
    cluster = _one(each_stack, CLUSTER)
    keys = {k.outputs["arn"]: k for k in each_stack.of_type("aws:kms/key:Key")}
    assert cluster.inputs["storageEncrypted"] is True
    key = keys[cluster.inputs["kmsKeyId"]]
    assert key.inputs["enableKeyRotation"] is True
    assert key.protect
    for instance in each_stack.of_type(INSTANCE):
        assert instance.inputs["performanceInsightsEnabled"] is True
        assert instance.inputs["performanceInsightsKmsKeyId"] == cluster.inputs["kmsKeyId"]
        assert instance.inputs["performanceInsightsRetentionPeriod"] == 7


def test_cluster_parameter_group_forces_tls_13_with_the_engines_family(each_stack: Run) -> None:
    cluster = _one(each_stack, CLUSTER)
    group = _by_name_output(each_stack, "aws:rds/clusterParameterGroup:ClusterParameterGroup")[
        cluster.inputs["dbClusterParameterGroupName"]
    ]
    assert group.inputs["family"] == f"aurora-postgresql{cluster.inputs['engineVersion'].split('.')[0]}"
    parameters = {p["name"]: p for p in group.inputs["parameters"]}
    assert parameters["rds.force_ssl"]["value"] == "1"
    assert parameters["ssl_min_protocol_version"]["value"] == "TLSv1.3"
    for parameter in parameters.values():
        assert parameter["applyMethod"] in _enum(RDS, "ApplyMethod")


def test_an_instance_parameter_group_of_the_same_family_is_set_on_cluster_and_instances(each_stack: Run) -> None:
    cluster = _one(each_stack, CLUSTER)
    groups = _by_name_output(each_stack, "aws:rds/parameterGroup:ParameterGroup")
    group = groups[cluster.inputs["dbInstanceParameterGroupName"]]
    assert group.inputs["family"] == f"aurora-postgresql{cluster.inputs['engineVersion'].split('.')[0]}"
    for instance in each_stack.of_type(INSTANCE):
        assert instance.inputs["dbParameterGroupName"] == cluster.inputs["dbInstanceParameterGroupName"]


def test_instances_name_the_rds_ca_that_clients_verify(each_stack: Run) -> None:
    for instance in each_stack.of_type(INSTANCE):
        assert instance.inputs["caCertIdentifier"] == "rds-ca-rsa2048-g1"


# ── nothing lost ────────────────────────────────────────────────────────────────────────────


def test_backups_are_kept_as_long_as_configured(sized: Built, each_stack: Run) -> None:
    (cluster,) = sized.of_type(CLUSTER)
    assert cluster.inputs["backupRetentionPeriod"] == SIZED["backupRetentionDays"]
    assert _one(each_stack, CLUSTER).inputs["backupRetentionPeriod"] == settings(each_stack.stack).database.backup_retention_days


def test_production_keeps_backups_at_least_the_production_minimum_when_unset() -> None:
    """Left out, the retention is the environment's floor: production's is the longer."""
    unset = {k: v for k, v in SIZED.items() if k != "backupRetentionDays"}
    production, staging = (parse_database(Section("email-platform:database", unset), b) for b in (BASICS, _basics("staging")))
    assert production.backup_retention_days > staging.backup_retention_days >= 1
    with pytest.raises(ConfigError, match="backupRetentionDays"):
        parse_database(Section("email-platform:database", {**unset, "backupRetentionDays": production.backup_retention_days - 1}), BASICS)


def test_backup_and_maintenance_windows_are_set(each_stack: Run) -> None:
    cluster = _one(each_stack, CLUSTER)
    assert re.fullmatch(r"\d\d:\d\d-\d\d:\d\d", cluster.inputs["preferredBackupWindow"])
    assert re.fullmatch(r"[a-z]{3}:\d\d:\d\d-[a-z]{3}:\d\d:\d\d", cluster.inputs["preferredMaintenanceWindow"])


def test_deleting_the_cluster_is_refused_and_would_leave_a_uniquely_named_final_snapshot(each_stack: Run) -> None:
    cluster = _one(each_stack, CLUSTER)
    assert cluster.inputs["deletionProtection"] is True
    assert cluster.inputs["skipFinalSnapshot"] is False
    # The suffix is a RandomId kept in state (stable across previews, new after a rebuild).
    (suffix,) = [r for r in each_stack.of_type("random:index/randomId:RandomId") if r.name == "database-final-snapshot"]
    assert suffix.inputs["keepers"] == {"identifier": cluster.inputs["clusterIdentifier"]}
    expected = f"email-platform-{each_stack.stack}-final-{suffix.outputs['hex']}"
    assert cluster.inputs["finalSnapshotIdentifier"] == expected
    assert re.fullmatch(r"[a-z][a-z0-9-]{0,254}", expected) and "--" not in expected
    assert cluster.inputs["deleteAutomatedBackups"] is False
    assert cluster.inputs["copyTagsToSnapshot"] is True
    for instance in each_stack.of_type(INSTANCE):
        assert instance.inputs["copyTagsToSnapshot"] is True


def test_cluster_instances_and_key_are_protected_but_parameter_groups_are_not(each_stack: Run) -> None:
    assert _one(each_stack, CLUSTER).protect
    assert all(i.protect for i in each_stack.of_type(INSTANCE))
    (key,) = [k for k in each_stack.of_type("aws:kms/key:Key") if k.name == "database-storage"]
    assert key.protect
    # A major upgrade replaces the parameter groups; protecting them would block it.
    assert not _one(each_stack, "aws:rds/clusterParameterGroup:ClusterParameterGroup").protect
    assert not _one(each_stack, "aws:rds/parameterGroup:ParameterGroup").protect


# ── logs and authentication ─────────────────────────────────────────────────────────────────


def test_postgresql_log_is_exported_to_a_retained_log_group(sized: Built) -> None:
    (cluster,) = sized.of_type(CLUSTER)
    exports = cluster.inputs["enabledCloudwatchLogsExports"]
    # Only the server log: `iam-db-auth-error` is not exportable on every version and Region.
    assert exports == ["postgresql"]
    groups = {g.inputs.get("name"): g for g in sized.of_type("aws:cloudwatch/logGroup:LogGroup")}
    for log_type in exports:
        group = groups[f"/aws/rds/cluster/{cluster.inputs['clusterIdentifier']}/{log_type}"]
        assert group.inputs["retentionInDays"] == SIZED["logRetentionDays"]
        assert group.urn in cluster.dependencies, "the group exists before RDS would create it unretained"


def test_log_export_types_are_those_rds_documents_for_aurora_postgresql(each_stack: Run) -> None:
    documentation = RDS.operation_model("CreateDBCluster").input_shape.members["EnableCloudwatchLogsExports"].documentation
    documented = re.search(r"Aurora PostgreSQL - ([a-z| -]+)", re.sub(r"<[^>]+>", "", documentation))
    assert documented is not None
    allowed = {t.strip() for t in documented.group(1).split("|")}
    assert set(_one(each_stack, CLUSTER).inputs["enabledCloudwatchLogsExports"]) <= allowed


def test_iam_database_authentication_is_on(each_stack: Run) -> None:
    assert _one(each_stack, CLUSTER).inputs["iamDatabaseAuthenticationEnabled"] is True


def test_master_password_is_generated_and_reaches_the_engine_only_as_a_secret(each_stack: Run) -> None:
    cluster = _one(each_stack, CLUSTER)
    assert cluster.inputs["masterPassword"] == "[secret]"
    assert cluster.inputs["masterUsername"] == "email_admin"
    assert cluster.inputs["databaseName"] == "email_db"
    (password,) = [p for p in each_stack.of_type("random:index/randomPassword:RandomPassword") if p.name == "database-master-password"]
    assert password.inputs["length"] >= 32
    # RDS refuses / " @ and space in a master password.
    assert not set(password.inputs["overrideSpecial"]) & set('/"@ ')


# ── nothing reachable from outside ──────────────────────────────────────────────────────────


def test_instances_are_private_in_the_private_subnets(each_stack: Run) -> None:
    private = {s.id for s in each_stack.of_type("aws:ec2/subnet:Subnet") if "-private-" in s.name}
    (subnet_group,) = each_stack.of_type("aws:rds/subnetGroup:SubnetGroup")
    assert set(subnet_group.inputs["subnetIds"]) == private
    cluster = _one(each_stack, CLUSTER)
    assert cluster.inputs["dbSubnetGroupName"] == subnet_group.outputs["name"]
    for instance in each_stack.of_type(INSTANCE):
        assert instance.inputs["publiclyAccessible"] is False
        assert instance.inputs["dbSubnetGroupName"] == subnet_group.outputs["name"]


def test_only_the_kubernetes_cluster_reaches_5432(each_stack: Run) -> None:
    cluster = _one(each_stack, CLUSTER)
    (sg_id,) = cluster.inputs["vpcSecurityGroupIds"]
    security_group = _by_id(each_stack, "aws:ec2/securityGroup:SecurityGroup")[sg_id]
    assert "ingress" not in security_group.inputs or security_group.inputs["ingress"] == []
    eks = _one(each_stack, "aws:eks/cluster:Cluster")
    rules = [
        r for r in each_stack.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") if r.inputs["securityGroupId"] == sg_id
    ]
    assert len(rules) == 1
    (rule,) = rules
    assert rule.inputs["referencedSecurityGroupId"] == eks.outputs["vpcConfig"]["clusterSecurityGroupId"]
    assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == ("tcp", 5432, 5432)
    assert "cidrIpv4" not in rule.inputs and "cidrIpv6" not in rule.inputs


# ── outputs ─────────────────────────────────────────────────────────────────────────────────


def test_database_url_is_a_secret_output_and_endpoints_are_plain(each_stack: Run) -> None:
    cluster = _one(each_stack, CLUSTER)
    assert each_stack.outputs["databaseUrl"] == "[secret]"
    assert each_stack.outputs["databaseWriterEndpoint"] == cluster.outputs["endpoint"]
    assert each_stack.outputs["databaseReaderEndpoint"] == cluster.outputs["readerEndpoint"]
    assert ".cluster-ro-" in each_stack.outputs["databaseReaderEndpoint"]


def test_url_percent_encodes_every_special_character() -> None:
    password = "a!&#$^<>-z" + SAFE_SPECIALS
    url = database_url("email_admin", password, "db.example", 5432, DEFAULT_CA_BUNDLE_PATH)
    parts = urlsplit(url)
    assert unquote(parts.password or "") == password
    assert parts.hostname == "db.example" and parts.port == 5432
    assert not set(parts.netloc.split("@")[0]) & set("#&$^<>!")


def _basics(environment: str) -> Basics:
    return Basics(environment, "eu-west-1", "mail.shop.test", Tags("owner", "centre", {}))


BASICS = _basics("production")
ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
# A database section of the test's own, every figure unlike the defaults.
SIZED: dict[str, Any] = {
    "engineVersion": "16.9",
    "instanceClass": "db.r7g.xlarge",
    "instances": 3,
    "readReplicaScaling": {"minReplicas": 2, "maxReplicas": 4, "targetCpuPercent": 60},
    "backupRetentionDays": 21,
    "logRetentionDays": 400,
}


def _build(monitor: RecordingMonitor, exposed: dict[str, Any] | None = None) -> Built:
    def program() -> None:
        database = Database(
            "database",
            DatabaseArgs(
                parse_database(Section("email-platform:database", SIZED), BASICS),
                vpc_id="vpc-0abc1234def567890",
                private_subnet_ids=["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719", "subnet-0a1b2c3d4e5f60720"],
                client_security_group_id="sg-0123456789abcdef0",
                availability_zones=ZONES,
            ),
        )
        if exposed is not None:
            values = {"url": database.database_url, "writer": database.writer_endpoint}
            pulumi.Output.all(**values, secret=pulumi.Output.from_input(database.database_url.is_secret())).apply(exposed.update)

    return build(monitor, program)


@pytest.fixture(scope="module")
def sized(module_mocks: RecordingMonitor) -> Built:
    return _build(module_mocks)


def test_database_url_follows_requirements_and_carries_the_generated_password(pulumi_mocks: RecordingMonitor) -> None:
    exposed: dict[str, Any] = {}
    _build(pulumi_mocks, exposed)
    match = re.fullmatch(
        r"postgresql://email_admin:([^@]+)@([^:/]+):5432/email_db\?sslmode=verify-full&sslrootcert=/etc/ssl/certs/rds-global-bundle\.pem",
        exposed["url"],
    )
    assert match is not None, exposed["url"]
    password = unquote(match.group(1))
    assert len(password) == 40
    assert set(password) <= set(string.ascii_letters + string.digits + SAFE_SPECIALS)
    assert match.group(2) == exposed["writer"]
    assert exposed["secret"] is True, "DATABASE_URL is a secret inside the program"


# ── enumerations against the AWS API models ─────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("shape", "value"),
    [
        ("ServiceNamespace", "rds"),
        ("ScalableDimension", "rds:cluster:ReadReplicaCount"),
        ("MetricType", "RDSReaderAverageCPUUtilization"),
        ("PolicyType", "TargetTrackingScaling"),
    ],
)
def test_autoscaling_values_are_in_the_application_autoscaling_model(shape: str, value: str, production: Run) -> None:
    assert value in _enum(AUTOSCALING, shape)
    target = _one(production, "aws:appautoscaling/target:Target")
    policy = _one(production, "aws:appautoscaling/policy:Policy")
    used = {
        "ServiceNamespace": target.inputs["serviceNamespace"],
        "ScalableDimension": target.inputs["scalableDimension"],
        "MetricType": policy.inputs["targetTrackingScalingPolicyConfiguration"]["predefinedMetricSpecification"]["predefinedMetricType"],
        "PolicyType": policy.inputs["policyType"],
    }
    assert used[shape] == value


def test_enhanced_monitoring_publishes_through_the_rds_monitoring_role(each_stack: Run) -> None:
    documentation = re.sub(r"<[^>]+>", "", RDS.operation_model("CreateDBInstance").input_shape.members["MonitoringInterval"].documentation)
    valid = re.search(r"Valid Values: ([0-9 |]+)", documentation)
    assert valid is not None
    roles = {r.outputs.get("arn"): r for r in each_stack.of_type("aws:iam/role:Role")}
    for instance in each_stack.of_type(INSTANCE):
        assert str(instance.inputs["monitoringInterval"]) in {v.strip() for v in valid.group(1).split("|")} - {"0"}
        role = roles[instance.inputs["monitoringRoleArn"]]
        trust = json.loads(role.inputs["assumeRolePolicy"])
        # The principal and managed policy of the RDS User Guide's "Setting up and enabling Enhanced Monitoring".
        assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "monitoring.rds.amazonaws.com"}]
        attached = [
            a.inputs["policyArn"]
            for a in each_stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            if a.inputs["role"] == role.outputs.get("name")
        ]
        assert attached == ["arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"]


def test_the_cluster_logs_schema_changes_and_slow_statements(each_stack: Run) -> None:
    cluster = _one(each_stack, CLUSTER)
    group = _by_name_output(each_stack, "aws:rds/clusterParameterGroup:ClusterParameterGroup")[
        cluster.inputs["dbClusterParameterGroupName"]
    ]
    parameters = {p["name"]: p["value"] for p in group.inputs["parameters"]}
    assert parameters["log_statement"] == "ddl"
    assert int(parameters["log_min_duration_statement"]) > 0
