"""pulumi-kubernetes: its own table of replace-on-change fields per group/version/kind
(provider/pkg/provider/diff.go), with `metadata.name` and `metadata.namespace` for every kind."""

from __future__ import annotations

from typing import Any

from preflight.go_literals import kubernetes_token_paths

DIFF_GO = "provider/pkg/provider/diff.go"


def diffed_object_by_object(token: str) -> bool:
    """A component or a patch: the objects it manages are diffed by the provider one by one."""
    return token.startswith("kubernetes:helm.sh/") or token.endswith("Patch")


def kubernetes_entry(token: str, table: dict[str, list[str]]) -> dict[str, Any]:
    paths = kubernetes_token_paths(token, table)
    entry: dict[str, Any] = {"upstream": "forceNew table", "replaceOn": paths, "replaceIf": []}
    # diff.go: a Secret's type, data and stringData (a ConfigMap's data and binaryData) replace it
    # unless the provider is configured with enableSecretMutable (enableConfigMapMutable).
    if token == "kubernetes:core/v1:Secret":
        entry.update(replaceOn=sorted({*paths, "data", "stringData", "type"}), replaceUnless="enableSecretMutable")
    if token == "kubernetes:core/v1:ConfigMap":
        entry.update(replaceOn=sorted({*paths, "binaryData", "data"}), replaceUnless="enableConfigMapMutable")
    return entry
