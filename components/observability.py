"""Container logs and metrics: the `amazon-cloudwatch-observability` EKS add-on with an EKS Pod Identity role.

- The add-on's version is the build pinned for the cluster's Kubernetes version
  (config/addon_versions.py, or `cluster.addons.amazon-cloudwatch-observability.version`): a
  cluster upgrade moves it along, and nothing else does.
- Its CloudWatch agent and Fluent Bit run as the `cloudwatch-agent` service account in the
  `amazon-cloudwatch` namespace and get their AWS permissions through EKS Pod Identity: a role that
  trusts `pods.eks.amazonaws.com` (`sts:AssumeRole`, `sts:TagSession`) carries the
  `CloudWatchAgentServerPolicy`, and the add-on's own `podIdentityAssociations` argument names that
  service account, so EKS creates the association as part of installing the add-on (EKS API
  `CreateAddon`, `podIdentityAssociations`: "An array of EKS Pod Identity associations to be
  created. Each association maps a Kubernetes service account to an IAM role"; pulumi-aws
  `eks.Addon.pod_identity_associations`), not beside it where nothing orders the two. The Pod Identity
  agent add-on (the cluster's, components/cluster/addons.py) makes the association work on the
  nodes. (EKS User Guide, "EKS Pod Identity" and "Create IAM role with trust policy required by
  EKS Pod Identity"; CloudWatch User Guide, "Install the CloudWatch agent with the Amazon
  CloudWatch Observability EKS add-on". tests/test_observability.py holds the configuration to
  these names.)
- The log groups the add-on writes to are created first, with the configured retention; left to
  the agent they would never expire.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.shared.log_encryption import log_group_key
from config import app_metrics
from config.observability import ObservabilitySettings

ADDON = "amazon-cloudwatch-observability"
NAMESPACE = "amazon-cloudwatch"
SERVICE_ACCOUNT = "cloudwatch-agent"
POD_IDENTITY_SERVICE = "pods.eks.amazonaws.com"
AGENT_POLICY = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
# Container Insights' log groups, /aws/containerinsights/<cluster>/<kind>.
LOG_KINDS = ("application", "dataplane", "host", "performance")


def pod_identity_trust_policy() -> str:
    """Trust EKS Pod Identity: the agent on the node assumes the role for the associated service account."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": POD_IDENTITY_SERVICE}, "Action": ["sts:AssumeRole", "sts:TagSession"]}
            ],
        }
    )


@dataclass
class ContainerInsightsArgs:
    settings: ObservabilitySettings
    cluster_name: pulumi.Input[str]
    # The add-on's build, pinned for the cluster's Kubernetes version (config/addon_versions.py).
    addon_version: str
    # The cluster's eks-pod-identity-agent add-on: the association works only where it runs.
    pod_identity_agent: pulumi.Resource
    # The add-ons' pods need nodes to run on.
    nodes: Sequence[pulumi.Resource] = field(default_factory=list)


class ContainerInsights(pulumi.ComponentResource):
    addon: aws.eks.Addon
    role: aws.iam.Role

    def __init__(self, name: str, args: ContainerInsightsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:ops:ContainerInsights", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        agent = args.pod_identity_agent
        self.role = aws.iam.Role(f"{name}-agent", assume_role_policy=pod_identity_trust_policy(), opts=child)
        attachment = aws.iam.RolePolicyAttachment(f"{name}-agent", role=self.role.name, policy_arn=AGENT_POLICY, opts=child)
        logs_key = log_group_key(f"{name}-logs", "Encrypts the Container Insights logs", child)
        log_groups = [
            aws.cloudwatch.LogGroup(
                f"{name}-{kind}",
                name=pulumi.Output.concat("/aws/containerinsights/", args.cluster_name, f"/{kind}"),
                retention_in_days=args.settings.log_retention_days,
                kms_key_id=logs_key,
                opts=child,
            )
            for kind in LOG_KINDS
        ]
        self.addon = aws.eks.Addon(
            f"{name}-addon",
            cluster_name=args.cluster_name,
            addon_name=ADDON,
            addon_version=args.addon_version,
            # The add-on's own association: EKS makes it with the add-on (its namespace is the add-on's).
            pod_identity_associations=[aws.eks.AddonPodIdentityAssociationArgs(role_arn=self.role.arn, service_account=SERVICE_ACCOUNT)],
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            # Its defaults plus the EMF listener the app's delivery counters arrive on (config.app_metrics).
            configuration_values=json.dumps(app_metrics.agent_configuration(), sort_keys=True),
            # The agent on the nodes hands out the association's credentials; the role's policy is attached first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[agent, attachment, *log_groups, *args.nodes]),
        )
        self.register_outputs({})
