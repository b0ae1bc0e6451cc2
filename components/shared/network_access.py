"""Who may reach a data store: the Kubernetes cluster's security group, on the store's port only."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws


def client_ingress(
    name: str, security_group: aws.ec2.SecurityGroup, client: pulumi.Input[str], port: int, what: str, parent: pulumi.Resource
) -> aws.vpc.SecurityGroupIngressRule:
    """Admit `port` from the cluster security group, which every node and pod carries and nothing else does."""
    return aws.vpc.SecurityGroupIngressRule(
        name,
        security_group_id=security_group.id,
        referenced_security_group_id=client,
        ip_protocol="tcp",
        from_port=port,
        to_port=port,
        description=f"{what} from the Kubernetes cluster (nodes and pods)",
        opts=pulumi.ResourceOptions(parent=parent),
    )
