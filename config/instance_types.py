"""EC2 instance types the node group may use, with the facts the guide's minimums need.

The guide asks for 4+ cores and 8 GB of memory (16 GB recommended) per server. Smaller
types are listed too, so that refusing one can say what it has rather than "unknown".
Figures are from the EC2 instance-type pages (vCPU, GiB); arm64 is AWS Graviton.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Architecture = Literal["x86_64", "arm64"]

MIN_VCPU = 4
MIN_MEMORY_GIB = 8
MIN_ROOT_VOLUME_GIB = 100


@dataclass(frozen=True)
class InstanceType:
    name: str
    vcpu: int
    memory_gib: float
    architecture: Architecture

    @property
    def meets_guide_minimum(self) -> bool:
        return self.vcpu >= MIN_VCPU and self.memory_gib >= MIN_MEMORY_GIB


def _family(prefix: str, arch: Architecture, ratio: int, sizes: dict[str, int]) -> list[InstanceType]:
    return [InstanceType(f"{prefix}.{size}", vcpu, vcpu * ratio, arch) for size, vcpu in sizes.items()]


_GENERAL = {"large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32}
_BURSTABLE = {"medium": 2, "large": 2, "xlarge": 4, "2xlarge": 8}
_BURSTABLE_MEMORY = {"medium": 4, "large": 8, "xlarge": 16, "2xlarge": 32}

_BURSTABLE_FAMILIES: tuple[tuple[str, Architecture], ...] = (("t3", "x86_64"), ("t3a", "x86_64"), ("t4g", "arm64"))

NODE_INSTANCE_TYPES: dict[str, InstanceType] = {
    t.name: t
    for t in [
        # General purpose, 4 GiB per vCPU.
        *_family("m5", "x86_64", 4, _GENERAL),
        *_family("m6i", "x86_64", 4, _GENERAL),
        *_family("m6a", "x86_64", 4, _GENERAL),
        *_family("m7i", "x86_64", 4, _GENERAL),
        *_family("m7a", "x86_64", 4, _GENERAL),
        *_family("m6g", "arm64", 4, _GENERAL),
        *_family("m7g", "arm64", 4, _GENERAL),
        *_family("m8g", "arm64", 4, _GENERAL),
        # Compute optimised, 2 GiB per vCPU.
        *_family("c6i", "x86_64", 2, _GENERAL),
        *_family("c7i", "x86_64", 2, _GENERAL),
        *_family("c6g", "arm64", 2, _GENERAL),
        *_family("c7g", "arm64", 2, _GENERAL),
        # Memory optimised, 8 GiB per vCPU.
        *_family("r6i", "x86_64", 8, _GENERAL),
        *_family("r7i", "x86_64", 8, _GENERAL),
        *_family("r6g", "arm64", 8, _GENERAL),
        *_family("r7g", "arm64", 8, _GENERAL),
        # Burstable: memory is not a fixed ratio of vCPU.
        *[
            InstanceType(f"{prefix}.{size}", vcpu, _BURSTABLE_MEMORY[size], arch)
            for prefix, arch in _BURSTABLE_FAMILIES
            for size, vcpu in _BURSTABLE.items()
        ],
    ]
}

RECOMMENDED_NODE_TYPES = ("m6i.xlarge", "m7g.xlarge")
