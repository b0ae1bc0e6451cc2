"""Which API call creates each AWS resource type the program declares, and how its inputs map.

One row per pulumi-aws type: the botocore service and the operation that creates it, where its
properties sit in that request (`root`), and overrides for properties whose name or place differs
from the API's. Everything else maps by name (case aside) at the same place.

Overrides (`members`), keyed by the property's path without list indices (`rules.copyActions.lifecycle`):

* `Member.Member` — a member path below the API structure the property's parent maps to;
* `/Member…` — from the top of the row's request (outside `root`);
* `Operation:Member…` — from the top of another call of the same service that the provider makes
  for this property (e.g. `PutRetentionPolicy` for a log group's retention);
* `Member{key}` — one entry of a map, or the `Value` of the `{Key: key, Value}` entry of a
  list (ELB attributes, SQS and SNS attributes).

`not_api` lists properties that are not API members, each with the reason (tags the provider
applies in another call count as members of that call, not here). `supplied` lists required
members the provider fills in itself (names it generates, identifiers it reads from the parent).

To add a type: find the operation in botocore (`botocore/data/<service>/*/service-2.json`, or the
API reference's "Request Parameters"), add a row to its area's module in `policy/aws_api/rows/`
(network, edge, data, operations, cluster), run `make plan`: a property that maps nowhere is
printed as unmapped and fails `tests/test_aws_api_model.py` until the row names it.
"""

from __future__ import annotations

from policy.aws_api.api_mapping import ApiMapping
from policy.aws_api.rows.cluster import CLUSTER
from policy.aws_api.rows.data import DATA
from policy.aws_api.rows.edge import EDGE
from policy.aws_api.rows.network import NETWORK
from policy.aws_api.rows.operations import OPERATIONS

__all__ = ["MAPPINGS", "ApiMapping"]


def _joined(*areas: dict[str, ApiMapping]) -> dict[str, ApiMapping]:
    """The areas' rows in one table; a type given a row in two areas would silently keep only one."""
    table: dict[str, ApiMapping] = {}
    for area in areas:
        twice = table.keys() & area.keys()
        if twice:
            raise ValueError(f"rows in two areas of policy/aws_api/rows/: {sorted(twice)}")
        table.update(area)
    return table


MAPPINGS: dict[str, ApiMapping] = _joined(NETWORK, EDGE, DATA, OPERATIONS, CLUSTER)
