"""Placeholders: values copied from the example stacks that must become your own before a deploy.

The committed stacks use the reserved example domains (RFC 2606: example.com, .net, .org), their
mail addresses, the `ghcr.io/example` image and the AWS documentation's example account
`123456789012` in role ARNs (`cluster.access`, `ci`; a role the stack creates is of the account it
deploys to, whatever the offline mocks call it, and is not flagged), so that `make plan` runs on a fresh clone. A
deploy with them fails late (certificates that never validate, alarms nobody reads, an image that
does not exist, access entries for roles nobody can assume); this advisory policy says so at plan
time, once per kind of value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from policy.grant_types import ROLE
from policy.plan_graph import PlanGraph, graph_of, resolve
from policy.resource_types import ACCESS_ENTRY, DEPLOYMENT
from policy.specs import ADVISORY, Config, Resource, StackFinding, StackPolicySpec
from policy.values import get

CERTIFICATE = "aws:acm/certificate:Certificate"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
BUDGET = "aws:budgets/budget:Budget"

_EXAMPLE_DOMAIN = re.compile(r"(^|\.)example\.(com|net|org)$")
_EXAMPLE_EMAIL = re.compile(r"@([\w-]+\.)*example\.(com|net|org)$")
_EXAMPLE_IMAGE = re.compile(r"^ghcr\.io/example/")
# The account id the AWS documentation uses in its examples.
_EXAMPLE_ACCOUNT = re.compile(r"^arn:aws[\w-]*:iam::123456789012:")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _domains(resource: Resource, graph: PlanGraph) -> Iterator[str]:
    if resource.type == CERTIFICATE:
        yield from (d for d in _strings(get(resource.props, "domainName")) if _EXAMPLE_DOMAIN.search(d))


def _emails(resource: Resource, graph: PlanGraph) -> Iterator[str]:
    if resource.type == SUBSCRIPTION and get(resource.props, "protocol") == "email":
        yield from (e for e in _strings(get(resource.props, "endpoint")) if _EXAMPLE_EMAIL.search(e))
    if resource.type == BUDGET:
        for notification in _strings_of(get(resource.props, "notifications")):
            yield from (e for e in _strings(get(notification, "subscriberEmailAddresses")) if _EXAMPLE_EMAIL.search(e))


def _strings_of(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []


def _images(resource: Resource, graph: PlanGraph) -> Iterator[str]:
    if resource.type == DEPLOYMENT:
        for container in _strings_of(get(resource.props, "spec.template.spec.containers")):
            yield from (i for i in _strings(get(container, "image")) if _EXAMPLE_IMAGE.search(i))


def _accounts(resource: Resource, graph: PlanGraph) -> Iterator[str]:
    if resource.type == ACCESS_ENTRY:
        for arn in _strings(get(resource.props, "principalArn")):
            if _EXAMPLE_ACCOUNT.search(arn) and not _stacks_own_role(graph, resource, arn):
                yield arn


def _stacks_own_role(graph: PlanGraph, entry: Resource, arn: str) -> bool:
    """Whether the ARN is a role's the stack creates (and so of whatever account it deploys to), read from
    the entry's own dependencies: a value typed into the stack config waits for no role. Under the offline
    mocks that account is the example one too; in a real preview such an ARN is unknown until the role exists.
    """
    role = resolve(graph, entry, arn, ROLE, "name")
    return role is not None and role in graph.direct_of_type(entry, *ROLE)


# (what, where to change it, finder)
_KINDS = (
    ("domain", "email-platform:domain and edge.hostedZone", _domains),
    ("email addresses", "monitoring.notifications.emails and monitoring.budget.emails", _emails),
    ("image", "app.blue.image / app.green.image", _images),
    ("account", "cluster.access and ci (the roles of your own AWS account)", _accounts),
)


def example_placeholders(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    findings: list[StackFinding] = []
    graph = graph_of(resources)
    for what, where, finder in _KINDS:
        found: dict[str, str] = {}  # value -> the first resource that carries it
        for resource in resources:
            for value in finder(resource, graph):
                found.setdefault(value, resource.urn)
        if found:
            values = ", ".join(sorted(found))
            findings.append((next(iter(found.values())), f"example {what} still set ({values}); set your own in {where}"))
    return findings


POLICY = "example-placeholders"
STACK_POLICIES: list[StackPolicySpec] = [
    StackPolicySpec(
        POLICY,
        "No example domain, mail address, image or account is left from the committed example stacks.",
        ADVISORY,
        example_placeholders,
    ),
]
