"""The email-platform guardrails as a CrossGuard policy pack, one module per concern.

The rules are the security and reliability lines the platform is built to: the TLS 1.3 minimum,
HTTPS redirects and HSTS the deployment guide asks for (docs/requirements.md, T3 to T6), and encryption at rest and in
transit, private databases and caches, deletion protection and backups, Multi-AZ in production,
cost-allocation tags and pod hardening.

Each policy is a plain function over what the engine sees of a resource (its type and its camelCase
input properties) that returns human-readable messages, one per problem. The same functions run in
two places:

* `pulumi preview --policy-pack policy`: `policy/__main__.py` builds the `PolicyPack` from
  `policy.registry.ALL_POLICIES` (CrossGuard `ResourceValidationPolicy` / `StackValidationPolicy`
  wrappers, `policy/crossguard.py`);
* `python -m preflight check DOC.json`: over the resources of a plan document or of
  `pulumi preview --json`, with no engine and no CLI (see `preflight/check_command.py`).

Values a policy cannot see never trip it: a secret (`"[secret]"`) or a value unknown during preview
counts as present and compliant, because the real value is decided by code the tests cover.

* `values`: reading what the engine hands over (unknowns, secrets, proxies);
* `specs`: a policy's function plus the metadata both runners need, and what a stack policy sees
  of one resource;
* `resource_types`: the type tokens the policies look at;
* `edge`, `data`, `storage`, `cluster`, `availability`, `tagging`, `workloads`: the policies, each
  module with its `RESOURCE_POLICIES` and `STACK_POLICIES`;
* `actors` (with `pod_identity`, `service_grants`, `grant_types`) and `ordering` (on `plan_graph`):
  who must be able to do what, and what must be in effect before what, over the whole stack;
* `registry`: every policy of the pack, the one list both runners read.

The package imports nothing from the program and no module but `__main__` builds a `PolicyPack`
(building one starts a gRPC server and blocks), so tests and the preflight tools import it freely.
"""
