"""Operations: alarms for the guide's success metrics, who hears of them, a dashboard, a budget.

Every alarm's namespace, metric and dimensions are built from the identifiers of the resources
it watches (ALB and target-group ARN suffixes, Aurora cluster and instance identifiers, the
ElastiCache member clusters, the CloudFront distribution, the Route 53 health check), so an
alarm cannot silently watch a resource that no longer exists. Thresholds come from config.

Who is told what:
- Symptoms users feel (ALB 5xx rates, response time, unhealthy targets, the app's delivery
  rate) feed one composite "service degraded" alarm, which alone notifies: one message per
  incident rather than one per symptom.
- Causes (Aurora, ElastiCache) notify on their own, so a hot database does not keep the
  composite in ALARM and hide a second, user-facing symptom.
- CloudFront and Route 53 publish their metrics in us-east-1 only, and an alarm's actions
  must be in the alarm's region (as must a composite's children), so those alarms live in
  us-east-1 and notify a topic there (the same topic when the stack itself is in us-east-1).

Topics are encrypted with a customer-managed key: CloudWatch cannot publish to a topic
encrypted with the AWS-managed `alias/aws/sns` key, whose policy cannot be changed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.providers import name_tag
from config.monitoring import MonitoringSettings
from config.reader import PROJECT

GLOBAL_REGION = "us-east-1"  # CloudFront, Route 53 health-check metrics, Budgets, Cost Explorer
ALB = "AWS/ApplicationELB"
RDS = "AWS/RDS"
ELASTICACHE = "AWS/ElastiCache"
CLOUDFRONT = "AWS/CloudFront"
ROUTE53 = "AWS/Route53"
# Services that publish to the topics (alarms, budgets), and so need the key and the topic.
PUBLISHERS = ("cloudwatch.amazonaws.com", "budgets.amazonaws.com")
_COLOUR = r"[a-z][a-z0-9-]{0,20}"


@dataclass(frozen=True)
class Metric:
    """One CloudWatch metric: what an alarm watches and what a dashboard draws."""

    namespace: str
    name: str
    dimensions: Mapping[str, pulumi.Input[str]]
    statistic: str


@dataclass(frozen=True)
class Rate:
    """100 × errors / requests, as metric math: AWS publishes counts, the guide speaks in rates."""

    errors: Metric
    requests: Metric
    # ELB 5xx answered without a target (no healthy host) are not in RequestCount: add them.
    errors_in_denominator: bool = False


@dataclass
class MonitoringArgs:
    settings: MonitoringSettings
    environment: str
    region: str
    domain: str
    us_east_1_provider: aws.Provider
    alb_arn_suffix: pulumi.Input[str]
    # Colour (blue/green) → the target group's ARN suffix.
    target_group_arn_suffixes: Mapping[str, pulumi.Input[str]]
    db_cluster_identifier: pulumi.Input[str]
    db_instance_identifiers: Sequence[pulumi.Input[str]]
    redis_replication_group_id: pulumi.Input[str]
    redis_member_clusters: pulumi.Input[Sequence[str]]
    # How many member clusters (nodes) there are: known from config, so the alarms per node
    # are declared up front and show in a preview, while their ids come from the group itself.
    redis_node_count: int
    cdn_distribution_id: pulumi.Input[str]

    def __post_init__(self) -> None:
        if not self.target_group_arn_suffixes:
            raise ValueError("the ALB needs at least one target group to watch")
        for colour in self.target_group_arn_suffixes:
            if not re.fullmatch(_COLOUR, colour):
                raise ValueError(f"target group key {colour!r} must be a short lower-case name, e.g. blue")
        if not self.db_instance_identifiers:
            raise ValueError("the database needs at least one instance to watch")
        if self.redis_node_count < 1:
            raise ValueError("the cache needs at least one node to watch")


@dataclass
class _Built:
    alarms: dict[str, aws.cloudwatch.MetricAlarm] = field(default_factory=dict)
    symptoms: list[aws.cloudwatch.MetricAlarm] = field(default_factory=list)


def member_cluster(members: Sequence[str], index: int, count: int) -> str:
    """The index-th member cluster, in a stable order, checking the count config promised."""
    ordered = sorted(members)
    if len(ordered) != count:
        raise ValueError(f"the cache has {len(ordered)} member clusters but monitoring was told {count}; pass redis settings' node count")
    return ordered[index]


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
        self._name = name
        self._args = args
        self._settings = args.settings
        self._prefix = f"{PROJECT}-{args.environment}"
        self._regional = pulumi.ResourceOptions(parent=self)
        self._global = pulumi.ResourceOptions(parent=self, provider=args.us_east_1_provider)
        self.topic = self._topic(name, self._regional)
        if args.region == GLOBAL_REGION:
            self.global_topic = self.topic
        else:
            self.global_topic = self._topic(f"{name}-{GLOBAL_REGION}", self._global)
        self.topic_arn = self.topic.arn

        built = _Built()
        self._alb_alarms(built)
        self._database_alarms(built)
        self._cache_alarms(built)
        self._delivery_rate_alarm(built)
        self.alarms = built.alarms
        self.service_degraded = self._composite(built.symptoms)

        self.health_check = aws.route53.HealthCheck(
            f"{name}-health",
            type="HTTPS",
            fqdn=args.domain,
            port=443,
            resource_path=self._settings.health_check.path,
            request_interval=self._settings.health_check.interval_seconds,
            failure_threshold=self._settings.health_check.failure_threshold,
            enable_sni=True,
            measure_latency=True,
            tags=name_tag(f"{self._prefix}-health"),
            opts=self._global,
        )
        self.global_alarms = self._global_alarms()

        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=self._prefix,
            dashboard_body=self._dashboard_body(),
            opts=self._regional,
        )
        self.dashboard_url = pulumi.Output.concat(
            "https://",
            args.region,
            ".console.aws.amazon.com/cloudwatch/home?region=",
            args.region,
            "#dashboards:name=",
            self.dashboard.dashboard_name,
        )
        self.budget = self._budget()
        # Account-wide, payer-account-only settings; see config.monitoring for why it is a switch.
        self.cost_allocation_tags = [
            aws.costexplorer.CostAllocationTag(f"{name}-tag-{key.lower()}", tag_key=key, status="Active", opts=self._global)
            for key in self._settings.cost_allocation_tags
        ]
        self.register_outputs(
            {
                "topicArn": self.topic_arn,
                "serviceDegradedAlarm": self.service_degraded.alarm_name,
                "dashboardUrl": self.dashboard_url,
                "budgetName": self.budget.name,
            }
        )

    # ── notifications ───────────────────────────────────────────────────────────────────

    def _topic(self, name: str, opts: pulumi.ResourceOptions) -> aws.sns.Topic:
        # Created with AWS's default policy (the account administers it), then given the full
        # policy, which names the account: read from the key's own ARN, with no API call.
        key = aws.kms.Key(
            f"{name}-topic",
            description=f"Encrypts the {self._prefix} alarm and budget notifications",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            opts=opts,
        )
        aws.kms.KeyPolicy(f"{name}-topic", key_id=key.key_id, policy=key.arn.apply(_key_policy), opts=opts)
        aws.kms.Alias(f"{name}-topic", name=f"alias/{self._prefix}-{name}-alarms", target_key_id=key.key_id, opts=opts)
        topic = aws.sns.Topic(
            f"{name}-alarms",
            name=f"{self._prefix}-alarms",
            display_name=f"{self._prefix} alarms",
            kms_master_key_id=key.arn,
            opts=opts,
        )
        aws.sns.TopicPolicy(
            f"{name}-alarms",
            arn=topic.arn,
            policy=topic.arn.apply(_topic_policy),
            opts=opts,
        )
        for email in self._settings.emails:
            aws.sns.TopicSubscription(f"{name}-email-{_slug(email)}", topic=topic.arn, protocol="email", endpoint=email, opts=opts)
        for url in self._settings.webhooks:
            # Webhook URLs often carry a token (Slack, PagerDuty): keep it out of names and state.
            aws.sns.TopicSubscription(
                f"{name}-webhook-{hashlib.sha256(url.encode()).hexdigest()[:10]}",
                topic=topic.arn,
                protocol="https",
                endpoint=pulumi.Output.secret(url),
                endpoint_auto_confirms=False,  # the receiver visits SubscribeURL itself
                opts=opts,
            )
        return topic

    # ── alarms ──────────────────────────────────────────────────────────────────────────

    def _alarm(
        self,
        role: str,
        description: pulumi.Input[str],
        watched: Metric | Rate,
        comparison: str,
        threshold: float,
        *,
        treat_missing: str = "missing",
        notify: aws.sns.Topic | None = None,
        evaluation_periods: int | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> aws.cloudwatch.MetricAlarm:
        period = self._settings.period_seconds
        actions = [notify.arn] if notify is not None else []
        common: dict[str, Any] = {
            "name": f"{self._prefix}-{role}",
            "alarm_description": description,
            "comparison_operator": comparison,
            "threshold": threshold,
            "evaluation_periods": evaluation_periods or self._settings.evaluation_periods,
            "treat_missing_data": treat_missing,
            "alarm_actions": actions,
            "ok_actions": actions,
            "opts": opts or self._regional,
        }
        if isinstance(watched, Metric):
            return aws.cloudwatch.MetricAlarm(
                f"{self._name}-{role}",
                namespace=watched.namespace,
                metric_name=watched.name,
                dimensions=dict(watched.dimensions),
                statistic=watched.statistic,
                period=period,
                **common,
            )
        denominator = "(FILL(requests, 0) + FILL(errors, 0))" if watched.errors_in_denominator else "requests"
        return aws.cloudwatch.MetricAlarm(
            f"{self._name}-{role}",
            metric_queries=[
                _query("errors", watched.errors, period),
                _query("requests", watched.requests, period),
                aws.cloudwatch.MetricAlarmMetricQueryArgs(
                    id="rate",
                    expression=f"100 * FILL(errors, 0) / {denominator}",
                    label=f"{watched.errors.name} (% of requests)",
                    return_data=True,
                ),
            ],
            **common,
        )

    def _alb_alarms(self, built: _Built) -> None:
        a, t = self._args, self._settings.alb
        lb = {"LoadBalancer": a.alb_arn_suffix}
        requests = Metric(ALB, "RequestCount", lb, "Sum")
        symptoms = {
            "alb-target-5xx-rate": self._alarm(
                "alb-target-5xx-rate",
                f"More than {t.target_5xx_percent:g} % of requests got a 5xx from the app",
                Rate(Metric(ALB, "HTTPCode_Target_5XX_Count", lb, "Sum"), requests),
                "GreaterThanThreshold",
                t.target_5xx_percent,
                treat_missing="notBreaching",  # no requests, no errors
            ),
            "alb-elb-5xx-rate": self._alarm(
                "alb-elb-5xx-rate",
                f"More than {t.elb_5xx_percent:g} % of requests got a 5xx from the load balancer itself (no healthy target, timeouts)",
                Rate(Metric(ALB, "HTTPCode_ELB_5XX_Count", lb, "Sum"), requests, errors_in_denominator=True),
                "GreaterThanThreshold",
                t.elb_5xx_percent,
                treat_missing="notBreaching",
            ),
            "alb-response-time": self._alarm(
                "alb-response-time",
                f"Average response time above {t.response_time_seconds * 1000:g} ms (the guide's target is < 200 ms)",
                Metric(ALB, "TargetResponseTime", lb, "Average"),
                "GreaterThanThreshold",
                t.response_time_seconds,
                treat_missing="notBreaching",
            ),
        }
        for colour, suffix in sorted(a.target_group_arn_suffixes.items()):
            role = f"alb-{colour}-unhealthy-hosts"
            symptoms[role] = self._alarm(
                role,
                f"More than {t.unhealthy_hosts:g} {colour} target(s) failing the /health check",
                Metric(ALB, "UnHealthyHostCount", {"TargetGroup": suffix, "LoadBalancer": a.alb_arn_suffix}, "Maximum"),
                "GreaterThanThreshold",
                t.unhealthy_hosts,
                # The idle colour may have no targets and so no data: that is not a failure.
                treat_missing="notBreaching",
            )
        built.alarms.update(symptoms)
        built.symptoms.extend(symptoms.values())

    def _database_alarms(self, built: _Built) -> None:
        a, t = self._args, self._settings.database
        topic = self.topic
        built.alarms["db-replica-lag"] = self._alarm(
            "db-replica-lag",
            f"An Aurora replica lags the writer by more than {t.replica_lag_milliseconds:g} ms",
            Metric(RDS, "AuroraReplicaLagMaximum", {"DBClusterIdentifier": a.db_cluster_identifier}, "Maximum"),
            "GreaterThanThreshold",
            t.replica_lag_milliseconds,
            notify=topic,
        )
        for index, instance in enumerate(a.db_instance_identifiers, start=1):
            dims = {"DBInstanceIdentifier": instance}
            checks = (
                ("cpu", "CPUUtilization", "Average", "GreaterThanThreshold", t.cpu_percent, f"CPU above {t.cpu_percent:g} %"),
                ("memory", "FreeableMemory", "Minimum", "LessThanThreshold", t.freeable_memory_bytes,
                 f"freeable memory below {_bytes(t.freeable_memory_bytes)}"),
                ("connections", "DatabaseConnections", "Maximum", "GreaterThanThreshold", t.connections,
                 f"more than {t.connections:g} connections"),
                ("local-storage", "FreeLocalStorage", "Minimum", "LessThanThreshold", t.free_local_storage_bytes,
                 f"free local (temporary) storage below {_bytes(t.free_local_storage_bytes)}"),
            )  # fmt: skip
            for role, metric, statistic, comparison, threshold, what in checks:
                key = f"db-{index}-{role}"
                built.alarms[key] = self._alarm(
                    key, f"Aurora instance {index}: {what}", Metric(RDS, metric, dims, statistic), comparison, threshold, notify=topic
                )

    def _cache_alarms(self, built: _Built) -> None:
        a, t = self._args, self._settings.cache
        members = pulumi.Output.from_input(a.redis_member_clusters)
        count = a.redis_node_count
        for index in range(count):
            node: pulumi.Output[str] = members.apply(functools.partial(member_cluster, index=index, count=count))
            dims = {"CacheClusterId": node}
            checks = (
                ("cpu", "CPUUtilization", "Average", t.cpu_percent, f"host CPU above {t.cpu_percent:g} %", "missing"),
                ("engine-cpu", "EngineCPUUtilization", "Average", t.engine_cpu_percent,
                 f"engine (single-threaded) CPU above {t.engine_cpu_percent:g} %", "missing"),
                ("memory", "DatabaseMemoryUsagePercentage", "Maximum", t.memory_percent,
                 f"memory use above {t.memory_percent:g} %", "missing"),
                ("evictions", "Evictions", "Sum", t.evictions, f"more than {t.evictions:g} keys evicted", "notBreaching"),
                # Primaries publish no ReplicationLag, and which node is primary moves on failover.
                ("replication-lag", "ReplicationLag", "Maximum", t.replication_lag_seconds,
                 f"replica lags its primary by more than {t.replication_lag_seconds:g} s", "notBreaching"),
            )  # fmt: skip
            for role, metric, statistic, threshold, what, missing in checks:
                key = f"cache-{index + 1}-{role}"
                built.alarms[key] = self._alarm(
                    key,
                    pulumi.Output.concat("ElastiCache node ", node, " of ", a.redis_replication_group_id, f": {what}"),
                    Metric(ELASTICACHE, metric, dims, statistic),
                    "GreaterThanThreshold",
                    threshold,
                    treat_missing=missing,
                    notify=self.topic,
                )

    def _delivery_rate_alarm(self, built: _Built) -> None:
        rate = self._settings.delivery_rate
        if rate is None:
            return
        alarm = self._alarm(
            "delivery-rate",
            f"Email delivery rate below {rate.minimum_percent:g} % (the guide's 99 % target), as the app reports it",
            Metric(rate.namespace, rate.metric_name, rate.dimensions, "Average"),
            "LessThanThreshold",
            rate.minimum_percent,
        )
        built.alarms["delivery-rate"] = alarm
        built.symptoms.append(alarm)

    def _composite(self, symptoms: list[aws.cloudwatch.MetricAlarm]) -> aws.cloudwatch.CompositeAlarm:
        rule = pulumi.Output.all(*[alarm.name for alarm in symptoms]).apply(alarm_rule)
        return aws.cloudwatch.CompositeAlarm(
            f"{self._name}-service-degraded",
            alarm_name=f"{self._prefix}-service-degraded",
            alarm_description="Users see errors, slow responses or failing targets; the message names the alarm(s) that fired",
            alarm_rule=rule,
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            opts=pulumi.ResourceOptions(parent=self, depends_on=symptoms),
        )

    def _global_alarms(self) -> dict[str, aws.cloudwatch.MetricAlarm]:
        a, s = self._args, self._settings
        return {
            "cdn-5xx-rate": self._alarm(
                "cdn-5xx-rate",
                f"More than {s.cdn.error_5xx_percent:g} % of CDN requests end in a 5xx",
                # CloudFront publishes in us-east-1 only, under the fixed dimension Region=Global.
                Metric(CLOUDFRONT, "5xxErrorRate", {"DistributionId": a.cdn_distribution_id, "Region": "Global"}, "Average"),
                "GreaterThanThreshold",
                s.cdn.error_5xx_percent,
                treat_missing="notBreaching",
                notify=self.global_topic,
                opts=self._global,
            ),
            "health-check": self._alarm(
                "health-check",
                f"https://{a.domain}{s.health_check.path} fails from Route 53's checkers (the 99.9 % uptime target)",
                Metric(ROUTE53, "HealthCheckStatus", {"HealthCheckId": self.health_check.id}, "Minimum"),
                "LessThanThreshold",
                1,
                treat_missing="breaching",  # Route 53 always reports; silence means something is wrong
                # The health check already waits for failureThreshold failed checks in a row.
                evaluation_periods=1,
                notify=self.global_topic,
                opts=self._global,
            ),
        }

    # ── dashboard and budget ────────────────────────────────────────────────────────────

    def _dashboard_body(self) -> pulumi.Output[str]:
        a, s = self._args, self._settings
        members = pulumi.Output.from_input(a.redis_member_clusters)
        parts = pulumi.Output.all(
            alb=a.alb_arn_suffix,
            groups=pulumi.Output.all(**dict(a.target_group_arn_suffixes)),
            cluster=a.db_cluster_identifier,
            instances=pulumi.Output.all(*a.db_instance_identifiers),
            members=members,
            distribution=a.cdn_distribution_id,
            health=self.health_check.id,
            regional=pulumi.Output.all(*[alarm.arn for alarm in self.alarms.values()], self.service_degraded.arn),
            east=pulumi.Output.all(*[alarm.arn for alarm in self.global_alarms.values()]),
        )
        return parts.apply(lambda p: json.dumps(dashboard(p, a.region, a.environment, a.domain, s), sort_keys=True))

    def _budget(self) -> aws.budgets.Budget:
        b = self._settings.budget

        def notification(kind: str, percent: float) -> aws.budgets.BudgetNotificationArgs:
            return aws.budgets.BudgetNotificationArgs(
                notification_type=kind,
                comparison_operator="GREATER_THAN",
                threshold=percent,
                threshold_type="PERCENTAGE",
                subscriber_email_addresses=b.emails or None,
                subscriber_sns_topic_arns=[self.topic.arn],
            )

        return aws.budgets.Budget(
            f"{self._name}-budget",
            name=f"{self._prefix}-monthly",
            budget_type="COST",
            time_unit="MONTHLY",
            limit_amount=f"{b.monthly_usd:.2f}",
            limit_unit="USD",
            notifications=[notification("FORECASTED", b.forecasted_percent), notification("ACTUAL", b.actual_percent)],
            opts=pulumi.ResourceOptions(parent=self, provider=self._args.us_east_1_provider),
        )


def _query(query_id: str, metric: Metric, period: int) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
    return aws.cloudwatch.MetricAlarmMetricQueryArgs(
        id=query_id,
        return_data=False,
        metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
            namespace=metric.namespace,
            metric_name=metric.name,
            dimensions=dict(metric.dimensions),
            stat=metric.statistic,
            period=period,
        ),
    )


def alarm_rule(names: Sequence[str]) -> str:
    """A composite rule that is in ALARM when any child is (names quoted as CloudWatch wants)."""
    return " OR ".join(f'ALARM("{name}")' for name in names)


def _key_policy(key_arn: str) -> str:
    _, partition, _, _, account, _ = key_arn.split(":", 5)
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdministersTheKey",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "AlarmsAndBudgetsEncryptNotifications",
                    "Effect": "Allow",
                    "Principal": {"Service": list(PUBLISHERS)},
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": "*",
                    # No aws:SourceAccount condition here, as in AWS's documented policy for alarms
                    # on encrypted topics: the KMS call is made through SNS and may not carry it.
                    # The topic policy below limits who may publish to this account's alarms.
                },
            ],
        },
        sort_keys=True,
    )


def _topic_policy(topic_arn: str) -> str:
    account = topic_arn.split(":")[4]
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AlarmsAndBudgetsPublish",
                    "Effect": "Allow",
                    "Principal": {"Service": list(PUBLISHERS)},
                    "Action": "SNS:Publish",
                    "Resource": topic_arn,
                    # Only on behalf of this account's alarms and budgets (confused deputy).
                    "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                }
            ],
        },
        sort_keys=True,
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def _bytes(value: float) -> str:
    return f"{value / 1024**3:g} GiB" if value >= 1024**3 else f"{value / 1024**2:g} MiB"


def _graph(title: str, region: str, metrics: list[list[Any]], *, stat: str, threshold: float | None = None) -> dict[str, Any]:
    properties: dict[str, Any] = {"title": title, "region": region, "stat": stat, "period": 60, "view": "timeSeries", "metrics": metrics}
    if threshold is not None:
        properties["annotations"] = {"horizontal": [{"label": "alarm", "value": threshold}]}
    return {"type": "metric", "width": 12, "height": 6, "properties": properties}


def dashboard(p: Mapping[str, Any], region: str, environment: str, domain: str, s: MonitoringSettings) -> dict[str, Any]:
    """The dashboard body: the guide's metrics, drawn from the same identifiers the alarms use."""
    lb = ["LoadBalancer", p["alb"]]
    instances, members = list(p["instances"]), sorted(p["members"])
    widgets: list[dict[str, Any]] = [
        {
            "type": "text",
            "width": 24,
            "height": 2,
            "properties": {
                "markdown": f"# {PROJECT} {environment}\nhttps://{domain} — uptime 99.9 %, average response < 200 ms, delivery ≥ 99 %"
            },
        },
        {"type": "alarm", "width": 24, "height": 4, "properties": {"title": "Alarms", "alarms": list(p["regional"])}},
        {"type": "alarm", "width": 24, "height": 2, "properties": {"title": f"Alarms in {GLOBAL_REGION}", "alarms": list(p["east"])}},
        _graph(
            "Requests and 5xx",
            region,
            [[ALB, "RequestCount", *lb], [ALB, "HTTPCode_Target_5XX_Count", *lb], [ALB, "HTTPCode_ELB_5XX_Count", *lb]],
            stat="Sum",
        ),
        _graph("Response time (s)", region, [[ALB, "TargetResponseTime", *lb]], stat="Average", threshold=s.alb.response_time_seconds),
        _graph(
            "Targets by colour",
            region,
            [
                [ALB, metric, "TargetGroup", suffix, *lb, {"label": f"{colour} {metric}"}]
                for colour, suffix in sorted(p["groups"].items())
                for metric in ("HealthyHostCount", "UnHealthyHostCount")
            ],
            stat="Maximum",
        ),
        _graph(
            "Uptime: /health from Route 53",
            GLOBAL_REGION,
            [[ROUTE53, "HealthCheckPercentageHealthy", "HealthCheckId", p["health"]]],
            stat="Average",
        ),
        _graph(
            "CDN 5xx rate (%)",
            GLOBAL_REGION,
            [[CLOUDFRONT, "5xxErrorRate", "Region", "Global", "DistributionId", p["distribution"]]],
            stat="Average",
            threshold=s.cdn.error_5xx_percent,
        ),
        _graph(
            "Aurora CPU (%)",
            region,
            [[RDS, "CPUUtilization", "DBInstanceIdentifier", i] for i in instances],
            stat="Average",
            threshold=s.database.cpu_percent,
        ),
        _graph("Aurora connections", region, [[RDS, "DatabaseConnections", "DBInstanceIdentifier", i] for i in instances], stat="Maximum"),
        _graph(
            "Aurora freeable memory (bytes)",
            region,
            [[RDS, "FreeableMemory", "DBInstanceIdentifier", i] for i in instances],
            stat="Minimum",
        ),
        _graph(
            "Aurora replica lag (ms)",
            region,
            [[RDS, "AuroraReplicaLagMaximum", "DBClusterIdentifier", p["cluster"]]],
            stat="Maximum",
            threshold=s.database.replica_lag_milliseconds,
        ),
        _graph(
            "Cache engine CPU (%)",
            region,
            [[ELASTICACHE, "EngineCPUUtilization", "CacheClusterId", m] for m in members],
            stat="Average",
            threshold=s.cache.engine_cpu_percent,
        ),
        _graph(
            "Cache memory (%)",
            region,
            [[ELASTICACHE, "DatabaseMemoryUsagePercentage", "CacheClusterId", m] for m in members],
            stat="Maximum",
            threshold=s.cache.memory_percent,
        ),
        _graph("Cache evictions", region, [[ELASTICACHE, "Evictions", "CacheClusterId", m] for m in members], stat="Sum"),
    ]
    rate = s.delivery_rate
    if rate is not None:
        dims = [part for key, value in sorted(rate.dimensions.items()) for part in (key, value)]
        widgets.append(_graph("Delivery rate (%)", region, [[rate.namespace, rate.metric_name, *dims]], stat="Average",
                              threshold=rate.minimum_percent))  # fmt: skip
    return {"widgets": widgets}
