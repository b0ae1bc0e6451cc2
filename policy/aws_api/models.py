"""botocore's bundled service models, loaded lazily: only the services a plan's resources use.

The models are read the way botocore's own loader reads them (`botocore/loaders.py`): the newest
API version directory under `botocore/data/<service>/`, its `service-2.json(.gz)`. The files are
read directly, without importing botocore (importing its session machinery costs more than the
models a plan needs). The SDK-only `service-2.sdk-extras.json` additions are left out: they add
client-side parameters (e.g. RDS `SourceRegion` for presigning) that never reach the wire.

Shapes are plain dicts as in the JSON: `type`, `members`, `required`, `member`, `key`, `value`,
`min`, `max`, `pattern`, `enum` (and `documentation` in `service_model`'s full model).

The checks read a compact model (`_checked`): the requests of the calls the mapping table names
for a service and every shape they reach, without documentation: 0.3 MB of JSON for the 23
services of a production plan where botocore's files hold 14 MB, read in about 10 ms instead of 100. It is written at first use into the
virtualenv that holds botocore (`<venv>/cache/email-platform/botocore-models/<botocore version>/`,
never committed), under a name made of the model file's SHA-256, the calls and the compact form's
version: another botocore, another model file or another table reads into a new file. A name the
compact model lacks is looked up in the full model, so answers never depend on the cache.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from policy.aws_api.mappings import MAPPINGS

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


def _model_file(service: str) -> Path:
    directory = _data_root() / service
    if not directory.is_dir():
        raise ModelError(f"botocore has no service model {service!r}")
    newest = max(path for path in directory.iterdir() if path.is_dir())
    plain = newest / "service-2.json"
    return plain if plain.exists() else newest / "service-2.json.gz"


def _model_json(data: bytes) -> dict[str, Any]:
    model: dict[str, Any] = json.loads(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
    return model


@cache
def service_model(service: str) -> dict[str, Any]:
    """The whole model as botocore ships it, documentation included."""
    started = time.perf_counter()
    model = _model_json(_model_file(service).read_bytes())
    LOAD_MS[service] = LOAD_MS.get(service, 0.0) + (time.perf_counter() - started) * 1000
    return model


# ── the compact model the checks read ──

COMPACT_FORMAT = 1  # bump when `_compact` changes what it keeps


def _default_cache_root() -> Path | None:
    """The virtualenv's own cache directory; none outside a virtualenv (nothing is written into a system Python)."""
    if sys.prefix == sys.base_prefix:
        return None
    return Path(sys.prefix) / "cache" / "email-platform" / "botocore-models"


CACHE_ROOT: Path | None = _default_cache_root()


def operations_checked(service: str) -> list[str]:
    """The calls of a service whose requests the mapping table reads: each row's call and the
    `Operation:Member…` overrides (policy/aws_api/mappings.py), sorted."""
    found: set[str] = set()
    for mapping in MAPPINGS.values():
        if mapping.service != service:
            continue
        found.add(mapping.operation)
        for override in mapping.members.values():
            if ":" in re.split(r"[.{]", override, maxsplit=1)[0]:
                found.add(override.split(":", 1)[0])
    return sorted(found)


def _undocumented(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _undocumented(item) for key, item in value.items() if key != "documentation"}
    if isinstance(value, list):
        return [_undocumented(item) for item in value]
    return value


def _compact(model: dict[str, Any], operations: Iterable[str]) -> dict[str, Any]:
    """The requests of `operations` and every shape they reach, without documentation."""
    requests = {name: {"input": model["operations"][name]["input"]} for name in operations if "input" in model["operations"].get(name, {})}
    shapes: dict[str, Any] = {}
    waiting = [request["input"]["shape"] for request in requests.values()]
    while waiting:
        name = waiting.pop()
        if name in shapes or name not in model["shapes"]:
            continue
        found = model["shapes"][name]
        shapes[name] = _undocumented(found)
        references = [*found.get("members", {}).values(), found.get("member"), found.get("key"), found.get("value")]
        waiting += [reference["shape"] for reference in references if reference]
    return {"operations": requests, "shapes": shapes}


def compact_cache_file(service: str, data: bytes, operations: list[str]) -> Path | None:
    """Where the compact model of this model file and these calls is kept (None: not cached)."""
    if CACHE_ROOT is None:
        return None
    key = hashlib.sha256(data)
    key.update(json.dumps([COMPACT_FORMAT, operations]).encode())
    return CACHE_ROOT / botocore_version() / f"{service}-{key.hexdigest()[:24]}.json"


def _write(path: Path, compact: dict[str, Any]) -> None:
    """Write atomically (parallel test workers may write the same file); prune other botocore versions' caches."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False) as scratch:
            json.dump(compact, scratch, separators=(",", ":"))
        os.chmod(scratch.name, 0o644)  # as any file in the virtualenv: readable by all, not only by its writer
        os.replace(scratch.name, path)
        for other in path.parent.parent.iterdir():
            if other.is_dir() and other != path.parent:
                shutil.rmtree(other, ignore_errors=True)
    except OSError:
        pass  # a read-only virtualenv: the compact model is made from the full one again next time


@cache
def _checked(service: str) -> dict[str, Any]:
    """The compact model of a service: from the cache, or made from the full model and cached."""
    started = time.perf_counter()
    data = _model_file(service).read_bytes()
    operations = operations_checked(service)
    cached = compact_cache_file(service, data, operations)
    compact: dict[str, Any] | None = None
    if cached is not None:
        try:
            compact = json.loads(cached.read_bytes())
        except (OSError, ValueError):
            compact = None  # not written yet, or cut short: made again below
    if compact is None:
        compact = _compact(_model_json(data), operations)
        if cached is not None:
            _write(cached, compact)
    LOAD_MS[service] = LOAD_MS.get(service, 0.0) + (time.perf_counter() - started) * 1000
    return compact


def shape(service: str, name: str) -> Shape:
    found: Shape | None = _checked(service)["shapes"].get(name)
    if found is None:
        found = service_model(service)["shapes"].get(name)
    if found is None:
        raise ModelError(f"botocore {service} model has no shape {name!r}")
    return found


def input_shape(service: str, operation: str) -> tuple[str, Shape]:
    """(shape name, shape) of an operation's request."""
    found = _checked(service)["operations"].get(operation)
    if found is None:
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
