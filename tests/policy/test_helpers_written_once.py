"""A helper of the policy pack is written once: no two functions of `policy/` share a body.

`policy/plan_graph.py` holds the small ones the checks share (`short`, `policy_name`, …); a module
that needs one imports it rather than copying it under another name.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

POLICY = Path(__file__).resolve().parent.parent.parent / "policy"


def _shape(function: ast.FunctionDef) -> str:
    """Its argument names and statements; its name, annotations and docstring left out."""
    statements = function.body[1:] if ast.get_docstring(function) else function.body
    arguments = ",".join(a.arg for a in function.args.args)
    return f"({arguments}) {ast.dump(ast.Module(body=statements, type_ignores=[]))}"


def test_no_two_policy_functions_share_a_body() -> None:
    seen: dict[str, list[str]] = defaultdict(list)
    for path in sorted(POLICY.rglob("*.py")):
        if "venv" in path.parts:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef):
                seen[_shape(node)].append(f"{path.relative_to(POLICY.parent)}:{node.name}")
    copies = sorted(names for names in seen.values() if len(names) > 1)
    assert copies == [], f"written more than once (keep one, import it): {copies}"
