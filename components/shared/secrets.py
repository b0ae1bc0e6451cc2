"""Secrets the program draws itself: generated once, kept in state as Pulumi secrets."""

from __future__ import annotations

import pulumi
import pulumi_random as random

# Special characters valid in an RDS master password (printable ASCII except / " @ and space)
# and in an ElastiCache auth token (only these specials are allowed there); the URLs
# percent-encode them all the same.
SAFE_SPECIALS = "!&#$^<>-"
PASSWORD_LENGTH = 40
KEY_LENGTH = 64


def generated_secret(name: str, parent: pulumi.Resource) -> random.RandomPassword:
    """A 40-character password a data store accepts (RDS master password, ElastiCache auth token)."""
    return random.RandomPassword(
        name,
        length=PASSWORD_LENGTH,
        special=True,
        override_special=SAFE_SPECIALS,
        min_lower=4,
        min_upper=4,
        min_numeric=4,
        min_special=2,
        opts=pulumi.ResourceOptions(parent=parent),
    )


def generated_key(name: str, parent: pulumi.Resource, *, protect: bool = False) -> pulumi.Output[str]:
    """A 64-character key, alphanumeric so it is safe in any env parser; `protect` it when data depends on it."""
    password = random.RandomPassword(name, length=KEY_LENGTH, special=False, opts=pulumi.ResourceOptions(parent=parent, protect=protect))
    return pulumi.Output.secret(password.result)


def final_snapshot_identifier(name: str, store_identifier: str, parent: pulumi.Resource) -> pulumi.Output[str]:
    """`<identifier>-final-<8 hex>`: the suffix is drawn once and kept in state, so it is the same
    on every preview and update, and a store rebuilt after a destroy draws a new one (AWS refuses
    a final snapshot whose name is taken, which would fail the second destroy)."""
    suffix = random.RandomId(name, byte_length=4, keepers={"identifier": store_identifier}, opts=pulumi.ResourceOptions(parent=parent))
    return suffix.hex.apply(lambda hex_suffix: f"{store_identifier}-final-{hex_suffix}")
