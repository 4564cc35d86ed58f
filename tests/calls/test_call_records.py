"""Call records: open, close with the final profile, rejected calls, calls of a dead media process."""

import pytest

from acd import notifier
from acd.services import acd_calls, agent_states, recovery
from calls.models import AcdEvent, CallOutcome, CallRecord
from calls.services import call_records

pytestmark = [pytest.mark.django_db, pytest.mark.integration]
PROFILE = {"ANI": "+15551230000", "DNIS": "5100", "SW Call GUID": "abc@host", "Call ID": "c1"}


@pytest.fixture
def agent(engine_agent):
    return engine_agent


def test_open_then_close_with_the_final_profile_and_trace():
    rec = call_records.call_started(call_id="c1", profile=PROFILE, owner="mw-1", irn="5100")
    assert (rec.outcome, rec.ani, rec.dnis, rec.sw_call_guid) == ("active", "+15551230000", "5100", "abc@host")
    final = {**PROFILE, "Service": "Sales", "Agent Number": "1001", "Customer Number": "1001"}
    trace = [{"node": "n1", "action": "play", "exit": "done"}]
    rec = call_records.call_finished(call_id="c1", outcome="completed", profile=final, trace=trace, sip_status=200)
    assert (rec.outcome, rec.service, rec.agent, rec.sip_status) == ("completed", "Sales", "1001", 200)
    assert rec.ended_at >= rec.started_at and rec.trace == trace and rec.profile["Customer Number"] == "1001"


def test_outcome_is_checked():
    call_records.call_started(call_id="c1", profile=PROFILE, owner="mw-1")
    with pytest.raises(ValueError):
        call_records.call_finished(call_id="c1", outcome="active")
    with pytest.raises(ValueError):
        call_records.call_finished(call_id="c1", outcome="great")


def test_rejected_call_is_recorded():
    rec = call_records.rejected_call(call_id="c9", profile=PROFILE, owner="mw-1", sip_status=404, reason="no IRN 5999")
    assert (rec.outcome, rec.sip_status, rec.reason) == ("rejected", 404, "no IRN 5999")


def test_dead_owner_calls_end_by_failure_and_leave_the_acd(agent):
    agent_states.agent_login(agent=agent, ready=True)
    for c in ("c1", "c2"):
        call_records.call_started(call_id=c, profile={**PROFILE, "Call ID": c}, owner="mw-1")
    call_records.call_started(call_id="c3", profile=PROFILE, owner="mw-2")
    acd_calls.call_queued(call_id="c1", service="Sales", owner="mw-1")  # reserved for 1001
    acd_calls.call_answered(call_id="c1", agent="1001")
    acd_calls.call_queued(call_id="c2", service="Sales", owner="mw-1")  # waiting
    assert sorted(recovery.owner_failed(owner="mw-1")) == ["c1", "c2"]
    eng = notifier.engine()
    assert eng.call("c1") == {} and eng.call("c2") == {}
    assert eng.agent("1001")["state"] == "wrap_up"  # not stuck on a call that is gone
    assert set(CallRecord.objects.values_list("call_id", "outcome")) == {
        ("c1", CallOutcome.ENDED_BY_FAILURE),
        ("c2", CallOutcome.ENDED_BY_FAILURE),
        ("c3", CallOutcome.ACTIVE),
    }
    assert AcdEvent.objects.filter(call_id="c2", kind="abandoned").exists()
    assert [e.kind for e in CallRecord.objects.get(call_id="c1").acd_events] == ["queued", "offered", "answered"]


def test_api_lists_records_with_their_acd_events(agent, admin_client):
    agent_states.agent_login(agent=agent, ready=True)
    call_records.call_started(call_id="c1", profile=PROFILE, owner="mw-1")
    acd_calls.call_queued(call_id="c1", service="Sales", owner="mw-1")
    call_records.call_finished(call_id="c1", outcome="completed", profile={**PROFILE, "Service": "Sales"})
    body = admin_client.get("/api/call-records/", {"outcome": "completed"}).json()
    [row] = body["results"]
    assert (row["call_id"], row["service"], row["outcome"]) == ("c1", "Sales", "completed")
    assert [e["kind"] for e in row["acd_events"]] == ["queued", "offered"]
    assert admin_client.get("/api/call-records/", {"outcome": "rejected"}).json()["count"] == 0
    assert admin_client.post("/api/call-records/", {}).status_code == 405
    assert admin_client.get("/admin/calls/callrecord/").status_code == 200
