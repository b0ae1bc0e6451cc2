"""The VPC: subnets in every zone, NAT per config, Kubernetes discovery tags, flow logs."""

from __future__ import annotations

import ipaddress
from typing import Any

from owned_stacks import settings

from preflight.runner import Run


def _subnets(run: Run, role: str) -> list[Any]:
    return [s for s in run.of_type("aws:ec2/subnet:Subnet") if f"-{role}-" in s.name]


def test_a_public_and_a_private_subnet_in_every_zone(each_stack: Run) -> None:
    zones = each_stack.stack_file.config["email-platform:network"]
    expected = sorted(__import__("json").loads(zones)["availabilityZones"])
    for role in ("public", "private"):
        assert sorted(s.inputs["availabilityZone"] for s in _subnets(each_stack, role)) == expected


def test_production_spans_three_zones(production: Run) -> None:
    assert len({s.inputs["availabilityZone"] for s in production.of_type("aws:ec2/subnet:Subnet")}) == 3


def test_subnets_do_not_overlap_and_sit_inside_the_vpc(each_stack: Run) -> None:
    (vpc,) = each_stack.of_type("aws:ec2/vpc:Vpc")
    network = ipaddress.IPv4Network(vpc.inputs["cidrBlock"])
    subnets = [ipaddress.IPv4Network(s.inputs["cidrBlock"]) for s in each_stack.of_type("aws:ec2/subnet:Subnet")]
    assert all(s.subnet_of(network) for s in subnets)
    assert not any(a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1 :])


def test_subnets_carry_the_load_balancer_discovery_tags(production: Run) -> None:
    for subnet in _subnets(production, "public"):
        assert subnet.inputs["tags"]["kubernetes.io/role/elb"] == "1"
        assert subnet.inputs["mapPublicIpOnLaunch"] is False
    for subnet in _subnets(production, "private"):
        assert subnet.inputs["tags"]["kubernetes.io/role/internal-elb"] == "1"
        assert subnet.inputs["tags"]["kubernetes.io/cluster/email-platform-production"] == "shared"


def test_nat_gateway_per_zone_in_production_and_single_in_staging(production: Run, staging: Run) -> None:
    assert len(production.of_type("aws:ec2/natGateway:NatGateway")) == 3
    assert len(staging.of_type("aws:ec2/natGateway:NatGateway")) == 1


def test_each_private_route_table_uses_its_own_zones_nat_in_production(production: Run) -> None:
    nats = {n.id for n in production.of_type("aws:ec2/natGateway:NatGateway")}
    private_tables = [t for t in production.of_type("aws:ec2/routeTable:RouteTable") if "-private-" in t.name]
    used = {t.inputs["routes"][0]["natGatewayId"] for t in private_tables}
    assert len(private_tables) == 3
    assert used == nats, "every zone routes through its own NAT gateway"


def test_private_subnets_reach_out_only_through_nat(each_stack: Run) -> None:
    for table in each_stack.of_type("aws:ec2/routeTable:RouteTable"):
        (route,) = table.inputs["routes"]
        if "-private-" in table.name:
            assert route["natGatewayId"].startswith("nat-")
            assert "gatewayId" not in route
        else:
            assert route["gatewayId"].startswith("igw-")


def test_flow_logs_capture_all_traffic_with_retention(each_stack: Run) -> None:
    (flow_log,) = each_stack.of_type("aws:ec2/flowLog:FlowLog")
    assert flow_log.inputs["trafficType"] == "ALL"
    assert flow_log.inputs["logDestinationType"] == "cloud-watch-logs"
    (group,) = [g for g in each_stack.of_type("aws:cloudwatch/logGroup:LogGroup") if g.name == "network-flow-logs"]
    assert flow_log.inputs["logDestination"].endswith(group.outputs["name"])
    assert group.inputs["retentionInDays"] == settings(each_stack.stack).network.flow_log_retention_days


def test_default_security_group_admits_nothing(each_stack: Run) -> None:
    (default_sg,) = each_stack.of_type("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert default_sg.inputs.get("ingress", []) == []
    assert default_sg.inputs.get("egress", []) == []
