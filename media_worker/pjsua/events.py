"""Plain-Python events the pjsua2 adapter puts on its queue for the child's loop.

pjsua2 callbacks (`media_worker.pjsua.endpoint`) build one of these and return: no SIP or media work happens inside a
callback. `call_id` is the adapter's own serial number for a call (never the pjsua slot number, which pjsua
reuses), so an event for a call that already ended can never be mistaken for a newer call. Nothing here
imports pjsua2 or Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class IncomingCall:
    """A new INVITE. The call waits, unanswered, until the loop answers it (or rejects it)."""

    call_id: int
    from_uri: str
    to_uri: str
    request_uri: str = ""
    display_name: str = ""
    sip_call_id: str = ""
    source_address: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def dialed_number(self) -> str:
        """The user part of the request URI (or of the To URI), e.g. `1000` for `sip:1000@host`."""
        return uri_user(self.request_uri or self.to_uri)

    @property
    def caller_number(self) -> str:
        return uri_user(self.from_uri)


@dataclass(frozen=True)
class CallState:
    """The INVITE session moved to `state` (pjsua's names without the prefix: EARLY, CONFIRMED, …)."""

    call_id: int
    state: str
    status_code: int = 0


@dataclass(frozen=True)
class MediaReady:
    """The call's audio is connected to the conference bridge: prompts can play now."""

    call_id: int


#: the sixteen DTMF keys (RFC 4733 events 0-15); anything else a SIP INFO claims is not a key anybody pressed
DTMF_KEYS = frozenset("0123456789*#ABCD")


@dataclass(frozen=True)
class Dtmf:
    """One DTMF digit, by RFC 4733 or SIP INFO."""

    call_id: int
    digit: str


@dataclass(frozen=True)
class PlayDone:
    """The call's non-looping prompt reached its end."""

    call_id: int


@dataclass(frozen=True)
class Ended:
    """The call is over (either side hung up, or it was rejected); the adapter has released it.

    `status_code` is the last SIP status of the session (200 for a normal BYE after answer, 486 for a
    rejection, 487 for a cancelled INVITE…); `reason` is its text.
    """

    call_id: int
    status_code: int
    reason: str = ""
    rtp_tx_packets: int = 0
    rtp_rx_packets: int = 0


@dataclass(frozen=True)
class Hold:
    """The far end put the call on hold (its SDP says sendonly or inactive: `held`) or took it off again."""

    call_id: int
    held: bool


@dataclass(frozen=True)
class TransferRequest:
    """The far end asked to transfer the call (SIP REFER) to `target`, its Refer-To URI. The adapter has
    declined the REFER itself: ccweb's own blind transfer decides (`media_worker.flows.transfer`)."""

    call_id: int
    target: str


Event = IncomingCall | CallState | MediaReady | Dtmf | PlayDone | Ended | Hold | TransferRequest


def uri_user(uri: str) -> str:
    """`"Bob" <sip:+1555@host;x=y>` → `+1555`; empty when the URI has no user part."""
    inner = uri
    if "<" in inner:
        inner = inner.split("<", 1)[1].split(">", 1)[0]
    for scheme in ("sips:", "sip:", "tel:"):
        if inner.lower().startswith(scheme):
            inner = inner[len(scheme) :]
            break
    if "@" not in inner and not uri.lower().lstrip("<").startswith("tel:"):
        return ""
    return inner.split("@", 1)[0].split(";", 1)[0]


def display_name(uri: str) -> str:
    """`"Bob Smith" <sip:1@h>` → `Bob Smith`; `Bob <sip:1@h>` → `Bob`; no display name → ``."""
    if "<" not in uri:
        return ""
    return uri.split("<", 1)[0].strip().strip('"').strip()
