"""Edge alarms: what users feel at the load balancer (symptoms), and the CDN's error rate.

The load balancer's alarms do not notify on their own: they feed the "service degraded"
composite. CloudFront publishes its metrics in us-east-1 only, so its alarm lives there and
notifies the us-east-1 topic (an alarm's actions must be in the alarm's region).
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.monitoring.alarms import ALB, CLOUDFRONT, AlarmMaker, Metric, Rate
from components.monitoring.args import MonitoringArgs


def load_balancer_alarms(maker: AlarmMaker, args: MonitoringArgs) -> dict[str, aws.cloudwatch.MetricAlarm]:
    """5xx rates (the app's and the load balancer's own), response time, and unhealthy targets per colour."""
    t = args.settings.alb
    average_seconds = args.slo.latency.average_milliseconds / 1000
    lb = {"LoadBalancer": args.alb_arn_suffix}
    requests = Metric(ALB, "RequestCount", lb, "Sum")
    symptoms = {
        "alb-target-5xx-rate": maker.alarm(
            "alb-target-5xx-rate",
            f"More than {t.target_5xx_percent:g} % of requests got a 5xx from the app",
            Rate(Metric(ALB, "HTTPCode_Target_5XX_Count", lb, "Sum"), requests),
            "GreaterThanThreshold",
            t.target_5xx_percent,
            treat_missing="notBreaching",  # no requests, no errors
        ),
        "alb-elb-5xx-rate": maker.alarm(
            "alb-elb-5xx-rate",
            f"More than {t.elb_5xx_percent:g} % of requests got a 5xx from the load balancer itself (no healthy target, timeouts)",
            Rate(Metric(ALB, "HTTPCode_ELB_5XX_Count", lb, "Sum"), requests, errors_in_denominator=True),
            "GreaterThanThreshold",
            t.elb_5xx_percent,
            treat_missing="notBreaching",
        ),
        "alb-response-time": maker.alarm(
            "alb-response-time",
            f"Average response time above {args.slo.latency.average_milliseconds:g} ms (slo.latency.averageMilliseconds; the guide's < 200 ms)",
            Metric(ALB, "TargetResponseTime", lb, "Average"),
            "GreaterThanThreshold",
            average_seconds,
            treat_missing="notBreaching",
        ),
    }
    for colour, suffix in sorted(args.target_group_arn_suffixes.items()):
        role = f"alb-{colour}-unhealthy-hosts"
        symptoms[role] = maker.alarm(
            role,
            f"More than {t.unhealthy_hosts:g} {colour} target(s) failing the {args.health_check_path} check",
            Metric(ALB, "UnHealthyHostCount", {"TargetGroup": suffix, "LoadBalancer": args.alb_arn_suffix}, "Maximum"),
            "GreaterThanThreshold",
            t.unhealthy_hosts,
            # The idle colour may have no targets and so no data: that is not a failure.
            treat_missing="notBreaching",
        )
    return symptoms


def cdn_alarm(
    maker: AlarmMaker, args: MonitoringArgs, topic: aws.sns.Topic, in_us_east_1: pulumi.ResourceOptions
) -> aws.cloudwatch.MetricAlarm:
    threshold = args.settings.cdn.error_5xx_percent
    return maker.alarm(
        "cdn-5xx-rate",
        f"More than {threshold:g} % of CDN requests end in a 5xx",
        # CloudFront publishes in us-east-1 only, under the fixed dimension Region=Global.
        Metric(CLOUDFRONT, "5xxErrorRate", {"DistributionId": args.cdn_distribution_id, "Region": "Global"}, "Average"),
        "GreaterThanThreshold",
        threshold,
        treat_missing="notBreaching",
        notify=topic,
        opts=in_us_east_1,
    )
