"""Changes AWS refuses while a resource is in use or locked: a table, each row with its source.

The provider's schema says whether a change is an update or a replacement (`preflight/force_new.py`);
it does not know that AWS will refuse some of those updates outright, so a pull request that would
make one fails half-way through `pulumi up`. `preflight diff` checks every change against this table,
calls each refused one out in the text and the Markdown comment, and exits 1 (like a lost stateful
resource).

To add a row: a function `(change, before, after, head) -> reason | None` and a `RefusedChange`
naming the type, what AWS refuses and where that is written; a test in tests/test_refused_changes.py
builds the two documents and sees the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from documents.reader import Document, Record
from preflight.changes import Change, Changes

Rule = Callable[[Change, Record, Record | None, Document], "str | None"]


@dataclass(frozen=True)
class RefusedChange:
    type: str
    refused: str
    source: str
    rule: Rule


@dataclass(frozen=True)
class Refusal:
    name: str
    type: str
    reason: str
    source: str

    def line(self) -> str:
        return f"{self.name} ({self.type}): {self.reason}"


def _get(inputs: Mapping[str, Any] | None, path: str) -> Any:
    value: Any = inputs or {}
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _distributions_using(origin: Record, head: Document) -> list[str]:
    """Head distributions with a VPC-origin origin: naming this one, or any when the stack has only one.

    (Document records carry inputs, not ids or dependencies, so a distribution's `vpcOriginId`,
    computed by AWS, is matched by name where it can be and by uniqueness otherwise.)
    """
    origins_in_stack = [r for r in head.records if r["type"] == origin["type"]] or [origin]
    found = []
    for record in head.records:
        if record["type"] != "aws:cloudfront/distribution:Distribution":
            continue
        origins = record["inputs"].get("origins") if isinstance(record["inputs"].get("origins"), list) else []
        ids = [_get(o, "vpcOriginConfig.vpcOriginId") for o in origins if isinstance(o, Mapping) and o.get("vpcOriginConfig")]
        if any(i == origin["name"] or (isinstance(i, str) and i.startswith(f"{origin['name']}-")) for i in ids) or (
            ids and len(origins_in_stack) == 1
        ):
            found.append(record["name"])
    return found


def vpc_origin_in_use(change: Change, before: Record, after: Record | None, head: Document) -> str | None:
    if change.kind not in ("changed", "removed"):
        return None
    users = _distributions_using(after or before, head)
    if not users:
        return None
    action = "deleted" if change.kind == "removed" else "updated"
    return f"CloudFront refuses to have a VPC origin {action} while distribution {', '.join(users)} uses it (409 CannotUpdateEntityWhileInUse / CannotDeleteEntityWhileInUse)"


def vault_lock_locked(change: Change, before: Record, after: Record | None, head: Document) -> str | None:
    if change.kind == "added" or before["inputs"].get("changeableForDays") is None:
        return None
    days = before["inputs"]["changeableForDays"]
    return (
        f"the vault lock was set with changeableForDays {days}: on and after its lock date it is immutable, and AWS Backup "
        "refuses to change or delete it (this change only works inside the cooling-off period)"
    )


_AUTH_ORDER = {"CONFIG_MAP": 0, "API_AND_CONFIG_MAP": 1, "API": 2}


def eks_access_config(change: Change, before: Record, after: Record | None, head: Document) -> str | None:
    if after is None:
        return None
    old_mode, new_mode = _get(before["inputs"], "accessConfig.authenticationMode"), _get(after["inputs"], "accessConfig.authenticationMode")
    if old_mode in _AUTH_ORDER and new_mode in _AUTH_ORDER and _AUTH_ORDER[new_mode] < _AUTH_ORDER[old_mode]:
        return f"accessConfig.authenticationMode {old_mode} -> {new_mode}: EKS moves the mode only toward API, never back"
    old_boot = _get(before["inputs"], "accessConfig.bootstrapClusterCreatorAdminPermissions")
    new_boot = _get(after["inputs"], "accessConfig.bootstrapClusterCreatorAdminPermissions")
    if old_boot is not None and new_boot is not None and old_boot != new_boot:
        return (
            f"accessConfig.bootstrapClusterCreatorAdminPermissions {old_boot} -> {new_boot}: EKS sets it only when it creates the "
            "cluster (UpdateClusterConfig cannot change it), so the provider would replace the whole cluster"
        )
    return None


def _minor(version: Any) -> tuple[int, int] | None:
    if not isinstance(version, str) or version.count(".") < 1:
        return None
    major, minor = version.split(".")[:2]
    return (int(major), int(minor)) if major.isdigit() and minor.isdigit() else None


def eks_version_step(change: Change, before: Record, after: Record | None, head: Document) -> str | None:
    if after is None:
        return None
    old, new = _minor(before["inputs"].get("version")), _minor(after["inputs"].get("version"))
    if old is None or new is None or old == new:
        return None
    if new < old:
        return f"version {before['inputs']['version']} -> {after['inputs']['version']}: EKS does not downgrade a control plane"
    if new[0] == old[0] and new[1] - old[1] > 1:
        return f"version {before['inputs']['version']} -> {after['inputs']['version']}: EKS updates one minor version at a time"
    return None


def aurora_engine_downgrade(change: Change, before: Record, after: Record | None, head: Document) -> str | None:
    if after is None:
        return None
    old, new = before["inputs"].get("engineVersion"), after["inputs"].get("engineVersion")
    parse = [tuple(int(p) for p in v.split(".") if p.isdigit()) for v in (old, new) if isinstance(v, str)]
    if len(parse) == 2 and parse[1] < parse[0]:
        return f"engineVersion {old} -> {new}: RDS does not downgrade a DB cluster's engine in place (restore a snapshot instead)"
    return None


REFUSED: tuple[RefusedChange, ...] = (
    RefusedChange(
        "aws:cloudfront/vpcOrigin:VpcOrigin",
        "updating or deleting a VPC origin a distribution uses",
        "botocore cloudfront UpdateVpcOrigin / DeleteVpcOrigin errors CannotUpdateEntityWhileInUse ('The entity cannot be "
        "updated while it is in use.'), CannotDeleteEntityWhileInUse; aws/aws-cdk#34629, aws/aws-cdk#35765",
        vpc_origin_in_use,
    ),
    RefusedChange(
        "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
        "changing or removing a vault lock past its lock date",
        "botocore backup PutBackupVaultLockConfiguration.ChangeableForDays ('On and after the lock date, the Vault Lock "
        "becomes immutable and cannot be changed or deleted.'); DeleteBackupVaultLockConfiguration ('If the Vault Lock "
        "configuration is immutable, then you cannot delete Vault Lock')",
        vault_lock_locked,
    ),
    RefusedChange(
        "aws:eks/cluster:Cluster",
        "moving accessConfig.authenticationMode away from API; changing bootstrapClusterCreatorAdminPermissions",
        "docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html ('you can't change the authentication mode "
        "back to a mode that removes the EKS API and access entries'); botocore eks UpdateAccessConfigRequest has "
        "authenticationMode only; CreateAccessConfigRequest.bootstrapClusterCreatorAdminPermissions ('set as a cluster "
        "admin access entry during cluster creation time')",
        eks_access_config,
    ),
    RefusedChange(
        "aws:eks/cluster:Cluster",
        "downgrading the Kubernetes version, or skipping a minor version",
        "docs.aws.amazon.com/eks/latest/userguide/update-cluster.html (a cluster is updated one minor version at a time; "
        "it cannot be downgraded)",
        eks_version_step,
    ),
    RefusedChange(
        "aws:rds/cluster:Cluster",
        "downgrading the Aurora engine version",
        "docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_UpgradeDBInstance.PostgreSQL.html (upgrades only; "
        "a lower version needs a restore)",
        aurora_engine_downgrade,
    ),
)


def refusals(changes: Changes, base: Document, head: Document) -> list[Refusal]:
    """Every change of the diff that AWS would refuse, with its reason."""
    old = {r["urn"]: r for r in base.records}
    new = {r["urn"]: r for r in head.records}
    found: list[Refusal] = []
    for change in [*changes.changed, *changes.replaced, *changes.removed]:
        before = old.get(change.renamed_from or change.urn)
        after = new.get(change.urn) if change.kind != "removed" else None
        if before is None:
            continue
        for row in REFUSED:
            if row.type != change.type:
                continue
            reason = row.rule(change, before, after, head)
            if reason:
                found.append(Refusal(change.name, change.type, reason, row.source))
    return found
