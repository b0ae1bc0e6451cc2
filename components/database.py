"""Aurora PostgreSQL: the platform's data, kept safe from loss, from outsiders and from the wire.

- Loss: `protect` on the cluster, its instances and the storage key; deletion protection; a
  final snapshot named `<identifier>-final-<suffix>` (the suffix is kept in state); backups kept per config (production >= 14 days) with automated
  backups kept after a delete; tags copied to snapshots so they stay attributable.
- Outsiders: private subnets only, not publicly accessible, and a security group that admits
  5432 from the Kubernetes cluster's security group and nothing else.
- The wire: the cluster parameter group forces TLS (`rds.force_ssl`) at 1.3 or better, and the
  app's URL asks for `sslmode=verify-full`.

The master password is generated here (pulumi-random) and kept as a Pulumi secret, rather
than managed by RDS in Secrets Manager: the app takes one `DATABASE_URL` string, and an
RDS-managed secret would need a reader in the cluster (or an operator) to assemble it and
would rotate under the running pods. IAM authentication is on as well, for people and jobs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from components.shared.iam import assume_role_policy
from components.shared.kms import rotated_key
from components.shared.log_encryption import log_group_key
from components.shared.network_access import client_ingress
from components.shared.secrets import final_snapshot_identifier, generated_secret
from components.shared.tags import name_tag
from config.database import DATABASE_NAME, ENGINE, PORT, DatabaseSettings

# The CloudWatch log types exported: the server log. `iam-db-auth-error` is offered by only
# some Aurora PostgreSQL versions and Regions (a version's `ExportableLogTypes` in
# DescribeDBEngineVersions says which), so it is left out rather than risk a refused create.
LOG_EXPORTS = ("postgresql",)
# Clients verify the server against the RDS CA bundle (sslmode=verify-full); name the CA so
# that AWS's default changing over time does not swap it under running clients.
CA_CERTIFICATE = "rds-ca-rsa2048-g1"
# Slow statements (ms) written to the exported postgresql log.
SLOW_STATEMENT_MS = "1000"
# Enhanced Monitoring: the OS metrics of each instance, every 60 s (the longest interval, the fewest
# log events). RDS publishes them as the `monitoring.rds.amazonaws.com` principal through a role
# carrying AWS's managed policy (AWS docs: RDS User Guide, "Setting up and enabling Enhanced
# Monitoring", https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html).
MONITORING_INTERVAL_SECONDS = 60
MONITORING_PRINCIPAL = "monitoring.rds.amazonaws.com"
MONITORING_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"


def database_url(username: str, password: str, host: str, port: int, ca_bundle_path: str) -> str:
    """DATABASE_URL: verify-full checks the server's certificate and name against the RDS CA,
    which is not in the OS trust store, so the URL names the bundle the image must carry."""
    credentials = f"{quote(username, safe='')}:{quote(password, safe='')}"
    return f"postgresql://{credentials}@{host}:{port}/{DATABASE_NAME}?sslmode=verify-full&sslrootcert={ca_bundle_path}"


@dataclass
class DatabaseArgs:
    settings: DatabaseSettings
    vpc_id: pulumi.Input[str]
    private_subnet_ids: Sequence[pulumi.Input[str]]
    # The EKS cluster security group: every node and pod carries it, nothing else does.
    client_security_group_id: pulumi.Input[str]
    # Instances go round these zones, so the writer and its failover reader never share one.
    availability_zones: Sequence[str]


class Database(pulumi.ComponentResource):
    cluster: aws.rds.Cluster
    instances: list[aws.rds.ClusterInstance]
    writer_endpoint: pulumi.Output[str]
    reader_endpoint: pulumi.Output[str]
    port: pulumi.Output[int]
    cluster_identifier: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    database_url: pulumi.Output[str]

    def __init__(self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:data:Database", name, None, opts)
        settings = args.settings
        if not args.availability_zones:
            raise ValueError("the database needs the availability zones of its subnets")

        key = rotated_key(
            f"{name}-storage",
            f"{settings.identifier}-db",
            f"Aurora storage and Performance Insights of {settings.identifier}",
            self,
            protect=True,
        )
        security_group = self._security_group(name, args)
        subnets = aws.rds.SubnetGroup(
            f"{name}-subnets",
            subnet_ids=list(args.private_subnet_ids),
            description=f"Private subnets of {settings.identifier}",
            opts=pulumi.ResourceOptions(parent=self),
        )
        cluster_parameters, instance_parameters = self._parameter_groups(name, settings)
        log_groups = self._log_groups(name, settings)
        password = generated_secret(f"{name}-master-password", self)
        self.cluster = self._cluster(
            name,
            settings,
            password=password,
            key=key,
            security_group=security_group,
            subnets=subnets,
            cluster_parameters=cluster_parameters,
            instance_parameters=instance_parameters,
            log_groups=log_groups,
        )
        self.instances = self._instances(name, args, key, subnets, instance_parameters)
        self._replica_scaling(name, settings)

        self.writer_endpoint = self.cluster.endpoint
        self.reader_endpoint = self.cluster.reader_endpoint
        self.port = self.cluster.port
        self.cluster_identifier = self.cluster.cluster_identifier
        self.security_group_id = security_group.id
        self.database_url = pulumi.Output.secret(
            pulumi.Output.all(password.result, self.cluster.endpoint, self.cluster.port).apply(
                lambda parts: database_url(settings.master_username, parts[0], parts[1], int(parts[2]), settings.ca_bundle_path)
            )
        )
        self.register_outputs(
            {
                "writerEndpoint": self.writer_endpoint,
                "readerEndpoint": self.reader_endpoint,
                "port": self.port,
                "clusterIdentifier": self.cluster_identifier,
                "securityGroupId": self.security_group_id,
                "databaseUrl": self.database_url,
            }
        )

    def _security_group(self, name: str, args: DatabaseArgs) -> aws.ec2.SecurityGroup:
        """PostgreSQL's port from the Kubernetes cluster, and nothing else."""
        identifier = args.settings.identifier
        security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description=f"Aurora PostgreSQL {identifier}: {PORT} from the Kubernetes cluster only",
            tags=name_tag(f"{identifier}-db"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        client_ingress(f"{name}-from-cluster", security_group, args.client_security_group_id, PORT, "PostgreSQL", self)
        return security_group

    def _parameter_groups(self, name: str, settings: DatabaseSettings) -> tuple[aws.rds.ClusterParameterGroup, aws.rds.ParameterGroup]:
        """The cluster's group forces TLS 1.3 and logs slow statements; the instances' group is the family's defaults.

        Parameter groups are not protected: AWS refuses to delete one that a cluster uses, and a
        major upgrade replaces them (new family), which `protect` would block.
        """
        child = pulumi.ResourceOptions(parent=self)
        cluster_parameters = aws.rds.ClusterParameterGroup(
            f"{name}-cluster-params",
            family=settings.parameter_group_family,
            description=f"{settings.identifier}: TLS 1.3 only, slow statements logged",
            parameters=[
                # pending-reboot is accepted for static and dynamic parameters alike; both are in
                # force from creation, since the cluster starts with this group.
                aws.rds.ClusterParameterGroupParameterArgs(name="rds.force_ssl", value="1", apply_method="pending-reboot"),
                aws.rds.ClusterParameterGroupParameterArgs(name="ssl_min_protocol_version", value="TLSv1.3", apply_method="pending-reboot"),
                aws.rds.ClusterParameterGroupParameterArgs(
                    name="log_min_duration_statement", value=SLOW_STATEMENT_MS, apply_method="pending-reboot"
                ),
                # Every schema change (CREATE, ALTER, DROP) in the log: an audit trail of a few lines a day.
                aws.rds.ClusterParameterGroupParameterArgs(name="log_statement", value="ddl", apply_method="pending-reboot"),
            ],
            opts=child,
        )
        # Instances need a group of the same family; naming it on the cluster too lets a major
        # upgrade move cluster and instances to the new family in one step.
        instance_parameters = aws.rds.ParameterGroup(
            f"{name}-instance-params",
            family=settings.parameter_group_family,
            description=f"{settings.identifier}: instance parameters",
            opts=child,
        )
        return cluster_parameters, instance_parameters

    def _log_groups(self, name: str, settings: DatabaseSettings) -> list[aws.cloudwatch.LogGroup]:
        """RDS writes the exported logs here; creating them first gives them a retention instead of "never expire"."""
        logs_key = log_group_key(f"{name}-logs", f"Encrypts the {settings.identifier} logs", pulumi.ResourceOptions(parent=self))
        return [
            aws.cloudwatch.LogGroup(
                f"{name}-{log_type}",
                name=f"/aws/rds/cluster/{settings.identifier}/{log_type}",
                retention_in_days=settings.log_retention_days,
                kms_key_id=logs_key,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for log_type in LOG_EXPORTS
        ]

    def _cluster(
        self,
        name: str,
        settings: DatabaseSettings,
        *,
        password: random.RandomPassword,
        key: aws.kms.Key,
        security_group: aws.ec2.SecurityGroup,
        subnets: aws.rds.SubnetGroup,
        cluster_parameters: aws.rds.ClusterParameterGroup,
        instance_parameters: aws.rds.ParameterGroup,
        log_groups: Sequence[aws.cloudwatch.LogGroup],
    ) -> aws.rds.Cluster:
        return aws.rds.Cluster(
            f"{name}-cluster",
            cluster_identifier=settings.identifier,
            engine=ENGINE,
            engine_mode="provisioned",
            # A major.minor pin with automatic minor upgrades off (see config/database.py): the
            # provider's update then never sends a version older than the running one.
            engine_version=settings.engine_version,
            auto_minor_version_upgrade=settings.auto_minor_version_upgrade,
            allow_major_version_upgrade=settings.allow_major_version_upgrade,
            # Only when set: an explicit false would differ from the state of a stack that never set it.
            apply_immediately=settings.apply_immediately or None,
            database_name=DATABASE_NAME,
            master_username=settings.master_username,
            master_password=password.result,
            port=PORT,
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=[security_group.id],
            db_cluster_parameter_group_name=cluster_parameters.name,
            db_instance_parameter_group_name=instance_parameters.name,
            storage_encrypted=True,
            kms_key_id=key.arn,
            iam_database_authentication_enabled=True,
            backup_retention_period=settings.backup_retention_days,
            preferred_backup_window=settings.backup_window,
            preferred_maintenance_window=settings.maintenance_window,
            copy_tags_to_snapshot=True,
            deletion_protection=True,
            skip_final_snapshot=False,
            final_snapshot_identifier=final_snapshot_identifier(f"{name}-final-snapshot", settings.identifier, self),
            # Keep automated backups after a delete: point-in-time restore stays possible.
            delete_automated_backups=False,
            enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
            tags=name_tag(settings.identifier),
            opts=pulumi.ResourceOptions(parent=self, protect=True, depends_on=list(log_groups)),
        )

    def _instances(
        self,
        name: str,
        args: DatabaseArgs,
        key: aws.kms.Key,
        subnets: aws.rds.SubnetGroup,
        instance_parameters: aws.rds.ParameterGroup,
    ) -> list[aws.rds.ClusterInstance]:
        """The writer and fixed readers, round the zones so the writer and its failover reader never share one."""
        settings = args.settings
        monitoring = self._monitoring_role(name)
        instances = []
        for index in range(settings.instances):
            zone = args.availability_zones[index % len(args.availability_zones)]
            identifier = f"{settings.identifier}-{index + 1}"
            instances.append(
                aws.rds.ClusterInstance(
                    f"{name}-instance-{index + 1}",
                    identifier=identifier,
                    cluster_identifier=self.cluster.cluster_identifier,
                    engine=aws.rds.EngineType(ENGINE),
                    # No engine_version here: instances follow the cluster, so a minor upgrade moves no input.
                    instance_class=settings.instance_class,
                    availability_zone=zone,
                    # Tier 0 for the first instance, 1 for the other fixed ones: a failover promotes a
                    # fixed reader, which sits in another zone, ahead of readers of a lower priority.
                    promotion_tier=0 if index == 0 else 1,
                    db_subnet_group_name=subnets.name,
                    db_parameter_group_name=instance_parameters.name,
                    publicly_accessible=False,
                    auto_minor_version_upgrade=settings.auto_minor_version_upgrade,
                    apply_immediately=settings.apply_immediately or None,
                    ca_cert_identifier=CA_CERTIFICATE,
                    performance_insights_enabled=True,
                    performance_insights_kms_key_id=key.arn,
                    performance_insights_retention_period=settings.performance_insights_retention_days,
                    monitoring_interval=MONITORING_INTERVAL_SECONDS,
                    monitoring_role_arn=monitoring.arn,
                    preferred_maintenance_window=settings.maintenance_window,
                    copy_tags_to_snapshot=True,
                    tags=name_tag(identifier),
                    opts=pulumi.ResourceOptions(parent=self, protect=True),
                )
            )
        return instances

    def _monitoring_role(self, name: str) -> aws.iam.Role:
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(f"{name}-monitoring", assume_role_policy=assume_role_policy(MONITORING_PRINCIPAL), opts=child)
        aws.iam.RolePolicyAttachment(f"{name}-monitoring", role=role.name, policy_arn=MONITORING_POLICY, opts=child)
        return role

    def _replica_scaling(self, name: str, settings: DatabaseSettings) -> None:
        """Aurora Auto Scaling adds readers when their average CPU passes the target, and removes only those it added."""
        child = pulumi.ResourceOptions(parent=self)
        scaling = settings.replica_scaling
        target = aws.appautoscaling.Target(
            f"{name}-readers",
            service_namespace="rds",
            scalable_dimension="rds:cluster:ReadReplicaCount",
            resource_id=self.cluster.cluster_identifier.apply(lambda identifier: f"cluster:{identifier}"),
            min_capacity=scaling.min_replicas,
            max_capacity=scaling.max_replicas,
            # Scaling starts once the fixed instances exist; before that it would race them.
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(self.instances)),
        )
        aws.appautoscaling.Policy(
            f"{name}-readers-cpu",
            policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                    predefined_metric_type="RDSReaderAverageCPUUtilization",
                ),
                target_value=scaling.target_cpu_percent,
                scale_in_cooldown=300,
                scale_out_cooldown=300,
            ),
            opts=child,
        )
