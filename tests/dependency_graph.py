"""Reachability on the dependency graph the engine sees: what waits for what, transitively.

Pulumi starts a resource's step only once every resource it depends on has finished its own
(which in turn waited for its dependencies), so "A waits for B" is a path of dependency edges
from A to B, not only a direct edge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from preflight.recorder import RecordedResource


def dependency_map(resources: Iterable[RecordedResource]) -> dict[str, list[str]]:
    return {r.urn: list(r.dependencies) for r in resources}


def reaches(dependencies: Mapping[str, Sequence[str]], start: str, goal: str) -> bool:
    """Whether the resource `start` waits for `goal` through any chain of dependencies."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        urn = stack.pop()
        for dependency in dependencies.get(urn, ()):
            if dependency == goal:
                return True
            if dependency not in seen:
                seen.add(dependency)
                stack.append(dependency)
    return False
