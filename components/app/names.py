"""Names and labels the app's Kubernetes objects share."""

from __future__ import annotations

NAMESPACE = "email-platform"
SERVICE_ACCOUNT = "email-platform"
CONTAINER = "email-platform"
PORT_NAME = "https"
APP_LABELS = {"app.kubernetes.io/name": "email-platform", "app.kubernetes.io/component": "api"}
# On the namespace: the Load Balancer Controller's webhook gives its pods readiness gates.
READINESS_GATE_LABEL = "elbv2.k8s.aws/pod-readiness-gate-inject"


def colour_object_name(colour: str) -> str:
    """The Service, Deployment, PDB, HPA and binding of one colour share this name."""
    return f"email-platform-{colour}"


def colour_labels(colour: str) -> dict[str, str]:
    return {**APP_LABELS, "app.kubernetes.io/instance": colour_object_name(colour), "colour": colour}
