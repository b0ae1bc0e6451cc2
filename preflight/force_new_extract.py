"""Extract the providers' replace-on-change schema into preflight/data/force_new.json (run by hand).

    .venv/bin/python -m preflight.force_new_extract \\
        --aws-index PATH/terraform-provider-aws-index.git [--aws-index-rev REV] \\
        --kubernetes PATH/pulumi-kubernetes.git [--kubernetes-rev REV] \\
        --tls PATH/terraform-provider-tls.git [--tls-rev REV] \\
        --random PATH/terraform-provider-random.git [--random-rev REV] \\
        --time PATH/terraform-provider-time.git [--time-rev REV] \\
        --plan PLAN.json [--plan PLAN.json …]

What it reads, all from git repositories given by path (nothing is fetched):

* pulumi-aws is bridged from terraform-provider-aws. A resource is replaced when an attribute marked
  `ForceNew: true` (plugin SDK) or given a `RequiresReplace…` plan modifier (plugin framework)
  changes; `customdiff.ForceNewIfChange` and `RequiresReplaceIf` replace only under a condition and
  are recorded as such. The upstream source is read per release from lonegunmanb/terraform-provider-
  aws-index (one file per Go function, a commit per terraform-provider-aws release): the generated
  `servicePackage.SDKResources`/`FrameworkResources` name each resource's factory, whose schema is
  walked, following helper functions of the same package.
* pulumi-kubernetes keeps its own table per group/version/kind (provider/pkg/provider/diff.go):
  `metadata.name` and `metadata.namespace` for every kind, plus the kind's fields.
* tls, random and time are bridged plugin-framework providers: `RequiresReplace` on their
  attributes. pulumiverse-time is bridged from hashicorp/terraform-provider-time: give `--time-rev`
  the tag its `provider/go.mod` names for the pinned release (pulumiverse/pulumi-time v0.1.1:
  terraform-provider-time v0.12.1).

The plan documents name the types to extract: give the committed stacks' (`make plan JSON=…`) and
one of a stack file with the optional features on (`make plan ARGS="--stack-file …"`: webhook source
ranges, a vault lock, an outside deployment listener, cost-allocation tags), so that a type only some
config declares is covered too.

A resource's schema may be written out in its factory, returned by its `SchemaFunc`, or named: a
package-level variable (`Schema: maps.Clone(topicSchema)`) or function, which is followed; a framework
resource whose struct has no `Schema` method uses the one of the struct it embeds (the security group
ingress and egress rules share `securityGroupRuleResource`'s). The types left with no replace-on-change
field are printed, for a reviewer to check against their source.

Attribute names become Pulumi property paths by the bridge's rule (snake_case to camelCase, nested
blocks as nested objects); `names.AttrFooBar` constants are read as `foo_bar`. Every path's first
segment is checked against the installed SDK's input names, and any that does not match is kept under
`unmapped` (listed, never dropped). Only the types the program declares (the plan documents given)
are written; a type that cannot be found is listed under `notExtracted` with the reason.

tests/test_force_new_data.py fails when a pin in requirements.txt moves away from the versions this
file records, so an upgrade re-runs this script.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from preflight.go_literals import (
    attr_name,
    camel,
    entries,
    field_value,
    kubernetes_table,
    kubernetes_token_paths,
    literal_body,
    matching,
    outer_literal_bodies,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "data" / "force_new.json"
PINNED = ("pulumi-aws", "pulumi-kubernetes", "pulumi-tls", "pulumi-random", "pulumiverse-time")


# ── reading git ──


class Git:
    def __init__(self, path: Path, rev: str) -> None:
        self.path, self.rev = path, rev
        self.commit = self._run("rev-parse", rev).strip()

    def _run(self, *args: str) -> str:
        return subprocess.run(["git", "--git-dir", str(self.path), *args], capture_output=True, text=True, check=True).stdout

    def show(self, path: str) -> str | None:
        done = subprocess.run(["git", "--git-dir", str(self.path), "show", f"{self.commit}:{path}"], capture_output=True, text=True)
        return done.stdout if done.returncode == 0 else None

    def subject(self) -> str:
        return self._run("log", "-1", "--format=%s %ad", "--date=short", self.commit).strip()


# ── terraform-provider-aws ──


@dataclass
class Found:
    replace: set[str] = field(default_factory=set)
    conditional: set[str] = field(default_factory=set)
    helpers: set[str] = field(default_factory=set)


class AwsSource:
    """Functions of terraform-provider-aws as the index repository stores them, one file per function."""

    def __init__(self, git: Git) -> None:
        self.git = git
        master = json.loads(git.show("index/terraform-provider-aws-index.json") or "{}")
        self.version = str(master.get("version", ""))
        self.services = [s["service_name"] for s in master.get("services", [])]
        self._registrations: dict[str, tuple[str, str, str]] = {}
        for service in self.services:
            for method, kind in (("SDKResources", "sdk"), ("FrameworkResources", "framework")):
                text = self.git.show(f"index/internal/service/{service}/method.servicePackage.{method}.goindex") or ""
                for factory, type_name in re.findall(r"Factory:\s*(\w+),\s*TypeName:\s*\"(\w+)\"", text):
                    self._registrations[type_name] = (service, factory, kind)

    def has(self, type_name: str) -> bool:
        return type_name in self._registrations

    def function(self, service: str, name: str) -> str | None:
        return self.git.show(f"index/internal/service/{service}/func.{name}.goindex")

    def variable(self, service: str, name: str) -> str | None:
        """A package-level variable (`var topicSchema = map[string]*schema.Schema{…}`), one file per variable."""
        return self.git.show(f"index/internal/service/{service}/var.{name}.goindex")

    def type_declaration(self, service: str, name: str) -> str | None:
        return self.git.show(f"index/internal/service/{service}/type.{name}.goindex")

    def method(self, service: str, receiver: str, name: str) -> str | None:
        return self.git.show(f"index/internal/service/{service}/method.{receiver}.{name}.goindex")

    def _schema_reference(self, service: str, text: str, found: Found) -> str | None:
        """The schema map a resource names instead of writing it out: `Schema: topicSchema`,
        `Schema: maps.Clone(topicSchema)` or `SchemaFunc: queueSchemaFunc`, a variable or a function
        of the same package."""
        match = re.search(r"\bSchema(Func)?:\s*(?:maps\.Clone\()?(\w+)\)?\s*,", text)
        if not match or match.group(2) in ("func", "map"):
            return None
        name = match.group(2)
        source = self.variable(service, name) if match.group(1) is None else None
        source = source or self.function(service, name)
        if source is None:
            return None
        found.helpers.add(name)
        bodies = outer_literal_bodies(source, "map[string]*schema.Schema{")
        return max(bodies, key=len) if bodies else None

    def _framework_schema_method(self, service: str, struct: str) -> tuple[str, str | None]:
        """The `Schema` method of a framework resource's struct, or of a struct it embeds (the SDK's
        ingress and egress rule resources embed one `securityGroupRuleResource` and use its schema)."""
        method = self.method(service, struct, "Schema")
        if method is not None:
            return struct, method
        declaration = self.type_declaration(service, struct) or ""
        body = literal_body(declaration, "struct {") or ""
        for embedded in re.findall(r"(?m)^\s*\*?(\w+)\s*$", body):
            method = self.method(service, embedded, "Schema")
            if method is not None:
                return embedded, method
        return struct, None

    def schema(self, type_name: str) -> tuple[Found, str]:
        service, factory, kind = self._registrations[type_name]
        found = Found()
        if kind == "sdk":
            text = self.function(service, factory) or ""
            found.helpers.add(factory)
            # The resource's own schema map: the largest one not nested in another. A `SchemaFunc` may
            # first define closures with schema maps of their own (nested blocks it reuses), then return
            # the resource's map; the first map in the text is then a closure's.
            bodies = outer_literal_bodies(text, "map[string]*schema.Schema{")
            own = max(bodies, key=len) if bodies else self._schema_reference(service, text, found)
            if own is not None:
                self._sdk_attributes(service, own, "", found)
            for path in re.findall(r'ForceNewIfChange\(\s*"([\w.]+)"', text):
                found.conditional.add(".".join(p for p in path.split(".") if not p.isdigit()))
        else:
            factory_text = self.function(service, factory) or ""
            struct = re.search(r"&(\w+)\{", factory_text)
            owner, method = self._framework_schema_method(service, struct.group(1)) if struct else (factory, None)
            found.helpers.add(f"{owner}.Schema")
            body = literal_body(method or "", "schema.Schema{")
            if body is not None:
                self._framework_object(service, body, "", found)
        return found, f"internal/service/{service} ({', '.join(sorted(found.helpers))})"

    def _helper_body(self, service: str, call: str, opener: str, found: Found) -> str | None:
        match = re.match(r"^(\w+)\(", call)
        if not match:
            return None
        text = self.function(service, match.group(1))
        if text is None:
            return None
        found.helpers.add(match.group(1))
        return literal_body(text, opener)

    def _sdk_attributes(self, service: str, body: str, prefix: str, found: Found) -> None:
        for key, value in entries(body):
            name = attr_name(key)
            if name is None:
                continue
            path = f"{prefix}{name}"
            spec = value[1:-1] if value.startswith("{") else None
            if spec is None and value.startswith("&schema.Schema{"):
                spec = literal_body(value, "&schema.Schema{")
            if spec is None:
                spec = self._helper_body(service, value, "&schema.Schema{", found)
            if spec is None:
                continue
            if re.search(r"(?m)^\s*ForceNew:\s*true", _top_level(spec)):
                found.replace.add(path)
            elem = field_value(spec, "Elem")
            if elem is None:
                continue
            nested = literal_body(elem, "map[string]*schema.Schema{")
            if nested is None:
                nested_text = self._helper_body(service, elem, "map[string]*schema.Schema{", found)
                nested = nested_text
            if nested is not None:
                self._sdk_attributes(service, nested, f"{path}.", found)

    def modifier_kind(self, name: str) -> str | None:
        """A plan modifier the provider writes itself (a function wrapping the framework's), by what it wraps."""
        return None

    def _framework_object(self, service: str, body: str, prefix: str, found: Found) -> None:
        for section in ("Attributes", "Blocks"):
            value = field_value(body, section)
            if value is None:
                continue
            inner = value[value.index("{") + 1 : matching(value, value.index("{")) - 1] if "{" in value else None
            if inner is None:
                continue
            for key, spec in entries(inner):
                name = attr_name(key)
                if name is None:
                    continue
                path = f"{prefix}{name}"
                if "{" not in spec or re.match(r"^[\w.]+\(", spec):
                    helper = self._helper_body(service, spec, "{", found) if re.match(r"^\w+\(", spec) else None
                    if helper is None:
                        continue
                    spec = "{" + helper + "}"
                own = spec[spec.index("{") + 1 : matching(spec, spec.index("{")) - 1]
                modifiers = field_value(own, "PlanModifiers") or ""
                own_kinds = {self.modifier_kind(call) for call in re.findall(r"\b(\w+)\(\)", modifiers)}
                if re.search(r"RequiresReplace(IfConfigured)?\(\)", modifiers) or "replace" in own_kinds:
                    found.replace.add(path)
                elif "RequiresReplaceIf" in modifiers or "conditional" in own_kinds:
                    found.conditional.add(path)
                nested = field_value(own, "NestedObject")
                if nested is not None and "{" in nested:
                    self._framework_object(
                        service, nested[nested.index("{") + 1 : matching(nested, nested.index("{")) - 1], f"{path}.", found
                    )
                elif field_value(own, "Attributes") is not None or field_value(own, "Blocks") is not None:
                    self._framework_object(service, own, f"{path}.", found)


def _top_level(spec: str) -> str:
    """A schema literal's own fields, without those of nested literals (Elem, validators …)."""
    return "\n".join(f"{k}: {v}" for k, v in entries(spec) if "{" not in v or k != "Elem")


# Pulumi tokens whose Terraform name does not follow `aws_<module>_<name>` nor `aws_<name>`.
TERRAFORM_NAMES = {
    "aws:lb/loadBalancer:LoadBalancer": "aws_lb",
    "aws:rds/parameterGroup:ParameterGroup": "aws_db_parameter_group",
    "aws:rds/subnetGroup:SubnetGroup": "aws_db_subnet_group",
    "aws:s3/bucketObjectv2:BucketObjectv2": "aws_s3_object",
    "aws:ec2/securityGroup:SecurityGroup": "aws_security_group",
    "aws:rds/cluster:Cluster": "aws_rds_cluster",
    "aws:rds/clusterInstance:ClusterInstance": "aws_rds_cluster_instance",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": "aws_rds_cluster_parameter_group",
    "aws:costexplorer/costAllocationTag:CostAllocationTag": "aws_ce_cost_allocation_tag",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def terraform_name(token: str, source: AwsSource) -> str | None:
    if token in TERRAFORM_NAMES:
        return TERRAFORM_NAMES[token]
    module, name = token.split(":")[1].split("/")
    for candidate in (f"aws_{module}_{_snake(name)}", f"aws_{_snake(name)}"):
        if source.has(candidate):
            return candidate
    return None


def sdk_inputs(token: str) -> set[str] | None:
    """The input property names of a pulumi_aws resource: the parameters of its class's `_internal_init`
    (Python names, which the SDK derives from the camelCase ones)."""
    package, rest = token.split(":", 1)
    module, cls = rest.split(":")[0].split("/")[0], rest.split(":")[-1]
    try:
        resource = getattr(importlib.import_module(f"pulumi_{package}.{module}"), cls)
    except (ImportError, AttributeError):
        return None
    parameters = inspect.signature(resource._internal_init).parameters
    return {camel(name) for name in parameters if name not in ("__self__", "resource_name", "opts", "__props__")}


# ── tls, random and time (plugin framework, one file per resource) ──


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
    package's common.go: "replace" when one wraps `RequiresReplace()`, "conditional" when `RequiresReplaceIf`."""
    sources = [text, git.show(str(Path(path).with_name("common.go"))) or ""]
    kinds: dict[str, str] = {}
    for source in sources:
        for match in re.finditer(r"(?m)^func (\w+)\(\) planmodifier\.\w+ \{", source):
            body = source[match.end() : matching(source, match.end() - 1)]
            if "RequiresReplaceIf" in body:
                kinds[match.group(1)] = "conditional"
            elif re.search(r"RequiresReplace(IfConfigured)?\(\)", body):
                kinds[match.group(1)] = "replace"
    return kinds


class _FrameworkOnly(AwsSource):
    def __init__(self, plan_modifiers: dict[str, str]) -> None:  # no index: helper functions are not followed
        self.plan_modifiers = plan_modifiers

    def modifier_kind(self, name: str) -> str | None:
        return self.plan_modifiers.get(name)

    def function(self, service: str, name: str) -> str | None:
        return None


# Where the bridge gives a Terraform attribute another Pulumi name (besides camelCase and plurals).
PULUMI_RENAMES = {
    ("aws:cloudwatch/metricAlarm:MetricAlarm", "alarmName"): "name",
    # aws_sns_topic_subscription's `topic_arn` is the SDK's `topic` (TopicSubscription has no `topicArn` input).
    ("aws:sns/topicSubscription:TopicSubscription", "topicArn"): "topic",
}


def pulumi_path(token: str, path: str, inputs: set[str]) -> str:
    """A camelCase path with its first segment as the SDK spells it: exact, plural, or a known rename."""
    head, _, rest = path.partition(".")
    if inputs and head not in inputs:
        head = PULUMI_RENAMES.get((token, head)) or (f"{head}s" if f"{head}s" in inputs else head)
    return f"{head}.{rest}" if rest else head


def camel_path(path: str) -> str:
    return ".".join(camel(p) for p in path.split("."))


def requirement_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = re.match(r"^([\w-]+)==([\w.]+)", line.strip())
        if match and match.group(1) in PINNED:
            pins[match.group(1)] = match.group(2)
    return pins


def declared_types(plans: list[Path]) -> set[str]:
    types: set[str] = set()
    for plan in plans:
        document = json.loads(plan.read_text())
        types |= {r["type"] for r in document["resources"] if r.get("custom", True) and not r["type"].startswith("pulumi:")}
    return types


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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m preflight.force_new_extract", description=__doc__.splitlines()[0] if __doc__ else None)
    for name in ("aws-index", "kubernetes", "tls", "random", "time"):
        parser.add_argument(f"--{name}", type=Path, required=True, help="a git directory (bare or .git)")
        parser.add_argument(f"--{name}-rev", default="HEAD")
    parser.add_argument("--plan", type=Path, action="append", required=True, help="a plan document of a stack (make plan JSON=…)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    aws_git, k8s_git = Git(args.aws_index, args.aws_index_rev), Git(args.kubernetes, args.kubernetes_rev)
    tls_git, random_git = Git(args.tls, args.tls_rev), Git(args.random, args.random_rev)
    time_git = Git(args.time, args.time_rev)
    aws = AwsSource(aws_git)
    k8s_table = kubernetes_table(k8s_git.show("provider/pkg/provider/diff.go") or "")
    types: dict[str, Any] = {}
    not_extracted: dict[str, str] = {}
    tls, random = framework_provider(tls_git, TLS_FILES), framework_provider(random_git, RANDOM_FILES)
    time = framework_provider(time_git, TIME_FILES)
    for token in sorted(declared_types(args.plan)):
        package = token.split(":")[0]
        if package == "aws":
            tf = terraform_name(token, aws)
            if tf is None:
                not_extracted[token] = f"no terraform-provider-aws resource found for it in {aws.version}"
                continue
            found, where = aws.schema(tf)
            inputs = sdk_inputs(token) or set()
            replace = sorted({pulumi_path(token, camel_path(p), inputs) for p in found.replace})
            unmapped = sorted(p for p in replace if inputs and p.split(".")[0] not in inputs)
            types[token] = {
                "upstream": tf,
                "upstreamSource": where,
                "replaceOn": [p for p in replace if p not in unmapped],
                "replaceIf": sorted(camel_path(p) for p in found.conditional),
                "unmapped": unmapped,
            }
        elif package == "kubernetes":
            if token.startswith("kubernetes:helm.sh/") or token.endswith("Patch"):
                not_extracted[token] = "a component or a patch: the objects it manages are diffed by the provider one by one"
                continue
            paths = kubernetes_token_paths(token, k8s_table)
            types[token] = {"upstream": "forceNew table", "replaceOn": paths, "replaceIf": []}
            # diff.go: a Secret's type, data and stringData (a ConfigMap's data and binaryData) replace it
            # unless the provider is configured with enableSecretMutable (enableConfigMapMutable).
            if token == "kubernetes:core/v1:Secret":
                types[token].update(replaceOn=sorted({*paths, "data", "stringData", "type"}), replaceUnless="enableSecretMutable")
            if token == "kubernetes:core/v1:ConfigMap":
                types[token].update(replaceOn=sorted({*paths, "binaryData", "data"}), replaceUnless="enableConfigMapMutable")
        elif package == "tls" and token in tls:
            types[token] = tls[token]
        elif package == "random" and token in random:
            types[token] = random[token]
        elif package == "time" and token in time:
            types[token] = time[token]
        else:
            not_extracted[token] = "no extractor for this provider"
    document = {
        "generatedBy": "python -m preflight.force_new_extract (see its docstring)",
        "pins": requirement_pins(),
        "sources": {
            "aws": {
                "upstream": "hashicorp/terraform-provider-aws",
                "version": aws.version,
                "readFrom": f"lonegunmanb/terraform-provider-aws-index@{aws_git.commit[:12]} ({aws_git.subject()})",
            },
            "kubernetes": {
                "repository": "pulumi/pulumi-kubernetes",
                "commit": k8s_git.commit,
                "file": "provider/pkg/provider/diff.go",
                "at": k8s_git.subject(),
            },
            "tls": {"repository": "hashicorp/terraform-provider-tls", "commit": tls_git.commit, "at": tls_git.subject()},
            "random": {"repository": "hashicorp/terraform-provider-random", "commit": random_git.commit, "at": random_git.subject()},
            "time": {
                "repository": "hashicorp/terraform-provider-time",
                "commit": time_git.commit,
                "at": time_git.subject(),
                "bridgedBy": "pulumiverse/pulumi-time",
            },
        },
        "types": types,
        "notExtracted": not_extracted,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    print(f"{len(types)} types written to {args.out}; {len(not_extracted)} not extracted", file=sys.stderr)
    # A type with nothing that replaces it is either true upstream or a schema the reader did not find:
    # a reviewer checks each against its source (tests/test_force_new_data.py keeps the reviewed list).
    for token in sorted(t for t, entry in types.items() if not entry["replaceOn"]):
        print(
            f"  no replace-on-change field: {token} ({types[token].get('upstreamSource', types[token].get('upstream'))})", file=sys.stderr
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
