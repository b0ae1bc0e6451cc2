"""terraform-provider-aws's schemas as lonegunmanb/terraform-provider-aws-index stores them (one file
per Go function, a commit per release): which attributes replace a resource when they change, and
which replace it only under a condition."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from preflight.force_new_extract.git_source import Git
from preflight.go_literals import attr_name, entries, field_value, literal_body, matching, outer_literal_bodies


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
