"""EC2 rows of the mapping table: the VPC, its subnets, gateways and routes, security groups and their
rules, flow logs and launch templates."""

from __future__ import annotations

from policy.aws_api.api_mapping import NAMED, PROVIDER_ONLY, ApiMapping

# EC2 takes a resource's tags in the create call, as one tag specification.
EC2_TAGS = {"tags": "/TagSpecifications.Tags"}


def _security_group_rule(operation: str) -> ApiMapping:
    """An ingress or egress rule: both calls take one permission of the same shape."""
    return ApiMapping(
        "ec2",
        operation,
        members={
            **EC2_TAGS,
            "securityGroupId": "GroupId",
            "fromPort": "IpPermissions.FromPort",
            "toPort": "IpPermissions.ToPort",
            "ipProtocol": "IpPermissions.IpProtocol",
            "referencedSecurityGroupId": "IpPermissions.UserIdGroupPairs.GroupId",
            "cidrIpv4": "IpPermissions.IpRanges.CidrIp",
            "cidrIpv6": "IpPermissions.Ipv6Ranges.CidrIpv6",
            "prefixListId": "IpPermissions.PrefixListIds.PrefixListId",
            "description": "IpPermissions.IpRanges.Description",
        },
    )


NETWORK: dict[str, ApiMapping] = {
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ApiMapping(
        "ec2",
        "DescribeSecurityGroups",
        not_api={
            "vpcId": "the provider adopts the VPC's default group (found by VPC) and revokes its rules; no call creates it",
            "tags": "applied by the provider through CreateTags",
        },
    ),
    "aws:ec2/eip:Eip": ApiMapping("ec2", "AllocateAddress", members=EC2_TAGS),
    "aws:ec2/flowLog:FlowLog": ApiMapping(
        "ec2",
        "CreateFlowLogs",
        members={**EC2_TAGS, "iamRoleArn": "DeliverLogsPermissionArn", "vpcId": "ResourceIds"},
        supplied={"ResourceType": "the provider sets VPC for vpcId"},
    ),
    "aws:ec2/internetGateway:InternetGateway": ApiMapping(
        "ec2", "CreateInternetGateway", members={**EC2_TAGS, "vpcId": "AttachInternetGateway:VpcId"}
    ),
    "aws:ec2/launchTemplate:LaunchTemplate": ApiMapping(
        "ec2",
        "CreateLaunchTemplate",
        root="LaunchTemplateData",
        members={
            **EC2_TAGS,
            "name": "/LaunchTemplateName",
            "description": "/VersionDescription",
            "vpcSecurityGroupIds": "SecurityGroupIds",
        },
        not_api={"updateDefaultVersion": "the provider calls ModifyLaunchTemplate with the new version; no member carries it"},
        supplied={"LaunchTemplateName": NAMED},
    ),
    "aws:ec2/natGateway:NatGateway": ApiMapping("ec2", "CreateNatGateway", members=EC2_TAGS),
    "aws:ec2/routeTable:RouteTable": ApiMapping(
        "ec2",
        "CreateRouteTable",
        members={
            **EC2_TAGS,
            "routes.cidrBlock": "CreateRoute:DestinationCidrBlock",
            "routes.gatewayId": "CreateRoute:GatewayId",
            "routes.natGatewayId": "CreateRoute:NatGatewayId",
            "routes.vpcEndpointId": "CreateRoute:VpcEndpointId",
        },
    ),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": ApiMapping("ec2", "AssociateRouteTable"),
    "aws:ec2/securityGroup:SecurityGroup": ApiMapping(
        "ec2",
        "CreateSecurityGroup",
        members={**EC2_TAGS, "name": "GroupName"},
        not_api={"revokeRulesOnDelete": PROVIDER_ONLY},
        supplied={"GroupName": NAMED, "Description": "the provider sends 'Managed by Pulumi' when the program leaves it out"},
    ),
    "aws:ec2/subnet:Subnet": ApiMapping(
        "ec2",
        "CreateSubnet",
        members={**EC2_TAGS, "mapPublicIpOnLaunch": "ModifySubnetAttribute:MapPublicIpOnLaunch.Value"},
    ),
    "aws:ec2/vpc:Vpc": ApiMapping(
        "ec2",
        "CreateVpc",
        members={
            **EC2_TAGS,
            "enableDnsHostnames": "ModifyVpcAttribute:EnableDnsHostnames.Value",
            "enableDnsSupport": "ModifyVpcAttribute:EnableDnsSupport.Value",
        },
    ),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _security_group_rule("AuthorizeSecurityGroupIngress"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": _security_group_rule("AuthorizeSecurityGroupEgress"),
}
