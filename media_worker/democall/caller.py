"""democall's caller: one real SIP call from a pjsua2 endpoint of its own to the SIP front.

The management command only parses arguments and prints; this module drives a
`media_worker.pjsua.endpoint.Endpoint` (the pjsua2 adapter) under the same rule as a media child: one thread
polls `handle_events`, drains the adapter's events and decides. Nothing here imports pjsua2 or Django.

The call: probe the front with OPTIONS first (a front that is not running would otherwise cost the 32 s of
an INVITE transaction timeout before anyone learns anything), INVITE `sip:NUMBER@front` with the caller's
number in From, and once the call is answered and its audio is up: start recording what the caller hears,
then send the digits one at a time by RFC 4733 (a pause between them, as a person types, so a script's
prompt has time to start and each digit arrives as its own event). Then wait for the far end's BYE, or
hang up at the timeout.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from media_worker.democall.front_target import Front, local_ip, probe_front
from media_worker.pjsua import events

POLL_MS = 20
HEARTBEAT_S = 5.0  # a line at least this often while nothing else happens, so a long wait shows progress
STATS_EVERY_S = 0.5  # RTP counters are read while the call lasts: once it has ended its stream is gone
HANGUP_GRACE_S = 5.0  # after our own BYE/CANCEL: how long to wait for the call to end before giving up

Progress = Callable[[str], None]


class FrontUnreachable(Exception):
    """Nothing answers SIP at the front's address."""


class CallFailed(Exception):
    """The call could not be placed at all (pjsua2 refused the INVITE, no local port...)."""


@dataclass(frozen=True)
class CallRequest:
    number: str
    front: Front
    digits: str = ""
    caller: str = "+15551234567"
    record: Path | None = None
    play: Path | None = None  # a 16-bit mono WAV the caller "says", looped, instead of a quiet microphone
    timeout: float = 60.0
    dtmf_method: str = "rfc4733"  # or "info"
    digit_delay: float = 1.0  # after the audio is up, before the first digit
    digit_gap: float = 0.3  # between two digits


@dataclass
class CallResult:
    number: str
    target: str
    sip_call_id: str = ""
    status_code: int = 0
    reason: str = ""
    answered: bool = False
    answer_after_s: float | None = None  # INVITE sent -> 200 OK
    duration_s: float = 0.0  # answered -> ended
    total_s: float = 0.0  # INVITE sent -> ended
    ended_by: str = ""  # "far end", "timeout", "no end seen"
    digits_sent: str = ""
    recording: Path | None = None
    rtp_rx_packets: int = 0
    rtp_tx_packets: int = 0
    notes: list[str] = field(default_factory=list)


def check_digits(digits: str) -> str:
    """The digits upper-cased; ValueError naming the first one DTMF cannot carry."""
    for digit in digits:
        if digit.upper() not in events.DTMF_KEYS:
            raise ValueError(f"{digit!r} is not a DTMF digit (0-9, *, #, A-D)")
    return digits.upper()


def place_call(
    request: CallRequest, progress: Progress, *, endpoint_factory: Callable[..., Any] | None = None
) -> CallResult:
    """Place the call, report each step through `progress`, return the outcome once the call has ended."""
    started = time.monotonic()

    def say(text: str) -> None:
        progress(f"{time.monotonic() - started:7.2f}s  {text}")

    digits = check_digits(request.digits)
    status = probe_front(request.front)
    if status is None:
        raise FrontUnreachable(
            f"no SIP answer from the front at {request.front.uri()} ({request.front.transport.upper()}): is it "
            "running (`make run` starts it as the `sip` process; `manage.py sip_front` alone)?"
        )
    say(f"front {request.front.uri()} answers OPTIONS: {status}")

    address = local_ip(request.front)
    port = _free_port(address, tcp=request.front.transport == "tcp")
    rtp_port = _free_rtp_port(address)
    factory = endpoint_factory or _endpoint_class()
    try:
        endpoint = factory(
            port,
            bind_address=address,
            public_address=address,
            rtp_port=rtp_port,
            rtp_port_range=20,
            capacity=1,
            tcp=request.front.transport == "tcp",
            log_level=0,
            id_uri=f"sip:{request.caller}@{address}:{port}",
        )
    except Exception as exc:  # pjsua2 raises its own Error type, which this module does not import
        raise CallFailed(f"could not start the caller's SIP endpoint on {address}:{port}: {_text(exc)}") from None
    target = request.front.uri(request.number)
    result = CallResult(number=request.number, target=target)
    try:
        _run_call(endpoint, request, digits, target, result, say)
    finally:
        endpoint.close()
    return result


def _run_call(endpoint, request: CallRequest, digits: str, target: str, result: CallResult, say) -> None:
    try:
        call_id = endpoint.make_call(target)
    except Exception as exc:
        raise CallFailed(f"the INVITE to {target} could not be sent: {_text(exc)}") from None
    result.sip_call_id = endpoint.sip_call_id(call_id)
    sent_at = time.monotonic()
    say(f"INVITE {target} from {request.caller} (Call-ID {result.sip_call_id})")
    deadline = sent_at + request.timeout
    answered_at: float | None = None
    next_digit_at: float | None = None
    pending = list(digits)
    hung_up_at: float | None = None
    last_line = next_stats = time.monotonic()
    ended = False
    while not ended:
        endpoint.handle_events(POLL_MS)
        now = time.monotonic()
        for event in endpoint.drain():
            if isinstance(event, events.IncomingCall):  # nobody calls the demo caller: refuse politely
                endpoint.answer(event.call_id, 486)
                continue
            if getattr(event, "call_id", None) != call_id:
                continue
            last_line = now
            if isinstance(event, events.CallState):
                if event.state == "EARLY":
                    say(f"{event.status_code} ringing" if event.status_code == 180 else f"{event.status_code} early")
                elif event.state == "CONFIRMED" and answered_at is None:
                    answered_at = now
                    result.answered = True
                    result.answer_after_s = now - sent_at
                    say("200 OK: answered")
            elif isinstance(event, events.MediaReady):
                say("audio connected")
                if request.play is not None and endpoint.play(call_id, str(request.play), loop=True):
                    say(f"playing {request.play} into the call")
                else:  # a phone's quiet microphone: RFC 4733 digits need a live stream
                    endpoint.send_silence(call_id)
                if request.record is not None and result.recording is None:
                    if endpoint.record(call_id, str(request.record)):
                        result.recording = request.record
                        say(f"recording what the caller hears to {request.record}")
                if pending and next_digit_at is None:
                    next_digit_at = now + request.digit_delay
            elif isinstance(event, events.Dtmf):
                say(f"DTMF {event.digit} received")
            elif isinstance(event, events.Ended):
                ended = True
                result.status_code, result.reason = event.status_code, event.reason
                result.rtp_tx_packets = max(result.rtp_tx_packets, event.rtp_tx_packets)
                result.rtp_rx_packets = max(result.rtp_rx_packets, event.rtp_rx_packets)
                result.ended_by = result.ended_by or "far end"
                say(f"call ended: {event.status_code} {event.reason}".rstrip())
        if ended:
            break
        if answered_at is not None and now >= next_stats:
            next_stats = now + STATS_EVERY_S
            result.rtp_tx_packets, result.rtp_rx_packets = endpoint.stats(call_id)
        if pending and next_digit_at is not None and now >= next_digit_at and hung_up_at is None:
            digit = pending.pop(0)
            if endpoint.send_dtmf(call_id, digit, method=request.dtmf_method):
                result.digits_sent += digit
                say(f"DTMF {digit} sent ({'RFC 4733' if request.dtmf_method == 'rfc4733' else 'SIP INFO'})")
            else:
                result.notes.append(f"DTMF {digit} could not be sent")
                say(f"DTMF {digit} NOT sent (pjsua2 refused it)")
            next_digit_at = now + request.digit_gap
            last_line = now
        if hung_up_at is None and now >= deadline:
            hung_up_at = now
            result.ended_by = "timeout"
            say(f"timeout ({request.timeout:g} s): hanging up")
            endpoint.hangup(call_id)
        elif hung_up_at is not None and now - hung_up_at > HANGUP_GRACE_S:
            result.ended_by = "no end seen"
            result.notes.append("the call did not end after our hang-up")
            say("the call did not end after the hang-up: giving up")
            break
        if now - last_line >= HEARTBEAT_S:
            last_line = now
            say("connected, waiting for the far end to hang up" if answered_at else "still waiting for an answer")
    end = time.monotonic()
    result.total_s = end - sent_at
    result.duration_s = end - answered_at if answered_at is not None else 0.0


def _endpoint_class():
    from media_worker.pjsua.endpoint import Endpoint  # imported late: the rest of the module works without pjsua2

    return Endpoint


def _free_port(host: str, *, tcp: bool) -> int:
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((host, 0))
            port = udp.getsockname()[1]
            if not tcp:
                return port
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as stream:
                try:
                    stream.bind((host, port))
                except OSError:
                    continue
                return port
    raise CallFailed("no free local SIP port")


def _free_rtp_port(host: str) -> int:
    """An even port with the next one free too (RTP + RTCP), away from the media children's 10000+ ranges."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((host, 0))
            port = udp.getsockname()[1] & ~1
        try:
            for candidate in (port, port + 1):
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as check:
                    check.bind(("0.0.0.0", candidate))
        except OSError:
            continue
        return port
    raise CallFailed("no free local RTP port")


def _text(exc: Exception) -> str:
    info = getattr(exc, "info", None)
    return info() if callable(info) else str(exc)
