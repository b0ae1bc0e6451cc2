"""Settings whose comment promises something, each held by a test of the promise.

Broken one at a time, each of these settings once left the whole suite green: a setting that says
why it is what it is deserves a test that fails when it changes. Each test states the promise and
takes the bound from the service's own words (botocore's model, the provider's or the controller's
documentation), not from the value in the code.
"""

from __future__ import annotations

import math
import re

import botocore.session
import pytest

from components.cluster.karpenter import DISRUPTION_BUDGET
from preflight.runner import Run

KMS = botocore.session.get_session().get_service_model("kms")


def _longest_kms_deletion_window() -> int:
    """ScheduleKeyDeletion's waiting period: "it must be between 7 and 30, inclusive" (botocore's KMS model)."""
    documentation = KMS.operation_model("ScheduleKeyDeletion").input_shape.members["PendingWindowInDays"].documentation
    found = re.search(r"must be between (\d+) and (\d+), inclusive", documentation)
    assert found is not None, "the model no longer states the window's bounds"
    return int(found.group(2))


def test_every_kms_key_waits_the_longest_window_kms_allows_before_deletion(each_stack: Run) -> None:
    """components/shared/kms.py: "the longest AWS allows: time to notice a mistaken delete"."""
    longest = _longest_kms_deletion_window()
    keys = each_stack.of_type("aws:kms/key:Key")
    assert keys
    assert {k.name: k.inputs["deletionWindowInDays"] for k in keys} == {k.name: longest for k in keys}


def test_no_bucket_that_holds_data_is_emptied_when_it_is_deleted(each_stack: Run) -> None:
    """components/shared/buckets.py: buckets that hold data are never emptied by a delete. With
    `forceDestroy` the provider deletes every object ("These objects are *not* recoverable", pulumi_aws
    s3.Bucket) before the bucket; without it S3 refuses to delete a bucket that is not empty."""
    buckets = each_stack.of_type("aws:s3/bucket:Bucket")
    assert buckets
    for bucket in buckets:
        assert bucket.inputs.get("forceDestroy") is False, bucket.name
        assert bucket.protect, bucket.name


def _allowed_disruptions(budget: str, nodes: int) -> int:
    """Karpenter's nodes allowed to be disrupted at once by a percentage budget, none deleting or not ready:
    `allowed_disruptions = roundup(total * percentage)` (its Disruption Budgets documentation)."""
    percent = int(budget.removesuffix("%"))
    return math.ceil(nodes * percent / 100)


@pytest.mark.parametrize("nodes", [1, 2, 5, 10, 11, 40])
def test_karpenter_drains_at_most_a_tenth_of_its_nodes_at_once(production: Run, nodes: int) -> None:
    """components/cluster/karpenter.py, DISRUPTION_BUDGET: consolidation and drift never drain the
    whole pool (at 100 % every node could go at once), and never stop (at 0 % none could)."""
    (pool,) = production.of_type("kubernetes:karpenter.sh/v1:NodePool")
    (budget,) = pool.inputs["spec"]["disruption"]["budgets"]
    assert budget == DISRUPTION_BUDGET and set(budget) == {"nodes"}, "one budget for every reason, at every hour"
    assert budget["nodes"].endswith("%")
    allowed = _allowed_disruptions(budget["nodes"], nodes)
    assert 1 <= allowed <= max(1, math.ceil(nodes / 10))
    assert allowed < nodes or nodes == 1
