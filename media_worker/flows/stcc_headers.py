"""The call profile on an outbound leg: every exported field with a value as an `X-STCC-<Field>` header.

The agent's phone (and a transfer target) reads the caller's data from these headers; values come from the
caller and the customer's database, so each is one clean header line (no CR/LF, no control characters).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

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


def exported_fields() -> list[str]:
    """The names of the exported profile fields (blocking: the database)."""
    return exported_field_names()
