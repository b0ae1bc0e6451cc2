"""botocore's bundled service models, loaded lazily: only the services a plan's resources use.

The models are read the way botocore's own loader reads them (`botocore/loaders.py`): the newest
API version directory under `botocore/data/<service>/`, its `service-2.json(.gz)`. The files are
read directly, without importing botocore (importing its session machinery costs more than the
models a plan needs). The SDK-only `service-2.sdk-extras.json` additions are left out: they add
client-side parameters (e.g. RDS `SourceRegion` for presigning) that never reach the wire.

Shapes are plain dicts as in the JSON: `type`, `members`, `required`, `member`, `key`, `value`,
`min`, `max`, `pattern`, `enum`, `documentation`.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
import time
from functools import cache
from pathlib import Path
from typing import Any

Shape = dict[str, Any]
# Milliseconds spent reading each service's model in this process (for `make plan`'s timing line).
LOAD_MS: dict[str, float] = {}


class ModelError(Exception):
    """A model, operation or shape the mapping names is not in the installed botocore."""


@cache
def _data_root() -> Path:
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("botocore is not installed: the API model checks read its bundled service models (requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@cache
def botocore_version() -> str:
    """The installed botocore's version, read from its package (importlib.metadata scans every distribution)."""
    found = re.search(r"""__version__ = ['"]([^'"]+)['"]""", (_data_root().parent / "__init__.py").read_text())
    return found.group(1) if found else "?"


@cache
def service_model(service: str) -> dict[str, Any]:
    started = time.perf_counter()
    directory = _data_root() / service
    if not directory.is_dir():
        raise ModelError(f"botocore has no service model {service!r}")
    newest = max(path for path in directory.iterdir() if path.is_dir())
    plain, packed = newest / "service-2.json", newest / "service-2.json.gz"
    text = plain.read_bytes() if plain.exists() else gzip.decompress(packed.read_bytes())
    model: dict[str, Any] = json.loads(text)
    LOAD_MS[service] = (time.perf_counter() - started) * 1000
    return model


def shape(service: str, name: str) -> Shape:
    found: Shape | None = service_model(service)["shapes"].get(name)
    if found is None:
        raise ModelError(f"botocore {service} model has no shape {name!r}")
    return found


def input_shape(service: str, operation: str) -> tuple[str, Shape]:
    """(shape name, shape) of an operation's request."""
    found = service_model(service)["operations"].get(operation)
    if found is None:
        raise ModelError(f"botocore {service} model has no operation {operation!r}")
    name = found["input"]["shape"]
    return name, shape(service, name)


def member(service: str, structure: Shape, name: str) -> tuple[str, Shape] | None:
    """(shape name, shape) of a structure's member, or None when it has no such member."""
    reference = structure.get("members", {}).get(name)
    if reference is None:
        return None
    return reference["shape"], shape(service, reference["shape"])


def member_named(structure: Shape, key: str) -> str | None:
    """The structure's member spelled like `key` (case and underscores aside): `isIpv6Enabled` → `IsIPV6Enabled`."""
    wanted = key.replace("_", "").lower()
    for name in structure.get("members", {}):
        if name.replace("_", "").lower() == wanted:
            return str(name)
    return None


def is_idempotency_token(structure: Shape, name: str) -> bool:
    """Members the SDKs fill in by themselves (client tokens): never the program's to set."""
    return bool(structure.get("members", {}).get(name, {}).get("idempotencyToken"))
