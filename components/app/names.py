"""Names and labels the app's Kubernetes objects share."""

from __future__ import annotations

import re

import pulumi

NAMESPACE = "email-platform"
SERVICE_ACCOUNT = "email-platform"
CONTAINER = "email-platform"
PORT_NAME = "https"
APP_LABELS = {"app.kubernetes.io/name": "email-platform", "app.kubernetes.io/component": "api"}
# On the namespace: the Load Balancer Controller's webhook gives its pods readiness gates.
READINESS_GATE_LABEL = "elbv2.k8s.aws/pod-readiness-gate-inject"


# On each pod template: the binding its pods must pass the readiness gate of (see binding_name).
BINDING_ANNOTATION = "email-platform/target-group-binding"
# The controller names a binding's readiness gate `target-health.elbv2.k8s.aws/<binding name>`
# (aws-load-balancer-controller pkg/targetgroupbinding/utils.go, BuildTargetHealthPodConditionType):
# the part after the slash of a condition type is a Kubernetes qualified name, at most 63 characters.
_GATE_NAME_MAX = 63
# The target group's own id, the last part of its ARN (`…:targetgroup/<name>/<16 hex>`).
_TARGET_GROUP_ID = re.compile(r"^arn:[\w-]+:elasticloadbalancing:[\w-]+:\d{12}:targetgroup/[\w-]+/([0-9a-f]{16})$")


def binding_name(colour: str, target_group_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    """The colour's TargetGroupBinding is named after its target group: a new target group means a
    binding of a new name, which can exist beside the old one while traffic moves (the controller's
    webhook refuses two bindings of one target group, not two bindings of one Service)."""

    def name(arn: str) -> str:
        found = _TARGET_GROUP_ID.match(arn)
        if found is None:
            raise ValueError(f"not a target group ARN: {arn}")
        made = f"{colour_object_name(colour)}-{found.group(1)}"
        if len(made) > _GATE_NAME_MAX:
            raise ValueError(f"binding name {made} is longer than {_GATE_NAME_MAX} characters (its readiness gate's name)")
        return made

    return pulumi.Output.from_input(target_group_arn).apply(name)


def colour_object_name(colour: str) -> str:
    """The Service, Deployment, PDB and HPA of one colour share this name (the binding adds its target group's id)."""
    return f"email-platform-{colour}"


def colour_labels(colour: str) -> dict[str, str]:
    return {**APP_LABELS, "app.kubernetes.io/instance": colour_object_name(colour), "colour": colour}
