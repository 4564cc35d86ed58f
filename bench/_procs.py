"""Processes for the benches: free ports, CPU time and memory of process groups (/proc), stopping groups."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import time
from pathlib import Path

HOST = "127.0.0.1"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1."""
    for _ in range(100):
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


def _is_free(port: int) -> bool:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, socket.socket() as tcp:
            udp.bind((HOST, port))
            tcp.bind((HOST, port))
    except OSError:
        return False
    return True


def free_port_block(count: int) -> int:
    """The first of `count` consecutive free ports, below the kernel's ephemeral range: a port in that range
    can be taken at any moment by an outgoing connection (100 starting children open Redis and database
    connections), and a child whose SIP port is taken cannot start."""
    high = _ephemeral_low() - count
    for _ in range(300):
        base = random.randrange(21000, high)  # above the children's RTP ports (10000 + 100 per child)
        if all(_is_free(base + i) for i in range(count)):
            return base
    raise RuntimeError("no free port block")


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def group_cpu(pgids: set[int]) -> dict[int, int]:
    """pid -> utime+stime (clock ticks) of every live process whose process group is in `pgids`."""
    out: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) in pgids:  # fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15
            out[int(entry)] = int(fields[11]) + int(fields[12])
    return out


def rss_mb(pgids: set[int]) -> float:
    total = 0
    for pid in group_cpu(pgids):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


class CpuMeter:
    """CPU % of one core used by the process groups between start() and stop() (pids seen at both ends)."""

    def __init__(self, pgids: set[int]) -> None:
        self.pgids = pgids
        self.start()

    def start(self) -> None:
        self.t0 = time.monotonic()
        self.ticks0 = group_cpu(self.pgids)

    def percent(self) -> float:
        ticks = group_cpu(self.pgids)
        used = sum(t - self.ticks0.get(pid, 0) for pid, t in ticks.items())
        return 100.0 * used / CLK_TCK / max(time.monotonic() - self.t0, 1e-6)


def stop_group(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM the process group we started (start_new_session), then SIGKILL it if it lingers."""
    if process.poll() is not None:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # stray grandchildren of a dead leader
        except (ProcessLookupError, PermissionError):
            pass
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
