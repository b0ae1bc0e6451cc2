"""The application load balancer: internal, reached only by CloudFront through a VPC origin.

- Internal, in the private subnet of every zone: no listener of it is reachable from the
  internet. Its security group admits 443 only from the security group CloudFront creates in
  the VPC for its VPC origins (`CloudFront-VPCOrigins-Service-SG`; the rule is added by
  `admit_cloudfront` once the distribution exists), and sends only to the cluster's security
  group on the app port.
- Port 443 terminates TLS with the validated ACM certificate for `origin.<domain>`, the name
  CloudFront uses for this origin (its SNI and Host header, which the certificate must match),
  under a TLS 1.2 + 1.3 policy with AEAD ciphers only: CloudFront speaks at most TLS 1.2 to
  origins (config.tls_hops). Viewers meet TLS 1.3 at CloudFront, which redirects plain HTTP,
  so there is no port-80 listener.
- The app is reached through the AWS Load Balancer Controller's TargetGroupBinding: the two
  colours (blue, green) are `ip` target groups over HTTPS on the app port that the controller
  fills with pod addresses, health-checked on the app's own health endpoint. The listener's
  default action is a fixed 404; the app's traffic goes through one weighted-forward rule
  (`components.traffic_split.TrafficSplit`), so moving traffic changes only that rule.
- Access logs go to a protected, SSE-S3 bucket (ALB log delivery does not support SSE-KMS)
  that only the ELB log-delivery service may write to, with a lifecycle rule.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.shared.buckets import abort_incomplete_uploads_rule, deny_insecure_transport, private_bucket
from components.shared.tags import name_tag
from config.app import APP_PORT, COLOURS, ColourName
from config.edge import COLOUR_HEADER, EdgeSettings
from config.tls_hops import ORIGIN_SSL_PROTOCOLS

LOG_PREFIX = "alb"
# The security group CloudFront creates in the VPC for the ENIs of its VPC origins
# (CloudFront Developer Guide, "Restrict access with VPC origins"): the origin admits it.
VPC_ORIGIN_SECURITY_GROUP = "CloudFront-VPCOrigins-Service-SG"
# The VPC origin's endpoint settings: any change replaces the origin (see LoadBalancer._vpc_origin).
VPC_ORIGIN_ENDPOINT = "vpcOriginEndpointConfig"
VPC_ORIGIN_NAME_LENGTH = 64
# Ahead of the traffic split's weighted rule (priority 100), which takes every other request for the domain.
COLOUR_RULE_PRIORITIES = {colour: 10 + index for index, colour in enumerate(COLOURS)}


# Every target group of the stack carries its domain under this tag, which no other stack shares (the
# domain names the stack's public entry); the controller's Register/DeregisterTargets grant is
# conditioned on it, so a pattern that also matches another stack's groups in the same account and
# region (`lb-blue-*`: every stack names them alike) grants nothing there.
TARGET_GROUP_OWNER_TAG = "email-platform:domain"


def target_group_arn_pattern(target_group_arn: str, logical_name: str) -> str:
    """An IAM resource pattern for a target group and every replacement of it.

    The target groups carry no `name`: Pulumi auto-names each `<logical name>-<random suffix>` ("Pulumi
    auto-names most resources by default, using the logical name and a random suffix", Pulumi docs,
    concepts/resources/names), and a target group's ARN is `…:targetgroup/<name>/<id>` (ELB API
    reference, TargetGroup). A replacement gets a new suffix and id but keeps the logical name, so the
    pattern names it too, in the same partition, region and account.
    """
    prefix = target_group_arn.split(":targetgroup/", 1)[0]
    return f"{prefix}:targetgroup/{logical_name}-*/*"


@dataclass
class LoadBalancerArgs:
    settings: EdgeSettings
    vpc_id: pulumi.Input[str]
    private_subnet_ids: Sequence[pulumi.Input[str]]
    # The EKS cluster security group: with the VPC CNI, pods carry it, so IP targets sit behind it.
    node_security_group_id: pulumi.Input[str]
    certificate_arn: pulumi.Input[str]
    hosted_zone_id: pulumi.Input[str]
    # The app's health endpoint (config: app.healthCheckEndpoint), the path its own probes use.
    health_check_path: str


class LoadBalancer(pulumi.ComponentResource):
    alb: aws.lb.LoadBalancer
    arn_suffix: pulumi.Output[str]
    dns_name: pulumi.Output[str]
    zone_id: pulumi.Output[str]
    security_group: aws.ec2.SecurityGroup
    security_group_id: pulumi.Output[str]
    https_listener: aws.lb.Listener
    vpc_origin: aws.cloudfront.VpcOrigin
    vpc_origin_id: pulumi.Output[str]
    colour_rules: dict[str, aws.lb.ListenerRule]
    target_groups: dict[str, aws.lb.TargetGroup]
    target_group_arn_suffixes: dict[str, pulumi.Output[str]]
    # Per colour: an IAM resource pattern for the target group and any replacement of it.
    target_group_arn_patterns: dict[str, pulumi.Output[str]]
    # The tag only this stack's target groups carry (key → value), for a grant's condition.
    target_group_owner_tag: dict[str, str]
    log_bucket: aws.s3.Bucket

    def __init__(self, name: str, args: LoadBalancerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:edge:LoadBalancer", name, None, opts)
        settings = args.settings
        self._name = name
        self._origin_host = settings.origin_host
        self.colour_rules = {}
        group = self._security_group(name, args)
        self.security_group = group
        self.security_group_id = group.id
        self.log_bucket, log_policy = self._log_bucket(name, settings)
        self.alb = self._alb(name, args, group, log_policy)
        self.arn_suffix = self.alb.arn_suffix
        self.dns_name = self.alb.dns_name
        self.zone_id = self.alb.zone_id
        self.target_group_owner_tag = {TARGET_GROUP_OWNER_TAG: settings.domain}
        self.target_groups = self._target_groups(name, args)
        self.target_group_arn_suffixes = {colour: tg.arn_suffix for colour, tg in self.target_groups.items()}
        self.target_group_arn_patterns = {
            colour: pulumi.Output.all(tg.arn, f"{name}-{colour}").apply(lambda parts: target_group_arn_pattern(parts[0], parts[1]))
            for colour, tg in self.target_groups.items()
        }
        self._listeners(name, args)
        self._vpc_origin(name, settings)
        # `origin.<domain>` resolves to the load balancer's private addresses: the name CloudFront
        # connects under (its SNI and Host); the security group admits CloudFront's ENIs only.
        aws.route53.Record(
            f"{name}-origin-alias",
            zone_id=args.hosted_zone_id,
            name=settings.origin_host,
            type="A",
            aliases=[aws.route53.RecordAliasArgs(name=self.alb.dns_name, zone_id=self.alb.zone_id, evaluate_target_health=True)],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs(
            {
                "arnSuffix": self.arn_suffix,
                "dnsName": self.dns_name,
                "zoneId": self.zone_id,
                "securityGroupId": self.security_group_id,
                "vpcOriginId": self.vpc_origin_id,
                "targetGroupArnSuffixes": self.target_group_arn_suffixes,
                "targetGroupArnPatterns": self.target_group_arn_patterns,
            }
        )

    def _vpc_origin(self, name: str, settings: EdgeSettings) -> None:
        """CloudFront's private way in: replaced, never updated, when its endpoint settings change.

        CloudFront refuses to update a VPC origin while a distribution uses it (409 "The specified
        VPC origin is currently associated with one or more distributions", quoted in
        aws/aws-cdk#34629 and #35765; the Terraform provider updates it in place and meets the same
        refusal, hashicorp/terraform-provider-aws#40905). So any change to the endpoint config
        replaces it, the new one first (create, point the distribution at it, then delete the old
        one, which nothing uses any more). Two VPC origins of one name cannot coexist in an account
        ("Another vpc origin with the same name already exists", aws/aws-cdk#35338), so the name
        ends in a digest of the settings: a change of settings is a change of name. docs/edge.md
        ("Changing the VPC origin") walks through it.
        """
        http_port, https_port, policy = 80, 443, "https-only"  # port 80 is required by the API; unused (HTTPS only)
        endpoint = {
            "http_port": http_port,
            "https_port": https_port,
            "origin_protocol_policy": policy,
            "origin_ssl_protocols": list(ORIGIN_SSL_PROTOCOLS),
        }
        self.vpc_origin = aws.cloudfront.VpcOrigin(
            f"{name}-vpc-origin",
            vpc_origin_endpoint_config=aws.cloudfront.VpcOriginVpcOriginEndpointConfigArgs(
                name=self.alb.arn.apply(lambda arn: vpc_origin_name(settings.origin_host, {**endpoint, "arn": arn})),
                arn=self.alb.arn,
                http_port=http_port,
                https_port=https_port,
                origin_protocol_policy=policy,
                origin_ssl_protocols=aws.cloudfront.VpcOriginVpcOriginEndpointConfigOriginSslProtocolsArgs(
                    items=list(ORIGIN_SSL_PROTOCOLS), quantity=len(ORIGIN_SSL_PROTOCOLS)
                ),
            ),
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[self.https_listener],
                replace_on_changes=[VPC_ORIGIN_ENDPOINT],
                delete_before_replace=False,
            ),
        )
        self.vpc_origin_id = self.vpc_origin.id

    def admit_cloudfront(self, distribution: pulumi.Resource) -> aws.vpc.SecurityGroupIngressRule:
        """The load balancer's one ingress rule: 443 from the security group of CloudFront's VPC-origin ENIs.

        CloudFront creates `CloudFront-VPCOrigins-Service-SG` in the VPC itself; AWS's own CDK
        sample orders its lookup after the distribution ("The security group may be available
        after the distribution is deployed": aws-cdk-lib aws-cloudfront-origins README, "The VPC
        origin service security group", where the lookup `addDependency(distribution)`). So the
        lookup waits for the distribution, which __main__ builds after this component.
        """
        cloudfront_group = aws.ec2.get_security_group_output(
            name=VPC_ORIGIN_SECURITY_GROUP,
            vpc_id=self.security_group.vpc_id,
            opts=pulumi.InvokeOutputOptions(parent=self, depends_on=[self.vpc_origin, distribution]),
        )
        return aws.vpc.SecurityGroupIngressRule(
            f"{self._name}-from-cloudfront",
            security_group_id=self.security_group_id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            referenced_security_group_id=cloudfront_group.id,
            description="CloudFront VPC origin ENIs (the only client)",
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _security_group(self, name: str, args: LoadBalancerArgs) -> aws.ec2.SecurityGroup:
        """In: 443 from CloudFront's VPC origin only (admit_cloudfront, once the distribution exists). Out: the app port on the pods."""
        child = pulumi.ResourceOptions(parent=self)
        group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description="Internal application load balancer: HTTPS from CloudFront VPC origins, HTTPS to the app pods",
            tags=name_tag(f"{name}-sg"),
            opts=child,
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-to-pods",
            security_group_id=group.id,
            ip_protocol="tcp",
            from_port=APP_PORT,
            to_port=APP_PORT,
            referenced_security_group_id=args.node_security_group_id,
            description="HTTPS to the app pods (and their health checks)",
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-pods-from-alb",
            security_group_id=args.node_security_group_id,
            ip_protocol="tcp",
            from_port=APP_PORT,
            to_port=APP_PORT,
            referenced_security_group_id=group.id,
            description="app pods from the load balancer",
            opts=child,
        )
        return group

    def _alb(self, name: str, args: LoadBalancerArgs, group: aws.ec2.SecurityGroup, log_policy: aws.s3.BucketPolicy) -> aws.lb.LoadBalancer:
        return aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=True,
            ip_address_type="ipv4",
            security_groups=[group.id],
            subnets=list(args.private_subnet_ids),
            enable_deletion_protection=True,
            drop_invalid_header_fields=True,
            desync_mitigation_mode="strictest",
            enable_http2=True,
            idle_timeout=args.settings.idle_timeout_seconds,
            access_logs=aws.lb.LoadBalancerAccessLogsArgs(bucket=self.log_bucket.bucket, prefix=LOG_PREFIX, enabled=True),
            tags=name_tag(f"{name}-alb"),
            # ELB checks that it may write to the bucket when logging is turned on.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[log_policy]),
        )

    def _target_groups(self, name: str, args: LoadBalancerArgs) -> dict[str, aws.lb.TargetGroup]:
        """One `ip` target group per colour, checked on the path the pods' own probes use."""
        settings = args.settings
        return {
            colour: aws.lb.TargetGroup(
                f"{name}-{colour}",
                vpc_id=args.vpc_id,
                target_type="ip",  # the Load Balancer Controller registers pod IPs (TargetGroupBinding)
                port=APP_PORT,
                protocol="HTTPS",  # end-to-end TLS: the pods serve the internal CA's certificate
                protocol_version="HTTP1",
                deregistration_delay=settings.target_group.deregistration_delay_seconds,
                slow_start=settings.target_group.slow_start_seconds,
                health_check=aws.lb.TargetGroupHealthCheckArgs(
                    enabled=True,
                    protocol="HTTPS",
                    port="traffic-port",
                    path=args.health_check_path,
                    matcher="200",
                    interval=15,
                    timeout=5,
                    healthy_threshold=3,
                    unhealthy_threshold=3,
                ),
                tags={**name_tag(f"{name}-{colour}"), "Colour": colour, TARGET_GROUP_OWNER_TAG: settings.domain},
                opts=pulumi.ResourceOptions(parent=self),
            )
            for colour in COLOURS
        }

    def _listeners(self, name: str, args: LoadBalancerArgs) -> None:
        """HTTPS with a 404 default; no plain HTTP (CloudFront redirects viewers). The rule per colour
        comes with the colour (`route_colour`)."""
        settings = args.settings
        child = pulumi.ResourceOptions(parent=self)
        self.https_listener = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=self.alb.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=settings.ssl_policy,
            certificate_arn=args.certificate_arn,
            routing_http_response_strict_transport_security_header_value=settings.hsts_header,
            routing_http_response_x_content_type_options_header_value="nosniff",
            routing_http_response_server_enabled=False,
            # Requests for other hosts (or before the traffic split exists) reach no pod.
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(
                    type="fixed-response",
                    fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
                        content_type="text/plain", message_body="not found", status_code="404"
                    ),
                )
            ],
            opts=child,
        )

    def route_colour(self, colour: ColourName, binding: pulumi.Resource) -> aws.lb.ListenerRule:
        """Put a colour's target group on the listener, by a rule that matches the colour's header,
        once the colour's TargetGroupBinding is reconciled (its targets registered).

        The ALB health-checks only the targets of a target group that a listener rule forwards to
        ("Health checks are performed on all targets registered to a target group that is specified
        in a listener rule for your load balancer", ELB User Guide, load-balancer-target-groups.html);
        a target group no rule uses reports its targets `unused`, so the pods' readiness gates would
        never pass and the colour's rollout would never finish. The colour's Deployment therefore
        waits for this rule (AppArgs.colour_route), and the rule waits for the binding, which waits
        for neither the pods nor the rule (no cycle): a rule that forwards to a target group waits
        for the binding that fills it, like every rule (policy/ordering.py). CloudFront, the
        listener's only client, never forwards a viewer's colour header (components.cdn's origin
        request policy), so nobody outside picks a colour: the weighted rule (the traffic split)
        carries the traffic.
        """
        rule = aws.lb.ListenerRule(
            f"{self._name}-{colour}-by-header",
            listener_arn=self.https_listener.arn,
            priority=COLOUR_RULE_PRIORITIES[colour],
            conditions=[
                aws.lb.ListenerRuleConditionArgs(host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(values=[self._origin_host])),
                aws.lb.ListenerRuleConditionArgs(
                    http_header=aws.lb.ListenerRuleConditionHttpHeaderArgs(http_header_name=COLOUR_HEADER, values=[colour])
                ),
            ],
            actions=[aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=self.target_groups[colour].arn)],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[binding]),
        )
        self.colour_rules[colour] = rule
        return rule

    def _log_bucket(self, name: str, settings: EdgeSettings) -> tuple[aws.s3.Bucket, aws.s3.BucketPolicy]:
        child = pulumi.ResourceOptions(parent=self)
        bucket = private_bucket(f"{name}-logs", self)
        days = settings.access_logs.retention_days
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-logs",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-access-logs",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=f"{LOG_PREFIX}/"),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=days),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(noncurrent_days=7),
                ),
                abort_incomplete_uploads_rule(),
            ],
            opts=child,
        )
        # Regions launched before August 2022 (us-east-1 among them) deliver ALB logs as the
        # region's ELB account, later ones as the log-delivery service: admit both.
        elb_account = aws.elb.get_service_account_output(opts=pulumi.InvokeOutputOptions(parent=self))
        policy = aws.s3.BucketPolicy(
            f"{name}-logs",
            bucket=bucket.id,
            policy=pulumi.Output.all(bucket.arn, elb_account.arn).apply(lambda args: _log_bucket_policy(args[0], args[1])),
            opts=child,
        )
        return bucket, policy


def vpc_origin_name(origin_host: str, endpoint: Mapping[str, object]) -> str:
    """`origin-<domain>-<digest of the endpoint settings>`: a new name whenever the settings change."""
    digest = hashlib.sha256(json.dumps(endpoint, sort_keys=True).encode()).hexdigest()[:8]
    return f"{origin_host.replace('.', '-')[: VPC_ORIGIN_NAME_LENGTH - 9]}-{digest}"


def _log_bucket_policy(bucket_arn: str, elb_account_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ElbLogDelivery",
                    "Effect": "Allow",
                    "Principal": {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"{bucket_arn}/{LOG_PREFIX}/AWSLogs/*",
                },
                {
                    "Sid": "ElbAccountLogDelivery",
                    "Effect": "Allow",
                    "Principal": {"AWS": elb_account_arn},
                    "Action": "s3:PutObject",
                    "Resource": f"{bucket_arn}/{LOG_PREFIX}/AWSLogs/*",
                },
                deny_insecure_transport(bucket_arn),
            ],
        }
    )
