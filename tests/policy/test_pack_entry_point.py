"""`policy/__main__.py` as the Pulumi CLI starts it, and the pack's own virtualenv.

`pulumi preview --policy-pack policy` runs `python -m pulumi.policy ENGINE policy`, which calls
`runpy.run_path` on the pack directory: `__main__.py` runs with policy/ itself first on sys.path, not
the repository root. The test does the same in a fresh interpreter, with `PolicyPack` replaced by a
recorder (building the real one starts the analyzer's gRPC server and blocks).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from policy.registry import ALL_POLICIES

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "policy"

_RUN_AS_THE_CLI_DOES = """
import importlib.util, json, runpy, sys
import pulumi_policy

assert importlib.util.find_spec("policy") is None, "the repository root is already on sys.path"
packs = []

class RecordingPack:
    def __init__(self, name, enforcement_level, policies, **rest):
        packs.append({"name": name, "level": enforcement_level.value, "policies": [p.name for p in policies]})

pulumi_policy.PolicyPack = RecordingPack
runpy.run_path(".", run_name="__main__")
print(json.dumps({
    "packs": packs,
    "registry": sys.modules["policy.registry"].__file__,
    "program": sorted(name for name in ("config", "components", "preflight") if name in sys.modules),
}))
"""


def test_the_cli_entry_point_builds_one_pack_of_every_registered_policy() -> None:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", _RUN_AS_THE_CLI_DOES], cwd=PACK, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["packs"] == [{"name": "email-platform-guardrails", "level": "mandatory", "policies": [p.name for p in ALL_POLICIES]}]
    assert Path(seen["registry"]) == PACK / "registry.py"
    assert seen["program"] == [], "the pack runs in its own virtualenv: it must not import the program"


def test_no_pack_module_shadows_the_standard_library() -> None:
    # policy/ is first on sys.path when the CLI runs the pack: a policy/types.py would be `types`.
    modules = {path.stem for path in PACK.glob("*.py")} - {"__init__", "__main__"}
    assert modules and not modules & sys.stdlib_module_names


def test_pack_requirements_match_the_project_pins() -> None:
    def pins(path: Path) -> dict[str, str]:
        lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
        return dict(line.split("==", 1) for line in lines if "==" in line)

    project = pins(ROOT / "requirements.txt") | pins(ROOT / "requirements-dev.txt")
    pack = pins(PACK / "requirements.txt")
    assert set(pack) == {"pulumi", "pulumi-policy", "botocore"}
    assert all(project[name] == version for name, version in pack.items())
