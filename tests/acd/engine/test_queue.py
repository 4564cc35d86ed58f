"""Queues: statuses, order (priority desc, then entered first), skills, positions, removal."""

import pytest

from acd.engine import DuplicateCall, UnknownCall
from tests.acd.engine.conftest import one_service

pytestmark = pytest.mark.integration


def test_unknown_service(make_engine):
    eng = make_engine(*one_service())
    assert eng.enqueue("c1", "nope").status == "unknown_service"


def test_no_agent_logged_in_with_an_immediate_no_agent_destination_is_refused(make_engine):
    eng = make_engine(*one_service(no_agent_to=("script", "Closed"), no_agent_timeout=0))
    assert eng.enqueue("c1", "s").status == "no_agents"
    assert eng.queue_length("s") == 0 and eng.call("c1") == {}


def test_no_agent_logged_in_without_a_no_agent_destination_waits(make_engine):
    eng = make_engine(*one_service())
    res = eng.enqueue("c1", "s")
    assert (res.status, res.agent) == ("queued", None)
    assert eng.waiting("s") == ["c1"]


def test_released_agents_count_as_logged_in(make_engine):
    eng = make_engine(*one_service())
    eng.login("a1")
    res = eng.enqueue("c1", "s")
    assert (res.status, res.agent) == ("queued", None)
    assert eng.queue_position("c1") == 1


def test_full_at_maximum_queue_length(make_engine):
    eng = make_engine(*one_service(max_queue_length=2))
    eng.login("a1")
    assert [eng.enqueue(f"c{i}", "s").status for i in range(3)] == ["queued", "queued", "full"]


def test_duplicate_call_is_refused(make_engine):
    eng = make_engine(*one_service())
    eng.login("a1")
    eng.enqueue("c1", "s")
    with pytest.raises(DuplicateCall):
        eng.enqueue("c1", "s")


def test_order_is_priority_then_entered(make_engine):
    eng = make_engine(*one_service())
    eng.login("a1")
    for cid, pri in [("low1", 0), ("high1", 5), ("low2", 0), ("high2", 5), ("top", 99)]:
        eng.enqueue(cid, "s", priority=pri)
    assert eng.waiting("s") == ["top", "high1", "high2", "low1", "low2"]
    assert [eng.queue_position(c) for c in ("top", "low2")] == [1, 5]
    assert eng.queue_length("s") == 5


def test_enqueue_reserves_an_available_agent_at_once(make_engine):
    eng = make_engine(*one_service())
    eng.login("a1", ready=True)
    res = eng.enqueue("c1", "s", owner="media-7")
    assert (res.status, res.agent) == ("queued", "a1")
    call = eng.call("c1")
    assert (call["state"], call["agent"], call["owner"]) == ("reserved", "a1", "media-7")
    assert eng.agent("a1")["state"] == "reserved" and eng.agent("a1")["call"] == "c1"
    assert eng.queue_position("c1") is None and eng.queue_length("s") == 0


def test_required_skills_exclude_agents_without_them(make_engine):
    services = [{"name": "s", "strategy": "top_down", "groups": ["g"]}]
    agents = [
        {"id": "a1", "groups": ["g"], "skills": {"es": 2}},
        {"id": "a2", "groups": ["g"], "skills": {"es": 7, "fr": 1}},
    ]
    eng = make_engine(services, agents)
    eng.login("a1", ready=True)
    eng.login("a2", ready=True)
    assert eng.enqueue("c1", "s", skills={"es": 5}).agent == "a2"
    assert eng.enqueue("c2", "s", skills={"de": 1}).agent is None


def test_agent_skips_calls_it_cannot_take_but_keeps_their_place(make_engine):
    services = [{"name": "s", "groups": ["g"]}]
    agents = [{"id": "a1", "groups": ["g"]}, {"id": "a2", "groups": ["g"], "skills": {"es": 5}}]
    eng = make_engine(services, agents)
    eng.login("a1")
    eng.login("a2")
    eng.enqueue("spanish", "s", skills={"es": 3})
    eng.enqueue("plain", "s")
    assert eng.ready("a1") == "plain"
    assert eng.queue_position("spanish") == 1
    assert eng.ready("a2") == "spanish"


def test_agent_takes_the_best_call_across_its_services(make_engine):
    services = [{"name": "s1", "groups": ["g"]}, {"name": "s2", "groups": ["g"]}]
    eng = make_engine(services, [{"id": "a1", "groups": ["g"]}])
    eng.login("a1")
    eng.enqueue("old-s1", "s1")
    eng.enqueue("new-s2", "s2")
    eng.enqueue("urgent-s2", "s2", priority=3)
    assert eng.ready("a1") == "urgent-s2"
    eng.answered("urgent-s2", "a1")
    assert eng.end_call("a1") == "old-s1"


def test_hangup_of_a_waiting_call_returns_position_and_wait(make_engine):
    eng = make_engine(*one_service())
    eng.login("a1")
    for cid in ("c1", "c2", "c3"):
        eng.enqueue(cid, "s")
    gone = eng.abandon("c2")
    assert (gone.position, gone.state) == (2, "waiting") and gone.wait_s >= 0
    assert eng.waiting("s") == ["c1", "c3"] and eng.call("c2") == {}
    with pytest.raises(UnknownCall):
        eng.hangup("c2")


def test_hangup_of_a_reserved_call_frees_the_agent_for_the_next_call(make_engine):
    eng = make_engine(*one_service(agents=1))
    eng.login("a1", ready=True)
    eng.enqueue("c1", "s")
    eng.enqueue("c2", "s")
    assert eng.hangup("c1").state == "reserved"
    assert eng.agent("a1")["call"] == "c2" and eng.call("c2")["state"] == "reserved"


def test_hangup_of_a_connected_call_puts_the_agent_in_wrap_up(make_engine):
    eng = make_engine(*one_service(agents=1))
    eng.login("a1", ready=True)
    eng.enqueue("c1", "s")
    eng.answered("c1", "a1")
    assert eng.hangup("c1").state == "connected"
    agent = eng.agent("a1")
    assert agent["state"] == "wrap_up" and "call" not in agent and int(agent["last_end"]) > 0


def test_batches_are_one_atomic_script_per_event(make_engine):
    eng = make_engine(*one_service(agents=2))
    eng.login("a1")
    res = eng.enqueue_many([("c1", "s", 0, ""), ("c2", "s", 5, ""), ("c3", "nope", 0, "")])
    assert [r.status for r in res] == ["queued", "queued", "unknown_service"]
    got = eng.ready_many(["a1", "a2"])
    assert got[0] == "c2"
    assert got[1].code == "invalid_transition"  # a2 never logged in


def test_a_refused_event_in_a_batch_changes_nothing_and_the_rest_go_on(make_engine):
    eng = make_engine(*one_service(agents=3))
    eng.login("a1")
    eng.login("a3")
    eng.enqueue("c0", "s")
    res = eng.enqueue_many([("c0", "s", 0, ""), ("c1", "s", 0, "")])
    assert res[0].code == "duplicate_call" and res[1].status == "queued"
    got = eng.ready_many(["a1", "a2", "a3"])
    assert got[0] == "c0" and got[1].code == "invalid_transition" and got[2] == "c1"
    assert eng.agent("a2")["state"] == "logged_out"


def test_a_batch_of_mixed_events_runs_in_order_each_atomic(make_engine):
    eng = make_engine(*one_service(agents=2))
    eng.login("a1")
    b = eng.batch()
    b.enqueue("c1", "s", owner="mw").ready("a1").answered("c1", "a1").ready("a2").end_call("a1", wrap_up=True)
    b.enqueue("c2", "s").hangup("c2")
    assert len(b) == 7
    res = eng.batch()._add("agent", ["dance", "a1", "", ""], lambda r: r).execute()
    assert res[0].code == "invalid_action"
    out = b.execute()
    assert out[0].status == "queued" and out[0].agent is None
    assert out[1] == "c1" and out[2] is None
    assert out[3].code == "invalid_transition"  # a2 is logged out
    assert out[4] is None
    assert out[5].status == "queued"
    assert (out[6].state, out[6].outcome, out[6].position) == ("waiting", "removed", 1)
    assert eng.agent("a1")["state"] == "wrap_up" and eng.waiting("s") == []
    assert len(b) == 0 and b.execute() == []
