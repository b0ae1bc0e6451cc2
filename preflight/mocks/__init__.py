"""Pulumi mocks that answer like the real providers.

Each module in this package describes one area of AWS/Kubernetes and exports ``COMPUTED``:
a map from resource type to a function returning the outputs the real provider computes
(ids, ARNs, endpoints, DNS names, ``domainValidationOptions`` …), optionally ``IDS`` for
types whose provider id has a shape of its own (AppConfig's `abc1234`, `env:app`), and optionally
``CALLS`` for provider functions. A resource type the program declares without an entry still gets a
realistic id and ARN, so nothing reads ``None`` where AWS would return a value.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pulumi

from preflight.mocks.common import ComputedFn, IdFn, MockContext, generic_outputs, mock_id

__all__ = ["EmailPlatformMocks", "MockContext"]


def _load_tables() -> tuple[dict[str, ComputedFn], dict[str, IdFn], dict[str, Any]]:
    computed: dict[str, ComputedFn] = {}
    ids: dict[str, IdFn] = {}
    calls: dict[str, Any] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name == "common":
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for type_token, fn in getattr(module, "COMPUTED", {}).items():
            if type_token in computed:
                raise RuntimeError(f"two mock modules describe {type_token}")
            computed[type_token] = fn
        ids.update(getattr(module, "IDS", {}))
        calls.update(getattr(module, "CALLS", {}))
    return computed, ids, calls


_COMPUTED, _IDS, _CALLS = _load_tables()


class EmailPlatformMocks(pulumi.runtime.Mocks):
    def __init__(self, region: str = "us-east-1") -> None:
        self.context = MockContext(region=region)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        if args.typ.startswith("pulumi:providers:"):
            return f"{args.name}-provider-id", dict(args.inputs)
        id_fn = _IDS.get(args.typ)
        resource_id = args.resource_id or (id_fn(args, self.context) if id_fn else mock_id(args.typ, args.name))
        outputs: dict[str, Any] = {**args.inputs, **generic_outputs(args.typ, args.name, resource_id, args.inputs, self.context)}
        fn = _COMPUTED.get(args.typ)
        if fn is not None:
            outputs.update(fn(args, resource_id, self.context))
        return resource_id, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        fn = _CALLS.get(args.token)
        if fn is None:
            raise NotImplementedError(f"no mock for provider function {args.token}; add one under preflight/mocks/")
        return fn(args, self.context), []  # no check failures (the monitor iterates this list)
