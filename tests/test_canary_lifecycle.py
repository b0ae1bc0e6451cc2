"""A canary removed from `monitoring.canaryRegions` takes its Lambda function and layers with it.

CloudWatch Synthetics deletes them only when asked (botocore synthetics DeleteCanary.DeleteLambda:
"The default is false"); pulumi-aws passes the canary's `delete_lambda` to that call.
"""

from __future__ import annotations

import botocore.session

from preflight.runner import Run


def test_deleting_a_canary_is_asked_to_delete_its_lambda_which_aws_would_otherwise_keep() -> None:
    delete = botocore.session.get_session().get_service_model("synthetics").operation_model("DeleteCanary").input_shape
    assert "DeleteLambda" in delete.members
    assert "The default is <code>false</code>" in delete.members["DeleteLambda"].documentation


def test_every_canary_deletes_its_lambda_with_it(each_stack: Run) -> None:
    canaries = each_stack.of_type("aws:synthetics/canary:Canary")
    assert canaries
    assert {c.name: c.inputs.get("deleteLambda") for c in canaries} == {c.name: True for c in canaries}
