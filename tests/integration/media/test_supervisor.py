"""`manage.py media_worker`'s supervisor over real pjsua2 children: a killed child comes back and answers calls."""

from __future__ import annotations

import os
import re
import shutil
import signal
import time

import pytest

from tests.integration.media import child_helpers as h
from tests.media_worker.process.pids import pid_alive

pytestmark = pytest.mark.integration


@pytest.mark.skipif(not shutil.which("sipp"), reason="needs sipp")
def test_media_worker_restarts_a_killed_child_which_answers_again_and_stops_on_sigterm(tmp_path):
    """`media_worker --processes 2`: SIGKILL child 0 → respawned after its backoff, answering; SIGTERM → stop."""
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
        supervisor.wait_for("started on port", count=3, timeout=5)
        # the supervisor's part: the 0.5 s backoff, the dead child's calls closed, the new process spawned; the
        # child's own start-up (Django and pjsua2, about 1 s on a quiet machine) depends on the machine's load
        assert time.monotonic() - killed_at < 1.5
        supervisor.wait_for("ready {", count=3, timeout=15)
        assert "died; its calls ended by failure" in supervisor.log()
        replacement = _started(supervisor.log())[0]
        assert replacement != victim and pid_alive(replacement)
        result = h.run_caller(base, tmp_path, calls=2, rate=10)
        assert (result.returncode, result.successful) == (0, 2), result.output[-3000:]
        children = list(_started(supervisor.log()).values())
    finally:
        code = supervisor.stop(signal.SIGTERM, timeout=15)
    assert code == 0, supervisor.log()[-3000:]
    assert not any(pid_alive(pid) for pid in children)
    assert supervisor.log().count("stopped {") == 2


def _started(log: str) -> dict[int, int]:
    """index → pid of the latest start of each child, from the supervisor's log."""
    pids: dict[int, int] = {}
    for index, pid in re.findall(r"child (\d+) started on port \d+, pid (\d+)", log):
        pids[int(index)] = int(pid)
    return pids
