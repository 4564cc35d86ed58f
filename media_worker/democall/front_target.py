"""Where the SIP front is, and whether it answers: democall's target.

`default_front` is the front `make run` starts (the same environment `manage.py sip_front` reads);
`probe_front` sends one OPTIONS, which the front answers itself (docs/sip-front.md), so a front that
is not running is known in about a second instead of after an INVITE's 32 s transaction timeout.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Front:
    host: str
    port: int = 5060
    transport: str = "udp"

    def uri(self, user: str = "") -> str:
        at = f"{user}@" if user else ""
        params = ";transport=tcp" if self.transport == "tcp" else ""
        return f"sip:{at}{self.host}:{self.port}{params}"


def default_front(environ: Mapping[str, str] | None = None) -> str:
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


def local_ip(front: Front) -> str:
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
