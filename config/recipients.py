"""Who is told: email addresses and HTTPS webhooks, declared the same way wherever a stack lists them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from config.declare import strings
from config.reading import At

# Deliberately loose: SNS and Budgets validate the address; this catches "oncall" and "a@b".
EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s.]+"


def email_addresses(description: str, **declared: Any) -> Any:
    return strings(
        description,
        default=[],
        item_pattern=EMAIL,
        item_meaning="must be an email address, e.g. oncall@example.com",
        distinct="addresses",
        **declared,
    )


def _https(urls: list[str], at: At) -> None:
    """`https://` URLs; they carry tokens: set them as secrets (`--secret --path`)"""
    for index, url in enumerate(urls):
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            # SNS can deliver to http:// too, but alarm texts would then cross the internet in clear.
            raise at.refuse(url, "must be an https:// URL, e.g. https://hooks.example.com/alarms", item=index)


def webhook_urls(description: str) -> Any:
    return strings(description, default=[], checks=(_https,))
