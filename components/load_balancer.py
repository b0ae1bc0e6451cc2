"""The application load balancer: TLS 1.3 in front, re-encrypted HTTPS to the pods behind.

- Internet-facing in the public subnet of every zone; its security group admits 80/443 from
  anywhere and sends only to the cluster's security group on the app port.
- Port 443 terminates TLS with the validated ACM certificate and a TLS 1.3-only policy, adds
  HSTS, drops invalid header fields; port 80 only answers 301 to HTTPS.
- The app is reached through the AWS Load Balancer Controller's TargetGroupBinding: the two
  colours (blue, green) are `ip` target groups over HTTPS on the app port that the controller
  fills with pod addresses, health-checked on the app's own health endpoint. The listener's
  default action is a fixed 404; the app's traffic goes through one weighted-forward rule
  (`components.traffic_split.TrafficSplit`), so moving traffic changes only that rule.
- Access logs go to a protected, SSE-S3 bucket (ALB log delivery does not support SSE-KMS)
  that only the ELB log-delivery service may write to, with a lifecycle rule.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.shared.buckets import deny_insecure_transport, private_bucket
from components.shared.tags import name_tag
from config.app import APP_PORT, COLOURS
from config.edge import EdgeSettings

LOG_PREFIX = "alb"
COLOUR_HEADER = "X-Email-Platform-Colour"
# Ahead of the traffic split's weighted rule (priority 100), which takes every other request for the domain.
COLOUR_RULE_PRIORITIES = {colour: 10 + index for index, colour in enumerate(COLOURS)}
# AWS managed rule groups, in evaluation order; all free of per-group subscription fees.
MANAGED_RULE_GROUPS = ("AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet")


@dataclass
class LoadBalancerArgs:
    settings: EdgeSettings
    vpc_id: pulumi.Input[str]
    public_subnet_ids: Sequence[pulumi.Input[str]]
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
    security_group_id: pulumi.Output[str]
    https_listener: aws.lb.Listener
    http_listener: aws.lb.Listener
    colour_rules: dict[str, aws.lb.ListenerRule]
    target_groups: dict[str, aws.lb.TargetGroup]
    target_group_arn_suffixes: dict[str, pulumi.Output[str]]
    log_bucket: aws.s3.Bucket
    web_acl: aws.wafv2.WebAcl | None = None

    def __init__(self, name: str, args: LoadBalancerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:edge:LoadBalancer", name, None, opts)
        settings = args.settings
        group = self._security_group(name, args)
        self.security_group_id = group.id
        self.log_bucket, log_policy = self._log_bucket(name, settings)
        self.alb = self._alb(name, args, group, log_policy)
        self.arn_suffix = self.alb.arn_suffix
        self.dns_name = self.alb.dns_name
        self.zone_id = self.alb.zone_id
        self.target_groups = self._target_groups(name, args)
        self.target_group_arn_suffixes = {colour: tg.arn_suffix for colour, tg in self.target_groups.items()}
        self._listeners(name, args)
        if settings.waf_enabled:
            self.web_acl = self._waf(name, settings)
        aws.route53.Record(
            f"{name}-alias",
            zone_id=args.hosted_zone_id,
            name=settings.domain,
            type="A",
            aliases=[aws.route53.RecordAliasArgs(name=self.alb.dns_name, zone_id=self.alb.zone_id, evaluate_target_health=True)],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs(
            {"dnsName": self.dns_name, "arnSuffix": self.arn_suffix, "targetGroupArnSuffixes": self.target_group_arn_suffixes}
        )

    def _security_group(self, name: str, args: LoadBalancerArgs) -> aws.ec2.SecurityGroup:
        """In: 80 and 443 from anywhere. Out: the app port on the pods, which admit it from here."""
        child = pulumi.ResourceOptions(parent=self)
        group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description="Application load balancer: HTTP/HTTPS from the internet, HTTPS to the app pods",
            tags=name_tag(f"{name}-sg"),
            opts=child,
        )
        for port in (80, 443):
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-from-internet-{port}",
                security_group_id=group.id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                cidr_ipv4="0.0.0.0/0",
                description=f"clients on {port}" + (" (redirected to 443)" if port == 80 else ""),
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
            internal=False,
            ip_address_type="ipv4",
            security_groups=[group.id],
            subnets=list(args.public_subnet_ids),
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
                deregistration_delay=settings.deregistration_delay_seconds,
                slow_start=settings.slow_start_seconds,
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
                tags={**name_tag(f"{name}-{colour}"), "Colour": colour},
                opts=pulumi.ResourceOptions(parent=self),
            )
            for colour in COLOURS
        }

    def _listeners(self, name: str, args: LoadBalancerArgs) -> None:
        """HTTPS with a 404 default and a rule per colour; HTTP only redirects to HTTPS."""
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
        # Both target groups are attached to the listener from the start, by a rule per colour
        # that matches a header. A target group no listener uses reports its targets "unused",
        # so pods' readiness gates would never pass and the first rollout would never finish
        # (the weighted rule waits for it). The header also lets a release smoke-test the idle
        # colour before it gets traffic: `curl -H "X-Email-Platform-Colour: green" https://<domain>/health`.
        self.colour_rules = {
            colour: aws.lb.ListenerRule(
                f"{name}-{colour}-by-header",
                listener_arn=self.https_listener.arn,
                priority=COLOUR_RULE_PRIORITIES[colour],
                conditions=[
                    aws.lb.ListenerRuleConditionArgs(host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(values=[settings.domain])),
                    aws.lb.ListenerRuleConditionArgs(
                        http_header=aws.lb.ListenerRuleConditionHttpHeaderArgs(http_header_name=COLOUR_HEADER, values=[colour])
                    ),
                ],
                actions=[aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=self.target_groups[colour].arn)],
                opts=child,
            )
            for colour in COLOURS
        }
        self.http_listener = aws.lb.Listener(
            f"{name}-http",
            load_balancer_arn=self.alb.arn,
            port=80,
            protocol="HTTP",
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(
                    type="redirect",
                    redirect=aws.lb.ListenerDefaultActionRedirectArgs(protocol="HTTPS", port="443", status_code="HTTP_301"),
                )
            ],
            opts=child,
        )

    def _log_bucket(self, name: str, settings: EdgeSettings) -> tuple[aws.s3.Bucket, aws.s3.BucketPolicy]:
        child = pulumi.ResourceOptions(parent=self)
        bucket = private_bucket(f"{name}-logs", self)
        days = settings.access_log_retention_days
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
                # Over the whole bucket, not only the log prefix: no upload left half-done anywhere is billed.
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="abort-incomplete-uploads",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=1
                    ),
                ),
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

    def _waf(self, name: str, settings: EdgeSettings) -> aws.wafv2.WebAcl:
        child = pulumi.ResourceOptions(parent=self)
        metric = name.replace("-", "")

        def visibility(metric_name: str) -> aws.wafv2.WebAclVisibilityConfigArgs:
            return aws.wafv2.WebAclVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=True
            )

        def rule_visibility(metric_name: str) -> aws.wafv2.WebAclRuleVisibilityConfigArgs:
            return aws.wafv2.WebAclRuleVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=True
            )

        rules = [
            aws.wafv2.WebAclRuleArgs(
                name="rate-limit-per-ip",
                priority=0,
                action=aws.wafv2.WebAclRuleActionArgs(block=aws.wafv2.WebAclRuleActionBlockArgs()),
                statement=aws.wafv2.WebAclRuleStatementArgs(
                    rate_based_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementArgs(
                        limit=settings.waf_rate_limit, aggregate_key_type="IP", evaluation_window_sec=300
                    )
                ),
                visibility_config=rule_visibility(f"{metric}RateLimit"),
            )
        ]
        for index, group_name in enumerate(MANAGED_RULE_GROUPS, start=1):
            overrides = []
            if group_name == "AWSManagedRulesCommonRuleSet":
                # The API takes email bodies and attachments larger than the rule's 8 KB body cap: count, not block.
                overrides = [
                    aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArgs(
                        name="SizeRestrictions_BODY",
                        action_to_use=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseArgs(
                            count=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseCountArgs()
                        ),
                    )
                ]
            rules.append(
                aws.wafv2.WebAclRuleArgs(
                    name=group_name,
                    priority=index,
                    override_action=aws.wafv2.WebAclRuleOverrideActionArgs(none=aws.wafv2.WebAclRuleOverrideActionNoneArgs()),
                    statement=aws.wafv2.WebAclRuleStatementArgs(
                        managed_rule_group_statement=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs(
                            vendor_name="AWS", name=group_name, rule_action_overrides=overrides or None
                        )
                    ),
                    visibility_config=rule_visibility(f"{metric}{group_name}"),
                )
            )
        acl = aws.wafv2.WebAcl(
            f"{name}-waf",
            scope="REGIONAL",
            default_action=aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs()),
            rules=rules,
            visibility_config=visibility(f"{metric}WebAcl"),
            opts=child,
        )
        aws.wafv2.WebAclAssociation(f"{name}-waf", resource_arn=self.alb.arn, web_acl_arn=acl.arn, opts=child)
        return acl


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
