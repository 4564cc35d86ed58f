"""Agent states: only valid transitions; reservation lifecycle (ringing, answered, no answer, end call)."""

import pytest

from acd.engine import InvalidTransition, UnknownAgent
from tests.acd.engine.conftest import one_service

pytestmark = pytest.mark.integration


def _put_in(eng, state):
    """Drive agent a1 of one_service() into `state`."""
    if state == "logged_out":
        return
    eng.login("a1", ready=state not in ("released",))
    if state in ("reserved", "ringing", "on_call", "wrap_up"):
        eng.enqueue("c1", "s")
    if state == "ringing":
        eng.ringing("c1", "a1")
    if state in ("on_call", "wrap_up"):
        eng.answered("c1", "a1")
    if state == "wrap_up":
        eng.wrap_up("a1")


ALLOWED = {
    ("logged_out", "login"),
    ("released", "ready"),
    ("wrap_up", "ready"),
    ("available", "release"),
    ("released", "release"),
    ("wrap_up", "release"),
    ("available", "logout"),
    ("released", "logout"),
    ("wrap_up", "logout"),
}
STATES = ["logged_out", "released", "available", "reserved", "ringing", "on_call", "wrap_up"]
ACTIONS = {
    "login": lambda e: e.login("a1"),
    "ready": lambda e: e.ready("a1"),
    "release": lambda e: e.release("a1", "lunch"),
    "logout": lambda e: e.logout("a1"),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_transition_table(make_engine, state, action):
    eng = make_engine(*one_service(agents=1))
    _put_in(eng, state)
    assert eng.agent("a1")["state"] == state
    if (state, action) in ALLOWED:
        ACTIONS[action](eng)
    else:
        with pytest.raises(InvalidTransition) as err:
            ACTIONS[action](eng)
        assert err.value.code == "invalid_transition"
        assert state in err.value.reason and action in err.value.reason
        assert eng.agent("a1")["state"] == state


def test_release_keeps_the_code_and_ready_clears_it(make_engine):
    eng = make_engine(*one_service(agents=1))
    eng.login("a1")
    eng.release("a1", "training")
    assert (eng.agent("a1")["state"], eng.agent("a1")["code"]) == ("released", "training")
    eng.ready("a1")
    assert (eng.agent("a1")["state"], eng.agent("a1")["code"]) == ("available", "")


def test_unknown_agent(make_engine):
    eng = make_engine(*one_service(agents=1))
    with pytest.raises(UnknownAgent):
        eng.login("ghost")


def test_answer_by_another_agent_is_refused(make_engine):
    eng = make_engine(*one_service(agents=2))
    eng.login("a1", ready=True)
    eng.login("a2", ready=True)
    agent = eng.enqueue("c1", "s").agent
    other = "a2" if agent == "a1" else "a1"
    with pytest.raises(InvalidTransition):
        eng.answered("c1", other)


def test_answered_connects_and_counts(make_engine):
    eng = make_engine(*one_service(agents=1))
    eng.login("a1", ready=True)
    eng.enqueue("c1", "s")
    eng.ringing("c1", "a1")
    assert eng.agent("a1")["state"] == "ringing"
    eng.answered("c1", "a1")
    assert eng.agent("a1")["state"] == "on_call" and eng.agent("a1")["handled"] == "1"
    assert eng.call("c1")["state"] == "connected"
    with pytest.raises(InvalidTransition):
        eng.answered("c1", "a1")


@pytest.mark.parametrize("after", ["released", "available"])
def test_no_answer_puts_the_call_back_at_its_place(make_engine, after):
    eng = make_engine(*one_service(agents=1))
    eng.login("a1")
    for cid in ("c1", "c2", "c3"):
        eng.enqueue(cid, "s")
    score = eng.call("c1")["score"]
    assert eng.ready("a1") == "c1"
    got, nxt = eng.no_answer("c1", "a1", agent_state_after=after)
    assert got is None
    assert eng.call("c1")["score"] == score
    if after == "released":
        assert (eng.agent("a1")["state"], eng.agent("a1")["code"]) == ("released", "no_answer")
        assert eng.waiting("s") == ["c1", "c2", "c3"]
    else:
        # back at its place, so it is the first call offered again
        assert nxt == "c1" and eng.waiting("s") == ["c2", "c3"]


def test_no_answer_offers_the_call_to_another_available_agent_first(make_engine):
    eng = make_engine(*one_service(strategy="top_down", agents=2))
    eng.login("a1", ready=True)
    eng.enqueue("c1", "s")
    eng.login("a2", ready=True)
    assert eng.no_answer("c1", "a1", agent_state_after="available") == ("a2", None)
    assert eng.agent("a1")["state"] == "available"


@pytest.mark.parametrize("wrap", [True, False])
def test_end_call(make_engine, wrap):
    eng = make_engine(*one_service(agents=1))
    eng.login("a1", ready=True)
    eng.enqueue("c1", "s")
    eng.answered("c1", "a1")
    eng.enqueue("c2", "s")
    nxt = eng.end_call("a1", wrap_up=wrap)
    assert eng.call("c1") == {}
    assert int(eng.agent("a1")["last_end"]) > 0
    if wrap:
        assert nxt is None and eng.agent("a1")["state"] == "wrap_up"
        assert eng.ready("a1") == "c2"
    else:
        assert nxt == "c2" and eng.agent("a1")["state"] == "reserved"


def test_end_call_when_not_on_a_call(make_engine):
    eng = make_engine(*one_service(agents=1))
    eng.login("a1", ready=True)
    with pytest.raises(InvalidTransition):
        eng.end_call("a1")


def test_logout_leaves_the_services(make_engine):
    eng = make_engine(*one_service(agents=1, no_agent_to=("hangup", ""), no_agent_timeout=0))
    eng.login("a1")
    eng.logout("a1")
    assert eng.enqueue("c1", "s").status == "no_agents"


def test_reconfigure_keeps_live_state(client, prefix, make_engine):
    services, agents = one_service(agents=1)
    eng = make_engine(services, agents)
    eng.login("a1", ready=True)
    eng = make_engine(services, agents)
    assert eng.agent("a1")["state"] == "available"
    assert eng.enqueue("c1", "s").agent == "a1"
