"""Kubernetes workloads: every pod template the program declares.

Non-root with a high UID, no privilege escalation, read-only root, no capabilities, seccomp;
resource requests and limits; probes on long-running containers; secrets from Secrets, never
literals; pinned images; and a PodDisruptionBudget for every Deployment so node drains keep it
serving.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from policy.resource_types import DEPLOYMENT, LONG_RUNNING, PDB, POD_SPEC_PATHS, WORKLOADS
from policy.specs import ADVISORY, MANDATORY, Config, Resource, ResourcePolicySpec, StackFinding, StackPolicySpec, schema
from policy.values import UNKNOWN, as_list, at_least, get, is_set, is_true


def _pod_spec(resource_type: str, props: Mapping[str, Any]) -> Any:
    return get(props, POD_SPEC_PATHS[resource_type])


def _containers(pod: Any, include_init: bool = True) -> list[tuple[str, Mapping[str, Any]]]:
    kinds = ("containers", "initContainers") if include_init else ("containers",)
    found = []
    for kind in kinds:
        for index, container in enumerate(as_list(get(pod, kind))):
            if isinstance(container, Mapping):
                found.append((f"{kind}[{index}] {container.get('name', '?')}", container))
    return found


def k8s_pod_security(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """Non-root, high UID, no privilege escalation, read-only root, no capabilities, seccomp."""
    pod = _pod_spec(resource_type, props)
    if pod is UNKNOWN or pod is None:
        return []
    pod_ctx = get(pod, "securityContext")
    min_uid = int(config["minRunAsUser"])
    messages = []
    for where, container in _containers(pod):
        ctx = get(container, "securityContext")

        def effective(key: str, ctx: Any = ctx) -> Any:
            """The container's setting, else the pod's (Kubernetes' own precedence)."""
            own = get(ctx, key)
            return own if own is not None else get(pod_ctx, key)

        if not is_true(effective("runAsNonRoot")):
            messages.append(f"{where}: runAsNonRoot is not true")
        if not at_least(effective("runAsUser"), min_uid):
            messages.append(f"{where}: runAsUser is {effective('runAsUser')!r}; need >= {min_uid}")
        escalation = get(ctx, "allowPrivilegeEscalation")
        if escalation is not UNKNOWN and escalation is not False:
            messages.append(f"{where}: allowPrivilegeEscalation is not false")
        if not is_true(get(ctx, "readOnlyRootFilesystem")):
            messages.append(f"{where}: readOnlyRootFilesystem is not true")
        drop = get(ctx, "capabilities.drop")
        if drop is not UNKNOWN and "ALL" not in as_list(drop):
            messages.append(f"{where}: capabilities.drop does not include ALL")
        seccomp = effective("seccompProfile.type")
        if seccomp not in ("RuntimeDefault", "Localhost", UNKNOWN):
            messages.append(f"{where}: seccompProfile.type is {seccomp!r}; use RuntimeDefault")
    return messages


def k8s_resources(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    pod = _pod_spec(resource_type, props)
    messages = []
    for where, container in _containers(pod):
        resources = get(container, "resources")
        if resources is UNKNOWN:
            continue
        for section, keys in (("requests", config["requiredRequests"]), ("limits", config["requiredLimits"])):
            missing = [k for k in keys if not is_set(get(resources, f"{section}.{k}"))]
            if missing:
                messages.append(f"{where}: resources.{section} lacks {', '.join(missing)}")
    return messages


def k8s_probes(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    if resource_type not in LONG_RUNNING:
        return []
    messages = []
    for where, container in _containers(_pod_spec(resource_type, props), include_init=False):
        missing = [p for p in ("readinessProbe", "livenessProbe") if not is_set(get(container, p))]
        if missing:
            messages.append(f"{where}: no {' and no '.join(missing)}")
    return messages


SECRET_ENV_PATTERN = r"SECRET|PASSWORD|TOKEN|(^|_)(API_)?KEY($|_)|^(DATABASE|REDIS)_URL$"
NOT_SECRET_ENV_PATTERN = r"_(PATH|FILE|ENDPOINT)$"


def k8s_no_literal_secrets(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """A secret-looking env var comes from a Secret (`valueFrom`), never a literal in the pod spec."""
    secret_name = re.compile(str(config["secretEnvPattern"]), re.IGNORECASE)
    exempt = re.compile(str(config["exemptEnvPattern"]), re.IGNORECASE)
    messages = []
    for where, container in _containers(_pod_spec(resource_type, props)):
        for env in as_list(get(container, "env")):
            name = get(env, "name")
            if not isinstance(name, str) or not secret_name.search(name) or exempt.search(name):
                continue
            if get(env, "value") is not None and not is_set(get(env, "valueFrom")):
                messages.append(f"{where}: env {name} is a literal value; use valueFrom.secretKeyRef")
    return messages


_LATEST = "uses the mutable tag 'latest'"


def _image_problem(image: Any) -> str | None:
    if image is UNKNOWN or not isinstance(image, str):
        return None
    if "@sha256:" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "has no tag or digest"
    if last.rsplit(":", 1)[1] == "latest":
        return _LATEST
    return None


# The one rule for `latest`: refused (mandatory) in the environments listed here, the same ones
# whose stack config refuses it before the program runs; elsewhere an advisory reminder to pin it
# before it reaches them. The environment comes from policy config; `preflight check` fills it.
LATEST_REFUSED_IN = ("production",)
_LATEST_CONFIG = schema(
    environment={
        "type": "string",
        "default": "production",
        "description": "The stack's environment; preflight check fills it from the plan.",
    },
    latestRefusedIn={"type": "array", "items": {"type": "string"}, "default": list(LATEST_REFUSED_IN)},
)


def _latest_refused(config: Config) -> bool:
    return str(config["environment"]) in list(config["latestRefusedIn"])


def k8s_image_pinned(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    messages = []
    for where, container in _containers(_pod_spec(resource_type, props)):
        problem = _image_problem(get(container, "image"))
        if problem and (problem != _LATEST or _latest_refused(config)):
            messages.append(f"{where}: image {get(container, 'image')!r} {problem}; pin a version tag or digest")
    return messages


def k8s_image_latest(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    if _latest_refused(config):
        return []  # k8s-image-pinned refuses it here
    return [
        f"{where}: image {get(container, 'image')!r} {_LATEST}: fine in {config['environment']}, refused in "
        f"{', '.join(config['latestRefusedIn'])}; pin a version tag or digest before it goes there"
        for where, container in _containers(_pod_spec(resource_type, props))
        if _image_problem(get(container, "image")) == _LATEST
    ]


def _labels_selected(selector: Any, labels: Any) -> bool:
    match = get(selector, "matchLabels")
    if match is UNKNOWN or labels is UNKNOWN or not isinstance(match, Mapping):
        return True
    return isinstance(labels, Mapping) and all(labels.get(k) == v for k, v in match.items())


def pod_disruption_budgets(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """Every Deployment is covered by a PodDisruptionBudget, so node drains keep it serving."""
    budgets = [r for r in resources if r.type == PDB]
    findings: list[StackFinding] = []
    for deployment in (r for r in resources if r.type == DEPLOYMENT):
        labels = get(deployment.props, "spec.template.metadata.labels")
        if not any(_labels_selected(get(b.props, "spec.selector"), labels) for b in budgets):
            findings.append((deployment.urn, f"Deployment {deployment.name} has no PodDisruptionBudget selecting its pods"))
    return findings


RESOURCE_POLICIES: list[ResourcePolicySpec] = [
    ResourcePolicySpec(
        "k8s-pod-security",
        "Pods run non-root, unprivileged, read-only, seccomp'd.",
        MANDATORY,
        WORKLOADS,
        k8s_pod_security,
        schema(minRunAsUser={"type": "integer", "minimum": 1, "default": 10000}),
    ),
    ResourcePolicySpec(
        "k8s-resources",
        "Containers declare resource requests and limits.",
        MANDATORY,
        WORKLOADS,
        k8s_resources,
        schema(
            requiredRequests={"type": "array", "items": {"type": "string"}, "default": ["cpu", "memory"]},
            requiredLimits={"type": "array", "items": {"type": "string"}, "default": ["cpu", "memory"]},
        ),
    ),
    ResourcePolicySpec("k8s-probes", "Long-running containers have readiness and liveness probes.", MANDATORY, WORKLOADS, k8s_probes),
    ResourcePolicySpec(
        "k8s-no-literal-secrets",
        "Secret-looking env vars come from Secrets (valueFrom).",
        MANDATORY,
        WORKLOADS,
        k8s_no_literal_secrets,
        schema(
            secretEnvPattern={"type": "string", "default": SECRET_ENV_PATTERN},
            exemptEnvPattern={"type": "string", "default": NOT_SECRET_ENV_PATTERN},
        ),
    ),
    ResourcePolicySpec(
        "k8s-image-pinned",
        "Container images are pinned (a version tag or digest; latest only outside production).",
        MANDATORY,
        WORKLOADS,
        k8s_image_pinned,
        _LATEST_CONFIG,
    ),
    ResourcePolicySpec(
        "k8s-image-latest",
        "A latest image outside production: pin it before production.",
        ADVISORY,
        WORKLOADS,
        k8s_image_latest,
        _LATEST_CONFIG,
    ),
]
STACK_POLICIES: list[StackPolicySpec] = [
    StackPolicySpec("pod-disruption-budget", "Every Deployment has a PodDisruptionBudget.", ADVISORY, pod_disruption_budgets),
]
