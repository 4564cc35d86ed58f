"""The call profile on an outbound leg: every exported field with a value as an `X-STCC-<Field>` header.

The agent's phone (and a transfer target) reads the caller's data from these headers; values come from the
caller and the customer's database, so each is one clean header line (no CR/LF, no control characters).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote

from calls.selectors import exported_field_names

HEADER_PREFIX = "X-STCC-"
MAX_HEADER_VALUE = 512


def header_name(field: str) -> str:
    """`Customer Number` → `X-STCC-Customer-Number` (anything not a SIP token character becomes `-`)."""
    token = re.sub(r"\s+", "-", field.strip())
    token = re.sub(r"[^A-Za-z0-9\-.!%*_+`'~]", "-", token)
    return HEADER_PREFIX + token


def header_value(value: object) -> str:
    """One header line: control characters (CR, LF, tabs…) become spaces, runs collapse, length capped."""
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", str(value))
    return re.sub(r" {2,}", " ", text).strip()[:MAX_HEADER_VALUE]


def agent_headers(profile: Mapping[str, str], exported: Iterable[str]) -> dict[str, str]:
    """The `X-STCC-<Field>` headers of the exported fields that have a non-empty value."""
    headers: dict[str, str] = {}
    for name in exported:
        value = header_value(profile.get(name, "") or "")
        if value:
            headers[header_name(name)] = value
    return headers


# RFC 3261 25.1: what a user part may hold unescaped (unreserved and user-unreserved, without ';' which
# would start parameters)
_USER_SAFE = "-_.!~*'()&=+$,?/"


def caller_identity(profile: Mapping[str, str], agent_uri: str) -> str:
    """The caller as a name-addr for the agent's leg (its From and P-Asserted-Identity): the ANI and Caller
    Name, which phones show. The name is a quoted-string with `"` and `\\` escaped, the number is
    percent-encoded, so neither can change the header's structure."""
    ani = header_value(profile.get("ANI", "") or "")
    name = header_value(profile.get("Caller Name", "") or "")
    host = agent_uri.split("@", 1)[1].split(";", 1)[0].split(">", 1)[0] if "@" in agent_uri else "anonymous.invalid"
    user = quote(ani, safe=_USER_SAFE) if ani else "anonymous"
    display = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{display}" <sip:{user}@{host}>' if display else f"<sip:{user}@{host}>"


def exported_fields() -> list[str]:
    """The names of the exported profile fields (blocking: the database)."""
    return exported_field_names()
