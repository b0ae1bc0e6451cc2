"""Customer-managed KMS keys for CloudWatch log groups.

CloudWatch Logs encrypts a group's events with the group's key only when the key policy lets
the regional Logs principal use it, scoped by the encryption context Logs sends (the log group's
ARN). Statement, principal and condition as in the CloudWatch Logs User Guide, "Encrypt log data
in CloudWatch Logs using AWS Key Management Service", step 2
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
Associating a key whose policy does not allow this fails, so the key's ARN is handed out only
once the policy is in place.
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from components.shared.kms import account_administers_key

LOGS_ACTIONS = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]


def log_group_key(name: str, description: str, opts: pulumi.ResourceOptions) -> pulumi.Output[str]:
    """A rotated key for the log groups of one component (in the region of `opts`' provider); its ARN."""
    # Protected: deleting the key makes every event it encrypted unreadable.
    key = aws.kms.Key(
        name,
        description=description,
        enable_key_rotation=True,
        deletion_window_in_days=30,
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=True)),
    )
    policy = aws.kms.KeyPolicy(name, key_id=key.key_id, policy=key.arn.apply(log_key_policy), opts=opts)
    return pulumi.Output.all(key.arn, policy.id).apply(lambda values: str(values[0]))


def log_key_policy(key_arn: str) -> str:
    _, partition, _, region, account, _ = key_arn.split(":", 5)
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                account_administers_key(key_arn),
                {
                    "Sid": "CloudWatchLogsEncryptsThisAccountsLogGroups",
                    "Effect": "Allow",
                    "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                    "Action": LOGS_ACTIONS,
                    "Resource": "*",
                    "Condition": {
                        "ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:{partition}:logs:{region}:{account}:log-group:*"}
                    },
                },
            ],
        }
    )
