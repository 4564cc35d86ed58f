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
until it answers), `phone_env(env, ...)`, `register_phone(...)` (a sipp desk phone's REGISTER). A WebSocket
SIP client (REGISTER, a browser-like phone) is in tests/integration/ws_sip.py.
"""

from __future__ import annotations

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
