"""The registry: every policy a concern module declares is in the pack exactly once, under a name of
its own, with a level and a config schema the engine accepts."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from pulumi_policy import EnforcementLevel

from policy import registry
from policy.specs import ResourcePolicySpec, StackPolicySpec

# Not concern modules: the registry gathers the specs, and `__main__` builds the PolicyPack
# (importing it starts a server and blocks).
_NOT_CONCERNS = {"__main__", "registry"}


def concern_modules() -> Iterator[ModuleType]:
    for info in pkgutil.iter_modules([str(Path(registry.__file__).parent)]):
        if info.name not in _NOT_CONCERNS:
            yield importlib.import_module(f"policy.{info.name}")


def declared_specs() -> list[ResourcePolicySpec | StackPolicySpec]:
    """Every spec any module of the package holds at module level, alone or in a list."""
    found: dict[int, ResourcePolicySpec | StackPolicySpec] = {}
    for module in concern_modules():
        for value in vars(module).values():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, ResourcePolicySpec | StackPolicySpec):
                    found[id(item)] = item
    return list(found.values())


def test_every_declared_spec_is_registered_exactly_once() -> None:
    declared = declared_specs()
    assert len(declared) == len(registry.ALL_SPECS)
    for spec in declared:
        assert sum(registered is spec for registered in registry.ALL_SPECS) == 1, f"{spec.name} is not in policy/registry.py exactly once"


def test_the_registry_lists_each_kind_of_policy_on_its_own() -> None:
    assert all(isinstance(spec, ResourcePolicySpec) for spec in registry.RESOURCE_POLICIES)
    assert all(isinstance(spec, StackPolicySpec) for spec in registry.STACK_POLICIES)
    assert registry.ALL_SPECS == [*registry.RESOURCE_POLICIES, *registry.STACK_POLICIES]


def test_policy_names_are_unique_and_the_pack_wraps_every_spec() -> None:
    spec_names = [spec.name for spec in registry.ALL_SPECS]
    assert len(spec_names) == len(set(spec_names))
    assert [wrapper.name for wrapper in registry.ALL_POLICIES] == spec_names


def test_policies_ignore_other_resource_types() -> None:
    for spec in registry.RESOURCE_POLICIES:
        assert spec.evaluate("aws:sns/topic:Topic", {}) == [] or spec.name == "cost-allocation-tags"
        assert spec.evaluate("random:index/randomPassword:RandomPassword", {}) == []


def test_levels_and_config_schemas() -> None:
    levels = {wrapper.name: wrapper.enforcement_level for wrapper in registry.ALL_POLICIES}
    assert levels["db-encrypted-at-rest"] is EnforcementLevel.MANDATORY
    assert levels["log-retention"] is EnforcementLevel.ADVISORY
    assert levels["pod-disruption-budget"] is EnforcementLevel.ADVISORY
    assert all(level in (EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY) for level in levels.values())
    for wrapper in registry.ALL_POLICIES:
        for key, setting in (wrapper.config_schema.properties if wrapper.config_schema else {}).items():
            assert "type" in setting and "default" in setting, f"{wrapper.name}.{key} needs a type and a default"
    (backups,) = [wrapper for wrapper in registry.ALL_POLICIES if wrapper.name == "db-backup-retention"]
    assert backups.config_schema is not None and backups.config_schema.properties["minRetentionDays"]["default"] == 7
