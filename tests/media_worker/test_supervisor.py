"""The supervisor restarts dead children with backoff and stops them all; for real, with subprocesses."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
import time

import pytest

from media_worker.process.supervisor import Supervisor, default_process_count
from tests.media_worker import child_helpers as h

pytestmark = pytest.mark.integration

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
    assert not any(h.pid_alive(pid) for pid in pids if pid)


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


def test_stop_terminates_children_and_kills_those_ignoring_sigterm():
    supervisor = Supervisor(lambda i, p: SLEEPER if i == 0 else STUBBORN, 2, stop_timeout=0.5)
    supervisor.start()
    time.sleep(0.3)  # let the stubborn child install its SIGTERM handler
    pids = supervisor.pids()
    started = time.monotonic()
    supervisor.stop()
    assert time.monotonic() - started < 2.0
    assert not any(h.pid_alive(pid) for pid in pids)
    supervisor.poll()  # a stopped pool restarts nothing
    assert supervisor.pids() == [None, None]


@pytest.mark.skipif(not shutil.which("sipp"), reason="needs sipp")
def test_media_worker_restarts_a_killed_child_which_answers_again_and_stops_on_sigterm(tmp_path):
    """`manage.py media_worker --processes 2`: SIGKILL child 0 → back within ~2 s, answering; SIGTERM → all gone."""
    pytest.importorskip("pjsua2")
    prompt = h.make_prompt(tmp_path / "prompt.wav", seconds=0.5)
    base = h.free_port_block(2)
    supervisor = h.start(
        h.manage_command("--processes", "2", "--base-port", str(base), "--prompt", str(prompt)),
        tmp_path / "supervisor.log",
    )
    try:
        supervisor.wait_for("ready {", count=2, timeout=20)
        started = _started(supervisor.log())
        assert set(started) == {0, 1}
        victim = started[0]
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        supervisor.wait_for("ready {", count=3, timeout=10)
        assert time.monotonic() - killed_at < 3.0  # 0.5 s backoff + Django and pjsua2 start-up
        assert "died; its calls ended by failure" in supervisor.log()
        replacement = _started(supervisor.log())[0]
        assert replacement != victim and h.pid_alive(replacement)
        result = h.run_caller(base, tmp_path, calls=2, rate=10)
        assert (result.returncode, result.successful) == (0, 2), result.output[-3000:]
        children = list(_started(supervisor.log()).values())
    finally:
        code = supervisor.stop(signal.SIGTERM, timeout=15)
    assert code == 0, supervisor.log()[-3000:]
    assert not any(h.pid_alive(pid) for pid in children)
    assert supervisor.log().count("stopped {") == 2


def _started(log: str) -> dict[int, int]:
    """index → pid of the latest start of each child, from the supervisor's log."""
    pids: dict[int, int] = {}
    for index, pid in re.findall(r"child (\d+) started on port \d+, pid (\d+)", log):
        pids[int(index)] = int(pid)
    return pids
