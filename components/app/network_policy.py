"""The app pods' NetworkPolicy: what may reach them, and what they may reach."""

from __future__ import annotations

import pulumi_kubernetes as k8s

from components.app.names import APP_LABELS
from config import app_metrics
from config.app import APP_PORT
from config.database import PORT as DATABASE_PORT
from config.redis import PORT as REDIS_PORT

# The EKS Pod Identity agent serves the pods' AWS credentials on this link-local address of
# every node (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html).
POD_IDENTITY_AGENT = ("169.254.170.23/32", 80)


def network_policy_spec(vpc_cidr: str) -> k8s.networking.v1.NetworkPolicySpecArgs:
    """In: the app port from the VPC (the ALB's nodes). Out: DNS, Postgres and Redis in the VPC; the
    Pod Identity agent; the CloudWatch agent's EMF port (the delivery counters); HTTPS anywhere."""
    vpc = [k8s.networking.v1.NetworkPolicyPeerArgs(ip_block=k8s.networking.v1.IPBlockArgs(cidr=vpc_cidr))]

    def port(number: int, protocol: str = "TCP") -> k8s.networking.v1.NetworkPolicyPortArgs:
        return k8s.networking.v1.NetworkPolicyPortArgs(port=number, protocol=protocol)

    return k8s.networking.v1.NetworkPolicySpecArgs(
        pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels=APP_LABELS),
        policy_types=["Ingress", "Egress"],
        ingress=[k8s.networking.v1.NetworkPolicyIngressRuleArgs(from_=vpc, ports=[port(APP_PORT)])],
        egress=[
            # Cluster DNS: pods ask the kube-dns Service, whose address is outside the VPC range;
            # the VPC CNI's policy agent matches it only through a pod/namespace selector.
            k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                to=[
                    k8s.networking.v1.NetworkPolicyPeerArgs(
                        namespace_selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"kubernetes.io/metadata.name": "kube-system"}),
                        pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"k8s-app": "kube-dns"}),
                    )
                ],
                ports=[port(53, "UDP"), port(53, "TCP")],
            ),
            k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                to=vpc, ports=[port(53, "UDP"), port(53, "TCP"), port(DATABASE_PORT), port(REDIS_PORT)]
            ),
            k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                to=[k8s.networking.v1.NetworkPolicyPeerArgs(ip_block=k8s.networking.v1.IPBlockArgs(cidr=POD_IDENTITY_AGENT[0]))],
                ports=[port(POD_IDENTITY_AGENT[1])],
            ),
            # The add-on's CloudWatch agent runs on the host network (its node's VPC address) behind a
            # Service in its namespace: both peers, so the rule holds whichever the policy agent sees.
            k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                to=[
                    *vpc,
                    k8s.networking.v1.NetworkPolicyPeerArgs(
                        namespace_selector=k8s.meta.v1.LabelSelectorArgs(
                            match_labels={"kubernetes.io/metadata.name": app_metrics.AGENT_NAMESPACE}
                        )
                    ),
                ],
                ports=[port(app_metrics.EMF_PORT)],
            ),
            k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                to=[k8s.networking.v1.NetworkPolicyPeerArgs(ip_block=k8s.networking.v1.IPBlockArgs(cidr="0.0.0.0/0"))],
                ports=[port(443)],
            ),
        ],
    )
