"""A mock monitor that records each registration as the engine would see it.

Parents, protect flags, providers and aliases come from the registration request itself,
not from anything the program says about itself; secret values arrive wrapped by the SDK
and are recorded as "[secret]", so no plaintext secret can reach a plan document.

Every registration is kept, in order: a URN registered twice appears twice in the plan document,
where the engine-invariant policy names both registrations (the real engine stops the preview).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format  # type: ignore[import-untyped]
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor, Mocks
from pulumi.runtime.settings import get_project, get_stack

SECRET = "[secret]"
STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass
class RecordedResource:
    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    protect: bool
    provider: str | None
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    id: str | None = None
    aliases: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    retain_on_delete: bool = False
    # Resource options the engine acts on at update time (property paths as given).
    ignore_changes: list[str] = field(default_factory=list)
    replace_on_changes: list[str] = field(default_factory=list)
    delete_before_replace: bool = False


def redact(value: Any) -> Any:
    """Turn the wire form of property values into plain JSON, with every secret as "[secret]"."""
    if isinstance(value, dict):
        sig = value.get(rpc._special_sig_key)
        if sig == rpc._special_secret_sig:
            return SECRET
        if sig == rpc._special_resource_sig:
            return value.get("urn")
        if sig in (rpc._special_asset_sig, rpc._special_archive_sig):
            return "[asset]"
        return {key: redact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    if value == rpc.UNKNOWN:
        return "[unknown]"
    if isinstance(value, float) and value.is_integer():
        return int(value)  # protobuf carries every number as a double; show 365, not 365.0
    return value


def secret_strings(value: Any, inside_secret: bool = False) -> set[str]:
    """Every string inside a secret in the wire form: what must never appear in plain text."""
    found: set[str] = set()
    if isinstance(value, dict):
        is_secret = value.get(rpc._special_sig_key) == rpc._special_secret_sig
        for key, item in value.items():
            if key != rpc._special_sig_key:
                found |= secret_strings(item, inside_secret or is_secret)
    elif isinstance(value, list):
        for item in value:
            found |= secret_strings(item, inside_secret)
    elif inside_secret and isinstance(value, str) and len(value) >= 8:
        found.add(value)
    return found


def _wire(struct: Any) -> dict[str, Any]:
    """A protobuf Struct of properties as a dict, still in the wire form (secrets wrapped)."""
    result = json_format.MessageToDict(struct, preserving_proto_field_name=True)
    return result if isinstance(result, dict) else {}


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.recorded: list[RecordedResource] = []
        self.stack_outputs: dict[str, Any] = {}
        # The plaintext of every secret the program handled, for tests that look for leaks.
        self.secret_values: set[str] = set()
        self._stack_urn: str | None = None

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The engine leaves the root stack out of a child's qualified type; so do we.
        if parent and parent.split("::")[2] == STACK_TYPE:
            parent = ""
        return super().make_urn(parent, type_, name)

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
        urn = response.urn
        if request.type == STACK_TYPE:
            self._stack_urn = urn
        state = self.resources.get(urn)
        # The request's properties are turned into JSON once; the secrets, the inputs and the
        # secret outputs are all read from that one copy.
        wire = _wire(request.object)
        self.secret_values |= secret_strings(wire)
        if state is not None:
            for key in request.additionalSecretOutputs:
                self.secret_values |= secret_strings({rpc._special_sig_key: rpc._special_secret_sig, "value": state.state.get(key)})
        provider = request.provider or None
        if provider is None and request.custom and not request.type.startswith("pulumi:providers:"):
            package = request.type.split(":")[0]
            provider = f"urn:pulumi:{get_stack()}::{get_project()}::pulumi:providers:{package}::default"
        inputs = redact(wire)
        self.recorded.append(
            RecordedResource(
                urn=urn,
                type=request.type,
                name=request.name,
                parent=request.parent or None,
                custom=bool(request.custom),
                protect=bool(request.protect),
                provider=provider,
                inputs=inputs,
                outputs=_outputs_json(state.state if state is not None else {}, inputs, request),
                id=(state.id or None) if state is not None and request.custom else None,
                aliases=self._alias_urns(request, urn),
                dependencies=sorted(set(request.dependencies)),
                retain_on_delete=bool(request.retainOnDelete),
                ignore_changes=list(request.ignoreChanges),
                replace_on_changes=list(request.replaceOnChanges),
                delete_before_replace=bool(request.deleteBeforeReplace),
            )
        )
        return response

    def _alias_urns(self, request: Any, urn: str) -> list[str]:
        """The URNs a resource answers to besides its own, as the engine would compute them."""
        found = [str(alias) for alias in request.aliasURNs]
        for alias in request.aliases:
            if alias.urn:
                found.append(alias.urn)
                continue
            spec = alias.spec
            parent = "" if spec.noParent else (spec.parentUrn or request.parent)
            stack, project = spec.stack or get_stack(), spec.project or get_project()
            type_ = spec.type or request.type
            if parent and parent.split("::")[2] != STACK_TYPE:
                type_ = parent.split("::")[2] + "$" + type_
            found.append(f"urn:pulumi:{stack}::{project}::{type_}::{spec.name or request.name}")
        return sorted({alias for alias in found if alias != urn})

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802
        if request.urn == self._stack_urn:
            wire = _wire(request.outputs)
            self.stack_outputs = redact(wire)
            self.secret_values |= secret_strings(wire)
        return super().RegisterResourceOutputs(request)


def _outputs_json(state: dict[str, Any], inputs: dict[str, Any], request: Any) -> dict[str, Any]:
    """The mock's computed outputs, with inputs that were secret (`inputs` as recorded) kept secret."""
    secret_inputs = {key for key, value in inputs.items() if value == SECRET}
    secret_inputs |= set(request.additionalSecretOutputs)
    return {key: (SECRET if key in secret_inputs else _plain(value)) for key, value in state.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
