"""The release gate and the deployment events of the deploy workflow (.github/scripts/release.py).

No AWS call is made: the gate is fed what `aws elbv2 describe-target-health`, `aws cloudwatch
describe-alarms` and `get-metric-data` answer (their shapes checked against botocore's models of the
APIs), and `put-events` is a recording fake.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import botocore.session
import pytest
import yaml
from owned_stacks import STACKS, basics

from config.integrations import DETAIL_TYPES, EVENT_SOURCE
from preflight.runner import Run

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
READY = [release.ColourHealth("green", 3, 3)]
NOW = datetime(2026, 11, 30, 12, 34, 56, tzinfo=UTC)


def _slo(name: str = "availability", fast: str | None = "OK", slow: str | None = "OK", burn: float | None = 0.2) -> Any:
    return release.SloReading(name, fast, slow, burn)


def _inputs(slos: list[Any], rollback: bool = False, health: list[Any] | None = None, desired: Any = CANARY, deployed: Any = BLUE) -> Any:
    return release.GateInputs(desired, deployed, rollback, list(READY if health is None else health), slos)


@pytest.mark.parametrize(
    ("slos", "rollback", "change", "allowed", "says"),
    [
        ([_slo(), _slo("latency")], False, "shift", True, "moving"),
        ([_slo(), _slo("latency", fast="ALARM")], False, "shift", False, "latency SLO's error budget is burning fast"),
        ([_slo("delivery", fast=None)], False, "shift", False, "delivery SLO's fast-burn alarm could not be read"),
        ([_slo(fast="INSUFFICIENT_DATA")], False, "shift", True, "moving"),
        ([_slo("availability-edge", burn=1.3)], False, "shift", False, "availability-edge SLO's error budget is spent"),
        ([_slo("latency", fast="ALARM")], True, "rollback", True, "rolling back"),  # moving back is what an incident calls for
    ],
)
def test_the_gate_decides_on_each_slos_fast_burn_and_budget(slos: list[Any], rollback: bool, change: str, allowed: bool, says: str) -> None:
    decision = release.decide(_inputs(slos, rollback))
    assert (decision.change, decision.allowed) == (change, allowed)
    assert says in decision.reason


def test_a_slow_burn_lets_the_move_through_with_a_note_naming_the_slo() -> None:
    decision = release.decide(_inputs([_slo(), _slo("delivery", slow="ALARM"), _slo("latency", burn=None)]))
    assert decision.allowed
    assert any("delivery SLO's budget is burning slowly" in note for note in decision.notes)
    assert any("latency SLO has no data" in note for note in decision.notes)


@pytest.mark.parametrize("rollback", [False, True])
def test_traffic_never_moves_to_a_colour_short_of_its_replicas(rollback: bool) -> None:
    decision = release.decide(_inputs([_slo()], rollback, health=[release.ColourHealth("green", 2, 3)]))
    assert not decision.allowed
    assert "green has 2 healthy target(s), needs 3" in decision.reason


def test_no_move_no_check() -> None:
    assert release.decide(_inputs([_slo(fast="ALARM")], desired=BLUE, deployed=BLUE)).change == "none"
    assert release.decide(_inputs([_slo(fast="ALARM")], desired=BLUE, deployed=None)).allowed


_MODELS = botocore.session.get_session()


def test_the_answers_are_read_as_the_apis_give_them() -> None:
    """DescribeAlarms' CompositeAlarms[].AlarmName/StateValue, DescribeTargetHealth's
    TargetHealthDescriptions[].TargetHealth.State (its enum has `healthy`) and GetMetricData's
    MetricDataResults[].Id/Values, per botocore's models."""
    cloudwatch, elbv2 = _MODELS.get_service_model("cloudwatch"), _MODELS.get_service_model("elbv2")
    composite = cloudwatch.operation_model("DescribeAlarms").output_shape.members["CompositeAlarms"].member
    assert {"AlarmName", "StateValue"} <= set(composite.members)
    assert set(composite.members["StateValue"].enum) == {"OK", "ALARM", "INSUFFICIENT_DATA"}
    description = elbv2.operation_model("DescribeTargetHealth").output_shape.members["TargetHealthDescriptions"].member
    state = description.members["TargetHealth"].members["State"]
    assert release.HEALTHY in state.enum
    result = cloudwatch.operation_model("GetMetricData").output_shape.members["MetricDataResults"].member
    assert {"Id", "Values"} <= set(result.members)
    health = {"TargetHealthDescriptions": [{"TargetHealth": {"State": s}} for s in ("healthy", "initial", "healthy", "draining")]}
    assert release.healthy_targets(health) == 2
    assert release.composite_states({"CompositeAlarms": [{"AlarmName": "a", "StateValue": "ALARM"}], "MetricAlarms": []}) == {"a": "ALARM"}
    assert release.window_burn({"MetricDataResults": [{"Id": "burn", "Values": [0.4]}]}) == 0.4
    assert release.window_burn({"MetricDataResults": [{"Id": "burn", "Values": []}]}) is None


def test_the_budget_query_covers_the_whole_window_in_one_period() -> None:
    queries = [
        {
            "Id": "requests",
            "MetricStat": {"Metric": {"Namespace": "N", "MetricName": "M", "Dimensions": []}, "Stat": "Sum"},
            "ReturnData": False,
        },
        {"Id": "burn", "Expression": "requests / 1", "ReturnData": True},
    ]
    args = release.metric_data_request(queries, 30, NOW)
    sent = json.loads(args[args.index("--metric-data-queries") + 1])
    start = datetime.strptime(args[args.index("--start-time") + 1], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    end = datetime.strptime(args[args.index("--end-time") + 1], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert (end - start).total_seconds() == sent[0]["MetricStat"]["Period"] == 30 * 86_400
    assert end <= NOW and end.minute == end.second == 0
    query_shape = _MODELS.get_service_model("cloudwatch").operation_model("GetMetricData").input_shape.members["MetricDataQueries"].member
    for query in sent:
        assert set(query) <= set(query_shape.members)
        if "MetricStat" in query:
            assert set(query["MetricStat"]) <= set(query_shape.members["MetricStat"].members)


def _fake_aws(answers: dict[tuple[str, str], Any], calls: list[list[str]]) -> Any:
    def run(command: list[str]) -> str:
        calls.append(command)
        return json.dumps(answers[(command[0], command[1])])

    return run


def _stack_file(root: Path, region: str, weights: dict[str, int]) -> None:
    config = {
        "aws:region": region,
        "email-platform:environment": "production",
        "email-platform:app": {colour: {"image": "x@sha256:" + "0" * 64, "weight": w} for colour, w in weights.items()},
    }
    (root / "Pulumi.production.yaml").write_text(yaml.safe_dump({"config": config}))


def _gate_output(regional: str) -> dict[str, Any]:
    def slo(name: str, region: str) -> dict[str, Any]:
        return {
            "name": name, "slo": name.split("-")[0], "region": region, "objectivePercent": 99.9, "windowDays": 30,
            "fastBurnAlarm": f"{name}-fast-burn", "slowBurnAlarm": f"{name}-slow-burn", "ticketAlarm": f"{name}-ticket-3d",
            "queries": [{"Id": "burn", "Expression": "0", "ReturnData": True}],
        }  # fmt: skip

    return {
        "region": regional,
        "targetGroupArns": {c: f"arn:aws:elasticloadbalancing:{regional}:123456789012:targetgroup/{c}/1" for c in ("blue", "green")},
        "replicas": {"blue": 3, "green": 3},
        "slos": [slo("availability", regional), slo("availability-edge", "us-east-1")],
    }


def test_every_call_names_the_stacks_region_and_a_slo_is_read_where_it_lives(tmp_path: Path) -> None:
    region = "eu-west-1"
    _stack_file(tmp_path, region, CANARY)
    output = tmp_path / "output"
    env = {"DEPLOYED_WEIGHTS": json.dumps(BLUE), "RELEASE_GATE": json.dumps(_gate_output(region)), "GITHUB_OUTPUT": str(output)}
    states = [{"AlarmName": f"{n}-{k}-burn", "StateValue": "OK"} for n in ("availability", "availability-edge") for k in ("fast", "slow")]
    answers = {
        ("elbv2", "describe-target-health"): {"TargetHealthDescriptions": [{"TargetHealth": {"State": "healthy"}}] * 3},
        ("cloudwatch", "describe-alarms"): {"CompositeAlarms": states, "MetricAlarms": []},
        ("cloudwatch", "get-metric-data"): {"MetricDataResults": [{"Id": "burn", "Values": [0.1]}]},
    }
    calls: list[list[str]] = []
    assert release.gate("production", env, _fake_aws(answers, calls), root=tmp_path, now=NOW) == 0
    assert output.read_text() == "change=shift\n"
    for call in calls:
        assert call.count("--region") == 1, call
    where = {(c[0], c[1], c[c.index("--region") + 1]) for c in calls}
    assert ("elbv2", "describe-target-health", region) in where
    assert {("cloudwatch", "describe-alarms", region), ("cloudwatch", "describe-alarms", "us-east-1")} <= where
    assert {("cloudwatch", "get-metric-data", region), ("cloudwatch", "get-metric-data", "us-east-1")} <= where
    (health,) = [c for c in calls if c[1] == "describe-target-health"]
    assert health[health.index("--target-group-arn") + 1] == _gate_output(region)["targetGroupArns"]["green"], "only the gaining colour"


def test_a_rollback_is_declared_by_the_run_not_by_commit_text(tmp_path: Path) -> None:
    """A merge commit's message says nothing the gate reads; only the run's `rollback` input declares it."""
    _stack_file(tmp_path, "us-east-1", BLUE)
    output = tmp_path / "output"
    burning = [
        {"AlarmName": f"{n}-{k}-burn", "StateValue": "ALARM"} for n in ("availability", "availability-edge") for k in ("fast", "slow")
    ]
    answers = {
        ("elbv2", "describe-target-health"): {"TargetHealthDescriptions": [{"TargetHealth": {"State": "healthy"}}] * 3},
        ("cloudwatch", "describe-alarms"): {"CompositeAlarms": burning, "MetricAlarms": []},
        ("cloudwatch", "get-metric-data"): {"MetricDataResults": []},
    }
    env = {
        "DEPLOYED_WEIGHTS": json.dumps(GREEN),
        "RELEASE_GATE": json.dumps(_gate_output("us-east-1")),
        "GITHUB_OUTPUT": str(output),
        "COMMIT_MESSAGE": "Roll back to blue",
    }
    calls: list[list[str]] = []
    assert release.gate("production", env, _fake_aws(answers, calls), root=tmp_path, now=NOW) == 1, "commit text is not a declaration"
    assert release.gate("production", {**env, "ROLLBACK": "true"}, _fake_aws(answers, calls), root=tmp_path, now=NOW) == 0
    assert output.read_text() == "change=rollback\n"
    sick = {**answers, ("elbv2", "describe-target-health"): {"TargetHealthDescriptions": [{"TargetHealth": {"State": "unhealthy"}}]}}
    assert release.gate("production", {**env, "ROLLBACK": "true"}, _fake_aws(sick, calls), root=tmp_path, now=NOW) == 1
    assert release.gate("production", {**env, "RELEASE_GATE": ""}, _fake_aws(answers, calls), root=tmp_path, now=NOW) == 1


def test_the_release_gate_output_reads_what_the_alarms_watch(production: Run) -> None:
    """Per SLO series, the gate's budget query is the burn-rate alarm's own metrics and expression, in the alarm's region."""
    gate = production.outputs["releaseGate"]
    alarms = {a.inputs["name"]: a for a in production.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    composites = {c.inputs["alarmName"] for c in production.of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm")}
    assert {slo["name"] for slo in gate["slos"]} == {"availability", "availability-edge", "latency", "delivery"}
    for slo in gate["slos"]:
        assert {slo["fastBurnAlarm"], slo["slowBurnAlarm"]} <= composites
        fast_1h = alarms[slo["fastBurnAlarm"].removesuffix("-burn") + "-1h"]
        watched = {q["id"]: q for q in fast_1h.inputs["metricQueries"]}
        for query in slo["queries"]:
            if "Expression" in query:
                assert query["Expression"] == watched[query["Id"]]["expression"]
                continue
            metric = watched[query["Id"]]["metric"]
            stat = query["MetricStat"]
            assert (stat["Metric"]["Namespace"], stat["Metric"]["MetricName"], stat["Stat"]) == (
                metric["namespace"], metric["metricName"], metric["stat"],
            )  # fmt: skip
            assert {d["Name"]: d["Value"] for d in stat["Metric"]["Dimensions"]} == metric["dimensions"]
    groups = {g.name.removeprefix("lb-"): g.outputs["arn"] for g in production.of_type("aws:lb/targetGroup:TargetGroup")}
    assert gate["targetGroupArns"] == {colour: groups[colour] for colour in gate["targetGroupArns"]}


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
    aws = _fake_aws({("events", "put-events"): {"FailedEntryCount": 0, "Entries": [{"EventId": "1"}]}}, calls)
    assert release.event("Deployment Started", "production", env, aws, now=1_000, root=STACKS) == 0
    assert environment_file.read_text() == "DEPLOY_STARTED_AT=1000\n"
    assert release.event("Traffic Shifted", "production", {**env, "DEPLOY_STARTED_AT": "1000"}, aws, now=1_300, root=STACKS) == 0
    (entry,) = json.loads(calls[-1][calls[-1].index("--entries") + 1])
    assert (entry["Source"], entry["DetailType"], entry["EventBusName"]) == (EVENT_SOURCE, "Traffic Shifted", env["BUS_NAME"])
    detail = json.loads(entry["Detail"])
    assert detail["stack"] == detail["environment"] == "production"
    assert detail["commit"] == env["GITHUB_SHA"]
    assert detail["weights"] == BLUE and detail["previousWeights"] == BLUE
    assert detail["imageDigests"]["blue"].startswith("sha256:") and len(detail["imageDigests"]["blue"]) == 71
    assert detail["durations"] == {"sinceStartSeconds": 300}
    region = basics("production").region
    assert all(call[call.index("--region") + 1] == region for call in calls), "the bus is in the stack's region"
    failed = _fake_aws({("events", "put-events"): {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "AccessDenied"}]}}, calls)
    assert release.event("Deployment Failed", "production", env, failed, root=STACKS) == 1
    assert release.event("Deployment Started", "production", {**env, "BUS_NAME": ""}, failed, root=STACKS) == 0  # no bus yet: a warning


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
    assert gate["env"]["RELEASE_GATE"] == "${{ steps.deployed.outputs.releaseGate }}"
    assert gate["env"]["ROLLBACK"] == "${{ github.event.inputs.rollback }}"
    assert "COMMIT_MESSAGE" not in gate["env"], "a rollback is declared by the run, never by commit text"
    by_name = {step.get("name"): step for step in steps}
    assert by_name["Publish Rolled Back"]["if"] == "steps.gate.outputs.change == 'rollback'"
    assert by_name["Publish Traffic Shifted"]["if"] == "steps.gate.outputs.change == 'shift'"
    assert by_name["Publish Deployment Failed"]["if"] == "failure()"
