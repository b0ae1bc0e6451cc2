"""Operations: alarms for the guide's success metrics, who hears of them, a dashboard, a budget.

Who is told what:
- Symptoms users feel (ALB 5xx rates, response time, unhealthy targets, the local canary) feed
  one composite "service degraded" alarm, which alone notifies: one message per incident rather
  than one per symptom.
- The SLOs (availability at the origin and the edge, latency, delivery) page when their error
  budget burns fast, and open a ticket when it burns steadily (slos.py); the release gate and the
  feature flags' rollback read those, not the threshold alarms.
- Causes (Aurora, ElastiCache) notify on their own, so a hot database does not keep the
  composite in ALARM and hide a second, user-facing symptom.
- CloudFront publishes its metrics in us-east-1 only, and an alarm's actions must be in the
  alarm's region (as must a composite's children), so that alarm lives in us-east-1 and
  notifies a topic there (the same topic when the stack itself is in us-east-1).
- Uptime and latency come from a Synthetics canary per `monitoring.canaryRegions` region, each
  through that region's provider (the stack's one provider per region, handed in). The alarms of the stack region's canary join the composite; a
  canary elsewhere publishes in its own region, so its alarms notify that region's topic.

This component only composes the pieces; each lives in its own module of this package.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.monitoring.alarms import GLOBAL_REGION, AlarmMaker, service_degraded
from components.monitoring.alarms_app import container_alarms
from components.monitoring.alarms_data import cache_alarms, database_alarms
from components.monitoring.alarms_edge import cdn_alarm, load_balancer_alarms
from components.monitoring.args import MonitoringArgs
from components.monitoring.budget import cost_allocation_tags, environment_filter, monthly_budget
from components.monitoring.canaries import RegionCanary, canary_role, region_canary
from components.monitoring.canary_alarms import canary_alarms
from components.monitoring.dashboard import dashboard_body, dashboard_url
from components.monitoring.notifications import alarm_topic
from components.monitoring.slo_alarms import SloAlarms
from components.monitoring.slos import Home, Slos, build_slos
from config.reader import PROJECT


class Monitoring(pulumi.ComponentResource):
    topic: aws.sns.Topic
    global_topic: aws.sns.Topic
    alarms: dict[str, aws.cloudwatch.MetricAlarm]
    global_alarms: dict[str, aws.cloudwatch.MetricAlarm]
    service_degraded: aws.cloudwatch.CompositeAlarm
    canaries: dict[str, RegionCanary]
    canary_alarms: dict[str, aws.cloudwatch.MetricAlarm]
    slos: Slos
    dashboard: aws.cloudwatch.Dashboard
    budget: aws.budgets.Budget
    cost_allocation_tags: list[aws.costexplorer.CostAllocationTag]
    topic_arn: pulumi.Output[str]
    # The alarm topic's policy and its key's policy: a publisher elsewhere waits for these too.
    topic_ready: list[pulumi.Resource]
    dashboard_url: pulumi.Output[str]

    def _canaries(self, name: str, prefix: str, args: MonitoringArgs, maker: AlarmMaker, global_ready: list[pulumi.Resource]) -> None:
        """A canary per region, each through that region's provider, with its alarms and (elsewhere) its topic."""
        canaries = args.settings.canaries
        url = f"https://{args.domain}{args.health_check_path}"
        role = canary_role(name, prefix, pulumi.ResourceOptions(parent=self))
        self.canaries, self.canary_alarms = {}, {}
        for region in canaries.regions:
            topic: aws.sns.Topic | None
            ready: list[pulumi.Resource]
            if region == args.region:
                provider, topic, ready = None, None, []  # the stack's provider; the alarms join the composite
            elif region == GLOBAL_REGION:
                provider, topic, ready = args.us_east_1_provider, self.global_topic, global_ready
            else:
                provider = args.canary_providers[region]
                topic, ready = alarm_topic(
                    f"{name}-{region}", prefix, args.settings, pulumi.ResourceOptions(parent=self, provider=provider)
                )
            self.canaries[region] = region_canary(name, prefix, region, url, canaries.interval_minutes, role, self, provider)
            # Alarms that publish wait for their topic's and key's policies, not only for its ARN.
            opts = pulumi.ResourceOptions(parent=self, provider=provider, depends_on=ready)
            self.canary_alarms.update(canary_alarms(maker, canaries, region, self.canaries[region].canary, url, topic, opts))

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
        self.topic_ready = topic_ready
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
        self._canaries(name, prefix, args, maker, global_ready)
        local_canary = {role: alarm for role, alarm in self.canary_alarms.items() if role.startswith(f"canary-{args.region}-")}
        self.alarms = {**symptoms, **causes, **local_canary}
        user_facing = [*symptoms.values(), *local_canary.values()]
        self.service_degraded = service_degraded(maker, user_facing, self.topic, self)
        self.global_alarms = {"cdn-5xx-rate": cdn_alarm(maker, args, self.global_topic, notifying_in_us_east_1)}
        regional_home = Home(args.region, None, self.topic, topic_ready)
        homes = {
            "regional": regional_home,
            GLOBAL_REGION: regional_home
            if args.region == GLOBAL_REGION
            else Home(GLOBAL_REGION, args.us_east_1_provider, self.global_topic, global_ready),
        }
        self.slos = build_slos(name, prefix, args, homes, self)
        slo_regional = [arn for s in self.slos.alarms.values() if s.series.home == "regional" for arn in _arns(s)]
        slo_east = [arn for s in self.slos.alarms.values() if s.series.home != "regional" for arn in _arns(s)]

        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=prefix,
            dashboard_body=dashboard_body(
                args,
                {region: c.canary.name for region, c in self.canaries.items()},
                regional_alarms=[*(alarm.arn for alarm in self.alarms.values()), self.service_degraded.arn, *slo_regional],
                us_east_1_alarms=[*(alarm.arn for alarm in self.global_alarms.values()), *slo_east],
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
        self.register_outputs({"topicArn": self.topic_arn, "dashboardUrl": self.dashboard_url})


def _arns(slo: SloAlarms) -> list[pulumi.Output[str]]:
    """A series' alarms for the dashboard: its composites and every window alarm."""
    return [slo.fast.arn, slo.slow.arn, *(alarm.arn for alarm in slo.windows.values())]
