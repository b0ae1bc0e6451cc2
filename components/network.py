"""The VPC: public and private subnets in every availability zone, NAT, and flow logs.

Public subnets hold the load balancer and NAT gateways; private subnets hold the nodes,
pods, database and cache. Subnet tags let the AWS Load Balancer Controller discover where
internet-facing and internal load balancers go.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.shared.iam import assume_role_policy
from components.shared.log_encryption import log_group_key
from components.shared.tags import name_tag
from config.network import NetworkSettings


@dataclass
class NetworkArgs:
    settings: NetworkSettings
    cluster_name: str


class Network(pulumi.ComponentResource):
    vpc: aws.ec2.Vpc
    public_subnets: list[aws.ec2.Subnet]
    private_subnets: list[aws.ec2.Subnet]
    nat_gateways: list[aws.ec2.NatGateway]
    vpc_id: pulumi.Output[str]
    vpc_cidr: str
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:network:Network", name, None, opts)
        settings = args.settings
        child = pulumi.ResourceOptions(parent=self)
        self.vpc_cidr = str(settings.cidr)

        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=self.vpc_cidr,
            enable_dns_hostnames=True,  # EKS nodes and RDS/ElastiCache endpoints resolve through VPC DNS
            enable_dns_support=True,
            tags=name_tag(f"{name}-vpc"),
            opts=child,
        )
        self.vpc_id = self.vpc.id
        # The default security group admits all traffic between its members; strip it so that
        # nothing can fall back on it.
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=self.vpc.id, ingress=[], egress=[], opts=child)
        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=self.vpc.id, tags=name_tag(f"{name}-igw"), opts=child)

        self._subnets(name, settings, args.cluster_name)
        self.public_subnet_ids = [subnet.id for subnet in self.public_subnets]
        self.private_subnet_ids = [subnet.id for subnet in self.private_subnets]
        self._public_routes(name, settings, igw)
        self._private_routes(name, settings, igw)
        self._flow_logs(name, settings)
        self.register_outputs(
            {"vpcId": self.vpc_id, "publicSubnetIds": self.public_subnet_ids, "privateSubnetIds": self.private_subnet_ids}
        )

    def _subnets(self, name: str, settings: NetworkSettings, cluster_name: str) -> None:
        """A public and a private subnet per zone, tagged for the Load Balancer Controller's discovery."""
        child = pulumi.ResourceOptions(parent=self)
        cluster_tag = {f"kubernetes.io/cluster/{cluster_name}": "shared"}
        self.public_subnets = []
        self.private_subnets = []
        for index, zone in enumerate(settings.availability_zones):
            self.public_subnets.append(
                aws.ec2.Subnet(
                    f"{name}-public-{zone}",
                    vpc_id=self.vpc.id,
                    availability_zone=zone,
                    cidr_block=settings.public_subnet_cidrs[index],
                    map_public_ip_on_launch=False,  # nothing in a public subnet needs an address by default
                    tags={**name_tag(f"{name}-public-{zone}"), "kubernetes.io/role/elb": "1", **cluster_tag},
                    opts=child,
                )
            )
            self.private_subnets.append(
                aws.ec2.Subnet(
                    f"{name}-private-{zone}",
                    vpc_id=self.vpc.id,
                    availability_zone=zone,
                    cidr_block=settings.private_subnet_cidrs[index],
                    tags={**name_tag(f"{name}-private-{zone}"), "kubernetes.io/role/internal-elb": "1", **cluster_tag},
                    opts=child,
                )
            )

    def _public_routes(self, name: str, settings: NetworkSettings, igw: aws.ec2.InternetGateway) -> None:
        child = pulumi.ResourceOptions(parent=self)
        public_routes = aws.ec2.RouteTable(
            f"{name}-public-rt",
            vpc_id=self.vpc.id,
            routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=igw.id)],
            tags=name_tag(f"{name}-public"),
            opts=child,
        )
        for zone, subnet in zip(settings.availability_zones, self.public_subnets, strict=True):
            aws.ec2.RouteTableAssociation(f"{name}-public-{zone}", subnet_id=subnet.id, route_table_id=public_routes.id, opts=child)

    def _private_routes(self, name: str, settings: NetworkSettings, igw: aws.ec2.InternetGateway) -> None:
        """Private subnets reach the internet through NAT: one gateway per zone, or one for all.

        One per zone keeps a zone's outage from cutting the others off the internet; a single one
        is cheaper and fine where that risk is accepted (staging).
        """
        child = pulumi.ResourceOptions(parent=self)
        nat_zones = settings.availability_zones if settings.nat_gateways == "perAz" else settings.availability_zones[:1]
        self.nat_gateways = []
        for index, zone in enumerate(nat_zones):
            eip = aws.ec2.Eip(f"{name}-nat-{zone}", domain="vpc", tags=name_tag(f"{name}-nat-{zone}"), opts=child)
            self.nat_gateways.append(
                aws.ec2.NatGateway(
                    f"{name}-nat-{zone}",
                    allocation_id=eip.id,
                    subnet_id=self.public_subnets[index].id,
                    tags=name_tag(f"{name}-nat-{zone}"),
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[igw]),
                )
            )
        for index, (zone, subnet) in enumerate(zip(settings.availability_zones, self.private_subnets, strict=True)):
            nat = self.nat_gateways[index if settings.nat_gateways == "perAz" else 0]
            routes = aws.ec2.RouteTable(
                f"{name}-private-{zone}",
                vpc_id=self.vpc.id,
                routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)],
                tags=name_tag(f"{name}-private-{zone}"),
                opts=child,
            )
            aws.ec2.RouteTableAssociation(f"{name}-private-{zone}", subnet_id=subnet.id, route_table_id=routes.id, opts=child)

    def _flow_logs(self, name: str, settings: NetworkSettings) -> None:
        """Every accepted and rejected flow, kept for the configured retention: the record an incident needs."""
        child = pulumi.ResourceOptions(parent=self)
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs",
            retention_in_days=settings.flow_log_retention_days,
            kms_key_id=log_group_key(f"{name}-logs", "Encrypts the VPC flow logs", child),
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-flow-logs",
            assume_role_policy=assume_role_policy("vpc-flow-logs.amazonaws.com"),
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-flow-logs",
            role=role.id,
            policy=log_group.arn.apply(
                lambda arn: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                                "Resource": [arn, f"{arn}:*"],
                            }
                        ],
                    }
                )
            ),
            opts=child,
        )
        aws.ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            opts=child,
        )
