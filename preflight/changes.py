"""What a pull request does to a stack's resources: added, changed, replaced, removed.

Two documents are compared by URN. A resource whose inputs differ is *changed*; it is
*replaced* when a property that the provider cannot update in place differs (the providers' own
replace-on-change schema for every type the program declares, committed as data:
`preflight/force_new.py`), or when a preview says so (``op: replace``). A change to a property the
provider replaces on only under a condition is kept as a change and marked "may replace".
Replacing or removing a protected or stateful resource loses data, so those are called out
separately.

A head resource whose ``aliases`` list a base URN is that base resource renamed (the engine
moves it, it does not re-create it): it is compared with the old record as a change, keyed by
its new URN, and the old URN is not reported as removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from documents.reader import Document, Record
from preflight.force_new import maybe_replacing, replacing

# Types that hold data: losing one loses the data, whether or not it is marked protect.
STATEFUL_TYPES: frozenset[str] = frozenset(
    {
        "aws:rds/cluster:Cluster",
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "aws:kms/key:Key",
        "aws:secretsmanager/secret:Secret",
        "aws:route53/zone:Zone",
        "aws:backup/vault:Vault",
    }
)

_REPLACE_OPS = {"replace", "create-replacement", "delete-replaced"}


@dataclass(frozen=True)
class Change:
    urn: str
    type: str
    name: str
    kind: str  # "added" | "changed" | "replaced" | "removed"
    properties: tuple[str, ...] = ()  # changed input keys; for replacements, the forcing ones
    protected: bool = False
    stateful: bool = False
    renamed_from: str = ""  # the base URN, when the head resource carries it as an alias
    may_replace: tuple[str, ...] = ()  # changed properties the provider replaces on under a condition

    @property
    def loses_data(self) -> bool:
        return self.kind in ("replaced", "removed") and (self.protected or self.stateful)


@dataclass
class Changes:
    added: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    replaced: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)

    @property
    def dangerous(self) -> list[Change]:
        return [c for c in self.replaced + self.removed if c.loses_data]


def _managed(doc: Document) -> dict[str, Record]:
    return {r["urn"]: r for r in doc.records if r.get("custom", True)}


def _asked_to_replace(record: Record, differing: tuple[str, ...]) -> tuple[str, ...]:
    """The changed top-level inputs the program's `replaceOnChanges` names (a path under one counts)."""
    asked = {path.split(".")[0].split("[")[0] for path in record.get("replaceOnChanges") or []}
    return tuple(key for key in differing if "*" in asked or key in asked)


def _differing(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k)))


def _change(
    record: Record,
    kind: str,
    properties: tuple[str, ...] = (),
    *,
    protected: bool | None = None,
    renamed_from: str = "",
    may_replace: tuple[str, ...] = (),
) -> Change:
    return Change(
        may_replace=may_replace,
        urn=record["urn"],
        type=record["type"],
        name=record["name"],
        kind=kind,
        properties=properties,
        protected=bool(record.get("protect")) if protected is None else protected,
        stateful=record["type"] in STATEFUL_TYPES,
        renamed_from=renamed_from,
    )


def compare(base: Document, head: Document) -> Changes:
    old, new = _managed(base), _managed(head)
    changes = Changes()
    moved: set[str] = set()  # base URNs that a head resource carries as an alias
    for urn, record in new.items():
        previous = urn if urn in old else next((a for a in record.get("aliases") or () if a in old and a not in new), "")
        if not previous:
            changes.added.append(_change(record, "added"))
            continue
        renamed_from = "" if previous == urn else previous
        if renamed_from:
            moved.add(renamed_from)
        before = old[previous]
        differing = _differing(before["inputs"], record["inputs"])
        forcing = (
            (replacing(record["type"], before["inputs"], record["inputs"]) + _asked_to_replace(record, differing)) if differing else ()
        )
        protected = bool(before.get("protect") or record.get("protect"))
        if forcing or head.ops.get(urn) in _REPLACE_OPS:
            changes.replaced.append(_change(record, "replaced", forcing or differing, protected=protected, renamed_from=renamed_from))
        elif differing or renamed_from:
            maybe = maybe_replacing(record["type"], before["inputs"], record["inputs"]) if differing else ()
            changes.changed.append(_change(record, "changed", differing, protected=protected, renamed_from=renamed_from, may_replace=maybe))
    for urn, record in old.items():
        if urn not in new and urn not in moved:
            changes.removed.append(_change(record, "removed"))
    known = {c.urn for c in changes.removed} | moved
    for record in head.deleted:  # a preview's deletes of resources the base did not list
        if record["urn"] not in known and record["urn"] not in new and record.get("custom", True):
            changes.removed.append(_change(record, "removed"))
    for group in (changes.added, changes.changed, changes.replaced, changes.removed):
        group.sort(key=lambda c: c.urn)
    return changes


# A parameter group's family follows the engine's major. A new family replaces the groups at once,
# while RDS and ElastiCache leave the engine upgrade itself to the maintenance window unless told
# to apply it immediately: the engine would then run on groups of the next major, and fail.
_FAMILY_OWNERS = {
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": ("aws:rds/cluster:Cluster", "database.applyImmediately"),
    "aws:rds/parameterGroup:ParameterGroup": ("aws:rds/cluster:Cluster", "database.applyImmediately"),
    "aws:elasticache/parameterGroup:ParameterGroup": ("aws:elasticache/replicationGroup:ReplicationGroup", "redis.applyImmediately"),
}


def family_changes_without_apply_immediately(base: Document, head: Document) -> list[str]:
    """One line per parameter-group family change whose engine does not apply immediately in head."""
    old, new = _managed(base), _managed(head)
    refused = []
    for urn, record in sorted(new.items()):
        owner = _FAMILY_OWNERS.get(record["type"])
        before = old.get(urn)
        if owner is None or before is None or before["inputs"].get("family") == record["inputs"].get("family"):
            continue
        engine_type, key = owner
        engines = [r for r in new.values() if r["type"] == engine_type]
        if not engines or not all(r["inputs"].get("applyImmediately") is True for r in engines):
            refused.append(
                f"{record['name']}: family {before['inputs'].get('family')} -> {record['inputs'].get('family')} "
                f"without {key}: true (the engine upgrade would wait for the maintenance window)"
            )
    return refused
