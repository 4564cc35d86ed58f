"""Real Kamailio and sipp processes for the SIP front tests: free ports, start, wait, stop, count."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from sip_front import config as sipfront

SCENARIOS = Path(__file__).resolve().parent / "sipp"
HOST = "127.0.0.1"


def sipp_binary() -> str | None:
    return shutil.which("sipp")


def kamailio_available() -> bool:
    try:
        sipfront.kamailio_binary()
    except FileNotFoundError:
        return False
    return True


def free_udp_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1 (Kamailio listens on both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((HOST, 0))
            port = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind((HOST, port))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port")


def sip_options(port: int, *, timeout: float = 1.0) -> str | None:
    """Send one OPTIONS to HOST:port over UDP; return the status line of the reply, or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((HOST, 0))
        local = sock.getsockname()[1]
        sock.settimeout(timeout)
        sock.sendto(sip_request("OPTIONS", port, local).encode(), (HOST, port))
        try:
            data, _ = sock.recvfrom(65535)
        except TimeoutError:
            return None
    return data.decode(errors="replace").split("\r\n", 1)[0]


def sip_request(method: str, port: int, local_port: int, *, cseq: str | None = None, extra: str = "") -> str:
    tag = f"{time.monotonic_ns()}"
    return (
        f"{method} sip:front@{HOST}:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {HOST}:{local_port};branch=z9hG4bK{tag}\r\n"
        f"From: <sip:probe@{HOST}:{local_port}>;tag={tag}\r\n"
        f"To: <sip:front@{HOST}:{port}>\r\n"
        f"Call-ID: {tag}@{HOST}\r\n"
        f"CSeq: {cseq or f'1 {method}'}\r\n"
        f"Max-Forwards: 70\r\n"
        f"{extra}"
        f"Content-Length: 0\r\n\r\n"
    )


def invite_status(port: int, *, timeout: float = 5.0) -> str | None:
    """Send one INVITE over UDP; return the status line of its final reply (ACKing it), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((HOST, 0))
        sock.settimeout(timeout)
        invite = sip_request("INVITE", port, sock.getsockname()[1])
        sock.sendto(invite.encode(), (HOST, port))
        while True:
            try:
                reply = sock.recvfrom(65535)[0].decode(errors="replace")
            except TimeoutError:
                return None
            status = reply.split("\r\n", 1)[0]
            if not status.startswith("SIP/2.0 1"):
                to = re.search(r"^To: .*$", reply, flags=re.M | re.I).group(0)
                ack = re.sub(r"^To: .*$", to, invite.replace("INVITE", "ACK"), count=1, flags=re.M)
                sock.sendto(ack.encode(), (HOST, port))
                return status


@dataclass
class Front:
    """A Kamailio front started on a random port, with its configuration under `directory`."""

    config: sipfront.SipFront
    process: subprocess.Popen
    log: Path

    @property
    def port(self) -> int:
        return self.config.port

    def alive(self) -> bool:
        return self.process.poll() is None

    def dispatcher_list(self) -> str:
        """`kamcmd dispatcher.list` through the front's control socket."""
        kamcmd = shutil.which("kamcmd") or shutil.which("kamcmd", path="/usr/sbin")
        result = subprocess.run(
            [kamcmd, "-s", self.config.ctl_socket, "dispatcher.list"], capture_output=True, text=True, timeout=5
        )
        return result.stdout

    def child_flags(self) -> dict[str, str]:
        """Destination URI -> dispatcher flags (AP active+probing, IP inactive+probing...)."""
        text = self.dispatcher_list()
        return dict(re.findall(r"URI: (\S+)\s+FLAGS: (\S+)", text))

    def stop(self) -> None:
        stop_process(self.process)


def start_front(directory: Path, children: list[str], **options) -> Front:
    """`options`: SipFront fields; `port` when the caller must know it in advance (phones' agent legs)."""
    config = sipfront.SipFront(
        children=tuple(children),
        runtime_dir=directory,
        port=options.pop("port", None) or free_udp_port(),
        listen=HOST,
        processes=2,
        ping_interval_s=options.pop("ping_interval_s", 1),
        failover_timeout_ms=options.pop("failover_timeout_ms", 1000),
        request_timeout_ms=options.pop("request_timeout_ms", 1000),
        **options,
    )
    sipfront.write_files(config)
    log = directory / "kamailio.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            sipfront.kamailio_command(config), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    front = Front(config=config, process=process, log=log)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not front.alive():
            raise RuntimeError(f"kamailio exited: {log.read_text()[-2000:]}")
        if sip_options(front.port, timeout=0.3):
            return front
    front.stop()
    raise RuntimeError(f"kamailio did not answer OPTIONS: {log.read_text()[-2000:]}")


@dataclass
class Sipp:
    """A sipp process with its message trace, so a test can count what it received."""

    process: subprocess.Popen
    messages: Path
    port: int
    stdout: Path | None = None

    @property
    def uri(self) -> str:
        return f"sip:{HOST}:{self.port}"

    def received(self, method: str) -> int:
        """How many `method` requests (first transmissions and retransmissions) sipp logged as received."""
        if not self.messages.exists():
            return 0
        text = self.messages.read_text(errors="replace")
        return len(re.findall(rf"message received \[\d+\] bytes :\n\n{method} sip:", text))

    def requests(self, method: str) -> list[str]:
        """The request line and headers of each `method` request sipp logged as received, in order."""
        text = self.messages.read_text(errors="replace") if self.messages.exists() else ""
        parts = [part.split("\n\n", 1)[-1] for part in text.split("message received")[1:]]
        return [part.split("\n\n", 1)[0] for part in parts if part.startswith(f"{method} sip:")]

    def received_call_ids(self, method: str) -> set[str]:
        text = self.messages.read_text(errors="replace") if self.messages.exists() else ""
        pattern = rf"message received \[\d+\] bytes :\n\n{method} sip:.*?\nCall-I[Dd]: *(\S+)"
        return set(re.findall(pattern, text, flags=re.S))

    def stop(self) -> None:
        stop_process(self.process)


def start_uas(directory: Path, scenario: str, *, auto_answer: bool = True) -> Sipp:
    """A sipp UAS playing a media child on a free port (`-aa` answers the front's OPTIONS pings)."""
    port = free_udp_port()
    name = f"{Path(scenario).stem}_{port}"
    messages = directory / f"{name}_messages.log"
    args = [sipp_binary(), "-sf", str(SCENARIOS / scenario), "-i", HOST, "-p", str(port), "-bind_local"]
    args += ["-mp", str(free_udp_port()), "-nostdin", "-trace_msg", "-message_file", str(messages)]
    args += ["-trace_err", "-error_file", str(directory / f"{name}_errors.log")]
    args += ["-aa"] if auto_answer else ["-default_behaviors", "none"]
    stdout = directory / f"{name}.out"
    with stdout.open("wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=directory, start_new_session=True)
    time.sleep(0.2)
    if process.poll() is not None:
        raise RuntimeError(f"sipp {scenario} exited: {stdout.read_text()[-2000:]}")
    return Sipp(process=process, messages=messages, port=port, stdout=stdout)


def run_uac(
    directory: Path, front_port: int, *, calls: int, rate: int = 10, timeout: int = 20, transport: str = "u1"
) -> tuple[int, str]:
    """Place `calls` calls through the front with the route-keeping UAC; return (exit code, sipp output).

    sipp exits 0 only when every call succeeded.
    """
    port = free_udp_port()
    args = [sipp_binary(), f"{HOST}:{front_port}", "-sf", str(SCENARIOS / "uac.xml"), "-i", HOST, "-p", str(port)]
    args += ["-t", transport, "-s", "5551000"]
    args += ["-bind_local", "-m", str(calls), "-r", str(rate), "-l", str(calls)]
    args += ["-mp", str(free_udp_port()), "-nostdin", "-timeout", f"{timeout}s", "-timeout_error"]
    args += ["-trace_msg", "-message_file", str(directory / f"uac_{port}_messages.log")]
    args += ["-trace_err", "-error_file", str(directory / f"uac_{port}_errors.log")]
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout + 10, cwd=directory)
    return result.returncode, result.stdout + result.stderr


def call_with_digits(
    directory: Path, front_port: int, number: str, digits: str, *, timeout: int = 40
) -> subprocess.CompletedProcess:
    """One call to `number` through the front that types `digits` by SIP INFO (`uac_customer_info.xml`) and
    stays until the far end hangs up; the result's `messages` is sipp's message trace."""
    port = free_udp_port()
    args = [sipp_binary(), f"{HOST}:{front_port}", "-sf", str(SCENARIOS / "uac_customer_info.xml")]
    args += ["-i", HOST, "-p", str(port), "-s", number, "-bind_local", "-m", "1", "-r", "1"]
    for index, digit in enumerate(digits, start=1):
        args += ["-set", f"d{index}", digit]
    args += ["-mp", str(free_udp_port()), "-nostdin", "-timeout", f"{timeout}s", "-timeout_error"]
    args += ["-trace_msg", "-message_file", str(directory / f"uac_{port}_messages.log")]
    args += ["-trace_err", "-error_file", str(directory / f"uac_{port}_errors.log")]
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout + 15, cwd=directory)
    result.messages = (directory / f"uac_{port}_messages.log").read_text(errors="replace")
    return result


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM the process group we started, then SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    try:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
