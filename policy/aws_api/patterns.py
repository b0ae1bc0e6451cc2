"""AWS model patterns, as Python's `re` can run them.

The `pattern` of a botocore shape is written for the services' own regex engines (the Smithy
spec asks for the ECMA 262 dialect; many patterns were written for Java). Four constructs of theirs
are not Python's, and are translated here:

* `\\p{L}`, `\\p{N}`, `\\P{…}` … (Unicode categories and Java's POSIX classes such as `\\p{Print}`);
* a UTF-16 surrogate pair range (`\\uD800\\uDC00-\\uDBFF\\uDFFF`), which means the supplementary
  planes;
* an inline flag after the start (`…|(?i).*<script>…`), which applies to the rest of its group;
* a `-` right after a class escape inside a class (`[\\w-_]`), which is a literal hyphen.

`\\w`, `\\d` and `\\s` are ASCII in both dialects, so patterns compile with `re.ASCII`.

A pattern must match the whole value. The Smithy spec reads patterns as unanchored ("The `pattern`
trait does not implicitly add a leading `^` or trailing `$`", smithy-lang/smithy
docs/source-2.0/spec/constraint-traits.rst), but AWS's services apply them to the whole value:
CloudWatch Logs refuses `testServiceName:latest-metrics` for `[\\.\\-_/#A-Za-z0-9]+`
(awslabs/aws-embedded-metrics-java#65: "Value 'testServiceName:latest-metrics' at 'logGroupName'
failed to satisfy constraint: Member must satisfy regular expression pattern"), and OpenSearch
Ingestion refuses `prod-us1-co_data_row` for `[a-z][a-z0-9\\-]+` (hashicorp/terraform-provider-aws#36076),
though a part of each matches.

A Unicode category is expanded to its ASCII members plus the value's own other characters that
belong to it: exact for that value (it can only meet its own characters) and cheap, where the whole
category would take a scan of every code point. Compiled patterns are cached (per pattern, and per
set of non-ASCII characters for the rare value that has any).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Java's POSIX classes are US-ASCII only (java.util.regex.Pattern, "POSIX character classes").
_POSIX = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\\x00-\\x7f",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "Graph": "\\x21-\\x7e",
    "Print": "\\x20-\\x7e",
    "Blank": " \\t",
    "Cntrl": "\\x00-\\x1f\\x7f",
    "XDigit": "0-9a-fA-F",
    "Space": " \\t\\n\\x0b\\f\\r",
}
_PROPERTY = re.compile(r"\\([pP])\{(?:Is)?(\w+)\}|\\([pP])([LMNPSZC])")
_SURROGATE_PAIR = re.compile(r"\\u(D[89AB][0-9A-F]{2})\\u(D[C-F][0-9A-F]{2})", re.IGNORECASE)


def _category_matches(name: str, char: str) -> bool:
    category = unicodedata.category(char)
    return category == name if len(name) == 2 else category[0] == name


def _ranges(chars: list[int]) -> str:
    """`a-zA-Z…` for a sorted list of code points."""
    parts: list[str] = []
    start = previous = -2
    for code in [*chars, -1]:
        if code == previous + 1:
            previous = code
            continue
        if start >= 0:
            parts.append(_escape(start) if start == previous else f"{_escape(start)}-{_escape(previous)}")
        start = previous = code
    return "".join(parts)


def _escape(code: int) -> str:
    return f"\\U{code:08x}"


@cache
def _ascii_members(name: str) -> tuple[int, ...]:
    return tuple(code for code in range(0x80) if _category_matches(name, chr(code)))


def _property_class(name: str, others: str) -> str:
    """The members of a POSIX class or Unicode general category (`L`, `Zs` …) that can matter: its
    ASCII members and those of `others` (the value's non-ASCII characters)."""
    if name in _POSIX:
        return _POSIX[name]
    if len(name) in (1, 2) and name[0] in "LMNPSZC":
        extra = [ord(char) for char in others if _category_matches(name, char)]
        return _ranges(sorted({*_ascii_members(name), *extra}))
    raise re.error(f"unsupported character property \\p{{{name}}}")


def _surrogates(match: re.Match[str]) -> str:
    high, low = int(match.group(1), 16), int(match.group(2), 16)
    return _escape(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))


def _group_end(pattern: str, start: int) -> int:
    """Index of the `)` that closes the group open at `start` (or the end of the pattern)."""
    depth, index, in_class = 0, start, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return index
            depth -= 1
        index += 1
    return len(pattern)


def _scope_inline_flags(pattern: str) -> str:
    """`x|(?i)y` → `x|(?i:y)`: Python accepts global flags only at the very start."""
    while True:
        match = re.search(r"(?<!^)(?<!\\)\(\?([aiLmsux]+)\)", pattern)
        if match is None:
            return pattern
        end = _group_end(pattern, match.end())
        pattern = f"{pattern[: match.start()]}(?{match.group(1)}:{pattern[match.end() : end]}){pattern[end:]}"


def _classes(pattern: str, others: str) -> str:
    """Expand `\\p{…}` in and out of classes; a `-` after a class escape inside a class is literal."""
    out: list[str] = []
    index, in_class = 0, False
    while index < len(pattern):
        match = _PROPERTY.match(pattern, index)
        if match:
            negated = (match.group(1) or match.group(3)) == "P"
            members = _property_class(match.group(2) or match.group(4), others)
            if in_class and negated:
                raise re.error("a negated property inside a class is not supported")
            out.append(members if in_class else f"[{'^' if negated else ''}{members}]")
            index = match.end()
            if in_class and pattern.startswith("-", index) and not pattern.startswith("-]", index):
                out.append("\\-")
                index += 1
            continue
        char = pattern[index]
        if char == "\\":
            escape = pattern[index : index + 2]
            out.append(escape)
            index += 2
            if in_class and escape[1:] in ("w", "W", "d", "D", "s", "S") and pattern.startswith("-", index):
                out.append("\\-")
                index += 1
            continue
        if in_class and char == "]" and out and out[-1] != "[":
            in_class = False
        elif not in_class and char == "[":
            in_class = True
            out.append(char)
            index += 1
            if pattern.startswith("^", index):
                out.append("^")
                index += 1
            if pattern.startswith("]", index):
                out.append("\\]")
                index += 1
            continue
        out.append(char)
        index += 1
    return "".join(out)


@cache
def compiled(pattern: str, others: str = "") -> re.Pattern[str]:
    """The model pattern as a Python regex, exact for values whose non-ASCII characters are `others`."""
    translated = _classes(_scope_inline_flags(_SURROGATE_PAIR.sub(_surrogates, pattern)), others)
    return re.compile(translated, re.ASCII)


def matches(pattern: str, value: str) -> bool:
    """Whether the whole value meets the model's pattern."""
    others = "" if value.isascii() else "".join(sorted({char for char in value if not char.isascii()}))
    return compiled(pattern, others).fullmatch(value) is not None
