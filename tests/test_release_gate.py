"""The release gate and the deployment events of the deploy workflow (.github/scripts/release.py).

No AWS call is made: the gate is fed alarm states in the shape `aws cloudwatch describe-alarms`
answers (checked against botocore's model of the API), and `put-events` is a recording fake.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import botocore.session
import pytest
import yaml

from config.integrations import DETAIL_TYPES, EVENT_SOURCE

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".github" / "scripts" / "release.py"
WORKFLOW = ROOT / ".github" / "workflows" / "deploy.yml"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("release_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


release = _load()
BLUE, GREEN = {"blue": 100, "green": 0}, {"blue": 0, "green": 100}
CANARY = {"blue": 90, "green": 10}


def _describe(state: str) -> dict[str, Any]:
    return {"CompositeAlarms": [{"AlarmName": "email-platform-production-service-degraded", "StateValue": state}], "MetricAlarms": []}


@pytest.mark.parametrize(
    ("desired", "deployed", "state", "rollback", "change", "allowed"),
    [
        (CANARY, BLUE, "ALARM", False, "shift", False),  # customers feel an incident: no traffic moves
        (CANARY, BLUE, "OK", False, "shift", True),
        (CANARY, BLUE, "INSUFFICIENT_DATA", False, "shift", True),
        (CANARY, BLUE, None, False, "shift", False),  # the alarm could not be read: refuse, do not guess
        (BLUE, CANARY, "ALARM", True, "rollback", True),  # moving back is what an incident calls for
        (BLUE, BLUE, "ALARM", False, "none", True),  # an image or config change that moves no traffic
        (BLUE, None, None, False, "none", True),  # the first deployment
    ],
)
def test_a_traffic_change_is_refused_while_the_alarm_is_in_alarm(
    desired: dict[str, int], deployed: dict[str, int] | None, state: str | None, rollback: bool, change: str, allowed: bool
) -> None:
    decision = release.decide(desired, deployed, state, rollback)
    assert (decision.change, decision.allowed) == (change, allowed)


def test_the_alarm_state_is_read_as_the_cloudwatch_api_answers() -> None:
    """The keys the gate reads are the DescribeAlarms output's, per botocore's model of the API."""
    model = botocore.session.get_session().get_service_model("cloudwatch")
    output = model.operation_model("DescribeAlarms").output_shape
    composite = output.members["CompositeAlarms"].member
    assert "StateValue" in composite.members
    assert set(composite.members["StateValue"].enum) == {"OK", "ALARM", "INSUFFICIENT_DATA"}
    assert release.alarm_state(_describe("ALARM")) == "ALARM"
    assert release.alarm_state({"CompositeAlarms": [], "MetricAlarms": []}) is None


def _fake_aws(answers: dict[str, Any], calls: list[list[str]]) -> Any:
    def run(command: list[str]) -> str:
        calls.append(command)
        return json.dumps(answers[command[0]])

    return run


def test_the_gate_asks_cloudwatch_and_stops_the_job(tmp_path: Path) -> None:
    calls: list[list[str]] = []
    output = tmp_path / "output"
    env = {"DEPLOYED_WEIGHTS": json.dumps(GREEN), "GITHUB_OUTPUT": str(output), "ALARM_NAME": "email-platform-production-service-degraded"}
    # The committed production stack sends everything to blue; green serves now: a shift.
    assert release.gate("production", env, _fake_aws({"cloudwatch": _describe("ALARM")}, calls)) == 1
    assert calls == [
        ["cloudwatch", "describe-alarms", "--alarm-names", "email-platform-production-service-degraded", "--alarm-types", "CompositeAlarm"]
    ]
    assert not output.exists()
    assert release.gate("production", env, _fake_aws({"cloudwatch": _describe("OK")}, calls)) == 0
    assert output.read_text() == "change=shift\n"
    rollback = {**env, "COMMIT_MESSAGE": "Roll back to blue: green's error rate"}
    calls.clear()
    assert release.gate("production", rollback, _fake_aws({}, calls)) == 0
    assert calls == [] and output.read_text().endswith("change=rollback\n")


def test_an_event_is_published_in_the_documented_schema(tmp_path: Path) -> None:
    calls: list[list[str]] = []
    environment_file = tmp_path / "env"
    env = {
        "BUS_NAME": "email-platform-production-deployments",
        "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
        "GITHUB_REPOSITORY": "example/email-platform",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "42",
        "GITHUB_ENV": str(environment_file),
        "DEPLOYED_WEIGHTS": json.dumps(BLUE),
    }
    aws = _fake_aws({"events": {"FailedEntryCount": 0, "Entries": [{"EventId": "1"}]}}, calls)
    assert release.event("Deployment Started", "production", env, aws, now=1_000) == 0
    assert environment_file.read_text() == "DEPLOY_STARTED_AT=1000\n"
    assert release.event("Traffic Shifted", "production", {**env, "DEPLOY_STARTED_AT": "1000"}, aws, now=1_300) == 0
    (entry,) = json.loads(calls[-1][calls[-1].index("--entries") + 1])
    assert (entry["Source"], entry["DetailType"], entry["EventBusName"]) == (EVENT_SOURCE, "Traffic Shifted", env["BUS_NAME"])
    detail = json.loads(entry["Detail"])
    assert detail["stack"] == detail["environment"] == "production"
    assert detail["commit"] == env["GITHUB_SHA"]
    assert detail["weights"] == BLUE and detail["previousWeights"] == BLUE
    assert detail["imageDigests"]["blue"].startswith("sha256:") and len(detail["imageDigests"]["blue"]) == 71
    assert detail["durations"] == {"sinceStartSeconds": 300}
    failed = _fake_aws({"events": {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "AccessDenied"}]}}, calls)
    assert release.event("Deployment Failed", "production", env, failed) == 1
    assert release.event("Deployment Started", "production", {**env, "BUS_NAME": ""}, failed) == 0  # no bus yet: a warning


def test_the_entry_fields_are_the_put_events_api() -> None:
    model = botocore.session.get_session().get_service_model("events")
    entry = model.operation_model("PutEvents").input_shape.members["Entries"].member
    built = release.build_event("Deployment Started", "production", {}, "bus", {}, now=0)
    assert set(built) <= set(entry.members)


def test_the_script_publishes_what_the_bus_rules_match() -> None:
    assert release.DETAIL_TYPES == DETAIL_TYPES
    assert release.SOURCE == EVENT_SOURCE


def test_the_deploy_workflow_publishes_every_detail_type_and_gates_before_up() -> None:
    """One deploy job runs for every stack (its matrix); the stack reaches the script as $STACK."""
    job = yaml.safe_load(WORKFLOW.read_text())["jobs"]["deploy"]
    assert job["env"]["STACK"] == "${{ matrix.stack }}"
    steps, stack = job["steps"], '"$STACK"'
    runs = [str(step.get("run", "")) for step in steps]
    for detail_type in DETAIL_TYPES:
        assert any(f'release.py event "{detail_type}" --stack {stack}' in run for run in runs), detail_type
    names = [step.get("id") or step.get("name") for step in steps]
    assert names.index("gate") < names.index("up") and names.index("deployed") < names.index("gate")
    gate = steps[names.index("gate")]
    assert f"release.py gate --stack {stack}" in gate["run"]
    assert gate["env"]["ALARM_NAME"] == "${{ steps.deployed.outputs.serviceDegradedAlarmName }}"
    by_name = {step.get("name"): step for step in steps}
    assert by_name["Publish Rolled Back"]["if"] == "steps.gate.outputs.change == 'rollback'"
    assert by_name["Publish Traffic Shifted"]["if"] == "steps.gate.outputs.change == 'shift'"
    assert by_name["Publish Deployment Failed"]["if"] == "failure()"
