"""Uptime (the guide's 99.9 %): Route 53 requests the app's health endpoint over HTTPS, and an alarm watches it.

The path is the app's own health endpoint (app.healthCheckEndpoint), the one its probes and the
load balancer's target groups use, so all three move together. Route 53 publishes health-check
metrics in us-east-1 only, so the check and its alarm live there.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.monitoring.alarms import ROUTE53, AlarmMaker, Metric
from components.monitoring.args import MonitoringArgs
from components.shared.tags import name_tag


def uptime_check(name: str, prefix: str, args: MonitoringArgs, in_us_east_1: pulumi.ResourceOptions) -> aws.route53.HealthCheck:
    check = args.settings.health_check
    return aws.route53.HealthCheck(
        f"{name}-health",
        type="HTTPS",
        fqdn=args.domain,
        port=443,
        resource_path=args.health_check_path,
        request_interval=check.interval_seconds,
        failure_threshold=check.failure_threshold,
        enable_sni=True,
        measure_latency=True,
        tags=name_tag(f"{prefix}-health"),
        opts=in_us_east_1,
    )


def uptime_alarm(
    maker: AlarmMaker,
    args: MonitoringArgs,
    health_check: aws.route53.HealthCheck,
    topic: aws.sns.Topic,
    in_us_east_1: pulumi.ResourceOptions,
) -> aws.cloudwatch.MetricAlarm:
    return maker.alarm(
        "health-check",
        f"https://{args.domain}{args.health_check_path} fails from Route 53's checkers (the 99.9 % uptime target)",
        Metric(ROUTE53, "HealthCheckStatus", {"HealthCheckId": health_check.id}, "Minimum"),
        "LessThanThreshold",
        1,
        treat_missing="breaching",  # Route 53 always reports; silence means something is wrong
        # The health check already waits for failureThreshold failed checks in a row.
        evaluation_periods=1,
        notify=topic,
        opts=in_us_east_1,
    )
