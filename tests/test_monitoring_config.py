"""Monitoring config: defaults, the rules, and one clear line per bad value.

The monitoring object is read alone from a small object the test writes, with stack-wide settings of its own.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from owned_stacks import committed

from config.basics import Basics, Tags
from config.canaries import BUDGET_FLOOR_MILLISECONDS, CANARY_SUCCESS_PERCENT, default_canary_regions
from config.monitoring import COST_ALLOCATION_TAG_KEYS, MAX_BUDGET_EMAILS, MAX_EVALUATION_SECONDS, MonitoringSettings, parse_monitoring
from config.reader import ConfigError, Section

ROOT = Path(__file__).resolve().parent.parent
KEY = "email-platform:monitoring"
REGION = "ca-central-1"
OTHER_CANARY_REGION = default_canary_regions(REGION)[1]
MINIMAL: dict[str, Any] = {"notifications": {"emails": ["alarms@example.test"]}, "budget": {"monthlyUsd": 100}}
Edit = Any


def _basics(environment: str) -> Basics:
    return Basics(environment, REGION, "mail.example.test", Tags("o", "c", {}))  # type: ignore[arg-type]


def _parse(environment: str, raw: dict[str, Any]) -> MonitoringSettings:
    return parse_monitoring(Section(KEY, raw), _basics(environment))


def _set(path: str, value: Any) -> Edit:
    def edit(raw: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = raw
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value

    return edit


def _delete(path: str) -> Edit:
    def edit(raw: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = raw
        for part in parents:
            node = node[part]
        del node[last]

    return edit


def test_defaults_follow_the_guide_and_aws_recommendations() -> None:
    settings = _parse("staging", {"budget": {"monthlyUsd": 100}})
    assert settings.alb.unhealthy_hosts == 0
    assert (settings.alb.target_5xx_percent, settings.alb.elb_5xx_percent, settings.cdn.error_5xx_percent) == (1, 1, 1)
    assert (settings.database.cpu_percent, settings.database.freeable_memory_bytes) == (80, 512 * 1024**2)
    assert (settings.database.replica_lag_milliseconds, settings.database.free_local_storage_bytes) == (1000, 2 * 1024**3)
    assert (settings.cache.cpu_percent, settings.cache.engine_cpu_percent, settings.cache.memory_percent) == (90, 80, 80)
    assert (settings.cache.evictions, settings.cache.replication_lag_seconds) == (0, 30)
    assert (settings.period_seconds, settings.evaluation_periods) == (60, 3)
    assert (settings.budget.forecasted_percent, settings.budget.actual_percent) == (80, 100)
    assert (settings.canaries.regions, settings.canaries.interval_minutes) == ([REGION, OTHER_CANARY_REGION], 5)
    assert settings.canaries.success_percent == CANARY_SUCCESS_PERCENT
    assert set(settings.canaries.duration_budgets) == set(settings.canaries.regions)
    assert settings.cost_allocation_tags == ()
    assert settings.notifications.emails == settings.notifications.webhooks == []


@pytest.mark.parametrize("stack", committed())
def test_the_committed_stacks_commit_no_webhook_and_leave_the_cost_tags_to_the_payer(stack: str) -> None:
    """Webhooks carry tokens (set as secrets, never committed); cost-allocation tags are activated from the payer account only."""
    config = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]
    basics = Basics(config["email-platform:environment"], config["aws:region"], config["email-platform:domain"], Tags("o", "c", {}))
    settings = parse_monitoring(Section(KEY, config[KEY]), basics)
    assert settings.notifications.webhooks == []
    assert settings.cost_allocation_tags == ()


def test_the_switch_activates_exactly_the_cost_tags_the_provider_stamps() -> None:
    settings = _parse("staging", {"budget": {"monthlyUsd": 100}, "activateCostAllocationTags": True})
    assert settings.cost_allocation_tags == COST_ALLOCATION_TAG_KEYS
    assert set(COST_ALLOCATION_TAG_KEYS) <= set(_basics("staging").default_tags)


REJECTS = [
    ("production", _set("alb.target5xxPercent", 150), "monitoring.alb.target5xxPercent", "between 0 and 100"),
    ("production", _set("alb.elb5xxPercent", -1), "monitoring.alb.elb5xxPercent", "between 0 and 100"),
    ("production", _set("alb.responseTimeSeconds", 0.2), "monitoring.alb.responseTimeSeconds", "follows slo.latency.averageMilliseconds"),
    ("production", _set("alb.unhealthyHosts", -1), "monitoring.alb.unhealthyHosts", "at least 0"),
    ("production", _set("database.cpuPercent", 101), "monitoring.database.cpuPercent", "between 0 and 100"),
    ("production", _set("database.freeableMemoryBytes", -5), "monitoring.database.freeableMemoryBytes", "at least 0"),
    ("production", _set("database.replicaLagMilliseconds", "slow"), "monitoring.database.replicaLagMilliseconds", "must be a number"),
    ("production", _set("database.connections", -10), "monitoring.database.connections", "at least 0"),
    ("production", _set("database.freeLocalStorageBytes", -1), "monitoring.database.freeLocalStorageBytes", "at least 0"),
    ("production", _set("cache.engineCpuPercent", 120), "monitoring.cache.engineCpuPercent", "between 0 and 100"),
    ("production", _set("cache.cpuPercent", -3), "monitoring.cache.cpuPercent", "between 0 and 100"),
    ("production", _set("cache.memoryPercent", 100.5), "monitoring.cache.memoryPercent", "between 0 and 100"),
    ("production", _set("cache.evictions", -1), "monitoring.cache.evictions", "at least 0"),
    ("production", _set("cache.replicationLagSeconds", -1), "monitoring.cache.replicationLagSeconds", "at least 0"),
    ("production", _set("cdn.error5xxPercent", 200), "monitoring.cdn.error5xxPercent", "between 0 and 100"),
    ("production", _set("cache.cpuPrecent", 50), "monitoring.cache.cpuPrecent", "did you mean 'cpuPercent'"),
    ("production", _set("evaluationPeriods", 0), "monitoring.evaluationPeriods", "at least 1"),
    ("production", _set("evaluationPeriods", MAX_EVALUATION_SECONDS // 60 + 1), "monitoring.evaluationPeriods", f"at most {MAX_EVALUATION_SECONDS} (one day)"),
    ("production", _set("periodSeconds", 90), "monitoring.periodSeconds", "multiple of 60"),
    ("production", _set("notifications.emails", ["oncall"]), "monitoring.notifications.emails[0]", "email address"),
    ("production", _set("notifications.emails", ["a@example.com", "a@example.com"]), "monitoring.notifications.emails", "distinct"),
    ("production", _set("notifications.webhooks", ["http://hooks.example.com/x"]), "notifications.webhooks[0]", "https:// URL"),
    ("production", _set("notifications", {}), "monitoring.notifications.emails", "production alarms must reach someone"),
    ("production", _delete("budget"), "monitoring.budget", "required"),
    ("production", _delete("budget.monthlyUsd"), "monitoring.budget.monthlyUsd", "required"),
    ("production", _set("budget.monthlyUsd", 0), "monitoring.budget.monthlyUsd", "at least 1"),
    ("production", _set("budget.forecastedPercent", 120), "monitoring.budget.forecastedPercent", "between 1 and 100"),
    ("production", _set("budget.actualPercent", -5), "monitoring.budget.actualPercent", "between 1 and 100"),
    ("production", _set("budget.emails", [f"f{i}@example.com" for i in range(MAX_BUDGET_EMAILS + 1)]), "monitoring.budget.emails", f"at most {MAX_BUDGET_EMAILS}"),
    ("production", _set("canaryRegions", []), "monitoring.canaryRegions", "needs at least one region"),
    ("production", _set("canaryRegions", [REGION, "mars-north-1"]), "monitoring.canaryRegions[1]", "must be a region where CloudWatch Synthetics runs"),
    ("production", _set("canaryRegions", [REGION, REGION]), "monitoring.canaryRegions", "distinct"),
    ("staging", _set("canaryIntervalMinutes", 0), "monitoring.canaryIntervalMinutes", "between 1 and 60"),
    ("production", _set("deliveryRate", {"enabled": False}), "monitoring.deliveryRate", "slo.delivery.objectivePercent"),
    ("production", _set("canaryDurationMilliseconds", {OTHER_CANARY_REGION: 200}), f"canaryDurationMilliseconds.{OTHER_CANARY_REGION}", f"between {BUDGET_FLOOR_MILLISECONDS} and"),
    ("production", _set("canaryDurationMilliseconds", {OTHER_CANARY_REGION: 60000}), f"canaryDurationMilliseconds.{OTHER_CANARY_REGION}", f"between {BUDGET_FLOOR_MILLISECONDS} and"),
    ("production", _set("canaryDurationMilliseconds", {"af-south-1": 3000}), "canaryDurationMilliseconds.af-south-1", "not one of canaryRegions"),
    ("staging", _set("activateCostAllocationTags", "yes"), "monitoring.activateCostAllocationTags", "true or false"),
]  # fmt: skip


def _names(key: str) -> str:
    return re.escape(key) + " = "


@pytest.mark.parametrize(("stack", "edit", "key", "allowed"), REJECTS, ids=[f"{r[0]}-{r[2]}-{i}" for i, r in enumerate(REJECTS)])
def test_bad_monitoring_value_is_one_line_naming_key_value_and_rule(stack: str, edit: Edit, key: str, allowed: str) -> None:
    raw = copy.deepcopy(MINIMAL)
    edit(raw)
    with pytest.raises(ConfigError, match=_names(key)) as raised:
        _parse(stack, raw)
    message = str(raised.value)
    assert message.startswith("invalid stack config: email-platform:monitoring")
    assert allowed in message
    assert "\n" not in message


def test_the_old_health_check_section_is_an_unknown_key() -> None:
    """The canaries request the app's own health endpoint (app.healthCheckEndpoint): no second key."""
    with pytest.raises(ConfigError, match=r"email-platform:monitoring\.healthCheck: unknown key"):
        _parse("production", {**MINIMAL, "healthCheck": {"path": "/healthz"}})


def test_staging_may_run_without_anyone_subscribed() -> None:
    assert _parse("staging", {"budget": {"monthlyUsd": 100}}).notifications.emails == []
    with pytest.raises(ConfigError, match=r"production alarms must reach someone: .* \(environment: production\)"):
        _parse("production", {"budget": {"monthlyUsd": 100}})


def test_a_canary_budget_set_for_one_region_leaves_the_others_derived() -> None:
    settings = _parse("production", {**MINIMAL, "canaryDurationMilliseconds": {OTHER_CANARY_REGION: 4000}})
    derived = _parse("production", MINIMAL).canaries.duration_budgets
    assert settings.canaries.duration_budgets == {**derived, OTHER_CANARY_REGION: 4000}


def test_canary_regions_are_regions_where_synthetics_runs() -> None:
    import botocore.session

    from config.monitoring import CANARY_REGIONS

    assert set(CANARY_REGIONS) <= set(botocore.session.get_session().get_available_regions("synthetics"))


def test_the_canary_script_calls_the_url_over_tls13_only() -> None:
    from components.monitoring.canaries import canary_script, schedule_expression

    script = canary_script("https://mail.example.com/health")
    assert '"https://mail.example.com/health"' in script
    assert "minVersion: 'TLSv1.3'" in script and "statusCode === 200" in script
    # The web ACL's AWSManagedRulesCommonRuleSet blocks requests without a User-Agent
    # (NoUserAgent_HEADER), and Node's https module sends none of its own.
    assert "'User-Agent': 'email-platform-canary/1'" in script
    assert (schedule_expression(1), schedule_expression(5)) == ("rate(1 minute)", "rate(5 minutes)")
