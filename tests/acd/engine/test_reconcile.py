"""Recovery: a reservation older than its ring timeout is freed, even when its holder died."""

import multiprocessing
import time

import pytest

from acd.engine import AcdEngine
from tests.acd.engine.conftest import new_client, one_service

pytestmark = pytest.mark.integration


def test_reconcile_frees_only_expired_reservations(make_engine):
    eng = make_engine(*one_service(agents=2, ring=10, no_answer_state="released"))
    eng.login("a1", ready=True)
    eng.login("a2", ready=True)
    eng.enqueue("c1", "s")
    eng.enqueue("c2", "s")
    expires = int(eng.call("c1")["expires"])
    assert eng.reconcile(now=(expires - 1) / 1000) == []
    freed = eng.reconcile(now=(expires + 20) / 1000)
    assert sorted(freed) == ["c1", "c2"]
    assert eng.waiting("s") == ["c1", "c2"]
    assert {eng.agent(a)["state"] for a in ("a1", "a2")} == {"released"}


def test_reconcile_is_idempotent_and_ignores_answered_calls(make_engine):
    eng = make_engine(*one_service(agents=1, ring=10))
    eng.login("a1", ready=True)
    eng.enqueue("c1", "s")
    eng.answered("c1", "a1")
    assert eng.reconcile(now=time.time() + 3600) == []
    assert eng.agent("a1")["state"] == "on_call"


def _hold_a_reservation(prefix: str, ready: "multiprocessing.synchronize.Event") -> None:
    """A media process: makes the agent ready (which reserves the first call), then hangs."""
    eng = AcdEngine(new_client(), prefix)
    eng.ready("a1")
    ready.set()
    time.sleep(600)


def _kill_holder(prefix):
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    child = ctx.Process(target=_hold_a_reservation, args=(prefix, ready), daemon=True)
    child.start()
    assert ready.wait(30), "the child never reserved"
    child.kill()
    child.join(5)
    assert child.exitcode is not None and child.exitcode < 0
    return time.monotonic()


def _reconcile_until(eng, done, deadline):
    while time.monotonic() < deadline:
        eng.reconcile()
        if done():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("after", ["released", "available"])
def test_killed_reservation_holder(make_engine, prefix, after):
    """Within ring timeout + 1 s of the kill, the agent is free and the call is back at its place."""
    ring = 1.0
    eng = make_engine(*one_service(agents=1, ring=ring, no_answer_state=after))
    eng.login("a1")
    for cid in ("c1", "c2", "c3"):
        eng.enqueue(cid, "s")
    score = eng.call("c1")["score"]
    killed_at = _kill_holder(prefix)
    held = eng.call("c1")
    assert (held["state"], held["agent"]) == ("reserved", "a1")

    if after == "released":
        # the agent is free (released, not stuck in reserved) and c1 is first again
        def done():
            return eng.agent("a1")["state"] == "released" and eng.waiting("s") == ["c1", "c2", "c3"]
    else:
        # the agent is available again, so the call at the head (c1, its place) is offered anew
        def done():
            call = eng.call("c1")
            return call["state"] == "reserved" and int(call["reserved_seq"]) > int(held["reserved_seq"])

    assert _reconcile_until(eng, done, killed_at + ring + 1.0)
    assert eng.call("c1")["score"] == score
    assert eng.agent("a1")["code"] == ("no_answer" if after == "released" else "")
    if after == "available":
        assert eng.waiting("s") == ["c2", "c3"] and eng.agent("a1")["call"] == "c1"
