"""One component built alone under the mocks, as the runner runs the whole program (pulumi/examples'
testing-unit-py pattern: construct the component with a small args object made in the test).

`build(monitor, make)` runs `make()` inside a root stack with the runner's own wait for every
output (`preflight.runner.run_under_mocks`), then returns what was registered meanwhile, as the
engine would have seen it: inputs camelCase, secrets "[secret]", each resource's dependencies.
A module-scoped fixture can build once for all its tests: what it returns is plain data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dependency_graph import reaches

from preflight.recorder import STACK_TYPE, RecordedResource, RecordingMonitor
from preflight.runner import configure_mocks, run_under_mocks


@dataclass
class Built:
    resources: list[RecordedResource]  # the root stack left out
    root: RecordedResource | None = None  # the root stack the components are children of

    def of_type(self, type_token: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_token]

    def named(self, name: str) -> RecordedResource:
        (found,) = [r for r in self.resources if r.name == name]
        return found

    def one(self, type_token: str, name: str) -> RecordedResource:
        (found,) = [r for r in self.resources if r.type == type_token and r.name == name]
        return found

    @property
    def dependencies(self) -> dict[str, list[str]]:
        return {r.urn: r.dependencies for r in self.resources}

    def depends_on(self, resource: RecordedResource, target: RecordedResource) -> bool:
        return target.urn in resource.dependencies

    def waits_for(self, resource: RecordedResource, target: RecordedResource) -> bool:
        """`resource` waits for `target` through any chain of dependencies (tests/dependency_graph.py)."""
        return reaches(self.dependencies, resource.urn, target.urn)


def build(monitor: RecordingMonitor, make: Callable[[], object]) -> Built:
    """Run `make` (which constructs components) under `monitor`'s mocks; what it registered, the root stack left out."""
    configure_mocks("test", "us-east-1", monitor)  # the monitor a module-scoped fixture was given, not the last test's
    start = len(monitor.recorded)
    run_under_mocks(make)
    made = monitor.recorded[start:]
    return Built([r for r in made if r.type != STACK_TYPE], next((r for r in made if r.type == STACK_TYPE), None))
