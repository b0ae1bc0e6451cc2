"""Network settings: the VPC, its availability zones and how private subnets reach out."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal

from config.basics import Basics
from config.declare import Group, Key, PerEnvironment, cidr, integer, string, strings
from config.reader import ConfigError, Section, refuse_in_production

NatMode = Literal["perAz", "single"]

# CloudWatch Logs accepts only these retention periods (days).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
MIN_AZS = 2
PRODUCTION_AZS = 3
MAX_AZS = 3  # the subnet plan below gives private subnets a quarter of the VPC each
MIN_PREFIX, MAX_PREFIX = 16, 20


@dataclass(frozen=True)
class NetworkSettings:
    cidr: ipaddress.IPv4Network
    availability_zones: list[str]
    nat_gateways: NatMode
    flow_log_retention_days: int

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


def log_retention_key(name: str, what: str) -> Key[int]:
    """A CloudWatch Logs retention key: 365 days in production, 30 elsewhere, unless set."""
    return integer(
        name,
        f"days CloudWatch keeps {what}",
        default=PerEnvironment(365, 30),
        choices=LOG_RETENTION_DAYS,
        meaning="CloudWatch allows " + ", ".join(map(str, LOG_RETENTION_DAYS)),
    )


CIDR = cidr(
    "cidr",
    "the VPC's address range; private subnets get a quarter each (pods take VPC addresses)",
    rule=f"a private (RFC 1918) range, /{MIN_PREFIX} to /{MAX_PREFIX}",
)
AVAILABILITY_ZONES = strings(
    "availabilityZones",
    "the zones the subnets, nodes, database and cache spread over",
    rule=f"{MIN_AZS} or {MAX_AZS} distinct zones of `aws:region`; production needs {PRODUCTION_AZS}",
)
NAT_GATEWAYS = string(
    "natGateways",
    "`perAz`: a zone outage stays in its zone; `single`: cheaper, one zone's NAT serves all",
    default="perAz",
    choices=("perAz", "single"),
)
FLOW_LOG_RETENTION_DAYS = log_retention_key("flowLogRetentionDays", "the VPC flow logs")
NETWORK = Group("network", "the VPC", (CIDR, AVAILABILITY_ZONES, NAT_GATEWAYS, FLOW_LOG_RETENTION_DAYS), required=True)


def parse_network(section: Section, basics: Basics) -> NetworkSettings:
    network_cidr = CIDR.read(section)
    if not MIN_PREFIX <= network_cidr.prefixlen <= MAX_PREFIX:
        raise ConfigError(section.key("cidr"), str(network_cidr), f"the VPC prefix must be between /{MIN_PREFIX} and /{MAX_PREFIX}")
    if not network_cidr.is_private:
        raise ConfigError(section.key("cidr"), str(network_cidr), "must be a private (RFC 1918) range")
    zones = _availability_zones(section, basics)
    nat: NatMode = NAT_GATEWAYS.read(section)  # type: ignore[assignment]
    retention = FLOW_LOG_RETENTION_DAYS.read(section, production=basics.is_production)
    section.finish()
    return NetworkSettings(network_cidr, zones, nat, retention)


def _availability_zones(section: Section, basics: Basics) -> list[str]:
    zones = AVAILABILITY_ZONES.read(section)
    key = section.key("availabilityZones")
    needed = PRODUCTION_AZS if basics.is_production else MIN_AZS
    if not needed <= len(zones) <= MAX_AZS:
        if basics.is_production:
            raise refuse_in_production(key, zones, f"{len(zones)} zone(s) given; production needs {PRODUCTION_AZS}")
        raise ConfigError(key, zones, f"{len(zones)} zone(s) given; needs {MIN_AZS} or {MAX_AZS}")
    for index, zone in enumerate(zones):
        if not re.fullmatch(re.escape(basics.region) + r"[a-z]", zone):
            raise ConfigError(f"{key}[{index}]", zone, f"must be a zone of {basics.region} (aws:region), e.g. {basics.region}a")
    if len(set(zones)) != len(zones):
        raise ConfigError(key, zones, "zones must be distinct")
    return zones
