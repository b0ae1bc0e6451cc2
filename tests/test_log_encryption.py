"""Every CloudWatch log group is encrypted with a rotated, protected customer key whose policy lets
the regional CloudWatch Logs principal use it for this account's log groups only.

The statement is the one the CloudWatch Logs User Guide gives ("Encrypt log data in CloudWatch
Logs using AWS Key Management Service", step 2); a log group cannot be associated with a key
whose policy lacks it.
"""

from __future__ import annotations

import json

from preflight.runner import Run


def test_every_log_group_has_a_key_that_cloudwatch_logs_may_use(each_stack: Run) -> None:
    keys = {k.outputs["arn"]: k for k in each_stack.of_type("aws:kms/key:Key")}
    policies = {p.inputs["keyId"]: json.loads(p.inputs["policy"]) for p in each_stack.of_type("aws:kms/keyPolicy:KeyPolicy")}
    groups = each_stack.of_type("aws:cloudwatch/logGroup:LogGroup")
    assert groups
    for group in groups:
        key = keys[group.inputs["kmsKeyId"]]
        assert key.inputs["enableKeyRotation"] is True and key.protect
        _, partition, _, region, account, _ = key.outputs["arn"].split(":", 5)
        statements = policies[key.outputs["keyId"]]["Statement"]
        logs = [s for s in statements if s["Principal"] == {"Service": f"logs.{region}.amazonaws.com"}]
        assert len(logs) == 1, group.name
        assert {"kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"} <= set(logs[0]["Action"])
        condition = logs[0]["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
        assert condition == f"arn:{partition}:logs:{region}:{account}:log-group:*"
        # The account keeps administering the key (a key policy replaces the default one).
        assert any(s["Principal"] == {"AWS": f"arn:{partition}:iam::{account}:root"} and s["Action"] == "kms:*" for s in statements)
