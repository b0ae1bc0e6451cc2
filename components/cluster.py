"""The Kubernetes cluster: EKS with a managed node group, or an existing cluster by kubeconfig.

Either way the rest of the stack gets the same things: a Kubernetes provider, the security
group that the nodes and pods use (for database and cache ingress rules), and the OIDC
provider that IAM roles for service accounts (IRSA) trust.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.shared.iam import assume_role_policy
from components.shared.kms import rotated_key
from components.shared.log_encryption import log_group_key
from config.cluster import ClusterSettings, NodeGroupSettings

_EKS_CLUSTER_POLICIES = ("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",)
_NODE_POLICIES = (
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    # Session Manager instead of SSH: no key pairs, no open port 22, every session logged.
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
)


@dataclass
class ClusterArgs:
    settings: ClusterSettings
    region: str
    vpc_id: pulumi.Input[str]
    private_subnet_ids: Sequence[pulumi.Input[str]]
    # Tags for what the node group launches: provider default tags stop at the launch template.
    instance_tags: dict[str, str]
    # An existing cluster's kubeconfig; None for a cluster the stack creates (config.needs_kubeconfig holds the rule).
    kubeconfig: pulumi.Output[str] | None = None


class Cluster(pulumi.ComponentResource):
    name: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    oidc_provider_arn: pulumi.Output[str]
    oidc_issuer_url: pulumi.Output[str]
    kubeconfig: pulumi.Output[str]
    provider: k8s.Provider
    eks_cluster: aws.eks.Cluster | None = None
    node_group: aws.eks.NodeGroup | None = None
    vpc_cni: aws.eks.Addon | None = None
    metrics_server: aws.eks.Addon | None = None

    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:cluster:Cluster", name, None, opts)
        settings = args.settings
        if settings.existing is not None:
            self.name = pulumi.Output.from_input(settings.existing.name)
            self.security_group_id = pulumi.Output.from_input(settings.existing.security_group_id)
            self.oidc_provider_arn = pulumi.Output.from_input(settings.existing.oidc_provider_arn)
            self.oidc_issuer_url = pulumi.Output.from_input(settings.existing.oidc_issuer_url)
            self.kubeconfig = pulumi.Output.secret(cast("pulumi.Output[str]", args.kubeconfig))
        else:
            assert settings.node_group is not None
            self._create(name, args, settings, settings.node_group)
        self.provider = k8s.Provider(
            f"{name}-k8s",
            kubeconfig=self.kubeconfig,
            # Fail the deployment rather than skip objects whose schema the cluster lacks.
            enable_server_side_apply=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"clusterName": self.name, "oidcProviderArn": self.oidc_provider_arn})

    def _create(self, name: str, args: ClusterArgs, settings: ClusterSettings, nodes: NodeGroupSettings) -> None:
        cluster = self._control_plane(name, args, settings)
        self.eks_cluster = cluster
        self.name = cluster.name
        self.security_group_id = cluster.vpc_config.cluster_security_group_id.apply(_required("clusterSecurityGroupId"))
        self.oidc_issuer_url = cluster.identities.apply(_oidc_issuer)
        oidc = aws.iam.OpenIdConnectProvider(
            f"{name}-oidc", url=self.oidc_issuer_url, client_id_lists=["sts.amazonaws.com"], opts=pulumi.ResourceOptions(parent=self)
        )
        self.oidc_provider_arn = oidc.arn
        self.kubeconfig = pulumi.Output.secret(
            pulumi.Output.all(cluster.name, cluster.endpoint, cluster.certificate_authority.data).apply(
                lambda parts: _kubeconfig(parts[0], parts[1], parts[2], args.region)
            )
        )
        self.node_group = self._node_group(name, args, cluster, nodes)
        self._addons(name, cluster, self.node_group)

    def _control_plane(self, name: str, args: ClusterArgs, settings: ClusterSettings) -> aws.eks.Cluster:
        """EKS with envelope-encrypted secrets, control-plane logs kept for the configured days, access entries."""
        child = pulumi.ResourceOptions(parent=self)
        secrets_key = rotated_key(
            f"{name}-secrets", f"{settings.name}-k8s-secrets", f"Envelope encryption of Kubernetes secrets in {settings.name}", self
        )
        cluster_role = aws.iam.Role(f"{name}-cluster", assume_role_policy=assume_role_policy("eks.amazonaws.com"), opts=child)
        cluster_attachments = [
            aws.iam.RolePolicyAttachment(f"{name}-cluster-{arn.rsplit('/', 1)[1]}", role=cluster_role.name, policy_arn=arn, opts=child)
            for arn in _EKS_CLUSTER_POLICIES
        ]
        # EKS writes to this exact name; creating it first gives it a retention instead of "never expire".
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-control-plane",
            name=f"/aws/eks/{settings.name}/cluster",
            retention_in_days=settings.log_retention_days,
            kms_key_id=log_group_key(f"{name}-logs", f"Encrypts the {settings.name} control-plane logs", child),
            opts=child,
        )
        return aws.eks.Cluster(
            f"{name}-eks",
            name=settings.name,
            version=settings.version,
            role_arn=cluster_role.arn,
            vpc_config=aws.eks.ClusterVpcConfigArgs(
                subnet_ids=list(args.private_subnet_ids),
                endpoint_private_access=True,
                endpoint_public_access=settings.endpoint_public_access,
                public_access_cidrs=settings.public_access_cidrs or None,
            ),
            encryption_config=aws.eks.ClusterEncryptionConfigArgs(
                provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=secrets_key.arn),
                resources=["secrets"],
            ),
            enabled_cluster_log_types=settings.log_types,
            access_config=aws.eks.ClusterAccessConfigArgs(
                authentication_mode="API",  # access entries, not the aws-auth ConfigMap
                bootstrap_cluster_creator_admin_permissions=True,
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[log_group, *cluster_attachments]),
        )

    def _addons(self, name: str, cluster: aws.eks.Cluster, node_group: aws.eks.NodeGroup) -> None:
        # The app's NetworkPolicy is only enforced when the VPC CNI runs its network-policy agent;
        # EKS installs the CNI without it, so take the add-on over and switch it on.
        self.vpc_cni = aws.eks.Addon(
            f"{name}-vpc-cni",
            cluster_name=cluster.name,
            addon_name="vpc-cni",
            configuration_values=json.dumps({"enableNetworkPolicy": "true"}),
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            opts=pulumi.ResourceOptions(parent=self),
        )
        # The app's autoscalers read pod CPU and memory from the metrics API, which EKS does not
        # serve by itself. The add-on's pods need nodes to run on.
        self.metrics_server = aws.eks.Addon(
            f"{name}-metrics-server",
            cluster_name=cluster.name,
            addon_name="metrics-server",
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[node_group]),
        )

    def _node_group(self, name: str, args: ClusterArgs, cluster: aws.eks.Cluster, nodes: NodeGroupSettings) -> aws.eks.NodeGroup:
        child = pulumi.ResourceOptions(parent=self)
        node_role = aws.iam.Role(f"{name}-nodes", assume_role_policy=assume_role_policy("ec2.amazonaws.com"), opts=child)
        attachments = [
            aws.iam.RolePolicyAttachment(f"{name}-nodes-{arn.rsplit('/', 1)[1]}", role=node_role.name, policy_arn=arn, opts=child)
            for arn in _NODE_POLICIES
        ]
        template = aws.ec2.LaunchTemplate(
            f"{name}-nodes",
            description="EKS nodes: encrypted gp3 root volume, IMDSv2 only",
            block_device_mappings=[
                aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                    device_name="/dev/xvda",
                    ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                        volume_size=nodes.disk_size_gib,
                        volume_type="gp3",
                        iops=3000,
                        throughput=125,
                        encrypted="true",
                        delete_on_termination="true",
                    ),
                )
            ],
            metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled",
                http_tokens="required",
                # One hop: pods cannot borrow the node's role; they get their own through IRSA.
                http_put_response_hop_limit=1,
            ),
            tag_specifications=[
                aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, tags=args.instance_tags)
                for kind in ("instance", "volume", "network-interface")
            ],
            update_default_version=True,
            opts=child,
        )
        return aws.eks.NodeGroup(
            f"{name}-nodes",
            cluster_name=cluster.name,
            node_role_arn=node_role.arn,
            subnet_ids=list(args.private_subnet_ids),
            instance_types=nodes.instance_types,
            ami_type=nodes.ami_type,
            capacity_type=nodes.capacity_type,
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                min_size=nodes.min_size, desired_size=nodes.desired_size, max_size=nodes.max_size
            ),
            update_config=aws.eks.NodeGroupUpdateConfigArgs(max_unavailable=1),
            launch_template=aws.eks.NodeGroupLaunchTemplateArgs(id=template.id, version=template.latest_version.apply(str)),
            labels=nodes.labels,
            opts=pulumi.ResourceOptions(parent=self, depends_on=attachments),
        )


def _required(what: str) -> Callable[[str | None], str]:
    def check(value: str | None) -> str:
        if not value:
            raise ValueError(f"EKS returned no {what}")
        return value

    return check


def _oidc_issuer(identities: Sequence[aws.eks.outputs.ClusterIdentity] | None) -> str:
    oidcs = identities[0].oidcs if identities else None
    return _required("OIDC issuer")(oidcs[0].issuer if oidcs else None)


def _kubeconfig(cluster_name: str, endpoint: str, ca_data: str, region: str) -> str:
    """A kubeconfig that asks `aws eks get-token` for short-lived credentials: nothing long-lived is stored."""
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": cluster_name, "cluster": {"server": endpoint, "certificate-authority-data": ca_data}}],
            "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": cluster_name}}],
            "current-context": cluster_name,
            "users": [
                {
                    "name": cluster_name,
                    "user": {
                        "exec": {
                            "apiVersion": "client.authentication.k8s.io/v1beta1",
                            "command": "aws",
                            "args": ["eks", "get-token", "--cluster-name", cluster_name, "--region", region, "--output", "json"],
                        }
                    },
                }
            ],
        }
    )
