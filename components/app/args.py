"""What the app needs from the rest of the stack, grouped by where it comes from."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from config.app import COLOURS, AppSettings, ColourName, check_pre_stop


@dataclass(frozen=True)
class AppCluster:
    """The cluster the app runs on, and the network around it."""

    k8s_provider: k8s.Provider
    name: pulumi.Input[str]
    region: str
    vpc_id: pulumi.Input[str]
    vpc_cidr: str  # the pods' NetworkPolicy admits the load balancer and reaches the data stores in it
    # What the cluster's workloads wait for (nodes, add-ons); empty for an existing cluster.
    ready: Sequence[pulumi.Resource] = field(default_factory=list)
    # Whether the cluster runs the CloudWatch agent the app's EMF counters go to (config:
    # StackConfig.delivery_measured); without it the pods get no AWS_EMF_* variables.
    emf_agent: bool = True


@dataclass(frozen=True)
class AppSecrets:
    """The values of the app Secret and of its TLS Secret: secrets, end to end."""

    email_api_key: pulumi.Input[str]
    database_url: pulumi.Input[str]
    redis_url: pulumi.Input[str]  # a cluster-mode configuration endpoint (the app's REDIS_CLUSTER is "true")
    # The pods' serving certificate and key (the internal CA's: TLS from the load balancer to the pods).
    tls_cert_pem: pulumi.Input[str]
    tls_key_pem: pulumi.Input[str]
    # Generated (and kept in state) when the stack does not set them.
    jwt_secret: pulumi.Input[str] | None = None
    encryption_key: pulumi.Input[str] | None = None
    # A .dockerconfigjson for a private registry; the pods pull with it.
    registry_credentials: pulumi.Input[str] | None = None


@dataclass(frozen=True)
class AppTraffic:
    """The load balancer's side: each colour's target group, and the steps that move traffic."""

    # "blue" / "green": target type ip, protocol HTTPS, on the app port.
    target_group_arns: Mapping[str, pulumi.Input[str]]
    deregistration_delay_seconds: int
    # What the Load Balancer Controller may register targets in (IAM resource ARNs or patterns): every
    # target group of the colours, replacements included (LoadBalancer.target_group_arn_patterns), so
    # a replaced group's old binding can still deregister its targets. None: the target groups' ARNs.
    target_group_scope: Sequence[pulumi.Input[str]] | None = None
    # Builds the traffic step once the running colours exist. Given what each running colour's
    # traffic must wait for (`App.ready`), it returns what takes traffic away from a parked colour
    # (the listener rule); a parked colour's Deployment waits for that. None: the App built alone.
    step: Callable[[Mapping[str, Sequence[pulumi.Resource]]], pulumi.Resource] | None = None
    # Puts a colour's target group on the listener once its binding exists (LoadBalancer.route_colour):
    # given the colour and its binding, it returns the rule; the colour's Deployment waits for it, since
    # the ALB health-checks (and so passes the pods' readiness gates) only targets a rule forwards to.
    # None: the App built alone.
    colour_route: Callable[[ColourName, pulumi.Resource], pulumi.Resource] | None = None
    # The tag only this stack's target groups carry (LoadBalancer.target_group_owner_tag); the
    # controller may register targets only in groups that carry it. Empty: no condition.
    target_group_owner_tag: Mapping[str, str] = field(default_factory=dict)

    @property
    def scope(self) -> list[pulumi.Input[str]]:
        return list(self.target_group_scope) if self.target_group_scope is not None else list(self.target_group_arns.values())


@dataclass(frozen=True)
class AppArgs:
    settings: AppSettings
    environment: str
    domain: str
    cluster: AppCluster
    secrets: AppSecrets
    traffic: AppTraffic


def check_args(args: AppArgs) -> None:
    """Cross-checks between the app's settings and what other components were given."""
    check_pre_stop(args.settings, args.traffic.deregistration_delay_seconds)
    missing = [colour for colour in COLOURS if colour not in args.traffic.target_group_arns]
    if missing:
        raise ValueError(f"App needs a target group ARN per colour; missing: {', '.join(missing)}")
