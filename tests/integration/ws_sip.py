"""A SIP-over-WebSocket client (RFC 7118) for the agent-phone tests: REGISTER with digest credentials, and a
browser-like phone that answers a call (what JsSIP does, minus the media)."""

from __future__ import annotations

import hashlib
import re
import secrets
import time

from websockets.sync.client import connect as ws_connect
from websockets.typing import Subprotocol

from tests.integration.media.sipfront_helpers import HOST

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
