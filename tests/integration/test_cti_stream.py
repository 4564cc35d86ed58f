"""/ws/cti/ with the real channels_redis layer on Redis: who may open it (token or session, integrators,
supervisors and administrators), the service filter, and the events of a call driven through the real code points
(routing.lifecycle, acd.services.call_owner, acd.services.screen_pops), not published by hand."""

import asyncio
import time
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client
from rest_framework.authtoken.models import Token

from acd.cti import publish
from acd.services import acd_calls, agent_states
from acd.services.call_owner import CallOwner
from acd.services.screen_pops import offer_pop
from acd.services.users import assign_role
from calls.models import CallProfileField
from core.roles import NEEDS, Capability, Role
from routing import lifecycle
from routing.inbound import Invite, route_inbound
from routing.transfers import Target, TransferStep
from scripts_app.runtime.console import ConsoleMedia
from tests.acd.live.helpers import drop, load_engine, use_test_prefixes
from tests.factories import AgentFactory, GroupFactory, IRNFactory, ServiceFactory
from tests.integration.cti_helpers import example

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stream(settings, role_user):
    client, prefix = use_test_prefixes(settings)
    group = GroupFactory(name="Tier1")
    agent = AgentFactory(number="1001")
    agent.groups.add(group)
    sales = ServiceFactory(name="Sales")
    ServiceFactory(name="Other")
    IRNFactory(number="5200", destination_service=sales)
    load_engine(client, prefix, [agent], {"Sales": ["Tier1"], "Other": ["Tier1"]})
    users = {role: role_user(role) for role in ("supervisor", "agent", "integrator")}
    tokens = {role: Token.objects.create(user=user).key for role, user in users.items()}
    yield agent, users, tokens
    publish.dispatcher().flush()
    drop(client, prefix)


def communicator(path, *, token="", cookie=b""):
    from ccweb.asgi import application

    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if token:
        headers.append((b"authorization", f"Token {token}".encode()))
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, path, headers=headers)


def cookie_of(user):
    http = Client()
    http.force_login(user)
    return f"sessionid={http.cookies['sessionid'].value}".encode()


async def refused_with(comm):
    connected, _ = await comm.connect(timeout=5)
    assert connected
    message = await comm.receive_output(timeout=5)
    assert message["type"] == "websocket.close", message
    return message["code"]


async def opened(comm, service=""):
    assert (await comm.connect(timeout=5))[0]
    assert await comm.receive_json_from(timeout=5) == {"type": "welcome", "version": 1, "service": service}
    return comm


async def next_event(comm):
    message = await comm.receive_json_from(timeout=5)
    assert message["type"] == "event", message
    return message["event"]


def test_who_is_refused_and_with_which_code(stream):
    _, users, tokens = stream
    agent_cookie = cookie_of(users["agent"])

    async def run():
        assert await refused_with(communicator("/ws/cti/")) == 4401
        assert await refused_with(communicator("/ws/cti/", token="not-a-token")) == 4401
        assert await refused_with(communicator("/ws/cti/", token=tokens["agent"])) == 4403
        assert await refused_with(communicator("/ws/cti/", cookie=agent_cookie)) == 4403
        assert await refused_with(communicator("/ws/cti/?service=Nope", token=tokens["supervisor"])) == 4404

    asyncio.run(run())


def test_an_integrators_token_opens_the_stream_until_its_role_changes(stream):
    """An integrator's token opens the stream; made an agent, its open socket is closed with 4403 and the
    sentence, and the token no longer opens it."""
    _, users, tokens = stream

    async def run():
        comm = await opened(communicator("/ws/cti/?service=Sales", token=tokens["integrator"]), "Sales")
        await sync_to_async(assign_role)(users["integrator"], Role.AGENT)
        message = await comm.receive_output(timeout=5)
        assert (message["type"], message.get("code")) == ("websocket.close", 4403)
        assert message.get("reason") == NEEDS[Capability.READ_CTI]
        assert await refused_with(communicator("/ws/cti/", token=tokens["integrator"])) == 4403

    asyncio.run(run())


def test_a_deactivated_token_user_is_refused_and_an_open_socket_closed(stream):
    _, users, tokens = stream

    async def run():
        comm = await opened(communicator("/ws/cti/", token=tokens["supervisor"]))

        def deactivate():
            users["supervisor"].is_active = False
            users["supervisor"].save()

        await sync_to_async(deactivate)()
        message = await comm.receive_output(timeout=5)
        assert (message["type"], message.get("code")) == ("websocket.close", 4401)
        assert await refused_with(communicator("/ws/cti/", token=tokens["supervisor"])) == 4401

    asyncio.run(run())


def test_a_token_opens_the_stream_and_an_offered_call_arrives_for_its_service_only(stream):
    agent, _, tokens = stream
    agent_states.agent_login(agent=agent, ready=True)
    CallProfileField.objects.filter(name="Caller Name").update(exported=False)

    async def run():
        comm = await opened(communicator("/ws/cti/?service=Sales", token=tokens["supervisor"]), "Sales")
        await sync_to_async(publish.call_offered)(call_id="other-1", agent="1002", service="Other", profile={})
        assert (await sync_to_async(acd_calls.call_queued)(call_id="c1", service="Sales")).agent == "1001"
        profile = {"ANI": "+15551230000", "Caller Name": "Ann", "SW Call GUID": "guid-c1", "Service": "Sales"}
        await sync_to_async(offer_pop)(call_id="c1", agent="1001", service="Sales", profile=profile)
        event = await next_event(comm)  # not other-1: the filter keeps Sales' calls only
        assert (event["kind"], event["call_id"], event["call_guid"], event["agent"]) == (
            "offered",
            "c1",
            "guid-c1",
            "1001",
        )
        # the exported fields with a value; Caller Name is not exported here
        assert event["fields"] == {
            "_STCC_ANI": "+15551230000",
            "_STCC_Service": "Sales",
            "_STCC_SW Call GUID": "guid-c1",
        }
        await comm.disconnect()

    asyncio.run(run())


def test_a_call_through_the_real_path_is_offered_answered_transferred_and_ended(stream):
    """IRN 5200 queues the caller to Sales (routing.lifecycle.start), the ACD reserves agent 1001; then what
    the media child does (media_worker.flows.agent_leg / transfer): the screen pop as the phone rings, the
    owner's answered, a transfer's trace step, the caller's hang-up (lifecycle.finish)."""
    agent, users, _ = stream
    agent_states.agent_login(agent=agent, ready=True)
    invite = Invite(request_uri="sip:5200@mw", from_uri="sip:15551230000@x", sip_call_id="guid-5200")
    cookie = cookie_of(users["supervisor"])

    async def run():
        comm = await opened(communicator("/ws/cti/", cookie=cookie))
        owner = await sync_to_async(CallOwner)("mw-cti", tz=ZoneInfo("UTC"))
        decision = await sync_to_async(route_inbound)(invite)
        contact = await lifecycle.start(lifecycle.Contact(decision, owner, ConsoleMedia()))
        assert contact.outcome == "queued"
        (reserved,) = [e for e in await sync_to_async(owner.poll)() if e.type == "reserved"]
        assert reserved.message["agent"] == "1001"
        await sync_to_async(offer_pop)(call_id=contact.call_id, agent="1001", service="Sales", profile=contact.profile)
        await sync_to_async(owner.ringing)(contact.call_id, "1001")
        await sync_to_async(owner.answered)(contact.call_id, "1001")
        contact.add_step(TransferStep(Target("extension", "sip:2001@pbx", "2001"), by="api", from_agent="1001"))
        await lifecycle.finish(contact)
        events = [await next_event(comm) for _ in range(4)]
        await comm.disconnect()
        return contact, events

    contact, events = asyncio.run(run())
    assert [e["kind"] for e in events] == ["offered", "answered", "transferred", "ended"]
    assert {e["call_id"] for e in events} == {contact.call_id}
    assert {e["call_guid"] for e in events} == {"guid-5200"}
    assert [e["agent"] for e in events] == ["1001", "1001", "1001", "1001"]
    assert events[0]["service"] == events[1]["service"] == events[3]["service"] == "Sales"
    assert (events[2]["target"], events[2]["by"]) == ("2001", "api")
    assert events[3]["outcome"] == "completed"
    assert events[0]["fields"]["_STCC_DNIS"] == "5200" and events[0]["fields"]["_STCC_Type"] == "Voice"
    assert events[0]["fields"]["_STCC_ANI"] == "+15551230000"
    assert len({e["id"] for e in events}) == 4


def test_the_example_client_follows_the_stream_through_daphne(stream, asgi_url):
    """docs/examples/cti_ws_client.py against ccweb under daphne: a refused token ends it with 4401; a good
    one gets the events."""
    _, _, tokens = stream
    client = example("cti_ws_client")
    url = asgi_url.replace("http://", "ws://") + "/ws/cti/"

    async def run():
        with pytest.raises(client.Refused) as refused:
            async for _ in client.events(url, "bad-token"):
                pass
        assert refused.value.code == 4401
        stream_events = client.events(url, tokens["integrator"], service="Sales")
        first = asyncio.ensure_future(stream_events.__anext__())
        await asyncio.sleep(0.5)  # connected and subscribed
        await sync_to_async(publish.call_answered)(call_id="c7", agent="1001", profile={}, service="Sales")
        event = await asyncio.wait_for(first, 5)
        await stream_events.aclose()
        return event

    event = asyncio.run(run())
    assert (event["kind"], event["call_id"], event["service"], event["version"]) == ("answered", "c7", "Sales", 1)
    # The server's consumers end a moment after the client closed; until then daphne's loop holds the process's
    # channel layer, and a WebsocketCommunicator test that follows (another loop) would be refused its receive().
    layer = get_channel_layer()
    deadline = time.monotonic() + 5
    while layer.receive_count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not layer.receive_count
