"""Call events through acd.services.acd_calls: every one leaves a history row (cradle to grave)."""

import time

import pytest

from acd import notifier
from acd.engine import configure_services
from acd.services import acd_calls, agent_states
from calls.models import AcdEvent

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def agent(engine_agent):
    return engine_agent


def kinds(call_id):
    return list(AcdEvent.objects.filter(call_id=call_id).values_list("kind", "agent", "position"))


def test_queued_offered_no_answer_offered_answered(agent):
    agent_states.agent_login(agent=agent, ready=True)
    assert acd_calls.call_queued(call_id="c1", service="Sales", priority=3).agent == "1001"
    acd_calls.call_no_answer(call_id="c1", agent="1001", agent_state_after="available")
    acd_calls.call_answered(call_id="c1", agent="1001")
    assert kinds("c1") == [
        ("queued", "", 1),
        ("offered", "1001", None),
        ("no_answer", "1001", None),
        ("offered", "1001", None),
        ("answered", "1001", None),
    ]
    assert AcdEvent.objects.get(call_id="c1", kind="answered").wait_seconds >= 0
    assert AcdEvent.objects.get(call_id="c1", kind="queued").data["priority"] == 3


def test_abandon_keeps_position_and_wait(agent):
    agent_states.agent_login(agent=agent)  # logged in, released: calls wait
    for c in ("c1", "c2", "c3"):
        acd_calls.call_queued(call_id=c, service="Sales")
    acd_calls.call_hangup(call_id="c2")
    row = AcdEvent.objects.get(kind="abandoned")
    assert (row.call_id, row.service, row.position) == ("c2", "Sales", 2)
    assert row.wait_seconds is not None and row.wait_seconds >= 0
    assert notifier.engine().waiting("Sales") == ["c1", "c3"]


def test_no_history_row_when_nothing_was_queued(agent, settings):
    """No agent logged in: the caller goes to the no-agent destination, not into the queue."""
    eng = notifier.engine()
    configure_services(
        eng.client,
        eng.prefix,
        services=[{"name": "Sales", "groups": ["g"], "no_agent_to": ("hangup", ""), "no_agent_timeout": 0}],
        agents=[{"id": "1001", "groups": ["g"]}],
    )
    assert acd_calls.call_queued(call_id="c1", service="Sales").status == "no_agents"
    assert not AcdEvent.objects.filter(call_id="c1").exists()


def test_connected_call_hangup_is_not_an_abandon(agent):
    agent_states.agent_login(agent=agent, ready=True)
    acd_calls.call_queued(call_id="c1", service="Sales")
    acd_calls.call_answered(call_id="c1", agent="1001")
    acd_calls.call_hangup(call_id="c1")
    assert not AcdEvent.objects.filter(kind="abandoned").exists()
    assert notifier.engine().agent("1001")["state"] == "wrap_up"


def test_reconcile_frees_an_expired_reservation_with_history_and_a_delta(
    agent, monkeypatch, django_capture_on_commit_callbacks
):
    """The agent goes to the service's no-answer state, the call back to its place, and it is published."""
    import time

    agent_states.agent_login(agent=agent, ready=True)
    acd_calls.call_queued(call_id="c1", service="Sales")
    sent = []
    monkeypatch.setattr(notifier, "send", sent.extend)
    with django_capture_on_commit_callbacks(execute=True):
        assert acd_calls.reconcile_reservations(now=time.time() + 60) == ["c1"]
    row = AcdEvent.objects.get(kind="no_answer")
    assert (row.call_id, row.agent, row.data["reason"]) == ("c1", "1001", "ring_timeout")
    by_group = {d["group"]: d for d in sent}
    eng = notifier.engine()
    assert by_group["agent.1001"]["agents"] == notifier.snapshot(eng, "agent.1001")["agents"]
    assert by_group["svc.Sales"]["queues"] == {"Sales": eng.waiting("Sales")}
    assert int(eng.agent("1001").get("handled", 0)) == 0


def test_wrap_up_timer_ends_wrap_up_after_the_group_time(agent):
    """Hang-up of a connected call: wrap-up for the group's wrap_up_seconds, then available."""
    import time

    agent.groups.update(wrap_up_seconds=30)
    agent_states.agent_login(agent=agent, ready=True)
    acd_calls.call_queued(call_id="c1", service="Sales")
    acd_calls.call_answered(call_id="c1", agent="1001")
    acd_calls.call_hangup(call_id="c1")
    assert agent_states.end_expired_wrap_ups(now=time.time() + 5) == []
    assert notifier.engine().agent("1001")["state"] == "wrap_up"
    assert agent_states.end_expired_wrap_ups(now=time.time() + 31) == ["1001"]
    assert notifier.engine().agent("1001")["state"] == "available"
    assert AcdEvent.objects.get(data__action="end_wrap_up").data["by"] == "wrap-up timer"
    assert agent_states.end_expired_wrap_ups(now=time.time() + 60) == []


def test_no_wrap_up_time_means_no_timer_and_manual_end_wins(agent):
    import time

    agent_states.agent_login(agent=agent, ready=True)
    acd_calls.call_queued(call_id="c1", service="Sales")
    acd_calls.call_answered(call_id="c1", agent="1001")
    acd_calls.call_ended(agent="1001", wrap_up=True)
    assert agent_states.end_expired_wrap_ups(now=time.time() + 3600) == []
    assert notifier.engine().agent("1001")["state"] == "wrap_up"
    agent.groups.update(wrap_up_seconds=10)
    acd_calls.call_queued(call_id="c2", service="Sales")
    agent_states.agent_end_wrap_up(agent=agent)  # takes c2 at once
    acd_calls.call_answered(call_id="c2", agent="1001")
    agent_states.agent_wrap_up(agent=agent, code="sale")  # on_call -> wrap_up: timer starts
    agent_states.agent_release(agent=agent, code="break")  # ended by hand meanwhile
    assert agent_states.end_expired_wrap_ups(now=time.time() + 11) == []
    assert notifier.engine().agent("1001")["state"] == "released"


def test_callback_requested_then_dial_results_are_history(agent):
    agent_states.agent_login(agent=agent)
    acd_calls.call_queued(call_id="c1", service="Sales")
    assert acd_calls.callback_requested(call_id="c1", destinations=["+15550001"]) == 1
    assert acd_calls.call_hangup(call_id="c1").outcome == "callback"  # the caller hangs up: place kept
    agent_states.agent_ready(agent=agent)
    requeued = acd_calls.callback_dial_failed(call_id="c1", agent="1001", result="busy")
    assert (requeued.callback, requeued.other) == ("retry", "c1")  # the agent is free: reserved for it again
    acd_calls.call_answered(call_id="c1", agent="1001")
    rows = list(AcdEvent.objects.filter(call_id="c1").values_list("kind", "data"))
    made = [d for k, d in rows if k == "callback_made"]
    assert [k for k, _ in rows][:2] == ["queued", "callback_requested"]
    assert [(d["result"], d["attempt"], d["destination"]) for d in made] == [
        ("busy", 1, "+15550001"),
        ("answered", 2, "+15550001"),
    ]
    assert "abandoned" not in kinds("c1")


def test_dial_results_are_checked(agent):
    with pytest.raises(ValueError):
        acd_calls.callback_dial_failed(call_id="c1", agent="1001", result="answered")


def test_supervise_writes_overflow_history(agent):
    eng = notifier.engine()
    configure_services(
        eng.client,
        eng.prefix,
        services=[
            {"name": "Sales", "groups": ["g"], "max_queue_time": 10, "overflow_to": ("service", "Backup")},
            {"name": "Backup", "groups": ["g"]},
        ],
        agents=[{"id": "1001", "groups": ["g"]}],
    )
    agent_states.agent_login(agent=agent)
    acd_calls.call_queued(call_id="c1", service="Sales")
    [d] = acd_calls.supervise_queues(now=time.time() + 11)
    assert (d.call, d.reason, d.target) == ("c1", "overflowed", "Backup")
    row = AcdEvent.objects.get(call_id="c1", kind="overflowed")
    assert (row.service, row.position, row.data["destination"]) == ("Sales", 1, "Backup")
    assert eng.waiting("Backup") == ["c1"]
