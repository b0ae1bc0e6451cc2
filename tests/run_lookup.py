"""Looking up what a whole-stack run registered."""

from __future__ import annotations

from typing import Any

from preflight.runner import Run


def one(run: Run, type_token: str, name: str) -> Any:
    """The one resource of this type and name (fails if there are none or several)."""
    (found,) = [r for r in run.of_type(type_token) if r.name == name]
    return found


def region_of(run: Run, resource: Any) -> str:
    """The region a resource lives in: its provider's `region` input (one provider per region)."""
    reference = resource.provider or ""
    (provider,) = [p for p in run.of_type("pulumi:providers:aws") if reference.startswith(p.urn + "::")]
    return str(provider.inputs["region"])


def publish_grants(run: Run, topic_arn: str) -> list[Any]:
    """The resources that let a service publish to an encrypted topic: its topic policy and its key's policy."""
    (topic,) = [t for t in run.of_type("aws:sns/topic:Topic") if t.outputs.get("arn") == topic_arn]
    key_arn = str(topic.inputs["kmsMasterKeyId"])
    topic_policies = [p for p in run.of_type("aws:sns/topicPolicy:TopicPolicy") if p.inputs.get("arn") == topic_arn]
    key_policies = [p for p in run.of_type("aws:kms/keyPolicy:KeyPolicy") if key_arn.endswith(f"/{p.inputs.get('keyId')}")]
    assert len(topic_policies) == len(key_policies) == 1, topic_arn
    return [*topic_policies, *key_policies]
