"""The raw text of a SIP request, read where pjsua2's parsed view falls short (pure; no pjsua2).

pjsua2 prints a From over 256 bytes as `<-error: uri too long->`, cuts a Call-ID to 128 characters and does
not give the request URI of an INVITE: the media child reads these from the INVITE's text.
"""

from __future__ import annotations

from collections.abc import Iterator


def name_addr(value: str) -> str:
    """A From/To header value without its header parameters (`;tag=…`): `"Ann" <sip:1@h>;tag=x` → `"Ann" <sip:1@h>`."""
    value = value.strip()
    if ">" in value:
        return value[: value.rindex(">") + 1]
    return value.split(";", 1)[0].strip()


def request_uri(message: str) -> str:
    first = message.split("\r\n", 1)[0].split()
    return first[1] if len(first) >= 3 else ""


def header_fields(message: str) -> Iterator[tuple[str, str]]:
    """The SIP headers of a raw message, names lower-cased, first occurrence first (folded lines joined)."""
    head = message.split("\r\n\r\n", 1)[0]
    lines = head.split("\r\n")[1:]
    seen: set[str] = set()
    for line in lines:
        if ":" not in line:
            continue
        name, value = line.split(":", 1)
        name = name.strip().lower()
        if name in seen:
            continue
        seen.add(name)
        yield name, value.strip()
