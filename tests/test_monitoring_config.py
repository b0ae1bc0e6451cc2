"""Monitoring config: defaults, the committed stacks' values, and one clear line per bad value."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from config_edits import Edit, delete_key, set_key

from config.basics import Basics
from config.monitoring import COST_ALLOCATION_TAG_KEYS, MonitoringSettings, parse_monitoring
from config.reader import ConfigError, Section
from preflight.mocks import EmailPlatformMocks
from preflight.recorder import RecordingMonitor

ROOT = Path(__file__).resolve().parent.parent
KEY = "email-platform:monitoring"


def _set(path: str, value: Any) -> Edit:
    return set_key(f"monitoring.{path}", value)


def _delete(path: str) -> Edit:
    return delete_key(f"monitoring.{path}")


def _committed(stack: str) -> MonitoringSettings:
    config = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]
    basics = Basics(config["email-platform:environment"], "us-east-1", config["email-platform:domain"], "o", "c", {})
    return parse_monitoring(Section(KEY, config[KEY]), basics)


def _minimal(environment: str = "staging") -> MonitoringSettings:
    basics = Basics(environment, "us-east-1", "mail.example.com", "o", "c", {})  # type: ignore[arg-type]
    return parse_monitoring(Section(KEY, {"budget": {"monthlyUsd": 100}}), basics)


def test_defaults_follow_the_guide_and_aws_recommendations() -> None:
    settings = _minimal()
    assert settings.alb.unhealthy_hosts == 0
    assert (settings.alb.target_5xx_percent, settings.alb.elb_5xx_percent, settings.cdn.error_5xx_percent) == (1, 1, 1)
    assert (settings.database.cpu_percent, settings.database.freeable_memory_bytes) == (80, 512 * 1024**2)
    assert (settings.database.replica_lag_milliseconds, settings.database.free_local_storage_bytes) == (1000, 2 * 1024**3)
    assert (settings.cache.cpu_percent, settings.cache.engine_cpu_percent, settings.cache.memory_percent) == (90, 80, 80)
    assert (settings.cache.evictions, settings.cache.replication_lag_seconds) == (0, 30)
    assert (settings.period_seconds, settings.evaluation_periods) == (60, 3)
    assert (settings.budget.forecasted_percent, settings.budget.actual_percent) == (80, 100)
    assert (settings.canaries.regions, settings.canaries.interval_minutes) == (["us-east-1", "us-west-2"], 5)
    assert settings.canaries.success_percent == 99.9
    assert set(settings.canaries.duration_budgets) == set(settings.canaries.regions)
    assert settings.cost_allocation_tags == ()
    assert settings.emails == settings.webhooks == []


def test_committed_production_stack() -> None:
    settings = _committed("production")
    assert settings.emails == ["oncall@example.com"]
    assert settings.webhooks == []  # webhooks carry tokens: set as secrets, never committed
    assert settings.budget.monthly_usd == 3000
    assert settings.budget.emails == ["finance@example.com", "platform-leads@example.com"]
    assert settings.evaluation_periods == 3
    assert settings.cost_allocation_tags == ()  # only from the payer account, once AWS has seen the tags


def test_committed_staging_stack() -> None:
    settings = _committed("staging")
    assert settings.emails == ["platform-staging@example.com"]
    assert settings.budget.monthly_usd == 1000
    assert settings.evaluation_periods == 5


def test_the_switch_activates_exactly_the_cost_tags_the_provider_stamps() -> None:
    basics = Basics("staging", "us-east-1", "mail.example.com", "o", "c", {})
    settings = parse_monitoring(Section(KEY, {"budget": {"monthlyUsd": 100}, "activateCostAllocationTags": True}), basics)
    assert settings.cost_allocation_tags == COST_ALLOCATION_TAG_KEYS
    assert set(COST_ALLOCATION_TAG_KEYS) <= set(basics.default_tags)


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
    ("production", _set("evaluationPeriods", 2000), "monitoring.evaluationPeriods", "at most 86400 (one day)"),
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
    ("production", _set("budget.emails", [f"f{i}@example.com" for i in range(10)]), "monitoring.budget.emails", "at most 9"),
    ("production", _set("canaryRegions", []), "monitoring.canaryRegions", "needs at least one region"),
    (
        "production",
        _set("canaryRegions", ["us-east-1", "mars-north-1"]),
        "monitoring.canaryRegions[1]",
        "not a region where CloudWatch Synthetics runs",
    ),
    ("production", _set("canaryRegions", ["us-east-1", "us-east-1"]), "monitoring.canaryRegions", "distinct"),
    ("staging", _set("canaryIntervalMinutes", 0), "monitoring.canaryIntervalMinutes", "between 1 and 60"),
    ("production", _set("deliveryRate", {"enabled": False}), "monitoring.deliveryRate", "slo.delivery.objectivePercent"),
    ("production", _set("canaryDurationMilliseconds", {"us-west-2": 200}), "canaryDurationMilliseconds.us-west-2", "between 1000 and"),
    ("production", _set("canaryDurationMilliseconds", {"us-west-2": 60000}), "canaryDurationMilliseconds.us-west-2", "between 1000 and"),
    (
        "production",
        _set("canaryDurationMilliseconds", {"eu-west-1": 3000}),
        "canaryDurationMilliseconds.eu-west-1",
        "not one of canaryRegions",
    ),
    ("staging", _set("activateCostAllocationTags", "yes"), "monitoring.activateCostAllocationTags", "true or false"),
]


def _parse_edited(stack: str, edit: Edit) -> MonitoringSettings:
    """The committed stack's monitoring section, edited, read as load_stack_config reads it."""
    config = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]
    edit(config)
    basics = Basics(config["email-platform:environment"], "us-east-1", config["email-platform:domain"], "o", "c", {})
    return parse_monitoring(Section(KEY, config[KEY]), basics)


def _names(key: str) -> str:
    return re.escape(key) + " = "


@pytest.mark.parametrize(("stack", "edit", "key", "allowed"), REJECTS, ids=[f"{r[0]}-{r[2]}-{i}" for i, r in enumerate(REJECTS)])
def test_bad_monitoring_value_is_one_line_naming_key_value_and_rule(stack: str, edit: Edit, key: str, allowed: str) -> None:
    with pytest.raises(ConfigError, match=_names(key)) as raised:
        _parse_edited(stack, edit)
    message = str(raised.value)
    assert message.startswith("invalid stack config: email-platform:monitoring")
    assert allowed in message
    assert "\n" not in message


def test_the_old_health_check_section_is_an_unknown_key() -> None:
    """The canaries request the app's own health endpoint (app.healthCheckEndpoint): no second key."""
    with pytest.raises(ConfigError, match=r"email-platform:monitoring\.healthCheck: unknown key"):
        _parse_edited("production", _set("healthCheck", {"path": "/healthz"}))


def test_the_program_stops_on_a_bad_threshold_before_any_resource(run_stack_with: Any) -> None:
    monitor = RecordingMonitor(EmailPlatformMocks())
    with pytest.raises(ConfigError, match=_names("email-platform:monitoring.alb.target5xxPercent") + "150: must be between 0 and 100"):
        run_stack_with("production", _set("alb.target5xxPercent", 150), monitor=monitor)
    assert [r.type for r in monitor.recorded] in ([], ["pulumi:pulumi:Stack"])


def test_staging_may_run_without_anyone_subscribed() -> None:
    settings = _minimal("staging")
    assert settings.emails == []
    with pytest.raises(ConfigError, match="production alarms must reach someone"):
        _minimal("production")


def test_a_bad_threshold_exits_2_with_one_line(tmp_path: Path) -> None:
    config = yaml.safe_load((ROOT / "Pulumi.production.yaml").read_text())
    config["config"][KEY]["cache"]["memoryPercent"] = 180
    stack_file = tmp_path / "Pulumi.production.yaml"
    stack_file.write_text(yaml.safe_dump(config))
    result = subprocess.run(
        [sys.executable, "-m", "preflight", "plan", "--stack", "production", "--stack-file", str(stack_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.strip().endswith(
        "invalid stack config: email-platform:monitoring.cache.memoryPercent = 180: must be between 0 and 100"
    ), result.stderr
    assert "Traceback" not in result.stderr + result.stdout


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
