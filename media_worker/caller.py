"""democall's caller: one real SIP call from a pjsua2 endpoint of its own to the SIP front.

The management command only parses arguments and prints; this module drives a
`media_worker.endpoint.Endpoint` (the only pjsua2 import) under the same rule as a media child: one thread
polls `handle_events`, drains the adapter's events and decides. Nothing here imports pjsua2 or Django.

The call: probe the front with OPTIONS first (a front that is not running would otherwise cost the 32 s of
an INVITE transaction timeout before anyone learns anything), INVITE `sip:NUMBER@front` with the caller's
number in From, and once the call is answered and its audio is up: start recording what the caller hears,
then send the digits one at a time by RFC 4733 (a pause between them, as a person types, so a script's
prompt has time to start and each digit arrives as its own event). Then wait for the far end's BYE, or
hang up at the timeout.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from media_worker import events

DTMF_DIGITS = frozenset("0123456789*#ABCD")
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
class Front:
    host: str
    port: int = 5060
    transport: str = "udp"

    def uri(self, user: str = "") -> str:
        at = f"{user}@" if user else ""
        params = ";transport=tcp" if self.transport == "tcp" else ""
        return f"sip:{at}{self.host}:{self.port}{params}"


@dataclass(frozen=True)
class CallRequest:
    number: str
    front: Front
    digits: str = ""
    caller: str = "+15551234567"
    record: Path | None = None
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


def default_front(environ: os._Environ | dict[str, str] | None = None) -> str:
    """The front `make run` starts: CCWEB_SIP_PORT (5060) on CCWEB_SIP_LISTEN, or on 127.0.0.1 when it
    listens on every interface."""
    environ = os.environ if environ is None else environ
    port = (environ.get("CCWEB_SIP_PORT") or "").strip() or "5060"
    listen = (environ.get("CCWEB_SIP_LISTEN") or "").strip()
    host = listen if listen and listen not in ("0.0.0.0", "::") else "127.0.0.1"
    return f"sip:{host}:{port}"


def parse_front(text: str) -> Front:
    """`sip:127.0.0.1:5060`, `127.0.0.1:5060`, `sip:host;transport=tcp` or `host` → Front; ValueError otherwise."""
    value = text.strip()
    if value.lower().startswith("sip:"):
        value = value[4:]
    value, _, params = value.partition(";")
    transport = "udp"
    for param in params.split(";"):
        name, _, setting = param.partition("=")
        if name.strip().lower() == "transport":
            transport = setting.strip().lower()
    if transport not in ("udp", "tcp"):
        raise ValueError(f"front {text!r}: transport must be udp or tcp")
    if "@" in value:
        value = value.split("@", 1)[1]
    host, _, port_text = value.rpartition(":") if value.count(":") == 1 else (value, "", "")
    try:
        port = int(port_text) if port_text else 5060
    except ValueError:
        raise ValueError(f"front {text!r}: {port_text!r} is not a port number") from None
    if not host or not 0 < port < 65536:
        raise ValueError(f"front {text!r}: give it as sip:HOST:PORT")
    return Front(host, port, transport)


def check_digits(digits: str) -> str:
    """The digits upper-cased; ValueError naming the first one DTMF cannot carry."""
    digits = digits.upper()
    for digit in digits:
        if digit not in DTMF_DIGITS:
            raise ValueError(f"{digit!r} is not a DTMF digit (0-9, *, #, A-D)")
    return digits


def probe_front(front: Front, *, timeout: float = 1.0, attempts: int = 2) -> str | None:
    """Send OPTIONS to the front; the status line of its answer, or None when nothing answers."""
    try:
        address = socket.gethostbyname(front.host)
    except OSError:
        return None
    for _ in range(attempts):
        kind = socket.SOCK_STREAM if front.transport == "tcp" else socket.SOCK_DGRAM
        with socket.socket(socket.AF_INET, kind) as sock:
            sock.settimeout(timeout)
            try:
                sock.connect((address, front.port))
                local_host, local_port = sock.getsockname()
                sock.send(_options(front, local_host, local_port).encode())
                data = sock.recv(65535)
            except OSError:  # refused (ICMP or RST), timed out, unreachable
                if kind == socket.SOCK_STREAM:
                    return None
                continue
        line = data.decode(errors="replace").split("\r\n", 1)[0]
        if line.startswith("SIP/2.0 "):
            return line
    return None


def place_call(
    request: CallRequest, progress: Progress, *, endpoint_factory: Callable[..., object] | None = None
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

    local_ip = _local_ip(request.front)
    port = _free_port(local_ip, tcp=request.front.transport == "tcp")
    rtp_port = _free_rtp_port(local_ip)
    factory = endpoint_factory or _endpoint_class()
    try:
        endpoint = factory(
            port,
            bind_address=local_ip,
            public_address=local_ip,
            rtp_port=rtp_port,
            rtp_port_range=20,
            capacity=1,
            tcp=request.front.transport == "tcp",
            log_level=0,
            id_uri=f"sip:{request.caller}@{local_ip}:{port}",
        )
    except Exception as exc:  # pjsua2 raises its own Error type, which this module does not import
        raise CallFailed(f"could not start the caller's SIP endpoint on {local_ip}:{port}: {_text(exc)}") from None
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
                endpoint.send_silence(call_id)  # a phone's quiet microphone: RFC 4733 digits need a live stream
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
    from media_worker.endpoint import Endpoint  # imported late: the rest of the module works without pjsua2

    return Endpoint


def _local_ip(front: Front) -> str:
    """The local address the front reaches us on (the one the kernel routes to it from)."""
    try:
        address = socket.gethostbyname(front.host)
    except OSError:
        return "127.0.0.1"
    if ipaddress.ip_address(address).is_loopback:
        return "127.0.0.1"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect((address, front.port))  # no packet is sent: this only picks the route
        return probe.getsockname()[0]


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


def _options(front: Front, local_host: str, local_port: int) -> str:
    tag = uuid.uuid4().hex[:12]
    transport = "TCP" if front.transport == "tcp" else "UDP"
    return (
        f"OPTIONS {front.uri()} SIP/2.0\r\n"
        f"Via: SIP/2.0/{transport} {local_host}:{local_port};branch=z9hG4bK{tag};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:democall@{local_host}:{local_port}>;tag={tag}\r\n"
        f"To: <{front.uri()}>\r\n"
        f"Call-ID: {tag}@{local_host}\r\n"
        "CSeq: 1 OPTIONS\r\n"
        "Content-Length: 0\r\n\r\n"
    )


def _text(exc: Exception) -> str:
    info = getattr(exc, "info", None)
    return info() if callable(info) else str(exc)
