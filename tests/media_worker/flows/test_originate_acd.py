"""The ACD side of originate against a real engine (Redis) and the database: claiming requests, holding the
reservation, the reports (history rows, agent states), the attempt's CallRecord, and stale requests."""

from __future__ import annotations

import pytest

from acd.engine import configure_services
from acd.services import acd_calls, agent_states
from acd.services.recovery import owner_failed
from calls.models import AcdEvent, CallRecord
from media_worker.flows.originate import Outcome
from media_worker.flows.originate_acd import AcdOriginatePort
from tests.acd.live.helpers import drop, use_test_prefixes
from tests.factories import AgentFactory, GroupFactory

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

PROFILE = {"Customer Number": "1001", "ANI": "+15551230001", "Call Type": "Callback", "Call Back Time": "10:00:00"}


@pytest.fixture
def agent(settings):
    client, prefix = use_test_prefixes(settings)
    group = GroupFactory(name="g")
    row = AgentFactory(number="1001", extension="sip:1001@127.0.0.1:5999")
    row.groups.add(group)
    configure_services(
        client,
        prefix,
        services=[{"name": "Sales", "groups": ["g"], "ring_timeout": 15, "callback_attempts": 2}],
        agents=[{"id": "1001", "groups": ["g"], "extension": row.extension}],
    )
    yield row
    drop(client, prefix)


def callback_reserved(agent, destinations=("sip:+15551230001@customer.example", "+15551230009")):
    """A waiting call becomes a callback; the agent gets ready: the engine writes one dial request."""
    agent_states.agent_login(agent=agent)  # released: the call waits
    acd_calls.call_queued(call_id="c1", service="Sales", owner="inbound-child")
    acd_calls.callback_requested(call_id="c1", destinations=list(destinations), profile=PROFILE)
    agent_states.agent_ready(agent=agent)


def pending(eng) -> int:
    return eng.client.xpending(eng.keys.originate, "dialers")["pending"]


def test_claim_hold_ring_and_a_busy_customer_use_the_attempt_and_free_the_agent(agent):
    callback_reserved(agent)
    port = AcdOriginatePort("host:5081")
    eng = port.engine
    (request,) = port.claim()
    assert (request.call_id, request.agent, request.extension) == ("c1", "1001", "sip:1001@127.0.0.1:5999")
    assert (request.destination, request.attempt, request.ring_ms) == ("sip:+15551230001@customer.example", "1", 15000)
    assert port.claim() == []  # one request, one consumer

    before = eng.client.zscore(eng.keys.reservations, "c1")
    assert port.hold(request, 60000)
    assert eng.client.zscore(eng.keys.reservations, "c1") > before + 40000
    assert not port.hold(request.__class__(**{**request.__dict__, "attempt": "2"}), 1000)  # another attempt
    assert port.profile(request)["Customer Number"] == "1001"

    assert port.record_started(request, {**PROFILE, "Agent Number": "1001"})
    assert not port.record_started(request, PROFILE)  # the same request twice: not dialled twice
    port.ringing(request)
    assert eng.agent("1001")["state"] == "ringing"
    port.failed(request, "busy")
    port.ack(request)
    port.record_finished(request, Outcome("busy", 486, "SIP 486 Busy Here"), {**PROFILE, "Agent Number": "1001"})

    made = AcdEvent.objects.get(call_id="c1", kind="callback_made")
    assert (made.agent, made.data["result"], made.data["attempt"]) == ("1001", "busy", 1)
    assert pending(eng) == 0
    record = CallRecord.objects.get(call_id=request.record_id)
    assert (record.direction, record.outcome, record.sip_status, record.owner) == (
        "outbound",
        "rejected",
        486,
        "host:5081",
    )
    assert (record.reason, record.dnis, record.agent) == (
        "callback busy: SIP 486 Busy Here",
        "sip:+15551230001@customer.example",
        "1001",
    )
    assert record.profile["Customer Number"] == "1001"
    # the agent is available again: the callback (attempt 2 left) is reserved for it at once, a new request
    assert eng.call("c1")["state"] == "reserved"
    (second,) = port.claim()
    assert second.attempt == "2" and not port.hold(request, 0)  # the old request is stale now


def test_an_answered_callback_connects_then_puts_the_agent_in_wrap_up(agent):
    callback_reserved(agent)
    port = AcdOriginatePort("host:5081")
    eng = port.engine
    (request,) = port.claim()
    assert port.record_started(request, PROFILE)
    port.answered(request)
    port.ack(request)
    assert (eng.call("c1")["state"], eng.agent("1001")["state"]) == ("connected", "on_call")
    assert not port.hold(request, 1000)  # connected: nothing to hold
    port.ended(request)
    port.record_finished(request, Outcome("answered", 200), PROFILE)
    assert eng.agent("1001")["state"] == "wrap_up" and not eng.call("c1")
    assert AcdEvent.objects.get(call_id="c1", kind="callback_made").data["result"] == "answered"
    record = CallRecord.objects.get(call_id=request.record_id)
    assert (record.outcome, record.sip_status, record.reason) == ("completed", 200, "callback answered")


def test_the_agent_not_answering_takes_the_no_answer_path(agent):
    callback_reserved(agent)
    port = AcdOriginatePort("host:5081")
    (request,) = port.claim()
    port.agent_no_answer(request)
    assert AcdEvent.objects.filter(call_id="c1", kind="no_answer", agent="1001").exists()
    # the customer was never dialled, so the attempt is given back; the agent gets the service's no-answer
    # treatment (available here): with nobody else available the same agent is reserved again, attempt 1
    (again,) = port.claim()
    assert (again.agent, again.attempt) == ("1001", "1")


def test_a_request_left_pending_by_a_dead_child_is_taken_over_never_redialled(agent):
    """The child that claimed it died mid-dial: another child's stale check reports the attempt failed (the
    agent is free at once), closes its record, and acknowledges it; nothing is dialled again."""
    callback_reserved(agent)
    dead = AcdOriginatePort("host:5082")
    (request,) = dead.claim()
    assert dead.record_started(request, PROFILE)
    port = AcdOriginatePort("host:5081")
    eng = port.engine
    assert port.claim_stale(60000) == 0  # not idle long enough: may still be dialling
    assert port.claim_stale(0) == 1
    assert pending(eng) == 0
    assert AcdEvent.objects.get(call_id="c1", kind="callback_made").data["result"] == "failed"
    assert CallRecord.objects.get(call_id=request.record_id).outcome == "failed"
    (retry,) = port.claim()  # the agent was freed and reserved again: the next attempt is a new request
    assert (retry.attempt, eng.agent("1001")["state"]) == ("2", "reserved")


def test_no_stream_yet_is_nothing_stale(settings):
    use_test_prefixes(settings)
    port = AcdOriginatePort("host:5081")
    assert port.claim_stale(0) == 0
    assert port.claim() == []
    drop(port.engine.client, port.engine.prefix)


def test_a_connected_callback_whose_child_died_is_ended_for_the_agent(agent):
    """The child died while agent and customer talked: the supervisor closes its records (owner_failed) but
    cannot end the ACD call (the record id is not the call id); end_orphans does, so the agent goes to
    wrap-up instead of staying on_call. A later attempt's live call is left alone."""
    callback_reserved(agent)
    dead = AcdOriginatePort("host:5082")
    (request,) = dead.claim()
    assert dead.record_started(request, {**PROFILE, "Agent Number": "1001"})
    dead.answered(request)
    dead.ack(request)
    port = AcdOriginatePort("host:5081")
    assert port.end_orphans() == 0  # the child is alive: its record is still active
    owner_failed(owner="host:5082")
    assert port.engine.agent("1001")["state"] == "on_call"  # what the supervisor alone leaves behind
    assert port.end_orphans() == 1
    assert port.engine.agent("1001")["state"] == "wrap_up" and not port.engine.call("c1")
    assert port.end_orphans() == 0


def test_an_orphan_check_leaves_a_later_attempt_connected_by_another_child_alone(agent):
    callback_reserved(agent)
    dead = AcdOriginatePort("host:5082")
    (first,) = dead.claim()
    assert dead.record_started(first, {**PROFILE, "Agent Number": "1001"})
    owner_failed(owner="host:5082")  # died mid-ring; the attempt fails, the agent is reserved again
    dead.failed(first, "failed")
    dead.ack(first)
    port = AcdOriginatePort("host:5081")
    (second,) = port.claim()
    assert port.record_started(second, {**PROFILE, "Agent Number": "1001"})
    port.answered(second)
    assert port.end_orphans() == 0
    assert port.engine.agent("1001")["state"] == "on_call"
