"""Resource types that cost nothing by themselves, named one by one.

A type that is neither priced by the pricer nor listed here is reported as unpriced: a new
billable resource must not slip into the estimate as zero just because nobody priced it.
"""

from __future__ import annotations

FREE_TYPES: frozenset[str] = frozenset(
    {
        # Networking plumbing.
        "aws:ec2/vpc:Vpc",
        "aws:ec2/subnet:Subnet",
        "aws:ec2/routeTable:RouteTable",
        "aws:ec2/route:Route",
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
        "aws:ec2/defaultRouteTable:DefaultRouteTable",
        "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
        "aws:ec2/networkAcl:NetworkAcl",
        "aws:ec2/internetGateway:InternetGateway",
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        "aws:ec2/eipAssociation:EipAssociation",
        # Priced through the node group that uses it (its root volumes).
        "aws:ec2/launchTemplate:LaunchTemplate",
        # Identity.
        "aws:iam/role:Role",
        "aws:iam/policy:Policy",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        "aws:iam/instanceProfile:InstanceProfile",
        "aws:iam/serviceLinkedRole:ServiceLinkedRole",
        # Certificates and DNS records (queries to alias records are free).
        "aws:acm/certificate:Certificate",
        "aws:acm/certificateValidation:CertificateValidation",
        "aws:route53/record:Record",
        # KMS aliases and policies (the key is priced).
        "aws:kms/alias:Alias",
        "aws:kms/keyPolicy:KeyPolicy",
        # S3 bucket sub-resources (the bucket's storage is priced).
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws:s3/bucketVersioningV2:BucketVersioningV2",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
        "aws:s3/bucketLogging:BucketLogging",
        "aws:s3/bucketObjectv2:BucketObjectv2",
        "aws:s3/bucketLoggingV2:BucketLoggingV2",
        "aws:s3/bucketAclV2:BucketAclV2",
        "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
        "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2",
        # Load balancer plumbing (the load balancer is priced).
        "aws:lb/listener:Listener",
        "aws:lb/listenerRule:ListenerRule",
        "aws:lb/listenerCertificate:ListenerCertificate",
        "aws:lb/targetGroup:TargetGroup",
        "aws:lb/targetGroupAttachment:TargetGroupAttachment",
        # CloudFront policies (the distribution is priced).
        "aws:cloudfront/originAccessControl:OriginAccessControl",
        "aws:cloudfront/originAccessIdentity:OriginAccessIdentity",
        "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
        "aws:cloudfront/cachePolicy:CachePolicy",
        "aws:cloudfront/originRequestPolicy:OriginRequestPolicy",
        # VPC origins carry no charge of their own (CloudFront pricing page: "no additional cost").
        "aws:cloudfront/vpcOrigin:VpcOrigin",
        # Database and cache plumbing.
        "aws:rds/clusterParameterGroup:ClusterParameterGroup",
        "aws:rds/parameterGroup:ParameterGroup",
        "aws:rds/subnetGroup:SubnetGroup",
        "aws:elasticache/parameterGroup:ParameterGroup",
        "aws:elasticache/subnetGroup:SubnetGroup",
        # Autoscaling targets and policies: the capacity they add is what costs (see notes).
        "aws:appautoscaling/target:Target",
        "aws:appautoscaling/policy:Policy",
        # EKS plumbing (the cluster and node groups are priced).
        "aws:eks/addon:Addon",
        "aws:eks/accessEntry:AccessEntry",
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        # An SQS queue's access policy (the queue's requests are priced).
        "aws:sqs/queuePolicy:QueuePolicy",
        # Notifications and budgets: SNS bills per publish (first 1M free); two budgets are free.
        "aws:sns/topic:Topic",
        "aws:sns/topicSubscription:TopicSubscription",
        "aws:sns/topicPolicy:TopicPolicy",
        "aws:budgets/budget:Budget",
        # Activating a cost-allocation tag is one status change with no monthly charge: Cost
        # Explorer bills its API queries ($0.01 a request) and hourly granularity only
        # (aws.amazon.com/aws-cost-management/aws-cost-explorer/pricing, read 2026-12-08).
        "aws:costexplorer/costAllocationTag:CostAllocationTag",
        # Attachments whose traffic is priced on the Web ACL; secret versions and policies.
        "aws:wafv2/webAclAssociation:WebAclAssociation",
        # AWS WAF charges per web ACL, rule and request; an IP set has no charge (aws.amazon.com/waf/pricing).
        "aws:wafv2/ipSet:IpSet",
        "aws:secretsmanager/secretVersion:SecretVersion",
        "aws:secretsmanager/secretPolicy:SecretPolicy",
        "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
        # Vended-log delivery plumbing: the logs are priced where they land (log group ingestion).
        "aws:cloudwatch/logDelivery:LogDelivery",
        "aws:cloudwatch/logDeliverySource:LogDeliverySource",
        "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
        # EventBridge plumbing: rules and targets are free, and so are the AWS service events they
        # match on the default bus (aws.amazon.com/eventbridge/pricing: "AWS management events are
        # ingested by the event bus for free"; the backup component's failed-jobs rule is one); a
        # connection's secret is included in the API destination's invocation charge; the bus and
        # archive are priced by their usage.
        "aws:cloudwatch/eventRule:EventRule",
        "aws:cloudwatch/eventTarget:EventTarget",
        "aws:cloudwatch/eventConnection:EventConnection",
        # AppConfig bills per request and configuration received (priced on the flag profile).
        "aws:appconfig/application:Application",
        "aws:appconfig/environment:Environment",
        "aws:appconfig/deploymentStrategy:DeploymentStrategy",
        # AWS Backup: vaults, locks and selections cost nothing; recovery points are priced on the plan.
        "aws:backup/vault:Vault",
        "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
        "aws:backup/selection:Selection",
        # Registry plumbing: storage and scanning are priced on the repository (its CRITICAL-findings
        # rule is an EventBridge rule, free as above).
        "aws:ecr/lifecyclePolicy:LifecyclePolicy",
        "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
        # The stack itself.
        "pulumi:pulumi:Stack",
    }
)

# Whole packages that never bill on AWS: objects inside the cluster, generated values, pauses (time:), providers.
FREE_PREFIXES: tuple[str, ...] = ("kubernetes:", "random:", "tls:", "time:", "pulumi:providers:", "command:")


def is_free(type_token: str) -> bool:
    return type_token in FREE_TYPES or type_token.startswith(FREE_PREFIXES)
