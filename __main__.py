"""email-platform: read the typed stack config, compose the components, export the outputs.

Nothing else happens here: settings live in config/, resources in components/.
"""

from collections.abc import Mapping, Sequence

import pulumi

from components.app import App, AppArgs, AppCluster, AppSecrets, AppTraffic
from components.backup import Backup, BackupArgs
from components.cdn import Cdn, CdnArgs
from components.certificates import Certificates, CertificatesArgs
from components.cluster import Cluster, ClusterArgs
from components.cluster.state_readers import ChartLookupReaders, ChartLookupReadersArgs, StateReaders, StateReadersArgs
from components.cost_estimate import CostCollector
from components.database import Database, DatabaseArgs
from components.edge_firewall import EdgeFirewall, EdgeFirewallArgs
from components.integrations import Integrations, IntegrationsArgs
from components.load_balancer import LoadBalancer, LoadBalancerArgs
from components.monitoring import ContainerWatch, Monitoring, MonitoringArgs
from components.network import Network, NetworkArgs
from components.observability import ADDON as CONTAINER_INSIGHTS_ADDON
from components.observability import ContainerInsights, ContainerInsightsArgs
from components.redis import Redis, RedisArgs
from components.registry import Registry, RegistryArgs
from components.shared.tags import RegionalProviders
from components.traffic_split import TrafficSplit, TrafficSplitArgs
from config import load_stack_config

stack = load_stack_config()  # raises ConfigError (one line, no traceback) before anything registers
basics = stack.basics
cost = CostCollector(pulumi.get_stack())
cost.register()  # before the first resource: it prices every one

# One AWS provider per region, each built once and handed to every component that needs that
# region (two providers of one name would stop the whole preview: see RegionalProviders).
providers = RegionalProviders(basics.region, basics.default_tags)
aws_only = pulumi.ResourceOptions(providers={"aws": providers.stack})
# CloudFront's certificate, web ACL, logs and metrics live in us-east-1 whatever the stack's region.
aws_us_east_1 = providers.get("us-east-1")

network = Network("network", NetworkArgs(stack.network, cluster_name=stack.cluster.name), opts=aws_only)
cluster = Cluster(
    "cluster",
    ClusterArgs(
        stack.cluster,
        region=basics.region,
        vpc_id=network.vpc_id,
        private_subnet_ids=network.private_subnet_ids,
        instance_tags=basics.default_tags,
        kubeconfig=stack.secrets.kubeconfig,
    ),
    opts=aws_only,
)

# ── data tier ──

# Both admit only the EKS cluster security group, which every node and pod carries.
database = Database(
    "database",
    DatabaseArgs(
        stack.database,
        vpc_id=network.vpc_id,
        private_subnet_ids=network.private_subnet_ids,
        client_security_group_id=cluster.security_group_id,
        availability_zones=stack.network.availability_zones,
    ),
    opts=aws_only,
)
redis = Redis(
    "redis",
    RedisArgs(
        stack.redis,
        vpc_id=network.vpc_id,
        private_subnet_ids=network.private_subnet_ids,
        client_security_group_id=cluster.security_group_id,
    ),
    opts=aws_only,
)

# ── edge: certificates, internal load balancer, the CDN in front (the one public entry), its WAF ──

certificates = Certificates(
    "certificates",
    CertificatesArgs(stack.edge, cdn_domain=stack.cdn.static_domain, us_east_1=aws_us_east_1),
    opts=aws_only,
)
load_balancer = LoadBalancer(
    "lb",
    LoadBalancerArgs(
        stack.edge,
        vpc_id=network.vpc_id,
        private_subnet_ids=network.private_subnet_ids,
        node_security_group_id=cluster.security_group_id,
        certificate_arn=certificates.certificate_arn,
        hosted_zone_id=certificates.hosted_zone_id,
        # The target groups check the pods on the same endpoint as the pods' own probes.
        health_check_path=stack.app.health_check_endpoint,
    ),
    opts=aws_only,
)
firewall = (
    EdgeFirewall("edge", EdgeFirewallArgs(stack.edge, us_east_1=aws_us_east_1, api_paths=stack.cdn.api_paths), opts=aws_only)
    if stack.edge.waf.enabled
    else None
)
cdn = Cdn(
    "cdn",
    CdnArgs(
        stack.cdn,
        domain=basics.domain,
        origin_host=stack.edge.origin_host,
        vpc_origin_id=load_balancer.vpc_origin_id,
        certificate_arn=certificates.cdn_certificate_arn,
        hosted_zone_id=certificates.hosted_zone_id,
        hsts_max_age_seconds=stack.edge.hsts_max_age_seconds,
        us_east_1=aws_us_east_1,
        web_acl_arn=firewall.web_acl_arn if firewall is not None else None,
        health_check_path=stack.app.health_check_endpoint,
        # The domain's A record once pointed at the load balancer (as `lb-alias`): now at CloudFront.
        record_aliases={
            "cdn-api-alias-a": [
                f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::email:edge:LoadBalancer$aws:route53/record:Record::lb-alias"
            ]
        },
    ),
    opts=aws_only,
)

# The load balancer admits CloudFront's VPC-origin security group, which may exist only once the
# distribution is deployed: so the rule (and its lookup) come after the CDN.
load_balancer.admit_cloudfront(cdn.distribution)

# ── app on Kubernetes, and the traffic step ──


def traffic_step(ready: Mapping[str, Sequence[pulumi.Resource]]) -> pulumi.Resource:
    """The listener rule waits for every colour that gets traffic (its binding, its rollout with
    readiness gates, its replicas); the App builds it between its running and its parked colours,
    so a parked colour scales to 0 only after the rule has taken its weight away. Rolling back is
    moving the weights back in stack config; only this rule changes."""
    traffic = TrafficSplit(
        "traffic",
        TrafficSplitArgs(
            listener_arn=load_balancer.https_listener.arn,
            target_group_arns={colour: group.arn for colour, group in load_balancer.target_groups.items()},
            weights=stack.app.weights,
            ready=[resource for colour, weight in stack.app.weights.items() if weight > 0 for resource in ready[colour]],
            host=stack.edge.origin_host,  # the Host CloudFront sends the load balancer
        ),
        opts=aws_only,
    )
    return traffic.rule


app = App(
    "app",
    AppArgs(
        stack.app,
        environment=basics.environment,
        domain=basics.domain,
        cluster=AppCluster(
            k8s_provider=cluster.provider,
            name=cluster.name,
            region=basics.region,
            vpc_id=network.vpc_id,
            vpc_cidr=network.vpc_cidr,
            ready=cluster.workload_ready,
            emf_agent=stack.delivery_measured,
        ),
        secrets=AppSecrets(
            email_api_key=stack.secrets.email_api_key,
            database_url=database.database_url,
            redis_url=redis.redis_url,
            tls_cert_pem=certificates.server_cert_pem,
            tls_key_pem=certificates.server_private_key_pem,
            jwt_secret=stack.secrets.jwt_secret,
            encryption_key=stack.secrets.encryption_key,
            registry_credentials=stack.secrets.registry_credentials,
        ),
        traffic=AppTraffic(
            target_group_arns={colour: group.arn for colour, group in load_balancer.target_groups.items()},
            deregistration_delay_seconds=stack.edge.target_group.deregistration_delay_seconds,
            target_group_scope=list(load_balancer.target_group_arn_patterns.values()),
            target_group_owner_tag=load_balancer.target_group_owner_tag,
            step=traffic_step,
            colour_route=load_balancer.route_colour,
        ),
    ),
    opts=aws_only,
)
# The drift job's refresh reads the stack's Kubernetes objects the view policy leaves out: bound
# where they live (the app's namespace, and kube-system for the charts).
if cluster.refresh_group is not None:
    StateReaders(
        "state-readers",
        StateReadersArgs(
            group=cluster.refresh_group,
            namespaces={"app": app.namespace.metadata.name, "kube-system": "kube-system"},
            k8s_provider=cluster.provider,
        ),
        opts=aws_only,
    )

# The preview renders the charts, whose templates read some Secrets back (Helm lookup): the preview
# role may get exactly those.
if cluster.chart_lookup_group is not None:
    ChartLookupReaders(
        "chart-lookup-readers",
        ChartLookupReadersArgs(group=cluster.chart_lookup_group, secrets=app.controller.render_lookups, k8s_provider=cluster.provider),
        opts=aws_only,
    )

# ── operations: alarms, dashboard, budget ──
# Every alarm's dimensions come from the resources it watches, never from typed-in names.
monitoring = Monitoring(
    "monitoring",
    MonitoringArgs(
        stack.monitoring,
        slo=stack.slo,
        environment=basics.environment,
        region=basics.region,
        domain=basics.domain,
        health_check_path=stack.app.health_check_endpoint,
        us_east_1_provider=aws_us_east_1,
        canary_providers={region: providers.get(region) for region in stack.monitoring.canaries.regions if region != basics.region},
        alb_arn_suffix=load_balancer.arn_suffix,
        target_group_arn_suffixes=load_balancer.target_group_arn_suffixes,
        db_cluster_identifier=database.cluster_identifier,
        db_instance_identifiers=[instance.identifier for instance in database.instances],
        redis_replication_group_id=redis.replication_group_id,
        redis_member_clusters=redis.member_clusters,
        redis_node_count=stack.redis.nodes,
        cdn_distribution_id=cdn.distribution_id,
        containers=ContainerWatch(
            cluster_name=cluster.name,
            namespace=app.namespace.metadata.name,
            workloads={colour: made.deployment.metadata.name for colour, made in app.colours.items()},
            restarts=stack.observability.container_restarts,
            cpu_over_limit_percent=stack.observability.cpu_over_limit_percent,
        )
        if stack.observability.enabled and cluster.eks_cluster is not None
        else None,
        delivery_measured=stack.delivery_measured,
    ),
    opts=aws_only,
)

# ── integrations: deployment events for other teams, feature flags gated on customer health ──
integrations = Integrations(
    "integrations",
    IntegrationsArgs(
        stack.integrations,
        environment=basics.environment,
        alarm_topic_arn=monitoring.topic_arn,
        rollback_alarm_arns=monitoring.slos.regional_fast_burn_arns,
        alarm_topic_ready=monitoring.topic_ready,
        app_role_name=app.role_name,
    ),
    opts=aws_only,
)
pulumi.export("deploymentBusName", integrations.bus.name)  # the deploy workflow publishes here
pulumi.export("serviceDegradedAlarmName", monitoring.service_degraded.alarm_name)
# What the release gate checks before it moves traffic (.github/scripts/release.py, docs/releases.md):
# each colour's target group and configured replicas, and each SLO's burn alarms and budget queries.
pulumi.export(
    "releaseGate",
    {
        "region": basics.region,
        "targetGroupArns": {colour: group.arn for colour, group in load_balancer.target_groups.items()},
        "replicas": {colour: settings.replicas for colour, settings in stack.app.colours.items()},
        "slos": monitoring.slos.gate,
    },
)
pulumi.export("releasePipelinePolicyArn", integrations.pipeline_policy.arn)  # attach to the deploy workflow's role
pulumi.export(
    "featureFlags",
    {
        "applicationId": integrations.flags_application_id,
        "environmentId": integrations.flags_environment_id,
        "profileId": integrations.flags_profile_id,
        "strategyId": integrations.flags_strategy_id,
    },
)
# ── container logs and metrics: the CloudWatch observability add-on (a cluster the stack creates) ──
if stack.observability.enabled and cluster.eks_cluster is not None:
    ContainerInsights(
        "container-insights",
        ContainerInsightsArgs(
            stack.observability,
            cluster_name=cluster.name,
            addon_version=stack.cluster.addon_versions[CONTAINER_INSIGHTS_ADDON],
            pod_identity_agent=cluster.addons["eks-pod-identity-agent"],
            nodes=[cluster.node_group] if cluster.node_group is not None else [],
        ),
        opts=aws_only,
    )

# ── backups: AWS Backup of Aurora, copied to a second region; failed jobs reach the alarm topic ──
# The copy region's provider is that region's one provider (a canary there uses it too).
copy_provider = providers.get(stack.backup.copy_region) if stack.backup.copy_region else None
backup = Backup(
    "backup",
    BackupArgs(
        stack.backup,
        prefix=basics.name_prefix,
        database_cluster_arn=database.cluster.arn,
        alarm_topic_arn=monitoring.topic_arn,  # failed backup, copy and restore jobs
        alarm_topic_ready=monitoring.topic_ready,
        copy_provider=copy_provider,
    ),
    opts=aws_only,
)

# ── release: the app image's registry, scanned; CRITICAL findings reach the alarm topic ──
registry = (
    Registry(
        "registry",
        RegistryArgs(stack.registry, alarm_topic_arn=monitoring.topic_arn, alarm_topic_ready=monitoring.topic_ready),
        opts=aws_only,
    )
    if stack.registry.enabled
    else None
)

# ── outputs ──
pulumi.export("environment", basics.environment)
pulumi.export("vpcId", network.vpc_id)
pulumi.export("privateSubnetIds", network.private_subnet_ids)
pulumi.export("publicSubnetIds", network.public_subnet_ids)
pulumi.export("clusterName", cluster.name)
# The NodePool's CPU limit: the most vCPU Karpenter may add above the node group (the cost ceiling).
pulumi.export("nodePoolCpuLimit", stack.cluster.node_pool.cpu_limit if stack.cluster.node_pool else None)
pulumi.export("kubeconfig", cluster.kubeconfig)
pulumi.export("databaseUrl", pulumi.Output.secret(database.database_url))  # DATABASE_URL, secret end to end
pulumi.export("databaseWriterEndpoint", database.writer_endpoint)
pulumi.export("databaseReaderEndpoint", database.reader_endpoint)
pulumi.export("redisUrl", pulumi.Output.secret(redis.redis_url))  # REDIS_URL, secret end to end
pulumi.export("redisConfigurationEndpoint", redis.configuration_endpoint)
pulumi.export("albDnsName", load_balancer.dns_name)
pulumi.export("cdnDomainName", cdn.domain_name)
pulumi.export("cdnDistributionId", cdn.distribution_id)
pulumi.export("staticAssetsBucket", cdn.bucket.bucket)
pulumi.export("apiCertificatePins", certificates.api_certificate_pins)  # pin-sha256 of the API key and its backup
pulumi.export("internalCaCertPem", certificates.internal_ca_cert_pem)
pulumi.export("healthUrl", f"https://{basics.domain}{stack.app.health_check_endpoint}")  # the deploy workflow checks it
pulumi.export("appWeights", stack.app.weights)
pulumi.export("alarmTopicArn", monitoring.topic_arn)
pulumi.export("dashboardUrl", monitoring.dashboard_url)
pulumi.export("backupVaultArn", backup.vault.arn)
pulumi.export("backupCopyVaultArn", backup.copy_vault.arn if backup.copy_vault else None)
pulumi.export("imageRepositoryUrl", registry.repository_url if registry else None)  # push here, deploy by digest
pulumi.export("costEstimate", cost.estimate(basics.region, stack.cost_usage.by_type, stack.cost_commitments.percents))
