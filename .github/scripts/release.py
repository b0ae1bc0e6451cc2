"""The deploy workflow's release steps: the health gate before a traffic change, and the deployment events.

    release.py gate  --stack production          # before `pulumi up`
    release.py event "Deployment Started" --stack production

gate: compares the weights in the stack file with the deployed ones (the stack's `appWeights`
output, in $DEPLOYED_WEIGHTS). A change of weights must first pass two checks, read with the AWS
CLI in the stack's own region (`aws:region` of the stack file; an SLO measured elsewhere, such as
CloudFront's in us-east-1, in its own):

1. every colour that gains weight has at least its configured replicas healthy in its target group
   (`aws elbv2 describe-target-health`); this holds for a rollback too: traffic never moves to a
   colour that cannot take it;
2. no SLO's error budget burns fast (its fast-burn composite alarm is in ALARM, or cannot be read)
   and none is spent over its window (`aws cloudwatch get-metric-data` of the SLO's burn rate over
   the whole window reaches 1). A slow burn lets the change through, with a note.

What to read comes from the stack output `releaseGate` ($RELEASE_GATE): the target groups, the
configured replicas, and per SLO its alarms and the queries of its burn rate. A declared rollback
(a manual run of the workflow with `rollback: true`, $ROLLBACK) skips check 2: moving traffic back
is what an incident calls for. It writes `change=none|shift|rollback` to $GITHUB_OUTPUT.

event: publishes one event of the documented schema (docs/integrations.md) to the stack's bus
($BUS_NAME) with `aws events put-events`. Without a bus (the first deployment that creates it)
it warns and publishes nothing.

The decisions are plain functions (tests/test_release_gate.py feeds them what AWS answers); only
`gate`, `event` and `main` read the environment or call the AWS CLI.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

PROJECT = "email-platform"
COLOURS = ("blue", "green")
SOURCE = "email-platform.deployments"
DETAIL_TYPES = ("Deployment Started", "Deployment Succeeded", "Deployment Failed", "Traffic Shifted", "Rolled Back")
ROOT = Path(__file__).resolve().parents[2]
# DescribeTargetHealth's state of a target that receives traffic (botocore elbv2 model, TargetHealthStateEnum).
HEALTHY = "healthy"
DAY_SECONDS = 86_400

Runner = Callable[[list[str]], str]


@dataclass(frozen=True)
class GateDecision:
    change: str  # none | shift | rollback
    allowed: bool
    reason: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ColourHealth:
    colour: str
    healthy: int
    required: int


@dataclass(frozen=True)
class SloReading:
    """What the gate read of one SLO: its composite alarms' states (None: unreadable) and its budget's burn over the window."""

    name: str
    fast: str | None
    slow: str | None
    # The burn rate over the whole window (1 = the budget is spent); None when there was no data.
    window_burn: float | None = None


@dataclass
class GateInputs:
    desired: dict[str, int]
    deployed: dict[str, int] | None
    rollback: bool
    health: list[ColourHealth] = field(default_factory=list)
    slos: list[SloReading] = field(default_factory=list)


def weights_in_stack_file(config: Mapping[str, Any]) -> dict[str, int]:
    app = config.get(f"{PROJECT}:app") or {}
    return {colour: int((app.get(colour) or {}).get("weight", 0)) for colour in COLOURS}


def images_in_stack_file(config: Mapping[str, Any]) -> dict[str, str]:
    app = config.get(f"{PROJECT}:app") or {}
    return {colour: str((app.get(colour) or {}).get("image", "")) for colour in COLOURS}


def region_of(config: Mapping[str, Any]) -> str:
    region = config.get("aws:region")
    if not isinstance(region, str) or not region:
        raise ValueError("the stack file sets no aws:region")
    return region


def digest(image: str) -> str | None:
    found = re.search(r"@(sha256:[0-9a-f]{64})$", image)
    return found.group(1) if found else None


def parse_deployed_weights(text: str) -> dict[str, int] | None:
    """The `appWeights` stack output as the workflow passes it; None before the first deployment."""
    if not text.strip():
        return None
    value = json.loads(text)
    return {colour: int(value.get(colour, 0)) for colour in COLOURS}


def gaining_colours(desired: Mapping[str, int], deployed: Mapping[str, int]) -> list[str]:
    return [colour for colour in COLOURS if desired.get(colour, 0) > deployed.get(colour, 0)]


def healthy_targets(describe_target_health: Mapping[str, Any]) -> int:
    """How many targets `aws elbv2 describe-target-health` reports healthy."""
    descriptions = describe_target_health.get("TargetHealthDescriptions") or []
    return sum(1 for d in descriptions if (d.get("TargetHealth") or {}).get("State") == HEALTHY)


def composite_states(describe_alarms: Mapping[str, Any]) -> dict[str, str]:
    """Alarm name → state, from `aws cloudwatch describe-alarms --alarm-types CompositeAlarm`."""
    return {str(a["AlarmName"]): str(a["StateValue"]) for a in describe_alarms.get("CompositeAlarms") or []}


def window_burn(get_metric_data: Mapping[str, Any]) -> float | None:
    """The burn rate over the window from `aws cloudwatch get-metric-data` (the `burn` query); None without data.

    The window is one period; should CloudWatch split it in two buckets, the worse counts."""
    for result in get_metric_data.get("MetricDataResults") or []:
        if result.get("Id") == "burn" and result.get("Values"):
            return max(float(v) for v in result["Values"])
    return None


def metric_data_request(queries: Sequence[Mapping[str, Any]], window_days: int, now: datetime) -> list[str]:
    """The get-metric-data arguments for one SLO over its whole window: a single period, whole hours."""
    period = window_days * DAY_SECONDS
    end = now.replace(minute=0, second=0, microsecond=0, tzinfo=UTC)
    start = end - timedelta(seconds=period)
    with_period = [{**q, "MetricStat": {**q["MetricStat"], "Period": period}} if "MetricStat" in q else dict(q) for q in queries]
    return [
        "--metric-data-queries",
        json.dumps(with_period, sort_keys=True),
        "--start-time",
        start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "--end-time",
        end.strftime("%Y-%m-%dT%H:%M:%SZ"),
    ]


def decide(inputs: GateInputs) -> GateDecision:
    """Whether this deployment may move traffic."""
    desired, deployed = dict(inputs.desired), inputs.deployed
    if deployed is None:
        return GateDecision("none", True, "first deployment: no traffic to move yet")
    if desired == dict(deployed):
        return GateDecision("none", True, "the weights do not change")
    change = "rollback" if inputs.rollback else "shift"
    short = [h for h in inputs.health if h.healthy < h.required]
    if short:
        detail = "; ".join(f"{h.colour} has {h.healthy} healthy target(s), needs {h.required}" for h in short)
        return GateDecision(change, False, f"the colour gaining traffic is not ready: {detail}")
    if inputs.rollback:
        return GateDecision(change, True, f"rolling back {dict(deployed)} -> {desired}, whatever the SLOs say")
    notes: list[str] = []
    for slo in inputs.slos:
        if slo.fast == "ALARM":
            return GateDecision(change, False, f"the {slo.name} SLO's error budget is burning fast: no traffic moves during an incident")
        if slo.fast is None:
            return GateDecision(change, False, f"the {slo.name} SLO's fast-burn alarm could not be read: refusing to move traffic blind")
        if slo.window_burn is not None and slo.window_burn >= 1:
            return GateDecision(
                change, False, f"the {slo.name} SLO's error budget is spent over its window (burn {slo.window_burn:.2f}): no traffic moves"
            )
        if slo.slow == "ALARM":
            notes.append(f"the {slo.name} SLO's budget is burning slowly (6x over 6 h): moving traffic anyway")
        if slo.window_burn is None:
            notes.append(f"the {slo.name} SLO has no data over its window")
    return GateDecision(change, True, f"moving {dict(deployed)} -> {desired}", tuple(notes))


def build_event(detail_type: str, stack: str, config: Mapping[str, Any], bus: str, env: Mapping[str, str], now: float) -> dict[str, Any]:
    """One PutEvents entry of the documented schema."""
    if detail_type not in DETAIL_TYPES:
        raise ValueError(f"{detail_type!r} is not one of {', '.join(DETAIL_TYPES)}")
    images = images_in_stack_file(config)
    detail: dict[str, Any] = {
        "stack": stack,
        "environment": str(config.get(f"{PROJECT}:environment", stack)),
        "commit": env.get("GITHUB_SHA", ""),
        "repository": env.get("GITHUB_REPOSITORY", ""),
        "runUrl": f"{env.get('GITHUB_SERVER_URL', '')}/{env.get('GITHUB_REPOSITORY', '')}/actions/runs/{env.get('GITHUB_RUN_ID', '')}",
        "imageDigests": {colour: digest(image) for colour, image in images.items()},
        "weights": weights_in_stack_file(config),
    }
    deployed = parse_deployed_weights(env.get("DEPLOYED_WEIGHTS", ""))
    if deployed is not None:
        detail["previousWeights"] = deployed
    started = env.get("DEPLOY_STARTED_AT", "")
    if started:
        detail["durations"] = {"sinceStartSeconds": round(now - float(started))}
    return {"Source": SOURCE, "DetailType": detail_type, "Detail": json.dumps(detail, sort_keys=True), "EventBusName": bus}


def _aws(command: list[str]) -> str:
    return subprocess.run(["aws", *command, "--output", "json"], check=True, capture_output=True, text=True).stdout


def _stack_config(stack: str, root: Path = ROOT) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((root / f"Pulumi.{stack}.yaml").read_text())
    return dict(data["config"])


def _write_output(name: str, value: str, env: Mapping[str, str]) -> None:
    path = env.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"{name}={value}\n")


def read_gate(
    desired: dict[str, int],
    deployed: dict[str, int],
    rollback: bool,
    release_gate: Mapping[str, Any],
    region: str,
    aws: Runner,
    now: datetime,
) -> GateInputs:
    """Ask AWS what the decision needs: the gaining colours' target health, and (unless rolling back) the SLOs."""
    inputs = GateInputs(desired, deployed, rollback)
    groups, replicas = release_gate.get("targetGroupArns") or {}, release_gate.get("replicas") or {}
    for colour in gaining_colours(desired, deployed):
        answer = aws(["elbv2", "describe-target-health", "--target-group-arn", str(groups[colour]), "--region", region])
        inputs.health.append(ColourHealth(colour, healthy_targets(json.loads(answer)), int(replicas.get(colour, 1))))
    if rollback or any(h.healthy < h.required for h in inputs.health):
        return inputs
    slos = list(release_gate.get("slos") or [])
    states: dict[str, str] = {}
    for slo_region in sorted({str(s["region"]) for s in slos}):
        names = [n for s in slos if s["region"] == slo_region for n in (s["fastBurnAlarm"], s["slowBurnAlarm"])]
        command = ["cloudwatch", "describe-alarms", "--alarm-names", *names, "--alarm-types", "CompositeAlarm", "--region", slo_region]
        states.update(composite_states(json.loads(aws(command))))
    for s in slos:
        request = metric_data_request(s["queries"], int(s["windowDays"]), now)
        burn = window_burn(json.loads(aws(["cloudwatch", "get-metric-data", *request, "--region", str(s["region"])])))
        inputs.slos.append(SloReading(str(s["name"]), states.get(s["fastBurnAlarm"]), states.get(s["slowBurnAlarm"]), burn))
    return inputs


def gate(stack: str, env: Mapping[str, str], aws: Runner = _aws, root: Path = ROOT, now: datetime | None = None) -> int:
    config = _stack_config(stack, root)
    desired = weights_in_stack_file(config)
    deployed = parse_deployed_weights(env.get("DEPLOYED_WEIGHTS", ""))
    rollback = env.get("ROLLBACK", "").strip().lower() == "true"
    if deployed is None or desired == deployed:
        decision = decide(GateInputs(desired, deployed, rollback))
    else:
        release_gate = json.loads(env.get("RELEASE_GATE") or "{}")
        if not release_gate:
            decision = GateDecision("rollback" if rollback else "shift", False, "the stack exports no releaseGate: cannot check the move")
        else:
            region = region_of(config)
            decision = decide(read_gate(desired, deployed, rollback, release_gate, region, aws, now or datetime.now(UTC)))
    print(f"release gate: {decision.reason}")
    for note in decision.notes:
        print(f"::warning::release gate: {note}")
    if not decision.allowed:
        print(f"::error::release gate: {decision.reason}")
        return 1
    _write_output("change", decision.change, env)
    return 0


def event(detail_type: str, stack: str, env: Mapping[str, str], aws: Runner = _aws, now: float | None = None, root: Path = ROOT) -> int:
    bus = env.get("BUS_NAME", "")
    if not bus:
        print(f"::warning::no deployment-events bus yet (first deployment of it): {detail_type} not published")
        return 0
    now = time.time() if now is None else now
    config = _stack_config(stack, root)
    entry = build_event(detail_type, stack, config, bus, env, now)
    answer = json.loads(aws(["events", "put-events", "--entries", json.dumps([entry]), "--region", region_of(config)]))
    if answer.get("FailedEntryCount", 0):
        print(f"::error::{detail_type} was not published: {answer.get('Entries')}")
        return 1
    if detail_type == "Deployment Started":
        path = env.get("GITHUB_ENV")
        if path:
            with open(path, "a", encoding="utf-8") as out:
                out.write(f"DEPLOY_STARTED_AT={now:.0f}\n")
    print(f"published {detail_type} to {bus}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    gate_command = commands.add_parser("gate", help="refuse a traffic change to an unready colour or while an SLO's budget burns fast")
    gate_command.add_argument("--stack", required=True)
    event_command = commands.add_parser("event", help="publish one deployment event")
    event_command.add_argument("detail_type", choices=DETAIL_TYPES)
    event_command.add_argument("--stack", required=True)
    args = parser.parse_args(argv)
    if args.command == "gate":
        return gate(args.stack, os.environ)
    return event(args.detail_type, args.stack, os.environ)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
