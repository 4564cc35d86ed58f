"""Originate (issue 6 item 6): a media child dials the ACD's outbound requests (callbacks now, the dialer later).

When the ACD reserves an agent for a callback it adds one dial request per attempt to its originate stream
(`AcdEngine.claim_originate`: each request goes to one consumer, so an attempt is dialled once). A child takes
a request only when it has room for both legs (the agent's and the customer's) and keeps those slots from
new callers meanwhile (`Originator.reserved_slots`). Then, as a contact center does it:

1. the reserved agent's extension rings, with the callback's kept profile as `X-STCC-<Field>` headers
   (`media_worker.flows.stcc_headers`); 180/183 → `ringing`. No answer within the service's ring time
   (the leg is cancelled), busy or an error → the agent's no-answer path, nothing else is dialled;
2. once the agent answered, the customer's number is dialled (`routing.destinations.destination_uri`: a
   `sip:` URI as is, a bare number at the outbound gateway `CCWEB_OUTBOUND_GATEWAY`) and rings for
   `CCWEB_CALLBACK_RING_SECONDS` (then it is cancelled); its SIP result maps to a dial result (`customer_result`);
3. answered → the legs are bridged and the ACD is told `answered`; anything else → `callback_failed` (the
   attempt is used up, the agent is available again) and the agent's leg is hung up;
4. the request is acknowledged as soon as the ACD knows the result; each attempt gets a CallRecord.

While it dials, the child keeps the ACD's reservation alive (`OriginatePort.hold`): the agent's ring and the
customer's add up to more than the service's ring time, after which `reconcile` would free the agent.

Modules: this one is pure (the SIP status mapping, destinations, room, settings, the request, the ports);
`originate_dial` is the async flow of one attempt; `originator` is the child's hook (poll when there is room,
keep slots, take over stale requests); `originate_acd` is the ACD and records side. None but the last imports
Django, none imports pjsua2: the endpoint is the `Dialer` port, and every blocking port call runs in a worker
thread. Docs: docs/sip-front.md, "Outbound calls (originate)".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from routing.destinations import outbound_gateway

SLOTS_PER_CALLBACK = 2  # the agent's leg and the customer's
DEFAULT_AGENT_RING_MS = 20000

#: dial results, as acd.services.acd_calls.DIAL_RESULTS
BUSY = (486, 600)
NO_ANSWER = (408, 480, 487)
WRONG_NUMBER = (404, 484, 604)


def customer_result(status: int | None) -> str:
    """The dial result of the customer's leg from its final SIP status.

    200 answered; 486/600 busy; 408/480/487 no answer (487 is what our own CANCEL after the ring time
    yields); 404/484/604 wrong number; anything else (other 4xx/5xx/6xx, or no response at all) failed.
    """
    if status is not None and 200 <= status < 300:
        return "answered"
    if status in BUSY:
        return "busy"
    if status in NO_ANSWER:
        return "no_answer"
    if status in WRONG_NUMBER:
        return "wrong_number"
    return "failed"


def has_room(active_calls: int, capacity: int, dialling: int) -> bool:
    """A child takes a request when both legs fit beside its calls (one dial at a time per child)."""
    return dialling == 0 and active_calls + SLOTS_PER_CALLBACK <= capacity


@dataclass(frozen=True)
class OriginateSettings:
    gateway: str = ""
    customer_ring_s: float = 30.0
    poll_s: float = 1.0
    stale_s: float = 600.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> OriginateSettings:
        """CCWEB_OUTBOUND_GATEWAY, CCWEB_CALLBACK_RING_SECONDS, CCWEB_ORIGINATE_POLL_SECONDS,
        CCWEB_ORIGINATE_STALE_SECONDS (docs/sip-front.md)."""

        def seconds(name: str, default: float, minimum: float) -> float:
            try:
                return max(minimum, float(environ.get(name, "").strip() or default))
            except ValueError:
                return default

        return cls(
            gateway=outbound_gateway(environ),
            customer_ring_s=seconds("CCWEB_CALLBACK_RING_SECONDS", 30.0, 5.0),
            poll_s=seconds("CCWEB_ORIGINATE_POLL_SECONDS", 1.0, 0.2),
            # longer than any dial takes before its ack (a 300 s agent ring + the customer's ring)
            stale_s=seconds("CCWEB_ORIGINATE_STALE_SECONDS", 600.0, 60.0),
        )


@dataclass(frozen=True)
class DialRequest:
    """One message of the originate stream (fields written by the engine's `reserve`, lua_common.py)."""

    message_id: str
    call_id: str
    agent: str
    extension: str = ""
    service: str = ""
    group: str = ""
    destination: str = ""
    attempt: str = ""
    ring_ms: int = DEFAULT_AGENT_RING_MS

    @classmethod
    def from_message(cls, message_id: str, fields: Mapping[str, str]) -> DialRequest:
        try:
            ring_ms = max(1000, int(fields.get("ring_ms") or DEFAULT_AGENT_RING_MS))
        except ValueError:
            ring_ms = DEFAULT_AGENT_RING_MS
        return cls(
            message_id=message_id,
            call_id=fields.get("call", ""),
            agent=fields.get("agent", ""),
            extension=(fields.get("extension") or "").strip(),
            service=fields.get("service", ""),
            group=fields.get("group", ""),
            destination=fields.get("destination", ""),
            attempt=fields.get("attempt", ""),
            ring_ms=ring_ms,
        )

    @property
    def record_id(self) -> str:
        """The attempt's CallRecord id: the ACD call id can repeat (one call, many attempts), the message id not."""
        return f"{self.call_id}:{self.message_id}"


@dataclass(frozen=True)
class Outcome:
    """What became of one request: `result` is a dial result, `agent_no_answer`, or `stale` (not ours any
    more: the reservation was gone, nothing dialled)."""

    result: str
    sip_status: int | None = None
    reason: str = ""


class Dialer(Protocol):
    """The endpoint's outbound side (media_worker.pjsua.endpoint.Endpoint); called on the child's loop thread."""

    def make_call(self, uri: str, headers: dict[str, str] | None = None, listener: Any = None) -> int: ...

    def hangup(self, call_id: int, code: int = 0) -> None: ...

    def bridge(self, call_a: int, call_b: int) -> bool: ...


class OriginatePort(Protocol):
    """The ACD and the call records (media_worker.flows.originate_acd.AcdOriginatePort). Blocking: run in threads."""

    def hold(self, request: DialRequest, ms: int) -> bool: ...

    def profile(self, request: DialRequest) -> dict[str, str]: ...

    def exported_fields(self) -> list[str]: ...

    def record_started(self, request: DialRequest, profile: Mapping[str, str]) -> bool: ...

    def record_finished(self, request: DialRequest, outcome: Outcome, profile: Mapping[str, str]) -> None: ...

    def ringing(self, request: DialRequest) -> None: ...

    def agent_no_answer(self, request: DialRequest) -> None: ...

    def answered(self, request: DialRequest) -> None: ...

    def failed(self, request: DialRequest, result: str) -> None: ...

    def ended(self, request: DialRequest) -> None: ...

    def ack(self, request: DialRequest) -> None: ...
