"""The example-placeholders policy: values left from the example stacks are named once per kind,
and a stack of one's own passes."""

from __future__ import annotations

from typing import Any

import pytest
from policy_helpers import GOOD_STACK, names, res, stack_spec, validate_stack

from policy import placeholders
from policy.resource_types import DEPLOYMENT
from policy.specs import Resource

OWN = [
    res(placeholders.CERTIFICATE, "cert", {"domainName": "mail.acme.io", "subjectAlternativeNames": ["*.mail.acme.io"]}),
    res(placeholders.SUBSCRIPTION, "oncall", {"protocol": "email", "endpoint": "oncall@acme.io"}),
    res(placeholders.BUDGET, "budget", {"notifications": [{"subscriberEmailAddresses": ["finance@acme.io"]}]}),
    res(DEPLOYMENT, "app", {"spec": {"template": {"spec": {"containers": [{"image": "ghcr.io/acme/app:1.2.3"}]}}}}),
    res(placeholders.ACCESS_ENTRY, "deploy", {"principalArn": "arn:aws:iam::210987654321:role/ci-deploy", "type": "STANDARD"}),
]


def _with(index: int, props: dict[str, Any]) -> list[Resource]:
    stack = list(OWN)
    stack[index] = res(stack[index].type, stack[index].name, props)
    return [*GOOD_STACK, *stack]


CASES = [
    ("domain", _with(0, {"domainName": "mail.example.com"})),
    ("email addresses", _with(1, {"protocol": "email", "endpoint": "oncall@example.com"})),
    ("email addresses", _with(2, {"notifications": [{"subscriberEmailAddresses": ["a@team.example.org"]}]})),
    ("image", _with(3, {"spec": {"template": {"spec": {"containers": [{"image": "ghcr.io/example/email-platform:1.0"}]}}}})),
    # The AWS documentation's example account, in a cluster.access or ci role.
    ("account", _with(4, {"principalArn": "arn:aws:iam::123456789012:role/email-platform-deploy", "type": "STANDARD"})),
]


@pytest.mark.parametrize(("kind", "stack"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_an_example_value_is_named_with_where_to_change_it(kind: str, stack: list[Resource]) -> None:
    spec = stack_spec(placeholders.POLICY)
    assert spec.evaluate([*GOOD_STACK, *OWN], {}) == []
    (finding,) = spec.evaluate(stack, {})
    assert finding[1].startswith(f"example {kind} still set (") and "; set your own in " in finding[1]
    assert validate_stack(placeholders.POLICY, stack, {})


def test_each_kind_is_one_finding_however_many_resources_carry_it() -> None:
    stack = [
        *GOOD_STACK,
        *(res(placeholders.SUBSCRIPTION, f"s{i}", {"protocol": "email", "endpoint": f"{i}@example.com"}) for i in range(3)),
    ]
    (finding,) = stack_spec(placeholders.POLICY).evaluate(stack, {})
    assert "0@example.com, 1@example.com, 2@example.com" in finding[1]


def test_every_placeholders_policy_is_tested() -> None:
    assert names(placeholders.STACK_POLICIES) == {placeholders.POLICY}


def test_a_role_the_stack_creates_is_not_an_example_account_whatever_the_mocks_call_its_account() -> None:
    """Offline, the mocks compute role ARNs in the example account: only ARNs typed into the stack
    config are the user's to change, and those wait for no role of the stack."""
    role = res("aws:iam/role:Role", "karpenter-nodes", {"assumeRolePolicy": "{}"}, id="karpenter-nodes-c557cc9")
    computed = "arn:aws:iam::123456789012:role/karpenter-nodes-c557cc9"
    entry = res(placeholders.ACCESS_ENTRY, "nodes", {"principalArn": computed, "type": "EC2_LINUX"}, dependencies=(role.urn,))
    spec = stack_spec(placeholders.POLICY)
    assert spec.evaluate([*GOOD_STACK, *OWN, role, entry], {}) == []
    typed = res(placeholders.ACCESS_ENTRY, "nodes", {"principalArn": computed, "type": "EC2_LINUX"})
    (finding,) = spec.evaluate([*GOOD_STACK, *OWN, role, typed], {})
    assert finding[1].startswith(f"example account still set ({computed})")
