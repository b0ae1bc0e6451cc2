"""Network settings: the VPC, its availability zones and how private subnets reach out."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal

from config.basics import Basics
from config.reader import ConfigError, Section

NatMode = Literal["perAz", "single"]

# CloudWatch Logs accepts only these retention periods (days).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
MIN_AZS = 2
PRODUCTION_AZS = 3
MAX_AZS = 3  # the subnet plan below gives private subnets a quarter of the VPC each


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


def log_retention(section: Section, name: str, default: int) -> int:
    days = section.integer(name, default)
    if days not in LOG_RETENTION_DAYS:
        raise ConfigError(section.key(name), days, "CloudWatch allows " + ", ".join(map(str, LOG_RETENTION_DAYS)))
    return days


def parse_network(section: Section, basics: Basics) -> NetworkSettings:
    cidr = section.cidr("cidr")
    if not 16 <= cidr.prefixlen <= 20:
        raise ConfigError(section.key("cidr"), str(cidr), "the VPC prefix must be between /16 and /20")
    if not cidr.is_private:
        raise ConfigError(section.key("cidr"), str(cidr), "must be a private (RFC 1918) range")
    zones = section.strings("availabilityZones")
    needed = PRODUCTION_AZS if basics.is_production else MIN_AZS
    if not needed <= len(zones) <= MAX_AZS:
        rule = f"production needs {PRODUCTION_AZS}" if basics.is_production else f"needs {MIN_AZS} or {MAX_AZS}"
        raise ConfigError(section.key("availabilityZones"), zones, f"{len(zones)} zone(s) given; {rule}")
    for index, zone in enumerate(zones):
        if not re.fullmatch(re.escape(basics.region) + r"[a-z]", zone):
            raise ConfigError(
                f"{section.key('availabilityZones')}[{index}]", zone, f"must be a zone of {basics.region}, e.g. {basics.region}a"
            )
    if len(set(zones)) != len(zones):
        raise ConfigError(section.key("availabilityZones"), zones, "zones must be distinct")
    nat: NatMode = section.string("natGateways", "perAz", choices=("perAz", "single"))  # type: ignore[assignment]
    retention = log_retention(section, "flowLogRetentionDays", 365 if basics.is_production else 30)
    section.finish()
    return NetworkSettings(cidr, zones, nat, retention)
