"""The Kubernetes cluster: EKS with a managed node group, or an existing cluster by kubeconfig.

Either way the rest of the stack gets the same things: a Kubernetes provider, the security
group that the nodes and pods use (for database and cache ingress rules), and what
Kubernetes workloads must wait for (nodes and add-ons). Pods get AWS roles by EKS Pod
Identity, so no OIDC provider is made.

A created cluster is reachable on day two, not only by whoever created it: access is by EKS
access entries from `cluster.access` and the `ci` roles (the creator gets no admin). The
Kubernetes provider authenticates as whoever runs pulumi — the CI job's own role, a person's
own role — each with an entry of its own (`aws eks get-token` without `--role-arn`); nothing has
to assume another role, or itself, unless `cluster.kubernetesRole` asks for it.

What each CI identity needs from the Kubernetes API:
- deploy (`pulumi up`): cluster admin — it creates CRDs, RBAC, webhooks.
- preview (`pulumi preview`): `AmazonEKSViewPolicy`. With server-side apply the provider
  previews a change as a dry-run request (pulumi-kubernetes `provider/pkg/await/await.go`:
  `options.DryRun = []string{metav1.DryRunAll}`), and "Authorization for dry-run and non-dry-run
  requests is identical … to make a dry-run request, you must be authorized to make the
  non-dry-run request" (Kubernetes API concepts, "Dry-run authorization"): a server-computed
  preview would need write rights. A pull request's identity gets none; the provider answers a
  refused dry run with the program's inputs instead (`provider.go`, `Create`/`Update`: `if
  req.GetPreview() && apierrors.IsForbidden(awaitErr)` → the inputs), so the preview still runs.
  It does render the charts, with Helm's `lookup` live (`helm/v4/chart.go`), and the LB
  controller's chart reads its webhook's TLS Secret back: the preview role's entry carries a group
  bound to `get` on exactly that Secret (state_readers.py, `ChartLookupReaders`), since a refused
  lookup fails the whole preview.
- drift (`pulumi refresh`): the view policy plus `get` on the stack's kinds it leaves out
  (components/cluster/state_readers.py).

The managed node group is the floor the guide asks for and runs Karpenter, which adds nodes
above it (components/cluster/karpenter.py); the group ignores drift of its desired size, which
the autoscaling of its ASG may move.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.cluster.addons import managed_addons
from components.cluster.karpenter import Karpenter, KarpenterArgs
from components.shared.iam import NODE_POLICIES, assume_role_policy
from components.shared.kms import rotated_key
from components.shared.log_encryption import log_group_key
from config.cluster import ClusterSettings, NodeGroupSettings
from config.cluster_access import ClusterAccess

_EKS_CLUSTER_POLICIES = ("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",)
# On the system node group's nodes; Karpenter's controller is kept there (never on nodes it manages).
SYSTEM_NODE_LABEL = ("email-platform/node-role", "system")


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
    kubeconfig: pulumi.Output[str]
    provider: k8s.Provider
    # What the provider authenticates with (a secret): `aws eks get-token`, as the caller unless `cluster.kubernetesRole`.
    provider_kubeconfig: pulumi.Output[str]
    # What Kubernetes workloads (charts, the app) wait for: nodes to run on and the add-ons.
    workload_ready: list[pulumi.Resource]
    eks_cluster: aws.eks.Cluster | None = None
    node_group: aws.eks.NodeGroup | None = None
    addons: dict[str, aws.eks.Addon]
    access_entries: dict[str, aws.eks.AccessEntry]
    # Each entry and its policy associations: what the Kubernetes provider waits for.
    access_grants: list[pulumi.Resource]
    karpenter: Karpenter | None = None
    # The Kubernetes group of the drift role's entry (None without a drift role): components/cluster/state_readers.py binds it.
    refresh_group: str | None = None
    # The group the preview role's entry carries: bound to the charts' render-time lookups (None: no preview role).
    chart_lookup_group: str | None = None

    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:cluster:Cluster", name, None, opts)
        settings = args.settings
        self.addons = {}
        self.access_entries = {}
        self.access_grants = []
        self.workload_ready = []
        provider_kubeconfig: pulumi.Output[str]
        if settings.existing is not None:
            self.name = pulumi.Output.from_input(settings.existing.name)
            self.security_group_id = pulumi.Output.from_input(settings.existing.security_group_id)
            self.kubeconfig = pulumi.Output.secret(cast("pulumi.Output[str]", args.kubeconfig))
            provider_kubeconfig = self.kubeconfig
        else:
            assert settings.node_group is not None
            provider_kubeconfig = self._create(name, args, settings, settings.node_group)
        self.provider_kubeconfig = provider_kubeconfig
        self.provider = k8s.Provider(
            f"{name}-k8s",
            kubeconfig=provider_kubeconfig,
            # Fail the deployment rather than skip objects whose schema the cluster lacks.
            enable_server_side_apply=True,
            # Every entry and policy (the deploying identity's among them) exists before the provider's first call.
            opts=pulumi.ResourceOptions(parent=self, depends_on=self.access_grants),
        )
        if settings.node_pool is not None and self.eks_cluster is not None:
            self.karpenter = Karpenter(
                f"{name}-karpenter",
                KarpenterArgs(
                    settings=settings.node_pool,
                    cluster=self.eks_cluster,
                    region=args.region,
                    disk_size_gib=settings.node_group.disk_size_gib if settings.node_group else 100,
                    instance_tags=args.instance_tags,
                    system_node_label=SYSTEM_NODE_LABEL,
                    k8s_provider=self.provider,
                    depends_on=self.workload_ready,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs(
            {
                "name": self.name,
                "securityGroupId": self.security_group_id,
                "kubeconfig": self.kubeconfig,
                "providerKubeconfig": self.provider_kubeconfig,
            }
        )

    def _create(self, name: str, args: ClusterArgs, settings: ClusterSettings, nodes: NodeGroupSettings) -> pulumi.Output[str]:
        """The cluster, its access entries, nodes and add-ons; returns the provider's kubeconfig."""
        cluster = self._control_plane(name, args, settings)
        self.eks_cluster = cluster
        self.name = cluster.name
        self.security_group_id = cluster.vpc_config.cluster_security_group_id.apply(_required("clusterSecurityGroupId"))
        self.access_entries = self._access(name, cluster, settings.access)
        self.refresh_group = settings.access.refresh_group
        self.chart_lookup_group = settings.access.chart_lookup_group
        parts = pulumi.Output.all(cluster.name, cluster.endpoint, cluster.certificate_authority.data)
        self.kubeconfig = pulumi.Output.secret(parts.apply(lambda p: _kubeconfig(p[0], p[1], p[2], args.region)))
        role = settings.kubernetes_role
        self.node_group = self._node_group(name, args, cluster, nodes)
        self.addons = managed_addons(name, cluster, settings.addon_versions, self.node_group, self)
        self.workload_ready = [self.node_group, *self.addons.values()]
        return pulumi.Output.secret(parts.apply(lambda p: _kubeconfig(p[0], p[1], p[2], args.region, role)))

    def _access(self, name: str, cluster: aws.eks.Cluster, access: ClusterAccess) -> dict[str, aws.eks.AccessEntry]:
        """An access entry per role (with its Kubernetes groups) and one policy association per grant.

        The entry's name comes from the role's name alone, so a role moving between `cluster.access`
        and the `ci` section keeps its entry (EKS allows one entry per principal: a second would fail)."""
        entries: dict[str, aws.eks.AccessEntry] = {}
        for spec in access.entries:
            entry = aws.eks.AccessEntry(
                f"{name}-access-{spec.label}",
                cluster_name=cluster.name,
                principal_arn=spec.role_arn,
                type="STANDARD",
                kubernetes_groups=list(spec.kubernetes_groups) or None,
                opts=pulumi.ResourceOptions(parent=self),
            )
            entries[spec.role_arn] = entry
            self.access_grants.append(entry)
            for index, grant in enumerate(spec.grants):
                scope = (
                    aws.eks.AccessPolicyAssociationAccessScopeArgs(type="namespace", namespaces=list(grant.namespaces))
                    if grant.namespaces
                    else aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster")
                )
                suffix = "" if index == 0 else f"-{grant.policy}"
                self.access_grants.append(
                    aws.eks.AccessPolicyAssociation(
                        f"{name}-access-{spec.label}{suffix}",
                        cluster_name=cluster.name,
                        principal_arn=entry.principal_arn,
                        policy_arn=grant.policy_arn,
                        access_scope=scope,
                        opts=pulumi.ResourceOptions(parent=self),
                    )
                )
        return entries

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
                # Admin comes from cluster.access, so a second deployer is not locked out.
                bootstrap_cluster_creator_admin_permissions=False,
            ),
            # STANDARD: upgraded automatically at the end of standard support instead of billed extended support.
            upgrade_policy=aws.eks.ClusterUpgradePolicyArgs(support_type=settings.upgrade_policy),
            # EKS reads the bootstrap flag only at creation, and the provider replaces the cluster
            # when it changes: a cluster created before access entries keeps its creator entry
            # (docs/cluster.md says how to remove it) instead of being rebuilt.
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[log_group, *cluster_attachments],
                ignore_changes=["accessConfig.bootstrapClusterCreatorAdminPermissions"],
            ),
        )

    def _node_group(self, name: str, args: ClusterArgs, cluster: aws.eks.Cluster, nodes: NodeGroupSettings) -> aws.eks.NodeGroup:
        child = pulumi.ResourceOptions(parent=self)
        node_role = aws.iam.Role(f"{name}-nodes", assume_role_policy=assume_role_policy("ec2.amazonaws.com"), opts=child)
        attachments = [
            aws.iam.RolePolicyAttachment(f"{name}-nodes-{arn.rsplit('/', 1)[1]}", role=node_role.name, policy_arn=arn, opts=child)
            for arn in NODE_POLICIES
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
                # One hop: pods cannot borrow the node's role; they get their own through Pod Identity.
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
            # The control plane's version, stated: without it the group keeps the version it was
            # created with when `cluster.version` is raised (the provider's default applies at creation only).
            version=cluster.version,
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
            labels={**nodes.labels, SYSTEM_NODE_LABEL[0]: SYSTEM_NODE_LABEL[1]},
            # The group's ASG may be scaled between deployments; the next `pulumi up` must not undo that.
            opts=pulumi.ResourceOptions(parent=self, depends_on=attachments, ignore_changes=["scalingConfig.desiredSize"]),
        )


def _required(what: str) -> Callable[[str | None], str]:
    def check(value: str | None) -> str:
        if not value:
            raise ValueError(f"EKS returned no {what}")
        return value

    return check


def _kubeconfig(cluster_name: str, endpoint: str, ca_data: str, region: str, role_arn: str | None = None) -> str:
    """A kubeconfig that asks `aws eks get-token` for short-lived credentials: nothing long-lived is stored.

    Without ``role_arn`` the token is for whoever runs it (a CI job's role, a person's), who needs
    an access entry of their own; with it, for that role (the caller must be allowed to assume it,
    and a role assuming itself needs its own trust policy to say so: IAM User Guide,
    "Update a role trust policy")."""
    token_args = ["eks", "get-token", "--cluster-name", cluster_name, "--region", region, "--output", "json"]
    if role_arn is not None:
        token_args += ["--role-arn", role_arn]
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
                            "args": token_args,
                        }
                    },
                }
            ],
        }
    )
