"""Who is told: email addresses and HTTPS webhooks, checked the same way wherever a stack lists them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from config.declare import Key
from config.reader import ConfigError, Section

# Deliberately loose: SNS and Budgets validate the address; this catches "oncall" and "a@b".
EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s.]+"


def read_emails(section: Section, key: Key[list[str]]) -> list[str]:
    emails = key.read(section)
    for index, email in enumerate(emails):
        if not re.fullmatch(EMAIL, email):
            raise ConfigError(f"{section.key(key.name)}[{index}]", email, "must be an email address, e.g. oncall@example.com")
    if len(set(emails)) != len(emails):
        raise ConfigError(section.key(key.name), emails, "addresses must be distinct")
    return emails


def read_webhooks(section: Section, key: Key[list[str]]) -> list[str]:
    urls = key.read(section)
    for index, url in enumerate(urls):
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            # SNS can deliver to http:// too, but alarm texts would then cross the internet in clear.
            raise ConfigError(f"{section.key(key.name)}[{index}]", url, "must be an https:// URL, e.g. https://hooks.example.com/alarms")
    return urls
