"""Every Kubernetes object the app declares is valid for the cluster's version and passes checkov.

The manifests are rendered from what the component registered under the mocks (the same
inputs the engine would send to the API server), with auto-names filled in as the provider
does and secret values replaced by placeholders (they are "[secret]" in the record).

- Schema: `kubernetes_validate` in strict mode (unknown fields fail) against the Kubernetes
  version in the stack's cluster config. The TargetGroupBinding is a CRD that schema set does
  not know; it is checked against the controller's own v1beta1 CRD schema, transcribed below.
- Scanner: checkov's Kubernetes checks (`--framework kubernetes`), zero failures. checkov
  pins boto3 1.35 and packaging<24, which the program's own pins exclude, so it lives apart
  in a venv of its own, .venv-scan (requirements-scan.txt, `make tools`).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from app_build import build_app
from owned_stacks import app_settings, settings

from components.app.environment import SECRET_ENV
from preflight.recorder import RecordedResource, RecordingMonitor

ROOT = Path(__file__).resolve().parent.parent
# checkov's own venv (`make tools`); a `pip install --target` copy on CHECKOV_PATH is used where that is absent.
SCAN_PYTHON = Path(os.environ.get("CHECKOV_PYTHON", ROOT / ".venv-scan" / "bin" / "python"))
CHECKOV_PATH = Path(os.environ.get("CHECKOV_PATH", ROOT / ".venv" / "checkov"))
# One line per check we skip, and why.
SKIPPED_CHECKS = {
    "CKV_K8S_35": "the guide's app reads EMAIL_API_KEY, DATABASE_URL… from its environment; they come by secretKeyRef, never literally",
}
TARGET_GROUP_BINDING = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding"
# Not Kubernetes objects: a Helm chart is Pulumi's component that renders them.
NOT_MANIFESTS = {"kubernetes:helm.sh/v4:Chart"}

# The v1beta1 schema of targetgroupbindings.elbv2.k8s.aws (aws-load-balancer-controller's
# CRD), limited to what the spec may hold; unknown fields are refused as the API server would.
_SERVICE_REF = {
    "type": "object",
    "required": ["name", "port"],
    "additionalProperties": False,
    "properties": {"name": {"type": "string"}, "port": {"anyOf": [{"type": "integer"}, {"type": "string"}]}},
}
TARGET_GROUP_BINDING_SCHEMA = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "elbv2.k8s.aws/v1beta1"},
        "kind": {"const": "TargetGroupBinding"},
        "metadata": {"type": "object"},
        "spec": {
            "type": "object",
            "required": ["serviceRef", "targetGroupARN"],
            "additionalProperties": False,
            "properties": {
                "ipAddressType": {"enum": ["ipv4", "ipv6"]},
                "networking": {"type": "object"},
                "nodeSelector": {"type": "object"},
                "serviceRef": _SERVICE_REF,
                "targetGroupARN": {"type": "string", "minLength": 1, "pattern": "^arn:aws[a-z-]*:elasticloadbalancing:"},
                "targetType": {"enum": ["instance", "ip"]},
                "vpcID": {"type": "string"},
                "multiClusterTargetGroup": {"type": "boolean"},
            },
        },
    },
}


def cluster_version(stack: str) -> str:
    return settings(stack).cluster.version


def manifest(resource: RecordedResource) -> dict[str, Any]:
    """The object as the provider would send it: auto-name filled in, secrets as placeholders."""
    body = copy.deepcopy(resource.inputs)
    body["metadata"] = {**body.get("metadata", {}), "name": resource.outputs["metadata"]["name"]}
    if body.get("kind") == "Secret" and body.get("stringData") == "[secret]":
        keys = ("tls.crt", "tls.key") if body.get("type") == "kubernetes.io/tls" else SECRET_ENV
        body["stringData"] = {key: "placeholder" for key in keys}
    return body


def rendered(monitor: RecordingMonitor, stack: str) -> list[dict[str, Any]]:
    """Every object, with each server-side-apply patch applied to the object it names (a patch
    alone is a partial object; what the API server validates is the object after the apply)."""
    environment = {"production": "production", "staging": "staging"}[stack]
    built = build_app(monitor, app_settings(stack), environment=environment)
    objects = [r for r in built.resources if r.type.startswith("kubernetes:") and r.type not in NOT_MANIFESTS]
    whole = [manifest(r) for r in objects if not r.type.endswith("Patch")]
    for patch in (r for r in objects if r.type.endswith("Patch")):
        kind, name = patch.inputs["kind"], patch.inputs["metadata"]["name"]
        (target,) = [o for o in whole if o["kind"] == kind and o["metadata"]["name"] == name]
        target["spec"] |= patch.inputs["spec"]
    return whole


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_every_object_validates_against_the_clusters_kubernetes_schema(pulumi_mocks: RecordingMonitor, stack: str) -> None:
    version = cluster_version(stack)
    objects = rendered(pulumi_mocks, stack)
    kinds = {o["kind"] for o in objects}
    assert {"Namespace", "ServiceAccount", "ConfigMap", "Secret", "Service", "Deployment"} <= kinds
    assert {"PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy", "TargetGroupBinding"} <= kinds
    for body in objects:
        if body["kind"] == "TargetGroupBinding":
            jsonschema.validate(body, TARGET_GROUP_BINDING_SCHEMA)
            continue
        kubernetes_validate.validate(body, version, strict=True)


def test_the_schema_check_catches_a_misspelt_field(pulumi_mocks: RecordingMonitor) -> None:
    (deployment,) = [o for o in rendered(pulumi_mocks, "production") if o["kind"] == "Deployment"][:1]
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, cluster_version("production"), strict=True)
    binding = next(o for o in rendered(pulumi_mocks, "production") if o["kind"] == "TargetGroupBinding")
    binding["spec"]["targetType"] = "alb"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(binding, TARGET_GROUP_BINDING_SCHEMA)


def run_checkov(directory: Path) -> dict[str, Any]:
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    if SCAN_PYTHON.exists():
        python = str(SCAN_PYTHON)
    elif (CHECKOV_PATH / "checkov").is_dir():
        python, env["PYTHONPATH"] = sys.executable, str(CHECKOV_PATH)
    else:
        pytest.fail("checkov is not installed: `make tools` puts it in .venv-scan (requirements-scan.txt)")
    result = subprocess.run(
        [
            python,
            "-m",
            "checkov.main",
            "--framework",
            "kubernetes",
            "--skip-download",
            "--skip-check",
            ",".join(SKIPPED_CHECKS),
            "--directory",
            str(directory),
            "--output",
            "json",
            "--compact",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode not in (0, 1):
        pytest.fail(f"checkov did not run (exit {result.returncode}): {result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    return report[0] if isinstance(report, list) else report


def _write(directory: Path, objects: list[dict[str, Any]]) -> None:
    for index, body in enumerate(objects):
        (directory / f"{index:02d}-{body['kind'].lower()}-{body['metadata']['name']}.yaml").write_text(yaml.safe_dump(body))


def test_checkov_finds_nothing_in_the_rendered_objects_and_fails_a_weakened_copy(pulumi_mocks: RecordingMonitor, tmp_path: Path) -> None:
    objects = rendered(pulumi_mocks, "production")
    # The scanner is live: the same Deployment without its security context must fail.
    weakened = copy.deepcopy(next(o for o in objects if o["kind"] == "Deployment"))
    weakened["metadata"]["name"] = "weakened"
    del weakened["spec"]["template"]["spec"]["containers"][0]["securityContext"]
    _write(tmp_path, [*objects, weakened])
    report = run_checkov(tmp_path)
    results = report.get("results", {})
    failed = [(c["check_id"], c["resource"]) for c in results.get("failed_checks", [])]
    assert [f for f in failed if "weakened" not in f[1]] == []
    assert {"CKV_K8S_20", "CKV_K8S_22", "CKV_K8S_28"} <= {check for check, resource in failed if "weakened" in resource}
    assert report["summary"]["passed"] > 50  # the checks really ran on the Deployments
    assert {c["check_id"] for c in results.get("skipped_checks", [])} <= set(SKIPPED_CHECKS)
