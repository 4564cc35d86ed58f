"""What an agent's desktop shows of an offered call: the exported profile fields and the CRM link.

The screen-pop URL template of a service (`https://crm.example.com/customer?id=%Customer Number%`) names
profile fields as `%Field%` tokens; each value is URL-encoded when the link is built, so a caller's ANI or
name never becomes part of the URL's structure. Plain Python: the desktop, the tests and the bench call it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from urllib.parse import quote, urlsplit

# As in scripts and SQL: `%…%` is a field reference when the name reads like a field name (a letter first,
# words separated by single spaces), so "%20" in a URL stays text.
_TOKEN = re.compile(r"%([^\W\d][\w\-]*(?: [\w\-]+)*)%")
MAX_VALUE = 512


def url_tokens(template: str) -> list[str]:
    return [match.group(1) for match in _TOKEN.finditer(template)]


def url_template_errors(template: str, field_names: Collection[str]) -> list[str]:
    """Why `template` cannot be a screen-pop URL (empty list: it can): an unknown field, a scheme that is not
    http or https (a `javascript:` link would run in the agent's browser)."""
    if not template:
        return []
    errors = [f"Unknown call profile field '{name}'." for name in url_tokens(template) if name not in field_names]
    scheme = urlsplit(_TOKEN.sub("x", template)).scheme.lower()
    if scheme not in ("http", "https"):
        errors.append("A screen-pop URL starts with http:// or https://.")
    return errors


def expand_url(template: str, profile: Mapping[str, str]) -> str:
    """The template with each `%Field%` replaced by the field's URL-encoded value ('' when empty)."""
    if not template:
        return ""
    return _TOKEN.sub(lambda m: quote(str(profile.get(m.group(1), "") or "")[:MAX_VALUE], safe=""), template)


def pop_fields(profile: Mapping[str, str], exported: Iterable[str]) -> list[dict[str, str]]:
    """The exported fields with a value, in the order given: [{"name": …, "value": …}]."""
    fields = []
    for name in exported:
        value = str(profile.get(name, "") or "")
        if value:
            fields.append({"name": name, "value": value[:MAX_VALUE]})
    return fields


def screen_pop(
    *,
    call_id: str,
    agent: str,
    service: str,
    profile: Mapping[str, str],
    exported: Iterable[str],
    url_template: str = "",
    waited_s: float | None = None,
    offered_ms: int = 0,
) -> dict[str, object]:
    """The message an agent's desktop gets when a call is offered (and again in a snapshot while it lasts)."""
    return {
        "call": call_id,
        "agent": agent,
        "service": service,
        "fields": pop_fields(profile, exported),
        "url": expand_url(url_template, profile),
        "waited_s": None if waited_s is None else round(max(0.0, waited_s), 1),
        "offered_ms": offered_ms,
    }
