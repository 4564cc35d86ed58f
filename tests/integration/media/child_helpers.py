"""Helpers for the media child and supervisor tests: free ports, a prompt WAV, real processes, sipp runs."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
MANAGE = ROOT / "manage.py"
SCENARIOS = Path(__file__).resolve().parent / "child_scenarios"
CALLER = SCENARIOS / "prompt_caller.xml"


def free_port_block(count: int = 1) -> int:
    """The first of `count` consecutive ports free for UDP and TCP on 127.0.0.1, below the kernel's ephemeral
    range (where any outgoing connection, e.g. a starting child's Redis connection, may take one)."""
    try:
        high = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0]) - count
    except (OSError, ValueError, IndexError):
        high = 32768 - count
    for _ in range(200):
        base = random.randrange(21000, high)  # above the children's RTP ports (10000 + 100 per child)
        if all(_is_free(base + offset) for offset in range(count)):
            return base
    raise RuntimeError("no free port block")


def _is_free(port: int) -> bool:
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, kind) as sock:
            try:
                sock.bind(("0.0.0.0", port))
            except OSError:
                return False
    return True


def make_prompt(path: Path, seconds: float = 1.0) -> Path:
    """A 440 Hz tone, 8 kHz 16-bit mono (what AudioMediaPlayer needs)."""
    subprocess.run(
        [
            "sox",
            "-n",
            "-r",
            "8000",
            "-c",
            "1",
            "-b",
            "16",
            str(path),
            "synth",
            str(seconds),
            "sine",
            "440",
            "vol",
            "0.5",
        ],
        check=True,
        timeout=30,
    )
    return path


def manage_command(*args: str) -> list[str]:
    return [sys.executable, str(MANAGE), "media_worker", *args]


@dataclass
class Proc:
    """A process whose stderr goes to a file that tests read as it grows."""

    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, text: str, *, count: int = 1, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            content = self.log()
            if content.count(text) >= count:
                return content
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"{text!r} x{count} not seen (rc={self.process.poll()}):\n{self.log()[-3000:]}")

    def statuses(self, kind: str) -> list[dict]:
        """The JSON fields of the child's `kind {...}` status lines."""
        prefix = f"{kind} {{"
        return [json.loads(line[len(kind) + 1 :]) for line in self.log().splitlines() if line.startswith(prefix)]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start(command: list[str], log_path: Path) -> Proc:
    env = {**os.environ, "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    return Proc(process, log_path)


def start_child(tmp: Path, port: int, prompt: Path, *extra: str, name: str = "child") -> Proc:
    child = start(
        manage_command("--child", "--port", str(port), "--prompt", str(prompt), *extra), tmp / f"{name}-{port}.log"
    )
    child.wait_for("ready {")
    return child


@dataclass
class SippResult:
    returncode: int
    successful: int
    failed: int
    output: str


def run_caller(
    port: int,
    tmp: Path,
    *,
    number: str = "1000",
    calls: int = 1,
    rate: float = 10,
    limit: int = 3,
    rtp_port: int = 9,
    timeout: float = 30,
) -> SippResult:
    """Place `calls` calls with the prompt caller scenario; counts come from sipp's final screen."""
    local = free_port_block(1)
    command = [
        "sipp",
        f"127.0.0.1:{port}",
        "-sf",
        str(CALLER),
        "-s",
        number,
        "-key",
        "rtp_port",
        str(rtp_port),
        "-i",
        "127.0.0.1",
        "-p",
        str(local),
        "-m",
        str(calls),
        "-r",
        str(rate),
        "-l",
        str(limit),
        "-timeout",
        f"{int(timeout)}s",
        "-timeout_error",
        "-nostdin",
        "-nd",
    ]
    result = subprocess.run(command, cwd=tmp, capture_output=True, text=True, timeout=timeout + 10)
    output = result.stdout + result.stderr
    return SippResult(result.returncode, _counter(output, "Successful call"), _counter(output, "Failed call"), output)


def _counter(output: str, name: str) -> int:
    lines = [line for line in output.splitlines() if line.strip().startswith(name)]
    if not lines:
        return -1
    return int(lines[-1].split("|")[2].strip())


def ulaw_to_linear(byte: int) -> int:
    """G.711 µ-law byte → 16-bit sample."""
    byte = ~byte & 0xFF
    sign, exponent, mantissa = byte & 0x80, (byte >> 4) & 0x07, byte & 0x0F
    sample = ((mantissa << 3) + 0x84) << exponent
    sample -= 0x84
    return -sample if sign else sample
