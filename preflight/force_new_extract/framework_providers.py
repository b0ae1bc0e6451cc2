"""tls, random and time: bridged plugin-framework providers, one file per resource, whose attributes
replace the resource through `RequiresReplace` plan modifiers (theirs or their own wrappers)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from preflight.force_new_extract.aws_index import AwsSource, Found
from preflight.force_new_extract.aws_types import camel_path
from preflight.force_new_extract.git_source import Git
from preflight.go_literals import literal_body, matching

TLS_FILES = {
    "tls:index/privateKey:PrivateKey": "internal/provider/resource_private_key.go",
    "tls:index/selfSignedCert:SelfSignedCert": "internal/provider/resource_self_signed_cert.go",
    "tls:index/certRequest:CertRequest": "internal/provider/resource_cert_request.go",
    "tls:index/locallySignedCert:LocallySignedCert": "internal/provider/resource_locally_signed_cert.go",
}
RANDOM_FILES = {
    "random:index/randomPassword:RandomPassword": "internal/provider/resource_password.go",
    "random:index/randomId:RandomId": "internal/provider/resource_id.go",
    "random:index/randomString:RandomString": "internal/provider/resource_string.go",
}
TIME_FILES = {
    "time:index/sleep:Sleep": "internal/provider/resource_time_sleep.go",
    "time:index/offset:Offset": "internal/provider/resource_time_offset.go",
    "time:index/rotating:Rotating": "internal/provider/resource_time_rotating.go",
    "time:index/static:Static": "internal/provider/resource_time_static.go",
}


def framework_provider(git: Git, files: dict[str, str]) -> dict[str, Any]:
    """Pulumi token → replace paths for a bridged framework provider whose resources live in `files`."""
    out: dict[str, Any] = {}
    for token, path in files.items():
        text = git.show(path)
        if text is None:
            out[token] = {"missing": path}
            continue
        found = Found()
        body = literal_body(text, "schema.Schema{")
        if body is not None:
            _FrameworkOnly(_plan_modifiers(git, path, text))._framework_object("", body, "", found)
        out[token] = {
            "upstreamFile": path,
            "replaceOn": sorted(camel_path(p) for p in found.replace),
            "replaceIf": sorted(camel_path(p) for p in found.conditional),
        }
    return out


def _plan_modifiers(git: Git, path: str, text: str) -> dict[str, str]:
    """The provider's own plan modifiers (`func requireReplaceIfStateContainsPEMString() planmodifier.String`
    in terraform-provider-tls's internal/provider/common.go), found in the resource's file and the
    package's common.go: "replace" when one wraps `RequiresReplace()` or `RequiresReplaceIfConfigured()`, "conditional"
    when `RequiresReplaceIf(…)`."""
    sources = [text, git.show(str(Path(path).with_name("common.go"))) or ""]
    kinds: dict[str, str] = {}
    for source in sources:
        for match in re.finditer(r"(?m)^func (\w+)\(\) planmodifier\.\w+ \{", source):
            body = source[match.end() : matching(source, match.end() - 1)]
            # RequiresReplaceIfConfigured() replaces whenever the value changes, as RequiresReplace() does.
            if re.search(r"RequiresReplace(IfConfigured)?\(\)", body):
                kinds[match.group(1)] = "replace"
            elif "RequiresReplaceIf(" in body:
                kinds[match.group(1)] = "conditional"
    return kinds


class _FrameworkOnly(AwsSource):
    """The framework schema reader of `AwsSource`, over one provider file instead of the index."""

    def __init__(self, plan_modifiers: dict[str, str]) -> None:  # no index: helper functions are not followed
        self.plan_modifiers = plan_modifiers

    def modifier_kind(self, name: str) -> str | None:
        return self.plan_modifiers.get(name)

    def function(self, service: str, name: str) -> str | None:
        return None
