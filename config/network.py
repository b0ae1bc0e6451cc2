"""Network settings: the VPC, its availability zones and how private subnets reach out."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any, Literal

from config.declare import PerEnvironment, cidr, integer, rule, string, strings
from config.reading import At

NatMode = Literal["perAz", "single"]

# CloudWatch Logs accepts only these retention periods (days).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
MIN_AZS = 2
PRODUCTION_AZS = 3
MAX_AZS = 3  # the subnet plan below gives private subnets a quarter of the VPC each
MIN_PREFIX, MAX_PREFIX = 16, 20


def log_retention(what: str) -> Any:
    """A CloudWatch Logs retention key: 365 days in production, 30 elsewhere, unless set."""
    return integer(
        f"days CloudWatch keeps {what}",
        default=PerEnvironment(365, 30),
        choices=LOG_RETENTION_DAYS,
        meaning="CloudWatch allows " + ", ".join(map(str, LOG_RETENTION_DAYS)),
    )


@rule(f"a private (RFC 1918) range, /{MIN_PREFIX} to /{MAX_PREFIX}")
def _vpc_sized(network: ipaddress.IPv4Network, at: At) -> None:
    if not MIN_PREFIX <= network.prefixlen <= MAX_PREFIX:
        raise at.refuse(str(network), f"the VPC prefix must be between /{MIN_PREFIX} and /{MAX_PREFIX}")
    if not network.is_private:
        raise at.refuse(str(network), "must be a private (RFC 1918) range")


@rule(f"{MIN_AZS} or {MAX_AZS} zones; production needs {PRODUCTION_AZS}")
def _zone_count(zones: list[str], at: At) -> None:
    needed = PRODUCTION_AZS if at.production else MIN_AZS
    if not needed <= len(zones) <= MAX_AZS:
        if at.production:
            raise at.refuse_in_production(zones, f"{len(zones)} zone(s) given; production needs {PRODUCTION_AZS}")
        raise at.refuse(zones, f"{len(zones)} zone(s) given; needs {MIN_AZS} or {MAX_AZS}")


def _zones_of_the_region(zones: list[str], at: At) -> None:
    """zones of `aws:region`"""
    region = at.basics.region
    for index, zone in enumerate(zones):
        if not re.fullmatch(re.escape(region) + r"[a-z]", zone):
            raise at.refuse(zone, f"must be a zone of {region} (aws:region), e.g. {region}a", item=index)


@dataclass(frozen=True)
class NetworkSettings:
    cidr: ipaddress.IPv4Network = cidr(
        "the VPC's address range; private subnets get a quarter each (pods take VPC addresses)", checks=(_vpc_sized,)
    )
    availability_zones: list[str] = strings(
        "the zones the subnets, nodes, database and cache spread over", distinct="zones", checks=(_zone_count, _zones_of_the_region)
    )
    nat_gateways: NatMode = string(
        "`perAz`: a zone outage stays in its zone; `single`: cheaper, one zone's NAT serves all",
        default="perAz",
        choices=("perAz", "single"),
    )
    flow_log_retention_days: int = log_retention("the VPC flow logs")

    @property
    def private_subnet_cidrs(self) -> list[str]:
        """A quarter of the VPC per AZ: pods take VPC addresses (VPC CNI), so these are large."""
        quarters = list(self.cidr.subnets(prefixlen_diff=2))
        return [str(net) for net in quarters[: len(self.availability_zones)]]

    @property
    def public_subnet_cidrs(self) -> list[str]:
        """The last quarter, cut in eight: load balancers and NAT gateways need few addresses."""
        last_quarter = list(self.cidr.subnets(prefixlen_diff=2))[-1]
        return [str(net) for net in list(last_quarter.subnets(prefixlen_diff=3))[: len(self.availability_zones)]]
