"""Callbacks keep the caller's place; each attempt is dialled once, and only when an agent is reserved."""

import time

import pytest

from acd.engine import AcdError
from tests.acd.engine.conftest import one_service

pytestmark = pytest.mark.integration


def cb_service(**extra):
    services, agents = one_service(agents=2, callback_attempts=2, **extra)
    for a in agents:
        a["extension"] = f"sip:{a['id']}@pbx"
    return services, agents


def dials(eng):
    return [{k.decode(): v.decode() for k, v in m.items()} for _, m in eng.client.xrange(eng.keys.originate)]


def test_callback_keeps_the_place_and_the_caller_may_hang_up(make_engine):
    eng = make_engine(*cb_service())
    eng.login("a1")
    for i in range(3):
        eng.enqueue(f"c{i}", "s", owner="mw")
    assert eng.request_callback("c1", ["+15550001", "+15550002"]) == 2
    removal = eng.hangup("c1")  # the caller's leg ends
    assert removal.outcome == "callback" and removal.position == 2
    assert eng.waiting("s") == ["c0", "c1", "c2"]
    assert dials(eng) == []  # nothing is dialled before an agent is reserved for it


def test_dialled_once_per_attempt_then_alternatives_then_dropped(make_engine):
    eng = make_engine(*cb_service())
    eng.login("a1")
    eng.enqueue("c1", "s")
    eng.request_callback("c1", ["+15550001", "+15550002"])
    eng.hangup("c1")
    assert eng.ready("a1") == "c1"
    [req] = eng.claim_originate("mw1")
    assert req[1]["destination"] == "+15550001" and req[1]["attempt"] == "1"
    assert req[1]["agent"] == "a1" and req[1]["extension"] == "sip:a1@pbx"
    assert eng.claim_originate("mw2") == []  # another dialer does not get the same attempt
    eng.ack_originate(req[0])
    outcomes = []
    for _ in range(4):
        agent = eng.call("c1")["agent"]
        outcomes.append(eng.callback_failed("c1", agent).callback)
        if eng.call("c1") and eng.call("c1")["state"] == "waiting":
            eng.ready("a1") if eng.agent("a1")["state"] != "reserved" else None
    assert outcomes == ["retry", "retry", "retry", "exhausted"]
    sent = [(d["destination"], d["attempt"]) for d in dials(eng)]
    assert sent == [("+15550001", "1"), ("+15550001", "2"), ("+15550002", "1"), ("+15550002", "2")]
    assert eng.call("c1") == {} and eng.waiting("s") == []
    assert eng.agent("a1")["state"] == "available"  # a failed dial is not the agent's fault


def test_answered_callback_connects_and_ends_like_a_call(make_engine):
    eng = make_engine(*cb_service())
    eng.login("a1", ready=True)
    eng.login("a2")
    eng.enqueue("c0", "s")  # a1 takes it
    eng.enqueue("c1", "s")
    eng.request_callback("c1", ["+15550001"])
    eng.hangup("c1")
    eng.answered("c0", "a1")
    assert eng.ready("a2") == "c1"
    eng.answered("c1", "a2")
    removal = eng.hangup("c1")
    assert (removal.state, removal.outcome) == ("connected", "removed")
    assert eng.agent("a2")["state"] == "wrap_up"


def test_an_agent_who_does_not_answer_a_callback_costs_the_customer_no_attempt(make_engine):
    eng = make_engine(*cb_service(no_answer_state="released"))
    eng.login("a1")
    eng.login("a2")
    eng.enqueue("c1", "s")
    eng.request_callback("c1", ["+15550001"])
    reserved = eng.ready("a1")
    assert reserved == "c1"
    [first] = dials(eng)
    got, _ = eng.no_answer("c1", "a1", "released")  # the agent's phone rang out: the customer was never dialled
    assert eng.agent("a1")["state"] == "released"  # the agent's no-answer treatment, as for any call
    assert got is None and eng.call("c1")["state"] == "waiting"
    assert eng.ready("a2") == "c1"
    second = dials(eng)[-1]
    assert (first["attempt"], second["attempt"]) == ("1", "1")  # the same attempt again, with another agent
    assert eng.callback_failed("c1", "a2").callback == "retry"  # a real dial failure does count:
    assert [d["attempt"] for d in dials(eng)] == ["1", "1", "2"]  # the next request is attempt 2


def test_expired_callback_reservation_uses_an_attempt_and_frees_the_agent(make_engine):
    eng = make_engine(*cb_service(ring=5, no_answer_state="released"))
    eng.login("a1")
    eng.enqueue("c1", "s")
    eng.request_callback("c1", ["+15550001"])
    assert eng.ready("a1") == "c1"
    [r] = eng.reconcile_details(now=time.time() + 6)
    assert (r.call, r.agent, r.callback) == ("c1", "a1", "retry")
    assert eng.agent("a1")["state"] in ("available", "reserved")


def test_last_time_to_initiate_drops_the_callback(make_engine):
    eng = make_engine(*cb_service())
    eng.login("a1")
    eng.enqueue("c1", "s")
    eng.request_callback("c1", ["+15550001"], last_time=time.time() + 60)
    assert eng.supervise("s", now=time.time() + 30) == []
    [d] = eng.supervise("s", now=time.time() + 61)
    assert (d.call, d.reason) == ("c1", "expired")
    assert eng.call("c1") == {}


def test_abandoned_caller_is_called_back_when_the_service_says_so(make_engine):
    eng = make_engine(*cb_service(callback_abandoned=True))
    eng.login("a1")
    eng.enqueue("c0", "s")
    eng.enqueue("c1", "s")
    removal = eng.hangup("c1", abandon_to="+15557777")
    assert (removal.outcome, removal.position) == ("callback", 2)
    assert eng.call("c1")["kind"] == "callback"
    eng.hangup("c0", abandon_to="")  # no number: an ordinary abandon
    assert eng.waiting("s") == ["c1"]
    eng.ready("a1")
    assert [d["destination"] for d in dials(eng)] == ["+15557777"]


def test_abandon_without_the_service_rule_removes_the_call(make_engine):
    eng = make_engine(*cb_service())
    eng.login("a1")
    eng.enqueue("c1", "s")
    assert eng.hangup("c1", abandon_to="+15557777").outcome == "removed"
    assert eng.call("c1") == {}


def test_callback_needs_a_waiting_call_and_a_destination(make_engine):
    eng = make_engine(*cb_service())
    eng.login("a1", ready=True)
    eng.enqueue("c1", "s")  # reserved at once
    with pytest.raises(AcdError) as exc:
        eng.request_callback("c1", ["+1555"])
    assert exc.value.code == "invalid_transition"
    eng.login("a2")
    eng.enqueue("c2", "s")
    with pytest.raises(AcdError) as exc:
        eng.request_callback("c2", [])
    assert exc.value.code == "invalid_callback"


def test_force_hangup_cancels_a_callback(make_engine):
    eng = make_engine(*cb_service())
    eng.login("a1")
    eng.enqueue("c1", "s")
    eng.request_callback("c1", ["+15550001"])
    assert eng.hangup("c1", force=True).outcome == "removed"
    assert eng.waiting("s") == []
