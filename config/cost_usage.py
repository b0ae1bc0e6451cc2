"""Usage assumptions for the cost estimate, keyed like Infracost's usage file.

``costUsage`` maps a resource type to usage figures, e.g.
``aws:ec2/natGateway:NatGateway: {monthly_data_processed_gb: 500}``. They are shown next to
every estimate so that a reviewer sees what was assumed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from config.reader import ConfigError, Section


@dataclass(frozen=True)
class CostUsage:
    by_type: dict[str, dict[str, float]] = field(default_factory=dict)


def parse_cost_usage(section: Section) -> CostUsage:
    usage: dict[str, dict[str, float]] = {}
    for type_token in section.names():
        if ":" not in type_token:
            raise ConfigError(section.key(type_token), type_token, "keys are resource types such as aws:ec2/natGateway:NatGateway")
        figures = section.section(type_token)
        usage[type_token] = {}
        for name in figures.names():
            usage[type_token][name] = figures.number(name, minimum=0)
        figures.finish()
    section.finish()
    return CostUsage(usage)
