"""Reading Go source as data: composite literals, their `key: value` entries, and the tables of
pulumi-kubernetes' provider/pkg/provider/diff.go. Used by `preflight/force_new_extract/`.

Only what the providers' schema code needs: brackets matched with strings, runes and comments
skipped; `names.AttrFooBar` constants read as `foo_bar`; no evaluation beyond list literals,
`append` and the three helper functions of diff.go.
"""

from __future__ import annotations

import re
from collections.abc import Iterator


def matching(text: str, start: int) -> int:
    """Index just past the bracket closing the one at `start` (strings, runes and comments skipped)."""
    pairs = {"{": "}", "(": ")", "[": "]"}
    stack: list[str] = []
    i = start
    while i < len(text):
        c = text[i]
        if c in "\"'`":
            end = text.index(c, i + 1) if c == "`" else _string_end(text, i)
            i = end + 1
            continue
        if text.startswith("//", i):
            i = text.index("\n", i)
            continue
        if c in pairs:
            stack.append(pairs[c])
        elif stack and c == stack[-1]:
            stack.pop()
            if not stack:
                return i + 1
        i += 1
    raise ValueError("unbalanced brackets")


def _string_end(text: str, start: int) -> int:
    quote, i = text[start], start + 1
    while text[i] != quote:
        i += 2 if text[i] == "\\" else 1
    return i


def entries(body: str) -> Iterator[tuple[str, str]]:
    """`key: value` pairs at the top level of a composite literal's body (between its braces)."""
    i, depth, start = 0, 0, 0
    items: list[str] = []
    while i < len(body):
        c = body[i]
        if c in "\"'`":
            i = (body.index(c, i + 1) if c == "`" else _string_end(body, i)) + 1
            continue
        if body.startswith("//", i):
            i = body.index("\n", i) if "\n" in body[i:] else len(body)
            continue
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif c == "," and depth == 0:
            items.append(body[start:i])
            start = i + 1
        i += 1
    items.append(body[start:])
    for item in items:
        item = re.sub(r"^(\s*//[^\n]*(\n|$))+", "", item)  # comments before a key
        key, sep, value = _split_key(item.strip())
        if sep:
            yield key, value.strip()


def _split_key(item: str) -> tuple[str, str, str]:
    match = re.match(r'^("(?:[^"\\]|\\.)*"|[A-Za-z_][\w.]*)\s*:(?!=)', item)
    if not match:
        return "", "", ""
    return match.group(1), ":", item[match.end() :]


def literal_body(text: str, opener: str) -> str | None:
    """The body of the first composite literal starting with `opener` (e.g. "map[string]*schema.Schema{")."""
    at = text.find(opener)
    if at < 0:
        return None
    brace = at + len(opener) - 1
    return text[brace + 1 : matching(text, brace) - 1]


def outer_literal_bodies(text: str, opener: str) -> list[str]:
    """The bodies of the composite literals starting with `opener` that no earlier one contains, in order."""
    bodies: list[str] = []
    at = text.find(opener)
    while at >= 0:
        brace = at + len(opener) - 1
        end = matching(text, brace)
        bodies.append(text[brace + 1 : end - 1])
        at = text.find(opener, end)
    return bodies


def field_value(body: str, name: str) -> str | None:
    for key, value in entries(body):
        if key == name:
            return value
    return None


def attr_name(key: str) -> str | None:
    """A schema map key as its Terraform attribute name: a string literal or a `names.AttrFooBar` constant."""
    if key.startswith('"'):
        return key.strip('"')
    if key.startswith("names.Attr"):
        return "_".join(w.lower() for w in _words(key.removeprefix("names.Attr")))
    return None


# The initialisms terraform-provider-aws writes in upper case in its `names.Attr…` constants.
_ACRONYMS = sorted(
    {
        "ARNs",
        "ARN",
        "IDs",
        "ID",
        "VPC",
        "KMS",
        "IAM",
        "DNS",
        "IPv4",
        "IPv6",
        "IP",
        "URL",
        "URI",
        "TLS",
        "SSL",
        "HTTPS",
        "HTTP",
        "SNS",
        "SQS",
        "ACL",
        "AZ",
        "CIDR",
        "EC2",
        "EKS",
        "SSH",
        "TTL",
        "JSON",
        "API",
        "AWS",
        "OIDC",
        "MFA",
        "FQDN",
        "S3",
    },
    key=len,
    reverse=True,
)


def _words(name: str) -> list[str]:
    """`KMSKeyARN` → KMS, Key, ARN: known initialisms first, then capitalised words."""
    words, i = [], 0
    while i < len(name):
        acronym = next(
            (a for a in _ACRONYMS if name.startswith(a, i) and (i + len(a) == len(name) or not name[i + len(a)].islower())), None
        )
        if acronym:
            words.append(acronym)
            i += len(acronym)
            continue
        match = re.match(r"[A-Z]?[a-z0-9]+|[A-Z]", name[i:])
        assert match is not None
        words.append(match.group(0))
        i += len(match.group(0))
    return words


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def kubernetes_table(text: str) -> dict[str, list[str]]:
    """group/version/kind → replace paths, evaluated from diff.go's tables."""
    helpers: dict[str, list[str]] = {}
    for name in ("metadataForceNewProperties", "containerForceNewProperties", "labelSelectorForceNewProperties"):
        body = literal_body(text[text.index(f"func {name}(") :], "properties{")
        helpers[name] = re.findall(r'prefix \+ "([^"]+)"', body or "")
    variables: dict[str, list[str]] = {}

    def value(expr: str) -> list[str]:
        expr = expr.strip()
        out: list[str] = []
        if expr.startswith("append("):
            inner = expr[len("append(") : matching(expr, len("append")) - 1]
            for part in _split_args(inner):
                out += value(part.removesuffix("..."))
            return out
        if expr.startswith("properties{"):
            return re.findall(r'"([^"]+)"', literal_body(expr, "properties{") or "")
        call = re.match(r"^(\w+)\((.*)\)$", expr, re.S)
        if call and call.group(1) in helpers:
            prefixes = re.findall(r'"([^"]+)"', call.group(2))
            return [p + suffix for p in prefixes for suffix in helpers[call.group(1)]]
        return variables.get(expr, [])

    for name, expr in re.findall(r"(?m)^var (\w+) = (append\(|properties\{|_versions\{|_groups\{)", text):
        start = text.index(f"var {name} = ") + len(f"var {name} = ")
        end = matching(text, text.index(expr[-1], start))
        if expr in ("append(", "properties{"):
            variables[name] = value(text[start:end])
    table: dict[str, list[str]] = {}
    groups_body = literal_body(text, "var forceNew = _groups{") or ""
    core = literal_body(text, "var core = _versions{") or ""
    for group, versions in entries(groups_body):
        group = group.strip('"')
        body = core if versions == "core" else versions[versions.index("{") + 1 : matching(versions, versions.index("{")) - 1]
        for version, kinds in entries(body):
            for kind, props in entries(kinds[kinds.index("{") + 1 : matching(kinds, kinds.index("{")) - 1]):
                api = f"{group}/{version.strip(chr(34))}" if group not in ("", "core") else version.strip('"')
                table[f"{api}:{kind.strip(chr(34))}"] = value(props)
    table["*"] = [p.lstrip(".") for p in value('metadataForceNewProperties(".metadata")')]
    return {k: sorted({p.lstrip(".").replace("[*]", "") for p in v}) for k, v in table.items()}


def _split_args(inner: str) -> list[str]:
    return [v for _, v in entries(",".join(f"x: {part}" for part in _top_commas(inner)))]


def _top_commas(inner: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, c in enumerate(inner):
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    return [p for p in (s.strip() for s in parts) if p]


def kubernetes_token_paths(token: str, table: dict[str, list[str]]) -> list[str]:
    _, api_kind = token.split(":", 1)
    api, kind = api_kind.rsplit(":", 1)
    group_version = api if "/" in api else f"core/{api}"
    group, version = group_version.split("/")
    key = f"{group}/{version}:{kind}" if group != "core" else f"{version}:{kind}"
    return sorted(set(table["*"]) | set(table.get(key, [])))
