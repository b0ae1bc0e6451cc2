"""Operations: alarms for the guide's success metrics, who hears of them, a dashboard, a budget.

Who is told what:
- Symptoms users feel (ALB 5xx rates, response time, unhealthy targets, the app's delivery
  rate) feed one composite "service degraded" alarm, which alone notifies: one message per
  incident rather than one per symptom.
- Causes (Aurora, ElastiCache) notify on their own, so a hot database does not keep the
  composite in ALARM and hide a second, user-facing symptom.
- CloudFront and Route 53 publish their metrics in us-east-1 only, and an alarm's actions
  must be in the alarm's region (as must a composite's children), so those alarms live in
  us-east-1 and notify a topic there (the same topic when the stack itself is in us-east-1).

This component only composes the pieces; each lives in its own module of this package.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.monitoring.alarms import GLOBAL_REGION, AlarmMaker, service_degraded
from components.monitoring.alarms_app import container_alarms, delivery_rate_alarms
from components.monitoring.alarms_data import cache_alarms, database_alarms
from components.monitoring.alarms_edge import cdn_alarm, load_balancer_alarms
from components.monitoring.args import MonitoringArgs
from components.monitoring.budget import cost_allocation_tags, environment_filter, monthly_budget
from components.monitoring.dashboard import dashboard_body, dashboard_url
from components.monitoring.notifications import alarm_topic
from components.monitoring.uptime import uptime_alarm, uptime_check
from config.reader import PROJECT


class Monitoring(pulumi.ComponentResource):
    topic: aws.sns.Topic
    global_topic: aws.sns.Topic
    alarms: dict[str, aws.cloudwatch.MetricAlarm]
    global_alarms: dict[str, aws.cloudwatch.MetricAlarm]
    service_degraded: aws.cloudwatch.CompositeAlarm
    health_check: aws.route53.HealthCheck
    dashboard: aws.cloudwatch.Dashboard
    budget: aws.budgets.Budget
    cost_allocation_tags: list[aws.costexplorer.CostAllocationTag]
    topic_arn: pulumi.Output[str]
    dashboard_url: pulumi.Output[str]

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:ops:Monitoring", name, None, opts)
        settings = args.settings
        prefix = f"{PROJECT}-{args.environment}"
        regional = pulumi.ResourceOptions(parent=self)
        in_us_east_1 = pulumi.ResourceOptions(parent=self, provider=args.us_east_1_provider)

        self.topic, topic_ready = alarm_topic(name, prefix, settings, regional)
        if args.region == GLOBAL_REGION:
            self.global_topic, global_ready = self.topic, topic_ready
        else:
            self.global_topic, global_ready = alarm_topic(f"{name}-{GLOBAL_REGION}", prefix, settings, in_us_east_1)
        self.topic_arn = self.topic.arn
        # Publishers wait for the topic's and key's policies, not only for the topic's ARN.
        notifying = pulumi.ResourceOptions(parent=self, depends_on=topic_ready)
        notifying_in_us_east_1 = pulumi.ResourceOptions(parent=self, provider=args.us_east_1_provider, depends_on=global_ready)

        maker = AlarmMaker(name, prefix, settings, notifying)
        symptoms = load_balancer_alarms(maker, args)
        causes = {
            **database_alarms(maker, args, self.topic),
            **cache_alarms(maker, args, self.topic),
            **container_alarms(maker, args.containers, self.topic),
        }
        app_symptoms = delivery_rate_alarms(maker, settings)
        self.alarms = {**symptoms, **causes, **app_symptoms}
        self.service_degraded = service_degraded(maker, [*symptoms.values(), *app_symptoms.values()], self.topic, self)

        self.health_check = uptime_check(name, prefix, args, in_us_east_1)
        self.global_alarms = {
            "cdn-5xx-rate": cdn_alarm(maker, args, self.global_topic, notifying_in_us_east_1),
            "health-check": uptime_alarm(maker, args, self.health_check, self.global_topic, notifying_in_us_east_1),
        }

        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=prefix,
            dashboard_body=dashboard_body(
                args,
                self.health_check,
                regional_alarms=[*(alarm.arn for alarm in self.alarms.values()), self.service_degraded.arn],
                us_east_1_alarms=[alarm.arn for alarm in self.global_alarms.values()],
            ),
            opts=regional,
        )
        self.dashboard_url = dashboard_url(args.region, self.dashboard)
        self.cost_allocation_tags = cost_allocation_tags(name, settings.cost_allocation_tags, in_us_east_1)
        budget_opts = pulumi.ResourceOptions(
            parent=self, provider=args.us_east_1_provider, depends_on=[*topic_ready, *self.cost_allocation_tags]
        )
        self.budget = monthly_budget(
            name,
            prefix,
            settings.budget,
            self.topic,
            budget_opts,
            cost_filters=environment_filter(args.environment, settings.cost_allocation_tags),
        )
        self.register_outputs(
            {
                "topicArn": self.topic_arn,
                "serviceDegradedAlarm": self.service_degraded.alarm_name,
                "dashboardUrl": self.dashboard_url,
                "budgetName": self.budget.name,
            }
        )
