"""Where an outbound leg goes: a destination as people write it (a SIP URI, `user@host`, a number) as the SIP
URI to dial, numbers through the outbound gateway. Pure: callbacks, transfers and dial lists share it."""

from __future__ import annotations

import re
from collections.abc import Mapping


def outbound_gateway(environ: Mapping[str, str]) -> str:
    """CCWEB_OUTBOUND_GATEWAY: the host (and port) numbers are dialled at; empty when there is none."""
    return environ.get("CCWEB_OUTBOUND_GATEWAY", "").strip()


class DestinationError(ValueError):
    """A destination that cannot be dialled; `result` is the dial result to report."""

    def __init__(self, result: str, message: str) -> None:
        super().__init__(message)
        self.result = result


_VISUAL_SEPARATORS = re.compile(r"[\s\-.()/]")
_NUMBER = re.compile(r"\+?[0-9*#]+")


def destination_uri(destination: str, gateway: str) -> str:
    """The SIP URI to dial for a callback destination.

    A `sip:`/`sips:` URI is dialled as is; `user@host` gets `sip:`. A number (`tel:` or bare, with spaces,
    dashes, dots or brackets as people write them) goes to the outbound gateway: `sip:<number>@<gateway>`.
    Raises DestinationError: "wrong_number" for text that is no number, "failed" when a number has no
    gateway to go to (a configuration problem, not the customer's).
    """
    text = destination.strip()
    if any(ch in text for ch in '\r\n\t<>"') or not text:
        raise DestinationError("wrong_number", f"destination {destination!r} is not a SIP URI or a number")
    lower = text.lower()
    if lower.startswith(("sip:", "sips:")):
        return text
    if lower.startswith("tel:"):
        text = text[4:].split(";", 1)[0]
    elif "@" in text:
        return f"sip:{text}"
    number = _VISUAL_SEPARATORS.sub("", text)
    if not _NUMBER.fullmatch(number):
        raise DestinationError("wrong_number", f"destination {destination!r} is not a number")
    host = gateway.strip()
    if host.lower().startswith("sip:"):
        host = host[4:]
    if not host:
        raise DestinationError("failed", "no outbound gateway (CCWEB_OUTBOUND_GATEWAY) to dial a number")
    return f"sip:{number.replace('#', '%23')}@{host}"
