"""rtpengine for browser phones: the media relay between the browser's DTLS-SRTP/ICE and the
media children's plain RTP (G.711 passes through, no transcoding).

Kamailio drives it over the `ng` control protocol (`rtpengine_sock` in the generated configuration,
CCWEB_RTPENGINE_NG); `manage.py rtpengine` (the Procfile's `rtp`) runs it in the foreground, in
userspace, with no configuration file of its own. See docs/sip-front.md, "Browser phones".
"""

from __future__ import annotations

import secrets
import shutil
import socket
from collections.abc import Mapping
from dataclasses import dataclass

from core.envvars import int_setting

DEFAULT_NG = "127.0.0.1:2223"


@dataclass(frozen=True)
class RtpEngine:
    """`interface`: the local address media uses, `advertise` the public one written into SDP (NAT)."""

    interface: str = "127.0.0.1"
    advertise: str | None = None
    ng: str = DEFAULT_NG
    # above the media children's RTP ports (10000 + 100 per child, up to 100 children): the two never meet
    port_min: int = 20000
    port_max: int = 29999
    log_level: int = 5

    @property
    def ng_address(self) -> tuple[str, int]:
        host, port = self.ng.rsplit(":", 1)
        return host.strip("[]"), int(port)


def rtpengine_from_env(environ: Mapping[str, str]) -> RtpEngine:
    listen = environ.get("CCWEB_SIP_LISTEN", "").strip()
    interface = environ.get("CCWEB_RTP_INTERFACE", "").strip() or (
        listen if listen and listen not in ("0.0.0.0", "::") else "127.0.0.1"
    )
    port_min = int_setting(environ, "CCWEB_RTP_PORT_MIN", 20000, minimum=1024)
    port_max = int_setting(environ, "CCWEB_RTP_PORT_MAX", 29999, minimum=1024)
    if not port_min < port_max <= 65535:
        raise ValueError(f"CCWEB_RTP_PORT_MIN={port_min} must be below CCWEB_RTP_PORT_MAX={port_max} (at most 65535).")
    return RtpEngine(
        interface=interface,
        advertise=environ.get("CCWEB_RTP_ADVERTISE", "").strip() or None,
        ng=environ.get("CCWEB_RTPENGINE_NG", "").strip() or DEFAULT_NG,
        port_min=port_min,
        port_max=port_max,
    )


def rtpengine_binary() -> str:
    found = shutil.which("rtpengine") or shutil.which("rtpengine", path="/usr/bin:/usr/sbin")
    if not found:
        raise FileNotFoundError("rtpengine is not installed: run bin/install.sh (Debian package rtpengine-daemon).")
    return found


def rtpengine_command(engine: RtpEngine, *, binary: str | None = None) -> list[str]:
    """Foreground, stderr, userspace (`--table=-1`: no kernel module), no Debian config file.

    `--dtls-passive`: rtpengine waits for the browser's ClientHello. Without it rtpengine may take the
    active role from the offer and then switch, and Chromium never starts DTLS (calls hang)."""
    interface = f"{engine.interface}!{engine.advertise}" if engine.advertise else engine.interface
    return [
        binary or rtpengine_binary(),
        "--config-file=none",
        "--table=-1",
        "--dtls-passive",
        f"--interface={interface}",
        f"--listen-ng={engine.ng}",
        f"--port-min={engine.port_min}",
        f"--port-max={engine.port_max}",
        "--foreground",
        "--log-stderr",
        f"--log-level={engine.log_level}",
    ]


def bencode(value: object) -> bytes:
    """The ng protocol's encoding (dictionaries with sorted keys, strings, integers, lists)."""
    if isinstance(value, dict):
        items = sorted((k.encode() if isinstance(k, str) else k, v) for k, v in value.items())
        return b"d" + b"".join(bencode(k) + bencode(v) for k, v in items) + b"e"
    if isinstance(value, (list, tuple)):
        return b"l" + b"".join(bencode(v) for v in value) + b"e"
    if isinstance(value, int):
        return b"i%de" % value
    data = value.encode() if isinstance(value, str) else bytes(value)  # type: ignore[arg-type]
    return b"%d:%s" % (len(data), data)


def ng_ping(address: tuple[str, int], *, timeout: float = 1.0) -> bool:
    """Send `ping` with a fresh cookie; True when rtpengine answers `pong` to that cookie."""
    cookie = secrets.token_hex(6).encode()
    with socket.socket(socket.AF_INET6 if ":" in address[0] else socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(cookie + b" " + bencode({"command": "ping"}), address)
        try:
            reply = sock.recv(65535)
        except (TimeoutError, ConnectionRefusedError):
            return False
    return reply == cookie + b" " + bencode({"result": "pong"})
