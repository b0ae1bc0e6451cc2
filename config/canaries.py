"""The uptime canaries: where they run, how often, and how long a whole run may take from each region.

A canary's `Duration` is "the duration in milliseconds of the canary run" (CloudWatch User Guide,
"CloudWatch metrics published by canaries"): everything the run does, not the server's time. The
guide's < 200 ms average is the server's and is held by the load balancer's average
`TargetResponseTime` (slo.latency.averageMilliseconds). A run from a canary region is held to a
whole-run budget that follows from what the run does and how far the region is from the stack:

    budget = (overhead + near round trips x near RTT + origin round trips x RTT(canary region, stack region)
              + the server's time) x headroom, rounded up to 100 ms, within [floor, ceiling]

- near round trips (4): DNS, TCP and the TLS 1.3 handshake with the CloudFront edge next to the
  canary, and the request itself (canary_script: a fresh connection every run);
- origin round trips (4): CloudFront's way to the origin in the stack's region when it has no open
  connection there: TCP, a TLS 1.2 handshake (two round trips: CloudFront offers the origin no
  TLS 1.3, config.tls_hops), the request;
- round-trip times are planning figures by distance (same region, same part of the world, further),
  not measurements: replace them with what the first weeks of runs show (`canaryDurationMilliseconds`);
- the ceiling is the script's own request timeout: a longer run fails, and the success alarm sees it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from config.declare import Derived, entries, integer, key, sibling, strings
from config.reading import At
from config.slo import GUIDE_AVERAGE_MILLISECONDS

# Regions where CloudWatch Synthetics runs (commercial partition; a test holds this against
# botocore's endpoint data for the synthetics service).
CANARY_REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
    "ap-south-1", "ap-south-2", "ap-east-1", "me-south-1", "me-central-1", "af-south-1", "il-central-1",
)  # fmt: skip
# The guide's 99.9 % uptime, as the share of canary runs that succeed.
CANARY_SUCCESS_PERCENT = 99.9

# The whole-run budget's parts (see the module's docstring).
RUN_OVERHEAD_MILLISECONDS = 1000
NEAR_ROUND_TRIPS = 4
ORIGIN_ROUND_TRIPS = 4
NEAR_RTT_MILLISECONDS = 10
RTT_MILLISECONDS = {"same region": 2, "same area": 70, "elsewhere": 200}
HEADROOM = 1.5
# The canary script's request timeout (components/monitoring/canaries.py holds the same figure).
SCRIPT_TIMEOUT_MILLISECONDS = 10_000
BUDGET_FLOOR_MILLISECONDS = 1000
BUDGET_CEILING_MILLISECONDS = SCRIPT_TIMEOUT_MILLISECONDS
# A region's part of the world, from its name's first part.
_AREAS = {"us": "north america", "ca": "north america", "sa": "south america", "eu": "europe", "il": "middle east",
          "me": "middle east", "af": "africa", "ap": "asia pacific"}  # fmt: skip


def distance(canary_region: str, stack_region: str) -> str:
    if canary_region == stack_region:
        return "same region"
    same = _AREAS.get(canary_region.split("-")[0]) == _AREAS.get(stack_region.split("-")[0])
    return "same area" if same else "elsewhere"


def derived_budget_milliseconds(canary_region: str, stack_region: str) -> float:
    """The whole-run budget of a canary in `canary_region` calling a stack in `stack_region`."""
    run = (
        RUN_OVERHEAD_MILLISECONDS
        + NEAR_ROUND_TRIPS * NEAR_RTT_MILLISECONDS
        + ORIGIN_ROUND_TRIPS * RTT_MILLISECONDS[distance(canary_region, stack_region)]
        + GUIDE_AVERAGE_MILLISECONDS
    )
    budget = math.ceil(run * HEADROOM / 100) * 100
    return float(min(max(budget, BUDGET_FLOOR_MILLISECONDS), BUDGET_CEILING_MILLISECONDS))


def default_canary_regions(region: str) -> list[str]:
    return [region, "us-west-2" if region == "us-east-1" else "us-east-1"]


def _some_region(regions: list[str], at: At) -> None:
    """non-empty"""
    if not regions:
        raise at.refuse(regions, "needs at least one region, e.g. [" + ", ".join(default_canary_regions(at.basics.region)) + "]")


def _every_region(budgets: dict[str, float], at: At) -> dict[str, float]:
    # Each canary region's budget: the one set, or the one derived from its distance to the stack.
    regions = at.reading["regions"]
    return {region: budgets.get(region, derived_budget_milliseconds(region, at.basics.region)) for region in regions}


@dataclass(frozen=True)
class CanarySettings:
    """Where and how often the uptime canaries call the app's health endpoint (app.healthCheckEndpoint)."""

    regions: list[str] = strings(
        "regions whose CloudWatch Synthetics canary calls `https://<domain>` + `app.healthCheckEndpoint` over TLS 1.3",
        default=Derived(
            "the stack's region and one other (`us-west-2`, or `us-east-1` beside it)",
            lambda reading: default_canary_regions(reading.basics.region),
        ),
        choices=CANARY_REGIONS,
        meaning="must be a region where CloudWatch Synthetics runs, e.g. us-east-1",
        distinct="regions",
        checks=(_some_region,),
        name="canaryRegions",
    )
    interval_minutes: int = integer(
        "minutes between canary runs (each run is billed)", default=5, minimum=1, maximum=60, name="canaryIntervalMinutes"
    )
    # Region → the most a whole run may take on average (milliseconds).
    duration_budgets: dict[str, float] = entries(
        key(
            "number",
            "the most a whole canary run from this region may take on average, in milliseconds",
            default=Derived("from the run's steps and the region's distance to the stack (docs/operations.md)", lambda reading: None),
            minimum=BUDGET_FLOOR_MILLISECONDS,
            maximum=BUDGET_CEILING_MILLISECONDS,
        ),
        "whole-run budgets of the uptime canaries, per canary region (never the server's 200 ms)",
        "<region>",
        names=sibling("regions"),
        convert=_every_region,
        name="canaryDurationMilliseconds",
    )

    @property
    def success_percent(self) -> float:
        return CANARY_SUCCESS_PERCENT
