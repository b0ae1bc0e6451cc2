"""Price resource records against the catalogue: one pricer for plans, previews and exports.

Money is ``Decimal`` throughout and each component's monthly figure is rounded half-up to
the cent; a resource's figure is the sum of its components, and the total the sum of the
resources. Hand-computed examples therefore match to the cent.

Nothing is silently zero. A resource is either priced, recognised as free (``free_types``),
or listed in ``unpriced`` with the reason: a region without prices, an instance class not in
the catalogue, a value unknown until apply, or a type nobody has priced yet. A usage figure
that the stack does not set prices its component at zero and is shown as ``"not set"``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from documents.reader import DocumentError, provider_regions, region_of_provider, urn_parts
from pricing import scaling
from pricing.catalogue import HOURS_PER_MONTH, supported
from pricing.context import CENT, BadValueError, PricingContext, UnpricedError, import_hint
from pricing.free_types import is_free
from pricing.report import CostReport, ResourceCost, Unpriced
from pricing.services import PRICERS

# The NodePool's limit is the cost ceiling: nodes priced per vCPU at this on-demand type (4 vCPU).
CEILING_REFERENCE_TYPE = "m6i.xlarge"


def node_pool_ceiling(r: Mapping[str, Any], ctx: PricingContext) -> tuple[str, Decimal]:
    """The note for Karpenter's NodePool (how many vCPU it may add, and what that costs at most,
    roughly) and that monthly figure, which the range's ceiling includes (0 when it cannot be priced)."""
    limit = str(((r["inputs"].get("spec") or {}).get("limits") or {}).get("cpu", "unknown"))
    text = f"{r['name']}: Karpenter may add up to {limit} vCPU of nodes above the node group (spec.limits.cpu, the cost ceiling)"
    try:
        price: Decimal | None = ctx.price(r, f"ec2.instance.{CEILING_REFERENCE_TYPE}", CEILING_REFERENCE_TYPE)
    except UnpricedError:
        price = None
    monthly = Decimal(0)
    if price is not None and limit.isdigit():
        monthly = price / 4 * Decimal(limit) * HOURS_PER_MONTH
        text += f", about ${monthly:,.0f} a month at {CEILING_REFERENCE_TYPE} on-demand prices: in the range's ceiling, not the total"
    return text + ".", monthly


def _notes_for_free(r: Mapping[str, Any], ctx: PricingContext) -> None:
    inputs = r["inputs"]
    if r["type"] == "kubernetes:karpenter.sh/v1:NodePool":
        text, monthly = node_pool_ceiling(r, ctx)
        ctx.note(text)
        ctx.node_pool_ceiling += monthly
    if r["type"] == "aws:appautoscaling/target:Target" and inputs.get("serviceNamespace") == "rds":
        ctx.note(
            f"{r['name']}: Aurora read replicas may scale up to maxCapacity {inputs.get('maxCapacity')}; "
            "only the declared instances are priced."
        )
    if r["type"] == "aws:eks/addon:Addon" and inputs.get("addonName") == "amazon-cloudwatch-observability":
        ctx.note(
            f"{r['name']}: container logs are priced on their log groups; Container Insights metrics "
            "(billed per observation) are not in the estimate."
        )


def _top_component(record: Mapping[str, Any], by_urn: Mapping[str, Mapping[str, Any]]) -> str:
    """The name of the outermost component (a child of the stack) that holds this resource."""
    current = record
    seen: set[str] = set()
    while True:
        parent_urn = current.get("parent")
        if not parent_urn or parent_urn in seen:
            return "(stack)" if current is record else str(current["name"])
        seen.add(parent_urn)
        parent = by_urn.get(parent_urn)
        if parent is None:
            _, _, parent_type, parent_name = urn_parts(parent_urn)
            if parent_type == "pulumi:pulumi:Stack":
                return "(stack)" if current is record else str(current["name"])
            return parent_name
        if parent["type"] == "pulumi:pulumi:Stack":
            return "(stack)" if current is record else str(current["name"])
        current = parent


def _money(value: Decimal) -> float:
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def price_resources(
    records: Iterable[Mapping[str, Any]],
    region: str,
    usage: Mapping[str, Mapping[str, float]] | None = None,
) -> CostReport:
    """Price every record in its provider's region; ``region`` (the stack's) applies to the rest.

    The headline figure prices what is declared (readers Auto Scaling keeps at its minimum
    included); ``floor`` and ``ceiling`` price the same records with every autoscaler at its
    minimum and at its limit (``scaling``).
    """
    plain = [dict(r) for r in records]
    report = _price([*plain, *scaling.added_readers(plain, "floor")], region, usage)
    report["floor"] = _price(scaling.scaled(plain, "floor"), region, usage)["monthly"]
    # The ceiling is every autoscaler at its limit: node groups at maxSize, readers at maxCapacity,
    # and Karpenter's NodePool at spec.limits.cpu (priced at the reference type, as its note says).
    report["ceiling"] = _price(scaling.scaled(plain, "ceiling"), region, usage, with_node_pools=True)["monthly"]
    peak = scaling.peak_nodes(plain)
    if peak is not None:
        nodes, instance_type = peak
        report["notes"].append(
            f"The HPAs' maxReplicas x pod requests need {nodes} {instance_type} node(s) at peak "
            f"({int(scaling.ALLOCATABLE_SHARE * 100)} % of each node allocatable to pods); the ceiling prices the node limit."
        )
    return report


def _price(
    records: Iterable[Mapping[str, Any]],
    region: str,
    usage: Mapping[str, Mapping[str, float]] | None = None,
    *,
    with_node_pools: bool = False,
) -> CostReport:
    records = list(records)
    regions = provider_regions(records)
    by_urn = {str(r["urn"]): r for r in records}
    children: dict[str | None, list[Mapping[str, Any]]] = {}
    for r in records:
        children.setdefault(r.get("parent"), []).append(r)
    ctx = PricingContext(region, usage or {}, by_urn, children)
    resources: list[ResourceCost] = []
    unpriced: list[Unpriced] = []
    by_component: dict[str, Decimal] = {}
    total = Decimal(0)
    for r in records:
        r = {**r, "inputs": r.get("inputs") or {}}
        if not r.get("region"):
            r["region"] = region_of_provider(r, regions) or region
        type_token = str(r["type"])
        if not r.get("custom", True) or is_free(type_token):
            _notes_for_free(r, ctx)
            continue
        pricer = PRICERS.get(type_token)
        if pricer is None:
            unpriced.append({"urn": r["urn"], "type": type_token, "reason": "no pricing rule for this type"})
            continue
        try:
            lines = pricer(r, ctx)
        except BadValueError as exc:
            raise DocumentError(f"resource {r['urn']}: {exc}") from None
        except UnpricedError as exc:
            unpriced.append({"urn": r["urn"], "type": type_token, "reason": str(exc)})
            continue
        monthly = sum((line.monthly for line in lines), Decimal(0))
        total += monthly
        owner = _top_component(r, by_urn)
        by_component[owner] = by_component.get(owner, Decimal(0)) + monthly
        resources.append(
            {
                "urn": str(r["urn"]),
                "type": type_token,
                "name": str(r["name"]),
                "monthly": _money(monthly),
                "components": [
                    {
                        "name": line.name,
                        "unit": line.unit,
                        "quantity": float(line.quantity),
                        "unitPrice": float(line.price),
                        "monthly": _money(line.monthly),
                    }
                    for line in lines
                ],
            }
        )
    if not supported(region):
        ctx.note(
            f"The catalogue has no prices for {region}: only region-independent prices (EKS control plane, KMS keys, "
            f"Route 53, CloudFront) apply there; `{import_hint(region)}` adds the rest from AWS's Price List files."
        )
    for where, keys in sorted(ctx.secondary.items()):
        ctx.note(
            f"{len(keys)} price(s) used in {where} are secondary (a third-party copy of AWS's offer files, a regional "
            f"ratio or an assumption; pricing/region_data/{where}.json says which), e.g. {', '.join(sorted(keys)[:3])}: "
            f"`{import_hint(where)}` replaces them with AWS's own figures."
        )
    if with_node_pools:
        total += ctx.node_pool_ceiling
    return {
        "currency": "USD",
        "region": region,
        "monthly": _money(total),
        "resources": resources,
        "unpriced": unpriced + ctx.partial,
        "assumptions": ctx.assumptions,
        "byComponent": {name: _money(value) for name, value in sorted(by_component.items())},
        "notes": ctx.notes,
        "floor": _money(total),
        "ceiling": _money(total),
    }


def expected_total(
    records: list[dict[str, Any]],
    region: str,
    usage: Mapping[str, Mapping[str, float]],
    compare_with: list[dict[str, Any]] | None = None,
) -> float | None:
    """The expected monthly figure, or None when a resource priced in ``compare_with`` is unpriced here."""
    report = _price([*records, *scaling.added_readers(records, "floor")], region, usage)
    if report["unpriced"] and compare_with is not None:
        before = _price([*compare_with, *scaling.added_readers(compare_with, "floor")], region, usage)
        if {u["urn"] for u in report["unpriced"]} - {u["urn"] for u in before["unpriced"]}:
            return None
    return report["monthly"]
