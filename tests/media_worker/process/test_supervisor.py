"""The supervisor restarts dead children with backoff and stops them all; for real, with subprocesses (no pjsua2:
`sleep` stands in for a child). The real media pool's restart is in tests/integration/media/test_supervisor.py."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from media_worker.process.supervisor import Supervisor, default_process_count
from tests.media_worker.process.pids import pid_alive

SLEEPER = ["sleep", "60"]
STUBBORN = [sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"]


def _poll_until(supervisor, predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        supervisor.poll()
        if predicate():
            return time.monotonic()
        time.sleep(0.02)
    raise AssertionError(f"condition not met in {timeout} s: {supervisor.children}")


def test_process_count_comes_from_the_environment_or_the_cpus(monkeypatch):
    monkeypatch.setenv("CCWEB_MEDIA_PROCESSES", "3")
    assert default_process_count() == 3
    monkeypatch.delenv("CCWEB_MEDIA_PROCESSES")
    assert default_process_count() == (os.cpu_count() or 1)
    monkeypatch.setenv("CCWEB_MEDIA_PROCESSES", "0")
    with pytest.raises(ValueError):
        default_process_count()


@pytest.mark.integration
def test_a_killed_child_is_reported_and_restarted_on_its_port():
    died = []
    commands = []

    def command_for(index, port):
        commands.append((index, port))
        return SLEEPER

    supervisor = Supervisor(command_for, 2, base_port=6000, on_child_died=lambda *a: died.append(a))
    supervisor.start()
    try:
        first, second = supervisor.pids()
        os.kill(first, signal.SIGKILL)
        killed_at = time.monotonic()
        restarted_at = _poll_until(supervisor, lambda: supervisor.pids()[0] not in (None, first))
        assert restarted_at - killed_at < 2.0
        assert died == [(0, 6000, first)]
        assert supervisor.pids()[1] == second
        assert commands == [(0, 6000), (1, 6001), (0, 6000)]
        assert supervisor.children[0].restarts == 1
    finally:
        pids = supervisor.pids()
        supervisor.stop()
    assert not any(pid_alive(pid) for pid in pids if pid)


@pytest.mark.integration
def test_a_child_that_keeps_dying_is_restarted_with_growing_backoff():
    supervisor = Supervisor(lambda i, p: ["true"], 1, backoff_initial=0.05, backoff_max=0.2)
    supervisor.start()
    delays = []
    try:
        for _ in range(4):
            _poll_until(supervisor, lambda: supervisor.children[0].restart_at is not None)
            child = supervisor.children[0]
            delays.append(round(child.restart_at - time.monotonic(), 2))
            _poll_until(supervisor, lambda: supervisor.children[0].process is not None)
    finally:
        supervisor.stop()
    # 0.05, 0.1, 0.2, then capped at 0.2 (measured a little after the death, so allow some slack)
    expected = [0.05, 0.1, 0.2, 0.2]
    assert all(e - 0.04 <= d <= e for d, e in zip(delays, expected, strict=True)), delays


@pytest.mark.integration
def test_stop_terminates_children_and_kills_those_ignoring_sigterm():
    supervisor = Supervisor(lambda i, p: SLEEPER if i == 0 else STUBBORN, 2, stop_timeout=0.5)
    supervisor.start()
    time.sleep(0.3)  # let the stubborn child install its SIGTERM handler
    pids = supervisor.pids()
    started = time.monotonic()
    supervisor.stop()
    assert time.monotonic() - started < 2.0
    assert not any(pid_alive(pid) for pid in pids)
    supervisor.poll()  # a stopped pool restarts nothing
    assert supervisor.pids() == [None, None]
