"""Agent phones for the end-to-end tests: rtpengine, a front with registrar + WebSocket, sipp desk phones.

For a browser-phone test (Chromium + JsSIP), in a module fixture:

    env = installation_env(var, REDIS_DB, "softphone")       # tests.integration.media.pool
    with phone_stack(env, work, children=2) as stack:        # rtpengine + media pool + front with WebSocket
        # env now also holds CCWEB_SIP_WS_PORT, CCWEB_SIP_WEB_SECRET, CCWEB_SIP_REALM, CCWEB_SIP_FRONT...:
        # start daphne with this env and the desktop's `browser_phone(agent)` hands the browser
        # ws://127.0.0.1:<stack.ws_port> and ephemeral credentials the front accepts.
        ...

`phone_stack` sets those variables in `env` *before* starting anything, so every process of the
installation (media children, daphne, `call(env, ...)`) agrees on the realm, the secret and where the
front is. The pieces are usable alone: `rtpengine(work)` (a userspace rtpengine on free ports, pinged
until it answers), `phone_env(env, ...)`, `register_phone(...)` (a sipp desk phone's REGISTER).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from websockets.sync.client import connect as ws_connect
from websockets.typing import Subprotocol

from sip_front import rtpengine as rtp
from tests.integration.media import sipfront_helpers as f
from tests.integration.media.pool import media_pool

HOST = f.HOST
REALM = "ccweb-test"


def rtpengine_available() -> bool:
    try:
        rtp.rtpengine_binary()
    except FileNotFoundError:
        return False
    return True


@dataclass
class RtpEngineProcess:
    engine: rtp.RtpEngine
    process: subprocess.Popen
    log: Path

    @property
    def ng(self) -> str:
        return self.engine.ng

    def ping(self) -> bool:
        return rtp.ng_ping(self.engine.ng_address)


def _free_port_range(size: int = 200) -> tuple[int, int]:
    """An even-aligned block of UDP ports none of which is bound now (rtpengine takes RTP/RTCP pairs)."""
    for start in range(40000 + secrets.randbelow(200) * 100, 60000, 400):
        if all(_udp_free(port) for port in range(start, start + size, 17)):
            return start, start + size - 1
    raise RuntimeError("no free port range for rtpengine")


def _udp_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


@contextmanager
def rtpengine(work: Path, *, interface: str = HOST) -> Iterator[RtpEngineProcess]:
    """rtpengine as `manage.py rtpengine` runs it (userspace, --dtls-passive), on a free ng port and a free
    port range; yields once it answers an ng ping, stops it after."""
    port_min, port_max = _free_port_range()
    engine = rtp.RtpEngine(
        interface=interface, ng=f"{HOST}:{f.free_udp_port()}", port_min=port_min, port_max=port_max, log_level=6
    )
    log = work / "rtpengine.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            rtp.rtpengine_command(engine), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    started = RtpEngineProcess(engine=engine, process=process, log=log)
    try:
        deadline = time.monotonic() + 10
        while not started.ping():
            assert process.poll() is None, log.read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "rtpengine did not answer ng ping: " + log.read_text()[-2000:]
            time.sleep(0.1)
        yield started
    finally:
        f.stop_process(process)


def phone_env(env: dict[str, str], *, front_port: int, ws_port: int | None) -> dict[str, str]:
    """Set (in place) the variables every process of the installation must share for agent phones."""
    env.update(
        {
            "CCWEB_SIP_FRONT": f"{HOST}:{front_port}",
            "CCWEB_SIP_PORT": str(front_port),
            "CCWEB_SIP_LISTEN": HOST,
            "CCWEB_SIP_DOMAIN": HOST,
            "CCWEB_SIP_REALM": REALM,
            "CCWEB_SIP_WS_PORT": str(ws_port or 0),
            "CCWEB_SIP_WEB_SECRET": env.get("CCWEB_SIP_WEB_SECRET") or secrets.token_urlsafe(32),
        }
    )
    return env


def front_options(env: dict[str, str], *, front_port: int, ws_port: int | None, rtp_ng: str | None) -> dict[str, Any]:
    """SipFront fields of a front for agent phones, as `manage.py sip_front` fills them from `env`'s settings."""
    prefix = env.get("CCWEB_ACD_REDIS_PREFIX", "ccweb:acd:")
    options: dict[str, Any] = {
        "port": front_port,
        "realm": env["CCWEB_SIP_REALM"],
        "redis_url": env["REDIS_URL"],
        "ha1_key": f"{prefix}sip:ha1",
    }
    if ws_port:
        options |= {"ws_port": ws_port, "web_secret": env["CCWEB_SIP_WEB_SECRET"], "rtpengine_ng": rtp_ng}
    return options


@dataclass
class PhoneStack:
    """A media pool behind a front that registers phones (and takes browsers on `ws_port`)."""

    env: dict[str, str]
    front: f.Front
    log: Path
    rtp: RtpEngineProcess | None
    ws_port: int | None

    @property
    def ws_url(self) -> str:
        return f"ws://{HOST}:{self.ws_port}"

    def bindings(self, extension: str) -> str:
        """`kamcmd ul.lookup location <extension>`: the registered contacts, or the "not found" error."""
        kamcmd = shutil.which("kamcmd") or shutil.which("kamcmd", path="/usr/sbin")
        # "s:": kamcmd would send 1001 as a number, which ul.lookup does not take for an AOR
        done = subprocess.run(
            [kamcmd, "-s", self.front.config.ctl_socket, "ul.lookup", "location", f"s:{extension}"],
            capture_output=True,
            text=True,
            timeout=5,
        )
        return done.stdout + done.stderr


@contextmanager
def phone_stack(
    env: dict[str, str], work: Path, children: int = 2, *, websocket: bool = True, ready_s: float = 40
) -> Iterator[PhoneStack]:
    """rtpengine (with `websocket`), then `media_pool` with a front that is registrar, WebSocket server and
    rtpengine's driver; `env` gets the shared settings first (phone_env). Stops everything after."""
    front_port = f.free_udp_port()
    ws_port = f.free_udp_port() if websocket else None
    phone_env(env, front_port=front_port, ws_port=ws_port)
    with _maybe_rtpengine(work, websocket) as engine:
        options = front_options(env, front_port=front_port, ws_port=ws_port, rtp_ng=engine.ng if engine else None)
        with media_pool(env, work, children, ready_s=ready_s, front_options=options) as (front, log):
            yield PhoneStack(env=env, front=front, log=log, rtp=engine, ws_port=ws_port)


@contextmanager
def _maybe_rtpengine(work: Path, wanted: bool) -> Iterator[RtpEngineProcess | None]:
    if not wanted:
        yield None
        return
    with rtpengine(work) as engine:
        yield engine


def register_phone(
    work: Path, front_port: int, extension: str, password: str, *, port: int, scenario: str = "phone_register.xml"
) -> subprocess.CompletedProcess:
    """A sipp desk phone on `port` registers `extension` at the front (401 challenge, then digest answer);
    exit code 0 when the scenario's final answer came (200, or 403 for phone_register_refused.xml)."""
    args = [f.sipp_binary(), f"{HOST}:{front_port}", "-sf", str(f.SCENARIOS / scenario), "-i", HOST]
    args += ["-p", str(port), "-bind_local", "-s", extension, "-au", extension, "-ap", password]
    args += ["-m", "1", "-nostdin", "-timeout", "10s", "-timeout_error", "-trace_msg"]
    args += ["-message_file", str(work / f"register_{port}_{time.monotonic_ns()}.log")]
    return subprocess.run(args, capture_output=True, text=True, timeout=20, cwd=work)


def start_phone(work: Path, port: int, scenario: str = "uas_phone.xml") -> f.Sipp:
    """The registered phone's UAS on the port it registered from (sipp UAS, -aa), recording what it gets."""
    name = f"{Path(scenario).stem}_{port}"
    messages = work / f"{name}_messages.log"
    args = [f.sipp_binary(), "-sf", str(f.SCENARIOS / scenario), "-i", HOST, "-p", str(port), "-bind_local"]
    args += ["-mp", str(f.free_udp_port()), "-nostdin", "-trace_msg", "-message_file", str(messages), "-aa"]
    stdout = work / f"{name}.out"
    with stdout.open("wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=work, start_new_session=True)
    time.sleep(0.2)
    if process.poll() is not None:
        raise RuntimeError(f"sipp {scenario} exited: {stdout.read_text()[-2000:]}")
    return f.Sipp(process=process, messages=messages, port=port, stdout=stdout)


# ----- a SIP-over-WebSocket client (RFC 7118) for REGISTER, as JsSIP sends it --------------------------------


def _digest(challenge: str, *, method: str, uri: str, username: str, password: str) -> str:
    """The Authorization value answering a `WWW-Authenticate: Digest ...` challenge (MD5, qop=auth)."""
    fields = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge.split(" ", 1)[1]))
    realm, nonce = fields["realm"], fields["nonce"]
    ha1 = hashlib.md5(f"{username}:{realm}:{password}".encode()).hexdigest()
    ha2 = hashlib.md5(f"{method}:{uri}".encode()).hexdigest()
    cnonce, nc = secrets.token_hex(8), "00000001"
    response = hashlib.md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}".encode()).hexdigest()
    return (
        f'Digest username="{username}", realm="{realm}", nonce="{nonce}", uri="{uri}", response="{response}", '
        f'algorithm=MD5, qop=auth, nc={nc}, cnonce="{cnonce}"'
    )


def ws_register(ws_url: str, extension: str, username: str, password: str, *, domain: str = HOST) -> list[str]:
    """REGISTER `extension` over a WebSocket (subprotocol `sip`), answering the 401 with the digest of
    `username`/`password`; the status lines of the replies in order (e.g. ["SIP/2.0 401 ...", "SIP/2.0 200 OK"])."""
    with WsPhone(ws_url, extension, domain=domain) as phone:
        phone.register(username, password)
        return phone.statuses


# ----- a browser-like phone over WebSocket that answers a call (what JsSIP does, minus the media) --------------

FAKE_FINGERPRINT = ":".join(f"{b:02X}" for b in hashlib.sha256(b"ccweb test browser").digest())
BROWSER_ANSWER_SDP = (
    "v=0\r\n"
    "o=- 4611731400430051337 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=candidate:1 1 udp 2122260223 127.0.0.1 9 typ host\r\n"
    "a=ice-ufrag:Tst1\r\n"
    "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
    f"a=fingerprint:sha-256 {FAKE_FINGERPRINT}\r\n"
    "a=setup:active\r\n"
    "a=mid:{mid}\r\n"
    "a=sendrecv\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
)


def browser_answer(offer_sdp: str) -> str:
    """A Chromium-like answer to `offer_sdp` (its media ID kept, as a browser does)."""
    mid = re.search(r"^a=mid:(\S+)", offer_sdp, flags=re.M)
    return BROWSER_ANSWER_SDP.replace("{mid}", mid.group(1) if mid else "0")


def _headers(message: str, name: str) -> list[str]:
    head = message.split("\r\n\r\n", 1)[0]
    return [line.split(":", 1)[1].strip() for line in head.split("\r\n")[1:] if line.split(":", 1)[0].lower() == name]


def _header(message: str, name: str) -> str:
    found = _headers(message, name)
    return found[0] if found else ""


def _body(message: str) -> str:
    return message.split("\r\n\r\n", 1)[1] if "\r\n\r\n" in message else ""


class WsPhone:
    """A SIP-over-WebSocket user agent kept connected: registers, then answers what it is sent.

    Its SDP answer looks like Chromium's (DTLS fingerprint, ICE, RTP/SAVPF); there is no real media behind
    it, so it shows the signalling and rtpengine's SDP rewriting, not audio (the Chromium e2e does that)."""

    def __init__(self, ws_url: str, extension: str, *, domain: str = HOST) -> None:
        self.ws_url, self.extension, self.domain = ws_url, extension, domain
        self.tag = secrets.token_hex(4)
        self.received: list[str] = []
        self.statuses: list[str] = []  # final replies to REGISTER, in order

    def __enter__(self) -> WsPhone:
        self._connection = ws_connect(self.ws_url, subprotocols=[Subprotocol("sip")], open_timeout=5)
        self.ws = self._connection.__enter__()
        assert self.ws.subprotocol == "sip", self.ws.subprotocol
        return self

    def __exit__(self, *exc: object) -> None:
        self._connection.__exit__(*exc)  # type: ignore[arg-type]

    def _recv(self, timeout: float) -> str:
        data = self.ws.recv(timeout=timeout)
        text = data.decode() if isinstance(data, bytes) else data
        self.received.append(text)
        return text

    def register(self, username: str, password: str) -> str:
        """REGISTER with the digest answer to the 401; the final status line."""
        call_id, uri, authorization, status = secrets.token_hex(8), f"sip:{self.domain}", "", ""
        for cseq in (1, 2):
            self.ws.send(
                f"REGISTER {uri} SIP/2.0\r\n"
                f"Via: SIP/2.0/WS {self.tag}.invalid;branch=z9hG4bK{secrets.token_hex(6)}\r\n"
                f"Max-Forwards: 70\r\n"
                f"To: <sip:{self.extension}@{self.domain}>\r\n"
                f"From: <sip:{self.extension}@{self.domain}>;tag={self.tag}\r\n"
                f"Call-ID: {call_id}\r\nCSeq: {cseq} REGISTER\r\n"
                f"Contact: <sip:{self.tag}@{self.tag}.invalid;transport=ws>;expires=600\r\n"
                f"{authorization}Content-Length: 0\r\n\r\n"
            )
            reply = self._recv(5)
            while reply.startswith("SIP/2.0 1"):
                reply = self._recv(5)
            status = reply.split("\r\n", 1)[0]
            self.statuses.append(status)
            challenge = _header(reply, "www-authenticate")
            if not status.startswith("SIP/2.0 401") or not challenge:
                break
            digest = _digest(challenge, method="REGISTER", uri=uri, username=username, password=password)
            authorization = f"Authorization: {digest}\r\n"
        return status

    def wait_request(self, method: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"no {method} within {timeout} s; got {[m.split(chr(13))[0] for m in self.received]}"
                )
            try:
                message = self._recv(remaining)
            except TimeoutError:
                continue
            if message.startswith(f"{method} "):
                return message

    def reply(self, request: str, code: int, reason: str, *, sdp: str = "") -> None:
        """A response to `request` copying Via, From, Call-ID, CSeq and Record-Route (as a UAS must)."""
        lines = [f"SIP/2.0 {code} {reason}"]
        lines += [f"Via: {via}" for via in _headers(request, "via")]
        lines += [f"Record-Route: {rr}" for rr in _headers(request, "record-route")]
        to = _header(request, "to")
        lines += [f"From: {_header(request, 'from')}", f"To: {to if ';tag=' in to else f'{to};tag={self.tag}'}"]
        lines += [f"Call-ID: {_header(request, 'call-id')}", f"CSeq: {_header(request, 'cseq')}"]
        lines.append(f"Contact: <sip:{self.tag}@{self.tag}.invalid;transport=ws>")
        if sdp:
            lines.append("Content-Type: application/sdp")
        lines.append(f"Content-Length: {len(sdp.encode())}")
        self.ws.send("\r\n".join(lines) + "\r\n\r\n" + sdp)

    def _in_dialog(self, invite: str, method: str, *, sdp: str = "") -> str:
        """A request of ours in the call `invite` set up: to its Contact, along its Record-Route (the UAS's
        route set, in the order received), with our tag in From."""
        self._cseq = getattr(self, "_cseq", 0) + 1
        contact = re.search(r"<([^>]+)>", _header(invite, "contact")).group(1)  # type: ignore[union-attr]
        to = _header(invite, "to")
        lines = [f"{method} {contact} SIP/2.0"]
        lines.append(f"Via: SIP/2.0/WS {self.tag}.invalid;branch=z9hG4bK{secrets.token_hex(6)}")
        lines += [f"Route: {rr}" for rr in _headers(invite, "record-route")]
        lines += [f"From: {to if ';tag=' in to else f'{to};tag={self.tag}'}", f"To: {_header(invite, 'from')}"]
        cseq = self._cseq if method != "ACK" else self._cseq - 1
        self._cseq -= method == "ACK"
        lines += [f"Call-ID: {_header(invite, 'call-id')}", f"CSeq: {cseq} {method}", "Max-Forwards: 70"]
        lines.append(f"Contact: <sip:{self.tag}@{self.tag}.invalid;transport=ws>")
        if sdp:
            lines.append("Content-Type: application/sdp")
        lines.append(f"Content-Length: {len(sdp.encode())}")
        message = "\r\n".join(lines) + "\r\n\r\n" + sdp
        self.ws.send(message)
        return message

    def hold(self, invite: str, offer_sdp: str, timeout: float = 10) -> str:
        """A re-INVITE putting the call on hold (our SDP `sendonly`, as a browser does); ACKs the final reply
        and returns it."""
        self._cseq = max(getattr(self, "_cseq", 0), 1)  # the INVITE's transaction was the far end's
        sdp = browser_answer(offer_sdp).replace("a=sendrecv", "a=sendonly")
        self._in_dialog(invite, "INVITE", sdp=sdp)
        deadline = time.monotonic() + timeout
        while True:
            reply = self._recv(max(0.1, deadline - time.monotonic()))
            if (
                reply.startswith("SIP/2.0 ")
                and not reply.startswith("SIP/2.0 1")
                and " INVITE" in _header(reply, "cseq")
            ):
                self._in_dialog(invite, "ACK")
                return reply

    def hang_up(self, invite: str) -> None:
        """BYE for the call `invite` set up."""
        self._in_dialog(invite, "BYE")
