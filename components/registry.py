"""The app image's ECR repository: immutable tags, a customer KMS key, Inspector's enhanced
scanning on push and continuously, a lifecycle that keeps the newest images, and the alarm topic
told of every CRITICAL finding.

- Nodes pull with the `AmazonEC2ContainerRegistryReadOnly` policy their role already carries
  (components/cluster.py); nothing here grants more.
- Enhanced scanning is an account-and-region setting (`RegistryScanningConfiguration`), scoped
  here to this project's repositories (every stack's) by a filter; `registry.manageScanning:
  false` leaves it to the stack that owns it when two share an account.
- Inspector publishes each finding to EventBridge as source `aws.inspector2`, detail-type
  "Inspector2 Finding", with `detail.severity` and the image's repository under
  `detail.resources[].details.awsEcrContainerImage.repositoryName` (Amazon Inspector User Guide,
  "Creating custom responses to Amazon Inspector findings with Amazon EventBridge",
  https://docs.aws.amazon.com/inspector/latest/user/findings-managing-automating-responses.html).
  EventBridge publishes to the encrypted topic as `events.amazonaws.com`, which the topic's key
  admits and its policy admits for this rule's ARN (components/monitoring/notifications.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.shared.kms import rotated_key
from config.registry import RegistrySettings

INSPECTOR_SOURCE = "aws.inspector2"
INSPECTOR_DETAIL_TYPE = "Inspector2 Finding"


@dataclass
class RegistryArgs:
    settings: RegistrySettings
    alarm_topic_arn: pulumi.Input[str]
    # The alarm topic's and its key's policies: EventBridge publishes only once both admit it.
    alarm_topic_ready: Sequence[pulumi.Resource] = ()


def critical_findings_pattern(repository_name: str) -> str:
    return json.dumps(
        {
            "source": [INSPECTOR_SOURCE],
            "detail-type": [INSPECTOR_DETAIL_TYPE],
            "detail": {
                "severity": ["CRITICAL"],
                "status": ["ACTIVE"],
                "resources": {"details": {"awsEcrContainerImage": {"repositoryName": [repository_name]}}},
            },
        }
    )


def lifecycle_policy(keep_images: int) -> str:
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": f"keep the newest {keep_images} images",
                    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": keep_images},
                    "action": {"type": "expire"},
                }
            ]
        }
    )


class Registry(pulumi.ComponentResource):
    repository: aws.ecr.Repository
    repository_url: pulumi.Output[str]

    def __init__(self, name: str, args: RegistryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:release:Registry", name, None, opts)
        settings = args.settings
        child = pulumi.ResourceOptions(parent=self)
        key = rotated_key(
            f"{name}-images",
            f"{settings.repository_name.replace('/', '-')}-images",
            f"Encrypts the {settings.repository_name} images",
            self,
            protect=True,
        )
        self.repository = aws.ecr.Repository(
            f"{name}-app",
            name=settings.repository_name,
            image_tag_mutability="IMMUTABLE",
            encryption_configurations=[aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS", kms_key=key.arn)],
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
            force_delete=False,
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )
        aws.ecr.LifecyclePolicy(f"{name}-app", repository=self.repository.name, policy=lifecycle_policy(settings.keep_images), opts=child)
        if settings.manage_scanning:
            only_this = [aws.ecr.RegistryScanningConfigurationRuleRepositoryFilterArgs(filter=settings.scan_filter, filter_type="WILDCARD")]
            aws.ecr.RegistryScanningConfiguration(
                f"{name}-scanning",
                scan_type="ENHANCED",
                rules=[
                    aws.ecr.RegistryScanningConfigurationRuleArgs(scan_frequency="SCAN_ON_PUSH", repository_filters=only_this),
                    aws.ecr.RegistryScanningConfigurationRuleArgs(scan_frequency="CONTINUOUS_SCAN", repository_filters=only_this),
                ],
                opts=child,
            )
        rule = aws.cloudwatch.EventRule(
            f"{name}-critical-findings",
            name=settings.findings_rule,
            description=f"CRITICAL Inspector findings in {settings.repository_name}",
            event_pattern=critical_findings_pattern(settings.repository_name),
            opts=child,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-critical-findings",
            rule=rule.name,
            arn=args.alarm_topic_arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.alarm_topic_ready)),
        )
        self.repository_url = self.repository.repository_url
        self.register_outputs({"repositoryUrl": self.repository_url})
