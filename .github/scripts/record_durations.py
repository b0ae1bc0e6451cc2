"""How long the deployment's `pulumi up` and health check took, from the job's own step timings.

Reads the run's jobs as the GitHub API lists them (``gh api .../attempts/N/jobs``) on stdin, picks
this job (the matrix job ``GITHUB_JOB`` for ``STACK``, which the API names ``deploy (production)``),
writes a table to the job summary
and warns when the stack's `pulumi up` took longer than ``LIMIT_SECONDS`` (the guide's 5 minutes);
with ``FAIL_OVER_LIMIT=true`` (a repository variable) it fails the job instead. Only the
production stack is held to the limit; staging's durations are shown.

    gh api "repos/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID/attempts/$GITHUB_RUN_ATTEMPT/jobs" \\
      | python3 .github/scripts/record_durations.py
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from typing import Any

# The step names deploy.yml gives its `pulumi up` and health-check steps.
TIMED_STEPS = ("pulumi up", "Health check")
LIMITED_STEP = "pulumi up"
LIMITED_STACK = "production"
DEFAULT_LIMIT_SECONDS = 300


def _seconds(step: dict[str, Any]) -> float | None:
    started, completed = step.get("started_at"), step.get("completed_at")
    if not started or not completed:
        return None
    return (
        datetime.fromisoformat(completed.replace("Z", "+00:00")) - datetime.fromisoformat(started.replace("Z", "+00:00"))
    ).total_seconds()


def durations(jobs: dict[str, Any], job_name: str) -> dict[str, float | None]:
    job = next((j for j in jobs.get("jobs", []) if j.get("name") == job_name), None)
    if job is None:
        raise SystemExit(f"record_durations: no job named {job_name!r} in this run")
    steps = {s.get("name"): s for s in job.get("steps", [])}
    return {name: _seconds(steps[name]) if name in steps else None for name in TIMED_STEPS}


def _minutes(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{int(seconds // 60)} min {int(seconds % 60):02d} s"


def main() -> int:
    stack = os.environ["STACK"]
    job_name = f"{os.environ['GITHUB_JOB']} ({stack})"
    limit = float(os.environ.get("LIMIT_SECONDS") or DEFAULT_LIMIT_SECONDS)
    fail = os.environ.get("FAIL_OVER_LIMIT", "").lower() == "true"
    timed = durations(json.load(sys.stdin), job_name)
    lines = [f"### Deployment durations: {job_name}", "", "| Step | Duration |", "|---|---:|"]
    lines += [f"| {name} | {_minutes(seconds)} |" for name, seconds in timed.items()]
    up = timed[LIMITED_STEP]
    over = stack == LIMITED_STACK and up is not None and up > limit
    if over:
        lines += ["", f"`pulumi up` took longer than the {_minutes(limit)} the deployment guide allows."]
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    if over:
        level = "error" if fail else "warning"
        print(f"::{level}::{job_name}: pulumi up took {_minutes(up)}, over the {_minutes(limit)} limit")
        return 1 if fail else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
