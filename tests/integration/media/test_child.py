"""A real media child (pjsua2) answering real sipp callers: prompts, capacity, 404, clean SIGTERM."""

from __future__ import annotations

import shutil
import socket
import threading
import time

import pytest

from tests.integration.media import child_helpers as h

pytestmark = pytest.mark.integration

needs_tools = pytest.mark.skipif(not (shutil.which("sipp") and shutil.which("sox")), reason="needs sipp and sox")
pytest.importorskip("pjsua2")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("media-child")


@pytest.fixture(scope="module")
def prompt(workdir):
    return h.make_prompt(workdir / "prompt.wav", seconds=1.0)


@pytest.fixture(scope="module")
def child(workdir, prompt):
    """One child serving number 1000 only, default capacity (3)."""
    port = h.free_port_block(1)
    proc = h.start_child(workdir, port, prompt, "--numbers", "1000", "--rtp-port", str(h.free_port_block(1)))
    proc.port = port
    yield proc
    assert proc.stop() == 0, proc.log()[-2000:]


def _new_statuses(child, kind, before):
    return child.statuses(kind)[before:]


@needs_tools
def test_twenty_calls_play_the_prompt_and_complete(child, workdir):
    """20 callers (5 calls/s, 3 at a time): each is answered, hears the 1 s prompt, gets the child's BYE."""
    before = len(child.statuses("ended"))
    result = h.run_caller(child.port, workdir, calls=20, rate=5, limit=3)
    assert result.returncode == 0, result.output[-3000:]
    assert (result.successful, result.failed) == (20, 0)
    ended = _wait_statuses(child, "ended", before, 20)
    assert all(e["answered"] and e["status"] == 200 for e in ended), ended
    # 1 s of audio at 20 ms per packet is about 50 RTP packets sent toward each caller
    assert min(e["rtp_tx_packets"] for e in ended) >= 40, ended


@needs_tools
def test_the_caller_receives_a_non_silent_prompt(child, workdir):
    """The RTP reaching the caller's SDP address carries the tone (PCMU), not silence."""
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", 0))
    sink.settimeout(0.2)
    packets: list[bytes] = []
    stop = threading.Event()

    def receive():
        while not stop.is_set():
            try:
                packets.append(sink.recv(2048))
            except TimeoutError:
                pass

    thread = threading.Thread(target=receive, daemon=True)
    thread.start()
    try:
        result = h.run_caller(child.port, workdir, calls=1, rtp_port=sink.getsockname()[1])
    finally:
        stop.set()
        thread.join()
        sink.close()
    assert result.returncode == 0, result.output[-3000:]
    audio = [p for p in packets if len(p) > 12 and p[1] & 0x7F == 0]  # RTP payload type 0 = PCMU
    assert len(audio) >= 40, len(packets)
    samples = [h.ulaw_to_linear(b) for p in audio for b in p[12:]]
    peak = max(abs(s) for s in samples)
    assert peak > 4000, peak  # sox wrote the tone at half scale; silence would be ~0


@needs_tools
def test_a_call_beyond_capacity_gets_486(child, workdir):
    """4 simultaneous callers: 3 are answered, the 4th gets 486 so the front can try another child."""
    before = len(child.statuses("ended"))
    result = h.run_caller(child.port, workdir, calls=4, rate=100, limit=4)
    assert result.returncode == 0, result.output[-3000:]
    ended = _wait_statuses(child, "ended", before, 4)
    assert sorted(e["status"] for e in ended) == [200, 200, 200, 486], ended


@needs_tools
def test_an_unknown_number_gets_404(child, workdir):
    before = len(child.statuses("ended"))
    result = h.run_caller(child.port, workdir, number="9999", calls=1)
    assert result.returncode == 0, result.output[-3000:]
    assert [e["status"] for e in _wait_statuses(child, "ended", before, 1)] == [404]


@needs_tools
def test_sigterm_hangs_up_the_calls_and_exits_0(workdir):
    """A child stopped mid-prompt sends BYE to its callers, destroys pjsua2 and exits 0."""
    long_prompt = h.make_prompt(workdir / "long.wav", seconds=10.0)
    port = h.free_port_block(1)
    child = h.start_child(workdir, port, long_prompt, "--rtp-port", str(h.free_port_block(1)), name="term")
    results: list[h.SippResult] = []
    thread = threading.Thread(target=lambda: results.append(h.run_caller(port, workdir, calls=2, rate=100)))
    thread.start()
    try:
        child.wait_for("incoming {", count=2, timeout=10)
        time.sleep(0.5)
        started = time.monotonic()
        assert child.stop() == 0, child.log()[-3000:]
        assert time.monotonic() - started < 5
    finally:
        thread.join(timeout=40)
    assert results and results[0].returncode == 0, results and results[0].output[-3000:]
    assert results[0].successful == 2
    (stopped,) = child.statuses("stopped")
    assert (stopped["answered"], stopped["ended"]) == (2, 2), stopped


def _wait_until(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not predicate():
        time.sleep(0.05)


def _wait_statuses(child, kind, before, count, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = child.statuses(kind)[before:]
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{count} {kind} lines expected, got {child.statuses(kind)[before:]}\n{child.log()[-2000:]}")
