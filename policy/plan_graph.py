"""The stack as a graph: resources by URN and type, what each waits for (transitively), and the
IAM, KMS, SNS, SQS, S3 and Logs policy documents they carry, read as data.

Shared by the actors table (`policy/actors.py`) and the ordering table (`policy/ordering.py`), and
usable wherever a stack policy runs: `preflight check` hands it the records of a plan document or
of `pulumi preview --json` (both carry each resource's `dependencies`), CrossGuard the engine's
`PolicyResource`s (`dependencies` too). A preview cannot know the values other resources compute
(a new role's ARN is unknown until it exists), so every lookup by value falls back to the
dependency edges: a policy that names an unknown ARN is matched to the resource it waits for.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from policy.specs import Resource
from policy.values import SECRET, UNKNOWN, get


def short(urn: str) -> str:
    """The name part of a URN, as findings print it."""
    return urn.rsplit("::", 1)[-1]


def policy_name(arn: object) -> str:
    """The name of a managed policy (an access policy or an IAM policy) from its ARN; "" for anything else."""
    return arn.rsplit("/", 1)[-1] if isinstance(arn, str) else ""


class PlanGraph:
    """Resources by URN and type, and the transitive closure of their dependencies."""

    def __init__(self, resources: Sequence[Resource]) -> None:
        self.resources = list(resources)
        self.by_urn = {r.urn: r for r in self.resources}
        self._by_type: dict[str, list[Resource]] = {}
        for resource in self.resources:
            self._by_type.setdefault(resource.type, []).append(resource)
        self._closure: dict[str, frozenset[str]] = {}
        # A document without any dependency (an old plan document, a hand-written one) cannot answer
        # ordering questions: the ordering checks say so once instead of reporting every edge missing.
        self.has_edges = any(r.dependencies for r in self.resources)

    def of_type(self, *types: str) -> list[Resource]:
        return [r for t in types for r in self._by_type.get(t, [])]

    def waits_for(self, urn: str) -> frozenset[str]:
        """Every URN `urn` waits for, directly or through others (iterative: deep graphs are fine)."""
        done = self._closure.get(urn)
        if done is not None:
            return done
        seen: set[str] = set()
        stack = list(self._direct(urn))
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            cached = self._closure.get(current)
            if cached is not None:
                seen |= cached
                continue
            stack.extend(self._direct(current))
        result = frozenset(seen)
        self._closure[urn] = result
        return result

    def waits(self, urn: str, on: str) -> bool:
        return on in self.waits_for(urn)

    def _direct(self, urn: str) -> tuple[str, ...]:
        resource = self.by_urn.get(urn)
        if resource is None:
            return ()
        return (*resource.dependencies, *(u for urns in resource.property_dependencies.values() for u in urns))

    def direct_of_type(self, resource: Resource, *types: str) -> list[Resource]:
        """The resources of these types that `resource` names among its own dependencies."""
        urns = dict.fromkeys(u for u in (*resource.dependencies, *_flat(resource.property_dependencies)) if u in self.by_urn)
        return [self.by_urn[u] for u in urns if self.by_urn[u].type in types]


def _flat(deps: Mapping[str, tuple[str, ...]]) -> list[str]:
    return [u for urns in deps.values() for u in urns]


_LAST: list[tuple[Sequence[Resource], PlanGraph]] = []


def graph_of(resources: Sequence[Resource]) -> PlanGraph:
    """The graph of this very list of resources, built once for every stack policy that asks
    (`preflight check` hands each policy the same list; the engine hands each its own)."""
    if _LAST and _LAST[0][0] is resources:
        return _LAST[0][1]
    graph = PlanGraph(resources)
    _LAST[:] = [(resources, graph)]
    return graph


# ── which resource an input names ──


def names_of(resource: Resource, *keys: str) -> set[str]:
    """What other inputs may call a resource: its id, the given name-like inputs, and their ARN tails."""
    found = {resource.id, *(resource.props.get(k) for k in keys)}
    return {n for n in found if isinstance(n, str) and n and n != SECRET}


def _tail(value: str) -> str:
    return value.rsplit("/", 1)[-1].rsplit(":", 1)[-1]


# Pulumi auto-names a resource `<logical name>-<7 hex digits>` when the program gives no physical name.
_AUTONAME = re.compile(r"^(?P<name>.+)-[0-9a-f]{7}$")


def _autonamed(value: str, resource: Resource) -> bool:
    """Whether some part of an ARN or name is `resource`'s logical name plus Pulumi's random suffix."""
    for part in re.split(r"[/:]", value):
        match = _AUTONAME.match(part)
        if match and match.group("name") == resource.name:
            return True
    return False


def resolve(graph: PlanGraph, referrer: Resource, value: Any, types: tuple[str, ...], *keys: str) -> Resource | None:
    """The resource of `types` that `referrer` names with `value` (an ARN, name or id), or None.

    The engine records which resources an input came from, so the referrer's own dependencies of the
    right type decide first (one of them: that one; several: the one whose name matches); only a
    value with no such dependency is matched by name across the stack. A value that is unknown (a
    preview) or secret is resolved by the dependencies alone.
    """
    candidates = graph.direct_of_type(referrer, *types)
    text = value if isinstance(value, str) and value != SECRET else None
    if text is not None:
        named = [r for r in candidates if text in names_of(r, *keys) or _tail(text) in names_of(r, *keys)]
        named = named or [r for r in candidates if _autonamed(text, r)]
        if named:
            return named[0]
    if len(candidates) == 1:
        return candidates[0]
    if text is None:
        return None
    across = [r for r in graph.of_type(*types) if text in names_of(r, *keys) or _tail(text) in names_of(r, *keys)]
    return across[0] if len(across) == 1 else None


# ── policy documents ──


@dataclass(frozen=True)
class Statement:
    effect: str
    principals: frozenset[str]  # "service:events.amazonaws.com", "aws:arn:…", "*"
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: Mapping[str, Mapping[str, Any]]


def document(value: Any) -> list[Statement] | None:
    """The statements of a policy document given as JSON text or a mapping; None when unreadable."""
    if value is UNKNOWN or value == SECRET or value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, Mapping):
        return None
    raw = value.get("Statement")
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, Mapping) else []
    return [_statement(s) for s in items if isinstance(s, Mapping)]


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _statement(raw: Mapping[str, Any]) -> Statement:
    principal = raw.get("Principal")
    principals: set[str] = set()
    if principal == "*":
        principals.add("*")
    elif isinstance(principal, Mapping):
        principals |= {f"service:{s}" for s in _strings(principal.get("Service"))}
        principals |= {f"aws:{a}" for a in _strings(principal.get("AWS"))}
        principals |= {f"federated:{f}" for f in _strings(principal.get("Federated"))}
    conditions = raw.get("Condition") if isinstance(raw.get("Condition"), Mapping) else {}
    return Statement(
        effect=str(raw.get("Effect", "")),
        principals=frozenset(principals),
        actions=_strings(raw.get("Action")),
        resources=_strings(raw.get("Resource")),
        conditions={str(k): dict(v) for k, v in (conditions or {}).items() if isinstance(v, Mapping)},
    )


def action_covers(pattern: str, action: str) -> bool:
    """IAM action matching: case-insensitive, `*` anywhere."""
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def allows(statements: Iterable[Statement], principal: str, actions: Iterable[str]) -> list[str]:
    """The actions of `actions` that no Allow statement grants `principal` (an empty list: all granted).

    Principals are written as in `Statement.principals` ("service:logs.amazonaws.com"). Conditions
    are not evaluated here: a caller that needs one checks it on the statements it gets back.
    """
    granted = [s for s in statements if s.effect == "Allow" and (principal in s.principals or "*" in s.principals)]
    return [a for a in actions if not any(action_covers(p, a) for s in granted for p in s.actions)]


def granting(statements: Iterable[Statement], principal: str, action: str) -> list[Statement]:
    return [
        s
        for s in statements
        if s.effect == "Allow" and (principal in s.principals or "*" in s.principals) and any(action_covers(p, action) for p in s.actions)
    ]


def condition_values(statement: Statement, key: str) -> list[str]:
    """Every value a statement's conditions give `key` (any operator; keys compared case-insensitively)."""
    found: list[str] = []
    for clauses in statement.conditions.values():
        for name, value in clauses.items():
            if name.lower() == key.lower():
                found += list(_strings(value))
    return found


def read(resource: Resource, path: str) -> Any:
    return get(resource.props, path)
