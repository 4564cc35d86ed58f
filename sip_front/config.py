"""The SIP front: a Kamailio configuration generated for the pool of media children.

Kamailio listens on the SIP port and hands each new INVITE to a media child with room
(dispatcher set 1, round robin); on 486, 503 or silence it tries the next child. This
module only renders text and command lines: `manage.py sip_front` writes the files and
runs Kamailio. See docs/sip-front.md.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.envvars import int_setting
from sip_front import phones

TEMPLATE = Path(__file__).resolve().parent / "templates" / "kamailio.cfg"
DEFAULT_SIP_PORT = 5060
DEFAULT_MEDIA_BASE_PORT = 5081
LOCAL_CHILD_HOST = "127.0.0.1"
DISPATCHER_SET = 1
DEFAULT_WS_PORT = 5066
DEFAULT_RTPENGINE_NG = "127.0.0.1:2223"


@dataclass(frozen=True)
class SipFront:
    """What the generated Kamailio configuration needs to know.

    `listen` is one IP address, or None for every interface of the machine.
    `children` are SIP URIs of media children, local or on other hosts.
    """

    children: tuple[str, ...]
    runtime_dir: Path
    port: int = DEFAULT_SIP_PORT
    listen: str | None = None
    advertise: str | None = None
    processes: int = 4
    ping_interval_s: int = 5
    failover_timeout_ms: int = 2000
    request_timeout_ms: int = 5000
    # requests longer than this are refused by the front itself (513), never handed to a child: a child that
    # cannot take a message says nothing, and a silent child is marked inactive by the dispatcher
    max_message_bytes: int = 16384
    debug: int = 2
    # agent phones (docs/sip-front.md, "Agent phones"): the digest realm, where the HA1 hash is
    realm: str = "ccweb"
    redis_url: str = "redis://127.0.0.1:6379/0"
    ha1_key: str = "ccweb:acd:sip:ha1"
    # a source address with this many refused REGISTERs is refused outright until it stays quiet this long
    auth_max_failures: int = 10
    auth_ban_s: int = 300
    # browser phones: the WebSocket port (None: no WebSocket, no rtpengine), the auth_ephemeral secret
    # shared with the web process, and rtpengine's ng control address
    ws_port: int | None = None
    web_secret: str = ""
    rtpengine_ng: str = DEFAULT_RTPENGINE_NG
    extra_defines: Mapping[str, str] = field(default_factory=dict)

    @property
    def config_path(self) -> Path:
        return self.runtime_dir / "kamailio.cfg"

    @property
    def dispatcher_list_path(self) -> Path:
        return self.runtime_dir / "kamailio-dispatcher.list"

    @property
    def run_dir(self) -> Path:
        """Kamailio's own runtime directory (-Y): its control socket lives here."""
        return self.runtime_dir / "kamailio"

    @property
    def ctl_socket(self) -> str:
        return f"unix:{self.run_dir / 'kamailio_ctl'}"


def _port(name: str, value: int) -> int:
    if not 1 <= value <= 65535:
        raise ValueError(f"{name}={value} is not a port number; use 1-65535.")
    return value


def child_uri(entry: str, *, default_port: int) -> str:
    """`host`, `host:port`, `[v6]:port` or a full `sip:` URI → a dispatcher destination URI."""
    entry = entry.strip()
    if entry.startswith(("sip:", "sips:")):
        return entry
    host, port = entry, default_port
    if entry.startswith("["):
        close = entry.index("]")
        host, rest = entry[: close + 1], entry[close + 1 :]
        if rest.startswith(":"):
            port = int(rest[1:])
    elif entry.count(":") == 1:
        host, raw_port = entry.split(":")
        port = int(raw_port)
    if not host:
        raise ValueError(f"CCWEB_MEDIA_HOSTS entry {entry!r} has no host; write host:port.")
    return f"sip:{host}:{_port('CCWEB_MEDIA_HOSTS port', port)}"


def child_uris(
    *, processes: int, base_port: int, hosts: Sequence[str] = (), local_host: str = LOCAL_CHILD_HOST
) -> list[str]:
    """One URI per local media child (base_port, base_port+1, ...), then the other hosts' children."""
    local = [f"sip:{local_host}:{_port('CCWEB_MEDIA_BASE_PORT', base_port + i)}" for i in range(processes)]
    remote = [child_uri(entry, default_port=base_port) for entry in hosts if entry.strip()]
    return local + remote


def front_from_env(environ: Mapping[str, str], *, var_dir: Path, cpu_count: int | None = None) -> SipFront:
    """Read the front's settings from environment variables (see docs/sip-front.md)."""
    processes = int_setting(environ, "CCWEB_MEDIA_PROCESSES", cpu_count or os.cpu_count() or 1)
    base_port = _port("CCWEB_MEDIA_BASE_PORT", int_setting(environ, "CCWEB_MEDIA_BASE_PORT", DEFAULT_MEDIA_BASE_PORT))
    hosts = [h for h in environ.get("CCWEB_MEDIA_HOSTS", "").split(",") if h.strip()]
    children = child_uris(processes=processes, base_port=base_port, hosts=hosts)
    if not children:
        raise ValueError("No media child to dispatch to: set CCWEB_MEDIA_PROCESSES above 0 or list CCWEB_MEDIA_HOSTS.")
    listen = environ.get("CCWEB_SIP_LISTEN", "").strip() or None
    if listen is not None:
        try:
            address = ipaddress.ip_address(listen)
        except ValueError:
            raise ValueError(f"CCWEB_SIP_LISTEN={listen!r} is not an IP address; use one, or unset it.") from None
        if address.is_unspecified:
            listen = None  # every interface: Kamailio binds each address, so Via and Record-Route stay routable
    advertise = environ.get("CCWEB_SIP_ADVERTISE", "").strip() or None
    if advertise and listen is None:
        raise ValueError("CCWEB_SIP_ADVERTISE needs CCWEB_SIP_LISTEN: name the local address it stands for.")
    ws_port = int_setting(environ, "CCWEB_SIP_WS_PORT", DEFAULT_WS_PORT)
    return SipFront(
        children=tuple(children),
        runtime_dir=Path(environ.get("CCWEB_SIP_RUNTIME_DIR", "").strip() or var_dir),
        port=_port("CCWEB_SIP_PORT", int_setting(environ, "CCWEB_SIP_PORT", DEFAULT_SIP_PORT)),
        listen=listen,
        advertise=advertise,
        processes=int_setting(environ, "CCWEB_SIP_PROCESSES", 4, minimum=1),
        ping_interval_s=int_setting(environ, "CCWEB_SIP_PING_INTERVAL", 5, minimum=1),
        failover_timeout_ms=int_setting(environ, "CCWEB_SIP_FAILOVER_MS", 2000, minimum=100),
        max_message_bytes=int_setting(environ, "CCWEB_SIP_MAX_MESSAGE", 16384, minimum=1500),
        redis_url=environ.get("REDIS_URL", "").strip() or "redis://127.0.0.1:6379/0",
        auth_max_failures=int_setting(environ, "CCWEB_SIP_AUTH_MAX_FAILURES", 10, minimum=1),
        auth_ban_s=int_setting(environ, "CCWEB_SIP_AUTH_BAN_SECONDS", 300, minimum=1),
        ws_port=_port("CCWEB_SIP_WS_PORT", ws_port) if ws_port else None,  # 0: no browser phones
        rtpengine_ng=environ.get("CCWEB_RTPENGINE_NG", "").strip() or DEFAULT_RTPENGINE_NG,
    )


def render_dispatcher_list(front: SipFront) -> str:
    """Dispatcher list file: `setid destination flags priority attrs`, one child a line."""
    lines = ["# ccweb media children, generated by sip_front/config.py: do not edit"]
    for index, uri in enumerate(front.children, start=1):
        lines.append(f"{DISPATCHER_SET} {uri} 0 0 duid=child{index}")
    return "\n".join(lines) + "\n"


def _quoted(value: str) -> str:
    if '"' in value or "\n" in value:
        raise ValueError(f"{value!r} cannot go into the Kamailio configuration (quote or newline).")
    return f'"{value}"'


def _listen_lines(front: SipFront) -> list[str]:
    if front.listen is None and front.ws_port is None:
        return [f"port={front.port}"]
    addresses = [front.listen] if front.listen is not None else phones.interface_addresses()
    lines = []
    for address in addresses:
        host = f"[{address}]" if ":" in address else address
        sip_suffix = ws_suffix = ""
        if front.advertise:
            public = front.advertise.rsplit(":", 1)[0] if ":" in front.advertise.strip("[]") else front.advertise
            advertised = front.advertise if ":" in front.advertise.strip("[]") else f"{front.advertise}:{front.port}"
            sip_suffix, ws_suffix = f" advertise {advertised}", f" advertise {public}:{front.ws_port}"
        lines += [f"listen=udp:{host}:{front.port}{sip_suffix}", f"listen=tcp:{host}:{front.port}{sip_suffix}"]
        if front.ws_port is not None:
            # WebSocket clients connect to a plain TCP socket and upgrade in event_route[xhttp:request]
            lines.append(f"listen=tcp:{host}:{front.ws_port}{ws_suffix}")
    return lines


def _phone_defines(front: SipFront) -> dict[str, str]:
    defines = {
        "CCWEB_SIP_REALM": _quoted(front.realm),
        "CCWEB_REDIS_SERVER": _quoted(phones.redis_server(front.redis_url)),
        "CCWEB_HA1_KEY": _quoted(front.ha1_key),
        "CCWEB_AUTH_MAX_FAILURES": str(front.auth_max_failures),
        "CCWEB_AUTHFAIL_TABLE": _quoted(f"authfail=>size=8;autoexpire={front.auth_ban_s};"),
    }
    if front.ws_port is not None:
        if not front.web_secret:
            raise ValueError("Browser phones need the shared secret (CCWEB_SIP_WEB_SECRET) to check their credentials.")
        defines |= {
            "CCWEB_WITH_WS": "1",
            "CCWEB_WS_PORT": str(front.ws_port),
            "CCWEB_WEB_SECRET": _quoted(front.web_secret),
            "CCWEB_RTPENGINE_SOCK": _quoted(f"udp:{front.rtpengine_ng}"),
            "CCWEB_RTP_TO_BROWSER": _quoted(phones.RTP_TO_BROWSER),
            "CCWEB_RTP_FROM_BROWSER": _quoted(phones.RTP_FROM_BROWSER),
        }
    return defines


def render_config(front: SipFront) -> str:
    """The complete kamailio.cfg: generated globals and defines, then the routing template."""
    defines = {
        "CCWEB_DS_LIST": _quoted(str(front.dispatcher_list_path)),
        "CCWEB_CTL_SOCKET": _quoted(front.ctl_socket),
        "CCWEB_PING_INTERVAL": str(front.ping_interval_s),
        "CCWEB_FAILOVER_TIMER": str(front.failover_timeout_ms),
        "CCWEB_FR_TIMER": str(front.request_timeout_ms),
        "CCWEB_MAX_MESSAGE": str(front.max_message_bytes),
        "CCWEB_DEBUG": str(front.debug),
        **_phone_defines(front),
        **front.extra_defines,
    }
    head = [
        "#!KAMAILIO",
        "# Generated by sip_front/config.py (manage.py sip_front): edit the template, not this file.",
        "",
        *(f"#!define {name} {value}" for name, value in defines.items()),
        "",
        "####### Global parameters #######",
        f"debug={front.debug}",
        "log_stderror=yes",
        'log_prefix="{$mt $hdr(CSeq) $ci} "',
        "memdbg=5",
        "memlog=5",
        f"children={front.processes}",
        f"tcp_children={front.processes}",
        "auto_aliases=no",
        "tcp_connection_lifetime=3605",
        "sip_warning=0",
        'server_header="Server: ccweb-sip-front"',
        'user_agent_header="User-Agent: ccweb-sip-front"',
        # browsers send no Content-Length on the WebSocket's HTTP upgrade
        *(["tcp_accept_no_cl=yes"] if front.ws_port is not None else []),
        *_listen_lines(front),
        "",
    ]
    return "\n".join(head) + "\n" + TEMPLATE.read_text()


def write_files(front: SipFront) -> Path:
    """Write the configuration and the dispatcher list; return the configuration's path."""
    front.run_dir.mkdir(parents=True, exist_ok=True)
    front.dispatcher_list_path.write_text(render_dispatcher_list(front))
    # the configuration carries the browser phones' shared secret (and maybe the Redis password): owner only
    fd = os.open(front.config_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an older file keeps its mode through O_CREAT
    with os.fdopen(fd, "w") as handle:
        handle.write(render_config(front))
    return front.config_path


def kamailio_binary() -> str:
    """Kamailio lives in /usr/sbin, which is not on an ordinary user's PATH on Debian."""
    found = shutil.which("kamailio") or shutil.which("kamailio", path="/usr/sbin:/usr/local/sbin")
    if not found:
        raise FileNotFoundError("kamailio is not installed: run bin/install.sh (Debian package kamailio).")
    return found


def kamailio_command(front: SipFront, *, check: bool = False, binary: str | None = None) -> list[str]:
    """Foreground Kamailio (-DD: no daemon, -E: log to stderr) for honcho, or a config check (-c)."""
    binary = binary or kamailio_binary()
    if check:
        return [binary, "-c", "-f", str(front.config_path), "-Y", str(front.run_dir)]
    return [binary, "-DD", "-E", "-f", str(front.config_path), "-Y", str(front.run_dir), "-w", str(front.run_dir)]
