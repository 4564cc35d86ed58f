"""POST /api/calls/{call_id}/transfer/ against a real engine: 404/409/400, and 202 with the request on the
owning child's message stream (where the ACD's `reserved` messages go), read back as a CallOwner reads it."""

from __future__ import annotations

import pytest

from acd import notifier
from acd.services import acd_calls, agent_states
from acd.services.call_owner import CallOwner
from calls.services import call_records
from tests.acd.live.helpers import drop, load_engine, use_test_prefixes
from tests.factories import AgentFactory, GroupFactory, IRNFactory

pytestmark = [pytest.mark.django_db, pytest.mark.integration]
OWNER = "media-host:5081"


@pytest.fixture
def api(admin_user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def live(settings):
    client, prefix = use_test_prefixes(settings)
    group = GroupFactory(name="g")
    agent = AgentFactory(number="1001", extension="sip:1001@pbx.example.com")
    AgentFactory(number="1002", extension="sip:2002@10.0.0.7:5070")
    agent.groups.add(group)
    IRNFactory(number="5200")
    load_engine(client, prefix, [agent], {"Sales": ["g"]})
    agent_states.agent_login(agent=agent, ready=True)
    yield agent
    drop(client, prefix)


def _call(call_id: str, *, answered: bool) -> None:
    call_records.call_started(call_id=call_id, profile={"ANI": "+15551230000", "DNIS": "5100"}, owner=OWNER)
    acd_calls.call_queued(call_id=call_id, service="Sales", owner=OWNER)  # reserved for 1001 at once
    if answered:
        acd_calls.call_answered(call_id=call_id, agent="1001")


def _post(api, call_id, body):
    return api.post(f"/api/calls/{call_id}/transfer/", body, format="json")


def test_a_connected_call_is_transferred_by_a_message_to_its_owner(api, live):
    """202 with the resolved target; the owner's CallOwner reads a `transfer` message for the call."""
    owner = CallOwner(OWNER)
    _call("c1", answered=True)
    owner.poll()  # the reservation's message
    response = _post(api, "c1", {"target": "2002"})
    assert response.status_code == 202, response.json()
    assert response.json() == {
        "call_id": "c1",
        "agent": "1001",
        "kind": "extension",
        "destination": "sip:2002@10.0.0.7:5070",
        "target": "2002",
        "owner": OWNER,
    }
    messages = [m for m in owner.poll() if m.type == "transfer"]
    assert [
        (
            m.call_id,
            m.message["destination"],
            m.message["to_agent"],
            m.message["by"],
        )
        for m in messages
    ] == [("c1", "sip:2002@10.0.0.7:5070", "1002", "api:admin")]
    irn = _post(api, "c1", {"target": "5200"})
    assert irn.status_code == 202 and (irn.json()["kind"], irn.json()["destination"]) == ("irn", "5200")
    assert notifier.engine().call("c1")["state"] == "connected"  # the child does the rest


def test_unknown_or_ended_calls_are_404(api, live):
    assert _post(api, "nope", {"target": "5200"}).status_code == 404
    _call("c2", answered=True)
    call_records.call_finished(call_id="c2", outcome="completed")
    response = _post(api, "c2", {"target": "5200"})
    assert response.status_code == 404 and response.json()["code"] == "unknown_call"


def test_a_call_not_connected_to_an_agent_is_409(api, live):
    """Reserved (ringing) or still in its script (not with the ACD): nothing to transfer from."""
    _call("c3", answered=False)
    response = _post(api, "c3", {"target": "5200"})
    assert response.status_code == 409 and response.json()["code"] == "not_connected"
    call_records.call_started(call_id="c4", profile={"ANI": "1"}, owner=OWNER)
    assert _post(api, "c4", {"target": "5200"}).status_code == 409


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"target": "sales desk"}, "bad_target"),
        ({"target": "4444"}, "unknown_number"),  # no IRN, agent or device, and no outbound gateway
        ({"target": "1001", "kind": "irn"}, "unknown_irn"),
        ({"target": "sip:1@pbx\r\nX-Evil: 1"}, "bad_target"),
    ],
)
def test_a_bad_target_is_400_and_nothing_is_sent(api, live, body, code, monkeypatch):
    monkeypatch.delenv("CCWEB_OUTBOUND_GATEWAY", raising=False)
    owner = CallOwner(OWNER)
    _call("c5", answered=True)
    owner.poll()
    response = _post(api, "c5", body)
    assert response.status_code == 400 and response.json()["code"] == code, response.json()
    assert [m for m in owner.poll() if m.type == "transfer"] == []


def test_the_body_is_validated_and_only_staff_may_transfer(api, live, client, django_user_model):
    _call("c6", answered=True)
    assert _post(api, "c6", {}).status_code == 400
    assert _post(api, "c6", {"target": "5200", "kind": "queue"}).status_code == 400
    user = django_user_model.objects.create_user("agent", "a@example.com", "agent-pass-123")
    client.force_login(user)
    response = client.post("/api/calls/c6/transfer/", {"target": "5200"}, content_type="application/json")
    assert response.status_code == 403


def test_the_endpoint_is_in_the_schema(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/calls/{call_id}/transfer/"]["post"]
    assert set(operation["responses"]) == {"202", "400", "401", "403", "404", "409", "415"}
