"""The deploy workflow's release steps: the health gate before a traffic change, and the deployment events.

    release.py gate  --stack production          # before `pulumi up`
    release.py event "Deployment Started" --stack production

gate: compares the weights in the stack file with the deployed ones (the stack's `appWeights`
output, in $DEPLOYED_WEIGHTS). A change of weights is refused while the "service degraded"
composite alarm ($ALARM_NAME) is in ALARM, unless it is a rollback (a commit message starting with
"Roll back", or a manual run with rollback: true; $COMMIT_MESSAGE, $ROLLBACK): moving traffic
back is what an incident calls for. It writes `change=none|shift|rollback` to $GITHUB_OUTPUT.

event: publishes one event of the documented schema (docs/integrations.md) to the stack's bus
($BUS_NAME) with `aws events put-events`. Without a bus (the first deployment that creates it)
it warns and publishes nothing.

The decisions are plain functions (tests/test_release_gate.py feeds them alarm states); only
`main` reads the environment or calls the AWS CLI.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PROJECT = "email-platform"
COLOURS = ("blue", "green")
SOURCE = "email-platform.deployments"
DETAIL_TYPES = ("Deployment Started", "Deployment Succeeded", "Deployment Failed", "Traffic Shifted", "Rolled Back")
ROOT = Path(__file__).resolve().parents[2]

Runner = Callable[[list[str]], str]


@dataclass(frozen=True)
class GateDecision:
    change: str  # none | shift | rollback
    allowed: bool
    reason: str


def weights_in_stack_file(config: Mapping[str, Any]) -> dict[str, int]:
    app = config.get(f"{PROJECT}:app") or {}
    return {colour: int((app.get(colour) or {}).get("weight", 0)) for colour in COLOURS}


def images_in_stack_file(config: Mapping[str, Any]) -> dict[str, str]:
    app = config.get(f"{PROJECT}:app") or {}
    return {colour: str((app.get(colour) or {}).get("image", "")) for colour in COLOURS}


def digest(image: str) -> str | None:
    found = re.search(r"@(sha256:[0-9a-f]{64})$", image)
    return found.group(1) if found else None


def parse_deployed_weights(text: str) -> dict[str, int] | None:
    """The `appWeights` stack output as the workflow passes it; None before the first deployment."""
    if not text.strip():
        return None
    value = json.loads(text)
    return {colour: int(value.get(colour, 0)) for colour in COLOURS}


def alarm_state(describe_alarms: Mapping[str, Any]) -> str | None:
    """The composite alarm's state from `aws cloudwatch describe-alarms --alarm-types CompositeAlarm`."""
    alarms = describe_alarms.get("CompositeAlarms") or []
    return str(alarms[0]["StateValue"]) if len(alarms) == 1 else None


def is_declared_rollback(commit_message: str, manual_rollback: str) -> bool:
    return manual_rollback.strip().lower() == "true" or commit_message.lstrip().lower().startswith(("roll back", "rollback"))


def decide(desired: Mapping[str, int], deployed: Mapping[str, int] | None, state: str | None, rollback: bool) -> GateDecision:
    """Whether this deployment may move traffic, given the composite alarm's `state`."""
    if deployed is None:
        return GateDecision("none", True, "first deployment: no traffic to move yet")
    if dict(desired) == dict(deployed):
        return GateDecision("none", True, "the weights do not change")
    if rollback:
        return GateDecision("rollback", True, f"rolling back {dict(deployed)} -> {dict(desired)}, whatever the alarm says")
    if state == "ALARM":
        return GateDecision("shift", False, "the service-degraded alarm is in ALARM: no traffic moves while customers feel an incident")
    if state is None:
        return GateDecision("shift", False, "the service-degraded alarm could not be read: refusing to move traffic blind")
    return GateDecision("shift", True, f"alarm {state}: moving {dict(deployed)} -> {dict(desired)}")


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


def _stack_config(stack: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())
    return dict(data["config"])


def _write_output(name: str, value: str, env: Mapping[str, str]) -> None:
    path = env.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"{name}={value}\n")


def gate(stack: str, env: Mapping[str, str], aws: Runner = _aws) -> int:
    config = _stack_config(stack)
    desired = weights_in_stack_file(config)
    deployed = parse_deployed_weights(env.get("DEPLOYED_WEIGHTS", ""))
    rollback = is_declared_rollback(env.get("COMMIT_MESSAGE", ""), env.get("ROLLBACK", ""))
    state = None
    if deployed is not None and desired != deployed and not rollback:
        # The stack exports the name; before it did, the name follows components/monitoring's pattern.
        alarm = env.get("ALARM_NAME") or f"{PROJECT}-{config.get(f'{PROJECT}:environment', stack)}-service-degraded"
        state = alarm_state(json.loads(aws(["cloudwatch", "describe-alarms", "--alarm-names", alarm, "--alarm-types", "CompositeAlarm"])))
    decision = decide(desired, deployed, state, rollback)
    print(f"release gate: {decision.reason}")
    if not decision.allowed:
        print(f"::error::release gate: {decision.reason}")
        return 1
    _write_output("change", decision.change, env)
    return 0


def event(detail_type: str, stack: str, env: Mapping[str, str], aws: Runner = _aws, now: float | None = None) -> int:
    bus = env.get("BUS_NAME", "")
    if not bus:
        print(f"::warning::no deployment-events bus yet (first deployment of it): {detail_type} not published")
        return 0
    now = time.time() if now is None else now
    entry = build_event(detail_type, stack, _stack_config(stack), bus, env, now)
    answer = json.loads(aws(["events", "put-events", "--entries", json.dumps([entry])]))
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
    gate_command = commands.add_parser("gate", help="refuse a traffic change while the service-degraded alarm is in ALARM")
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
