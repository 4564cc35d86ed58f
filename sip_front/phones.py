"""The parts of the generated Kamailio configuration that serve agent phones.

Desk phones register with digest credentials whose HA1 the Director publishes to a Redis hash
(`acd.services.sip_credentials`); Kamailio reads it with `ndb_redis`. Browser phones register over
WebSocket with ephemeral credentials (`auth_ephemeral`, a secret shared with the web process), and
their media goes through rtpengine. This module turns those settings into `#!define`s and listen
lines; the routing itself is in templates/kamailio.cfg. See docs/sip-front.md, "Agent phones".
"""

from __future__ import annotations

import fcntl
import socket
import struct
from urllib.parse import unquote, urlsplit

# rtpengine flags checked end to end with Chromium + JsSIP (docs/sip-front.md): SDP going *to* a browser
# becomes DTLS-SRTP with ICE (rtpengine passive, so the browser is the DTLS client); SDP coming *from* a
# browser becomes plain RTP/AVP for the media children, which know neither ICE nor SRTP.
RTP_TO_BROWSER = (
    "replace-origin replace-session-connection rtcp-mux-offer generate-mid DTLS=passive SDES-off ICE=force RTP/SAVPF"
)
RTP_FROM_BROWSER = "replace-origin replace-session-connection rtcp-mux-demux DTLS=off SDES-off ICE=remove RTP/AVP"

_SIOCGIFADDR = 0x8915


def redis_server(url: str, *, name: str = "ccweb") -> str:
    """REDIS_URL (`redis://[:password@]host[:port][/db]` or `unix:///path?db=n`) → ndb_redis `server` value."""
    parts = urlsplit(url)
    fields = [f"name={name}"]
    if parts.scheme == "unix":
        fields.append(f"unix={parts.path}")
        query = dict(item.split("=", 1) for item in parts.query.split("&") if "=" in item)
        db = query.get("db", "0")
    elif parts.scheme in ("redis", ""):
        fields += [f"addr={parts.hostname or '127.0.0.1'}", f"port={parts.port or 6379}"]
        db = parts.path.strip("/") or "0"
    else:
        # rediss:// (TLS) is not supported by ndb_redis in Kamailio 5.6
        raise ValueError(f"REDIS_URL scheme {parts.scheme!r} cannot be used by Kamailio's ndb_redis; use redis://.")
    if not db.isdigit():
        raise ValueError(f"REDIS_URL database {db!r} is not a number.")
    fields.append(f"db={db}")
    if parts.password:
        fields.append(f"pass={unquote(parts.password)}")
    return ";".join(fields)


def interface_addresses() -> list[str]:
    """The machine's IPv4 addresses, one per interface that has one (Linux).

    Kamailio binds every address by itself only when no `listen=` line is given; the WebSocket port
    needs one, so "every interface" must then be spelled out. Binding each address (not 0.0.0.0)
    keeps Via and Record-Route routable.
    """
    found: list[str] = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _, name in socket.if_nameindex():
            try:
                packed = fcntl.ioctl(sock.fileno(), _SIOCGIFADDR, struct.pack("256s", name.encode()[:15]))
            except OSError:
                continue  # an interface without an IPv4 address
            address = socket.inet_ntoa(packed[20:24])
            if address not in found:
                found.append(address)
    return found or ["127.0.0.1"]
