"""Kubernetes objects as the API server returns them: auto-names, namespaces, uids and status.

pulumi-kubernetes names an object without `metadata.name` as `<resource name>-<8 random
characters>` (so a ConfigMap or Secret change makes a new object and rolls the pods);
code that references such an object reads `metadata.name`, so the mock must supply it.
Inputs arrive camelCase, as in the Kubernetes API.
"""

from __future__ import annotations

from typing import Any

import pulumi

from preflight.mocks.common import MockContext, short_hash

Args = pulumi.runtime.MockResourceArgs

_CLUSTER_SCOPED = {
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PersistentVolume",
    "StorageClass",
    "NodePool",
    "EC2NodeClass",
}


def _metadata(args: Args) -> dict[str, Any]:
    kind = args.typ.rsplit(":", 1)[1]
    metadata = dict(args.inputs.get("metadata") or {})
    metadata.setdefault("name", f"{args.name}-{short_hash('k8s-name', args.typ, args.name, length=8)}")
    if kind not in _CLUSTER_SCOPED:
        metadata.setdefault("namespace", "default")
    metadata["uid"] = _uid(args)
    metadata.setdefault("labels", {})
    metadata.setdefault("annotations", {})
    metadata["resourceVersion"] = "1"
    metadata["generation"] = 1
    return metadata


def _uid(args: Args) -> str:
    h = short_hash("k8s-uid", args.typ, args.name, length=32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _object(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {"metadata": _metadata(args)}


def _deployment(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    # What the await logic waits for: every replica updated, ready and available.
    replicas = int((args.inputs.get("spec") or {}).get("replicas", 1))
    status = {"observedGeneration": 1, "replicas": replicas, "updatedReplicas": replicas}
    if replicas:
        status |= {"readyReplicas": replicas, "availableReplicas": replicas}
    return {"metadata": _metadata(args), "status": status}


def _service(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    spec = dict(args.inputs.get("spec") or {})
    cluster_ip = "172.20." + ".".join(str(int(short_hash("svc-ip", args.name, part)[:2], 16)) for part in ("a", "b"))
    spec.setdefault("type", "ClusterIP")
    spec |= {"clusterIP": cluster_ip, "clusterIPs": [cluster_ip], "ipFamilies": ["IPv4"], "sessionAffinity": "None"}
    return {"metadata": _metadata(args), "spec": spec, "status": {"loadBalancer": {}}}


def _namespace(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {"metadata": _metadata(args), "status": {"phase": "Active"}}


def _release(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = args.inputs.get("name") or f"{args.name}-{short_hash('helm', args.name, length=8)}"
    namespace = args.inputs.get("namespace") or "default"
    return {
        "name": name,
        "namespace": namespace,
        "status": {
            "name": name,
            "namespace": namespace,
            "chart": args.inputs.get("chart"),
            "version": args.inputs.get("version"),
            "revision": 1,
            "status": "deployed",
        },
    }


def _chart_v4(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    # A remote component: the provider renders the chart into child resources, which mocks do
    # not run; the chart answers with its inputs and an empty list of the objects it made.
    return {"resources": []}


COMPUTED = {
    "kubernetes:core/v1:Namespace": _namespace,
    "kubernetes:core/v1:ServiceAccount": _object,
    "kubernetes:core/v1:ConfigMap": _object,
    "kubernetes:core/v1:Secret": _object,
    "kubernetes:core/v1:Service": _service,
    "kubernetes:apps/v1:Deployment": _deployment,
    # A patch answers with the whole object as the server has it after the apply.
    "kubernetes:apps/v1:DeploymentPatch": _deployment,
    "kubernetes:policy/v1:PodDisruptionBudget": _object,
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": _object,
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": _object,
    "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding": _object,
    "kubernetes:helm.sh/v3:Release": _release,
    "kubernetes:helm.sh/v4:Chart": _chart_v4,
    "kubernetes:karpenter.sh/v1:NodePool": _object,
    "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass": _object,
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": _object,
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": _object,
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": _object,
}
