"""Service rules of the engine: priorities, personal queues, one-group login, supervise() (overflow,
no-agent timer, positions to owners), owner messages."""

import time

import pytest

from acd.engine import AcdError
from tests.acd.engine.conftest import one_service

pytestmark = pytest.mark.integration


def two_services(**first):
    services = [
        {"name": "s", "strategy": "top_down", "ring_timeout": 15, "groups": ["g"], **first},
        {"name": "t", "strategy": "top_down", "ring_timeout": 15, "groups": ["h"]},
    ]
    agents = [{"id": "a1", "groups": ["g"], "extension": "sip:1@x"}, {"id": "a2", "groups": ["h"]}]
    return services, agents


def test_service_priority_ranks_before_call_priority(make_engine):
    services = [
        {"name": "low", "groups": ["g"], "priority": 2},
        {"name": "high", "groups": ["g"], "priority": 7},
    ]
    eng = make_engine(services, [{"id": "a1", "groups": ["g"]}])
    eng.login("a1")
    eng.enqueue("c-low", "low", priority=99)
    eng.enqueue("c-high", "high", priority=0)
    assert eng.ready("a1") == "c-high"


def test_priority_raised_while_waiting_keeps_time_entered_among_peers(make_engine):
    eng = make_engine(*one_service())
    eng.login("a1")
    for i, pri in enumerate([0, 5, 0, 5]):
        eng.enqueue(f"c{i}", "s", priority=pri)
    assert eng.waiting("s") == ["c1", "c3", "c0", "c2"]
    # c2 entered before c3: raised to 5 it goes ahead of c3 but stays behind c1
    assert eng.set_priority("c2", 5) == 2
    assert eng.waiting("s") == ["c1", "c2", "c3", "c0"]
    assert eng.set_priority("c1", 0) == 4
    assert eng.waiting("s") == ["c2", "c3", "c0", "c1"]
    with pytest.raises(AcdError):
        eng.set_priority("nope", 1)


def test_owner_is_told_to_ring_the_reserved_agent(make_engine):
    eng = make_engine(*two_services())
    eng.login("a1", ready=True)
    res = eng.enqueue("c1", "s", owner="mw1")
    assert res.agent == "a1" and res.score and res.entered_at > 0
    [(_, msg)] = eng.owner_messages("mw1")
    assert msg == {
        "type": "reserved",
        "call": "c1",
        "service": "s",
        "agent": "a1",
        "extension": "sip:1@x",
        "group": "g",
        "agent_queue": "",
        "ring_ms": "15000",
    }


def test_personal_queue_call_waits_for_its_agent_only(make_engine):
    eng = make_engine(*one_service(agents=2))
    eng.login("a1")
    eng.login("a2", ready=True)
    eng.enqueue("c-general", "s")  # a2 takes it at once
    res = eng.enqueue("c-personal", "s", agent_queue="a1", owner="mw")
    assert (res.status, res.agent) == ("queued", None)
    assert eng.waiting("s") == [] and eng.queue_position("c-personal") == 1
    eng.end_call("a2") if eng.agent("a2")["state"] == "on_call" else None
    eng.answered("c-general", "a2")
    assert eng.end_call("a2") is None  # a2 is free but the personal call is not for a2
    assert eng.ready("a1") == "c-personal"
    assert eng.owner_messages("mw")[-1][1]["agent_queue"] == "a1"


def test_personal_queue_and_service_queue_compete_by_age(make_engine):
    eng = make_engine(*one_service(agents=1))
    eng.login("a1")
    eng.enqueue("c-service", "s")
    eng.enqueue("c-personal", "s", agent_queue="a1")
    assert eng.ready("a1") == "c-service"


def test_unknown_personal_queue_agent_is_refused(make_engine):
    eng = make_engine(*one_service())
    with pytest.raises(AcdError) as exc:
        eng.enqueue("c1", "s", agent_queue="a9")
    assert exc.value.code == "unknown_agent"


def test_login_to_one_group_takes_that_groups_services_only(make_engine):
    services = [{"name": "s", "groups": ["g"]}, {"name": "t", "groups": ["h"]}]
    eng = make_engine(services, [{"id": "a1", "groups": ["g", "h"]}])
    eng.login("a1", group="h")
    eng.enqueue("c-s", "s")
    eng.enqueue("c-t", "t")
    assert eng.ready("a1") == "c-t"
    eng.answered("c-t", "a1")
    assert eng.end_call("a1") is None  # c-s is not for the group it logged into
    eng.logout("a1")
    eng.login("a1")  # all groups again
    assert eng.ready("a1") == "c-s"


def test_login_to_a_group_the_agent_is_not_in_is_refused(make_engine):
    eng = make_engine(*one_service(agents=1))
    with pytest.raises(AcdError) as exc:
        eng.login("a1", group="other")
    assert exc.value.code == "invalid_group"
    assert eng.agent("a1")["state"] == "logged_out"


def test_overflow_to_another_service_keeps_time_entered(make_engine):
    eng = make_engine(*two_services(max_queue_time=30, overflow_to=("service", "t")))
    eng.login("a1")
    eng.login("a2")
    eng.enqueue("old", "s", owner="mw")
    eng.enqueue("t-1", "t")
    now = time.time()
    assert eng.supervise("s", now=now + 10) == []
    [d] = eng.supervise("s", now=now + 31)
    assert (d.call, d.reason, d.position, d.kind, d.target) == ("old", "overflowed", 1, "service", "t")
    assert eng.waiting("s") == [] and eng.waiting("t") == ["old", "t-1"]
    moved = [m for _, m in eng.owner_messages("mw") if m["type"] == "moved"]
    assert moved == [{"type": "moved", "call": "old", "reason": "overflowed", "from": "s", "service": "t"}]
    assert eng.ready("a2") == "old"


def test_overflow_to_a_script_hands_the_call_back_to_its_owner(make_engine):
    eng = make_engine(*two_services(max_queue_time=5, overflow_to=("script", "Voicemail")))
    eng.login("a1")
    eng.enqueue("c1", "s", owner="mw")
    [d] = eng.supervise("s", now=time.time() + 6)
    assert (d.reason, d.kind, d.target) == ("overflowed", "script", "Voicemail")
    assert eng.call("c1") == {}
    msg = eng.owner_messages("mw")[-1][1]
    assert msg == {"type": "overflowed", "call": "c1", "service": "s", "kind": "script", "target": "Voicemail"}


def test_required_skills_nobody_has_go_to_the_no_agent_destination_after_its_timer(make_engine):
    services = [
        {
            "name": "s",
            "groups": ["g"],
            "no_agent_to": ("device", "sip:night@x"),
            "no_agent_timeout": 20,
        }
    ]
    eng = make_engine(services, [{"id": "a1", "groups": ["g"], "skills": {"en": 5}}])
    eng.login("a1")
    eng.enqueue("c-fr", "s", skills={"fr": 1}, owner="mw")
    eng.enqueue("c-en", "s", skills={"en": 3})
    now = time.time()
    assert eng.supervise("s", now=now + 1) == []  # the timer starts
    assert eng.supervise("s", now=now + 10) == []
    [d] = eng.supervise("s", now=now + 22)
    assert (d.call, d.reason, d.kind, d.target) == ("c-fr", "no_agent", "device", "sip:night@x")
    assert eng.waiting("s") == ["c-en"]


def test_no_agent_timer_restarts_when_an_agent_logs_in(make_engine):
    services = [{"name": "s", "groups": ["g"], "no_agent_to": ("hangup", ""), "no_agent_timeout": 20}]
    eng = make_engine(services, [{"id": "a1", "groups": ["g"]}])
    eng.enqueue("c1", "s")
    now = time.time()
    eng.supervise("s", now=now)
    eng.login("a1")
    eng.supervise("s", now=now + 15)  # servable: the timer is cleared
    eng.logout("a1")
    eng.supervise("s", now=now + 16)  # starts again
    assert eng.supervise("s", now=now + 30) == []
    assert [d.call for d in eng.supervise("s", now=now + 37)] == ["c1"]


def test_positions_go_to_owners_when_they_move_either_way(make_engine):
    eng = make_engine(*one_service(agents=1))
    eng.login("a1")
    for i in range(3):
        eng.enqueue(f"c{i}", "s", owner="mw")
    eng.supervise("s")
    first = [(m["call"], m["position"]) for _, m in eng.owner_messages("mw") if m["type"] == "position"]
    assert first == [("c0", "1"), ("c1", "2"), ("c2", "3")]
    last = eng.owner_messages("mw")[-1][0]
    eng.supervise("s")
    assert eng.owner_messages("mw", last) == []  # nothing moved: nothing sent
    eng.set_priority("c2", 9)  # c2 jumps ahead: everyone moves
    eng.supervise("s")
    moved = [(m["call"], m["position"]) for _, m in eng.owner_messages("mw", last)]
    assert moved == [("c2", "1"), ("c0", "2"), ("c1", "3")]


def test_queue_info_and_averages(make_engine):
    eng = make_engine(*one_service(agents=1))
    eng.login("a1")
    eng.enqueue("c0", "s")
    eng.enqueue("c1", "s")
    info = eng.queue_info("c1")
    assert info["position"] == 2 and info["average_wait_s"] is None and info["expected_wait_s"] is None
    assert abs(info["entered_at"] - time.time()) < 5
    for call in ("c0", "c1"):
        assert eng.ready("a1") == call
        eng.answered(call, "a1")
        eng.end_call("a1", wrap_up=True)
    eng.enqueue("c2", "s")
    eng.enqueue("c3", "s")
    info = eng.queue_info("c3")
    assert info["average_wait_s"] is not None and info["average_wait_s"] >= 0
    assert info["expected_wait_s"] is not None


def test_personal_queue_call_falls_back_to_the_service_when_its_agent_is_gone(make_engine):
    eng = make_engine(*one_service(agents=2, no_agent_timeout=10))
    eng.login("a2")
    eng.enqueue("c1", "s", agent_queue="a1", owner="mw")
    now = time.time()
    assert eng.supervise(now=now) == []
    [d] = eng.supervise(now=now + 11)
    assert (d.call, d.reason, d.kind, d.target) == ("c1", "no_agent", "service", "s")
    assert eng.waiting("s") == ["c1"]
    assert eng.ready("a2") == "c1"


def test_priority_changed_while_reserved_counts_when_the_call_goes_back(make_engine):
    eng = make_engine(*one_service(agents=1))
    eng.login("a1", ready=True)
    eng.enqueue("c1", "s")  # reserved for a1 at once
    assert eng.set_priority("c1", 9) == 0
    eng.enqueue("c2", "s", priority=5)
    eng.no_answer("c1", "a1", "released")
    assert eng.waiting("s") == ["c1", "c2"]  # priority 9 now, ahead of c2
