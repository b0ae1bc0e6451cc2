"""On-demand hourly prices of every instance size the stack config accepts, in us-east-1.

AWS prices the sizes of one family in proportion to their vCPU count (an xlarge is twice a
large, a 2xlarge four times), so each family is recorded once, at its ``large`` size, and the
other sizes are derived by that ratio. The EC2 page's figures follow the ratio exactly; the RDS
and ElastiCache pages round each size to three decimals, so a derived figure can differ from
the published one by up to $0.001 an hour (under $1 a month): such entries are ``confirmed=False``.

Families the catalogue held before, from Infracost's golden files, keep those figures
(``catalogue.py`` lays the explicit entries over the derived ones).
"""

from __future__ import annotations

from decimal import Decimal

EC2_PAGE = "aws.amazon.com/ec2/pricing/on-demand (Linux, us-east-1)"
RDS_PAGE = "aws.amazon.com/rds/aurora/pricing (Aurora PostgreSQL, Standard, us-east-1)"
CACHE_PAGE = "aws.amazon.com/elasticache/pricing (Redis OSS on-demand nodes, us-east-1)"
READ_ON = "2026-11-29"

# Size -> multiple of the ``large`` price.
SIZE_FACTOR: dict[str, Decimal] = {
    "micro": Decimal("0.125"),
    "small": Decimal("0.25"),
    "medium": Decimal("0.5"),
    "large": Decimal(1),
    "xlarge": Decimal(2),
    **{f"{n}xlarge": Decimal(2 * n) for n in (2, 4, 8, 12, 16, 24, 32, 48)},
}

# EC2 Linux on-demand, USD per hour of the ``large`` size.
EC2_LARGE: dict[str, str] = {
    "m5": "0.096",
    "m6i": "0.096",
    "m6a": "0.0864",
    "m7i": "0.1008",
    "m7a": "0.11592",
    "m6g": "0.077",
    "m7g": "0.0816",
    "m8g": "0.08976",
    "c6i": "0.085",
    "c7i": "0.08925",
    "c6g": "0.068",
    "c7g": "0.0725",
    "r6i": "0.126",
    "r7i": "0.1323",
    "r6g": "0.1008",
    "r7g": "0.1071",
    # Burstable families: the medium is half the large, the xlarge twice it.
    "t3": "0.0832",
    "t3a": "0.0752",
    "t4g": "0.0672",
}

# Aurora PostgreSQL, Standard storage configuration, USD per hour of the ``large`` size.
AURORA_LARGE: dict[str, str] = {
    "r6g": "0.26",
    "r7g": "0.276",
    "r8g": "0.29",
    "r6i": "0.29",
    "r7i": "0.3045",
    "x2g": "0.40",
    "t4g": "0.146",
    "t3": "0.164",
}

# ElastiCache Redis OSS nodes, USD per hour of the ``large`` size (T families: of the medium x 2).
CACHE_LARGE: dict[str, str] = {
    "r6g": "0.206",
    "r7g": "0.219",
    "m6g": "0.149",
    "m7g": "0.158",
    "r6i": "0.228",
    "m6i": "0.156",
    "r5": "0.216",
    "m5": "0.156",
    "t4g": "0.13",
    "t3": "0.136",
}


def size_factor(name: str) -> Decimal:
    """The multiple of the family's ``large`` price for a type name such as m6i.2xlarge."""
    size = name.rsplit(".", 1)[-1]
    if size not in SIZE_FACTOR:
        raise KeyError(f"no size ratio for {name}")
    return SIZE_FACTOR[size]


def family(name: str) -> str:
    """m6i.xlarge -> m6i; db.r7g.large -> r7g; cache.t4g.micro -> t4g."""
    parts = name.split(".")
    return parts[-2]
