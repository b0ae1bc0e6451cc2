"""What the cluster's day-two resources cost: the interruption queue, and the NodePool's ceiling as a note."""

from __future__ import annotations

from typing import Any

from owned_stacks import settings

from preflight.runner import Run
from pricing import price_resources
from pricing.pricer import CEILING_REFERENCE_TYPE

PREFIX = "urn:pulumi:production::email-platform::"


def rec(type_token: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"urn": f"{PREFIX}{type_token}::{name}", "type": type_token, "name": name, "inputs": inputs, "parent": None}


def test_the_interruption_queue_is_priced_by_its_requests() -> None:
    queue = rec("aws:sqs/queue:Queue", "q", {"sqsManagedSseEnabled": True})
    report = price_resources([queue], "us-east-1", {"q": {"monthly_requests": 5_000_000}})
    assert report["monthly"] == 2.00  # 5M x $0.40 per 1M
    assert not report["unpriced"]


def test_the_node_pool_limit_is_shown_as_the_cost_ceiling_not_added_to_the_total() -> None:
    pool = rec("kubernetes:karpenter.sh/v1:NodePool", "pool", {"spec": {"limits": {"cpu": "48"}}})
    report = price_resources([pool], "us-east-1")
    assert report["monthly"] == 0
    (note,) = [n for n in report["notes"] if n.startswith("pool:")]
    # 48 vCPU = 12 x m6i.xlarge (4 vCPU) x $0.192 x 730 h = $1,682
    assert "up to 48 vCPU" in note and "$1,682" in note and CEILING_REFERENCE_TYPE in note


def test_the_test_stacks_carry_the_queue_usage_and_the_limit(each_stack: Run) -> None:
    stack = settings(each_stack.stack)
    assert "aws:sqs/queue:Queue" in stack.cost_usage.by_type
    assert stack.cluster.node_pool is not None
    assert each_stack.outputs["nodePoolCpuLimit"] == stack.cluster.node_pool.cpu_limit
