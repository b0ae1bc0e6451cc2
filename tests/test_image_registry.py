"""The app image's ECR repository: immutable, KMS-encrypted, scanned on push and continuously,
trimmed to the newest images, readable by the nodes, and CRITICAL findings reach the alarm topic."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase

import botocore.session
from run_lookup import publish_grants

from components.registry import INSPECTOR_DETAIL_TYPE, INSPECTOR_SOURCE
from preflight.recorder import RecordedResource
from preflight.runner import Run

ECR = botocore.session.get_session().get_service_model("ecr")


def _one(run: Run, type_token: str) -> RecordedResource:
    (found,) = run.of_type(type_token)
    return found


def test_repository_is_immutable_encrypted_with_its_own_key_and_protected(each_stack: Run) -> None:
    repository = _one(each_stack, "aws:ecr/repository:Repository")
    assert repository.inputs["imageTagMutability"] == "IMMUTABLE"
    assert repository.inputs["imageTagMutability"] in ECR.shape_for("ImageTagMutability").enum
    (encryption,) = repository.inputs["encryptionConfigurations"]
    keys = {k.outputs["arn"]: k for k in each_stack.of_type("aws:kms/key:Key")}
    assert encryption["encryptionType"] == "KMS" and keys[encryption["kmsKey"]].inputs["enableKeyRotation"] is True
    assert repository.protect and repository.inputs["forceDelete"] is False
    assert repository.inputs["name"] == f"email-platform-{each_stack.stack}/app"


def test_lifecycle_keeps_the_configured_number_of_newest_images(each_stack: Run) -> None:
    (rule,) = json.loads(_one(each_stack, "aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs["policy"])["rules"]
    assert rule["selection"] == {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30}
    assert rule["action"] == {"type": "expire"}


def test_enhanced_scanning_on_push_and_continuously_covers_both_stacks(production: Run, staging: Run) -> None:
    # One account-wide setting: production owns it, and its filter covers staging's repository too.
    assert staging.of_type("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration") == []
    scanning = _one(production, "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration").inputs
    assert scanning["scanType"] == "ENHANCED" and scanning["scanType"] in ECR.shape_for("ScanType").enum
    frequencies = {rule["scanFrequency"] for rule in scanning["rules"]}
    assert frequencies == {"SCAN_ON_PUSH", "CONTINUOUS_SCAN"} and frequencies <= set(ECR.shape_for("ScanFrequency").enum)
    for rule in scanning["rules"]:
        ((scope),) = rule["repositoryFilters"]
        assert scope["filterType"] == "WILDCARD"
        for run in (production, staging):
            assert fnmatchcase(_one(run, "aws:ecr/repository:Repository").inputs["name"], scope["filter"])


def test_critical_findings_reach_the_alarm_topic_which_admits_eventbridge(each_stack: Run) -> None:
    (rule,) = [r for r in each_stack.of_type("aws:cloudwatch/eventRule:EventRule") if r.name == "registry-critical-findings"]
    pattern = json.loads(rule.inputs["eventPattern"])
    # Inspector's documented event: source aws.inspector2, detail-type "Inspector2 Finding".
    assert (INSPECTOR_SOURCE, INSPECTOR_DETAIL_TYPE) == ("aws.inspector2", "Inspector2 Finding")
    assert pattern["source"] == [INSPECTOR_SOURCE] and pattern["detail-type"] == [INSPECTOR_DETAIL_TYPE]
    assert pattern["detail"]["severity"] == ["CRITICAL"]
    name = _one(each_stack, "aws:ecr/repository:Repository").inputs["name"]
    assert pattern["detail"]["resources"]["details"]["awsEcrContainerImage"]["repositoryName"] == [name]
    (target,) = [t for t in each_stack.of_type("aws:cloudwatch/eventTarget:EventTarget") if t.name == "registry-critical-findings"]
    topics = {t.outputs["arn"]: t for t in each_stack.of_type("aws:sns/topic:Topic")}
    topic = topics[target.inputs["arn"]]
    (policy,) = [
        json.loads(p.inputs["policy"])
        for p in each_stack.of_type("aws:sns/topicPolicy:TopicPolicy")
        if p.inputs["arn"] == topic.outputs["arn"]
    ]
    assert any(
        s["Principal"]["Service"] == "events.amazonaws.com"
        and s["Action"] == "SNS:Publish"
        and s["Condition"] == {"ArnEquals": {"aws:SourceArn": rule.outputs["arn"]}}
        for s in policy["Statement"]
    )


def test_nodes_can_pull_from_ecr(each_stack: Run) -> None:
    attached = {a.inputs["policyArn"] for a in each_stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly" in attached


def test_the_findings_target_waits_for_the_topic_and_key_policies(each_stack: Run) -> None:
    """EventBridge may publish to the encrypted topic only once both policies admit it; an event it cannot deliver is lost."""
    (target,) = [t for t in each_stack.of_type("aws:cloudwatch/eventTarget:EventTarget") if t.name == "registry-critical-findings"]
    assert {g.urn for g in publish_grants(each_stack, target.inputs["arn"])} <= set(target.dependencies)
