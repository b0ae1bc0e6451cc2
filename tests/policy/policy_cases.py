"""The tests every policy concern shares, defined once and added to each concern's test module.

A concern's module lists its cases (`CASES`, `MORE_BROKEN`, `MORE_COMPLIANT`, `STACK_CASES`) and
calls `add_case_tests(globals(), module, ...)`: pytest then collects the same parametrized tests in
each module, named the same, with the cases as ids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import pytest
from policy_helpers import GOOD_STACK, PRODUCTION, names, resource_spec, stack_spec, validate_resource, validate_stack

from policy.specs import Resource

Case = tuple[str, str, dict[str, Any], dict[str, Any], dict[str, Any]]  # policy, type, compliant, broken, config
OneSided = tuple[str, str, dict[str, Any], dict[str, Any]]  # policy, type, props, config
StackCase = tuple[str, list[Resource]]  # policy, a stack that breaks it


def _ids(cases: Sequence[tuple[Any, ...]]) -> list[str]:
    return [case[0] for case in cases]


def add_case_tests(
    namespace: dict[str, Any],
    concern: ModuleType,
    cases: Sequence[Case] = (),
    more_broken: Sequence[OneSided] = (),
    more_compliant: Sequence[OneSided] = (),
    stack_cases: Sequence[StackCase] = (),
) -> None:
    """Define the shared tests in `namespace` (a test module's globals) for one policy concern."""
    tests: dict[str, Callable[..., None]] = {}

    def test_every_policy_of_the_concern_is_tested_both_ways() -> None:
        assert {c[0] for c in cases} == names(concern.RESOURCE_POLICIES)
        assert {c[0] for c in stack_cases} == names(concern.STACK_POLICIES)

    tests["test_every_policy_of_the_concern_is_tested_both_ways"] = test_every_policy_of_the_concern_is_tested_both_ways

    if cases:
        each_case = pytest.mark.parametrize(("name", "resource_type", "compliant", "broken", "config"), cases, ids=_ids(cases))

        @each_case
        def test_policy_passes_compliant_and_trips_broken(
            name: str, resource_type: str, compliant: dict[str, Any], broken: dict[str, Any], config: dict[str, Any]
        ) -> None:
            spec = resource_spec(name)
            assert spec.evaluate(resource_type, compliant, config) == []
            assert spec.evaluate(resource_type, broken, config), f"{name} did not trip on {broken}"

        @each_case
        def test_wrapper_reports_through_report_violation(
            name: str, resource_type: str, compliant: dict[str, Any], broken: dict[str, Any], config: dict[str, Any]
        ) -> None:
            assert validate_resource(name, resource_type, compliant, config) == []
            assert validate_resource(name, resource_type, broken, config)

        tests["test_policy_passes_compliant_and_trips_broken"] = test_policy_passes_compliant_and_trips_broken
        tests["test_wrapper_reports_through_report_violation"] = test_wrapper_reports_through_report_violation

    if more_broken:

        @pytest.mark.parametrize(("name", "resource_type", "broken", "config"), more_broken, ids=_ids(more_broken))
        def test_policy_trips_on_other_breakages(name: str, resource_type: str, broken: dict[str, Any], config: dict[str, Any]) -> None:
            assert resource_spec(name).evaluate(resource_type, broken, config)

        tests["test_policy_trips_on_other_breakages"] = test_policy_trips_on_other_breakages

    if more_compliant:

        @pytest.mark.parametrize(("name", "resource_type", "props", "config"), more_compliant, ids=_ids(more_compliant))
        def test_policy_accepts_other_valid_choices(name: str, resource_type: str, props: dict[str, Any], config: dict[str, Any]) -> None:
            assert resource_spec(name).evaluate(resource_type, props, config) == []

        tests["test_policy_accepts_other_valid_choices"] = test_policy_accepts_other_valid_choices

    if stack_cases:
        each_stack = pytest.mark.parametrize(("name", "broken_stack"), stack_cases, ids=_ids(stack_cases))

        @each_stack
        def test_stack_policy_passes_good_stack_and_trips_broken(name: str, broken_stack: list[Resource]) -> None:
            spec = stack_spec(name)
            assert spec.evaluate(GOOD_STACK, PRODUCTION) == []
            assert spec.evaluate(broken_stack, PRODUCTION), f"{name} did not trip"

        @each_stack
        def test_stack_wrapper_reports_with_the_resource_urn(name: str, broken_stack: list[Resource]) -> None:
            assert validate_stack(name, GOOD_STACK, PRODUCTION) == []
            reported = validate_stack(name, broken_stack, PRODUCTION)
            assert reported and all(urn and urn.startswith("urn:pulumi:") for _, urn in reported)

        tests["test_stack_policy_passes_good_stack_and_trips_broken"] = test_stack_policy_passes_good_stack_and_trips_broken
        tests["test_stack_wrapper_reports_with_the_resource_urn"] = test_stack_wrapper_reports_with_the_resource_urn

    clashes = sorted(set(tests) & set(namespace))
    assert not clashes, f"the test module defines shared tests itself: {clashes}"
    namespace.update(tests)
