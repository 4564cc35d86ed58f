"""The live ACD feed end to end: WebsocketCommunicator against ccweb.asgi, the real channels_redis
layer and real Redis (own key and group prefixes)."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from acd import notifier
from acd.live import apply
from acd.services import agent_states
from tests.acd.live.helpers import drop, load_engine, use_test_prefixes
from tests.factories import AgentFactory, GroupFactory, ServiceFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live(settings, django_user_model):
    client, prefix = use_test_prefixes(settings)
    group = GroupFactory(name="Tier1")
    agents = [AgentFactory(number=n) for n in ("1001", "1002", "1003")]
    for a in agents:
        a.groups.add(group)
    ServiceFactory(name="Sales")
    load_engine(client, prefix, agents, {"Sales": ["Tier1"]})
    django_user_model.objects.create_superuser("boss", "b@example.com", "boss-pass-123")
    http = Client()
    http.login(username="boss", password="boss-pass-123")
    cookie = f"sessionid={http.cookies['sessionid'].value}".encode()
    yield agents, cookie
    drop(client, prefix)


def communicator(path, cookie=None):
    from ccweb.asgi import application

    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, path, headers=headers)


async def receive(comm):
    return await comm.receive_json_from(timeout=5)


async def refused_with(comm):
    """The close code of a refused socket: accepted, then closed at once, so the browser sees the code."""
    connected, _ = await comm.connect()
    assert connected
    message = await comm.receive_output(timeout=5)
    assert message["type"] == "websocket.close", message
    return message["code"]


def test_login_is_required():
    async def run():
        assert await refused_with(communicator("/ws/acd/wallboard/")) == 4401

    asyncio.run(run())


def test_unknown_service_is_refused(live):
    _, cookie = live

    async def run():
        assert await refused_with(communicator("/ws/acd/services/Nope/", cookie)) == 4404

    asyncio.run(run())


def test_snapshot_then_the_action_delta_with_seq_plus_one(live):
    agents, cookie = live

    async def run():
        comm = communicator("/ws/acd/services/Sales/", cookie)
        connected, _ = await comm.connect()
        assert connected
        first = await receive(comm)
        assert first["type"] == "snapshot"
        snap = first["snapshot"]
        assert snap["group"] == "svc.Sales" and snap["queues"] == {"Sales": []}
        assert snap["agents"]["1001"]["state"] == "logged_out"
        await sync_to_async(agent_states.agent_login)(agent=agents[0], ready=True)
        msg = await receive(comm)
        assert msg["type"] == "delta" and msg["delta"]["seq"] == snap["seq"] + 1
        assert msg["delta"]["agents"]["1001"]["state"] == "available"
        snap = apply(snap, msg["delta"])
        await comm.send_json_to({"resync": True})
        fresh = await receive(comm)
        assert fresh["type"] == "snapshot" and fresh["snapshot"] == snap
        await comm.disconnect()

    asyncio.run(run())


def test_a_gap_makes_the_server_resend_a_snapshot(live):
    """A delta that skips seqs (lost or overtaken) is not forwarded: the client gets a fresh snapshot."""
    _, cookie = live

    async def run():
        comm = communicator("/ws/acd/agents/1002/", cookie)
        assert (await comm.connect())[0]
        snap = (await receive(comm))["snapshot"]
        bogus = {"group": "agent.1002", "seq": snap["seq"] + 5, "agents": {"1002": None}, "queues": {}}
        await sync_to_async(notifier.send)([bogus])
        msg = await receive(comm)
        assert msg["type"] == "snapshot" and msg["snapshot"]["agents"]["1002"]["state"] == "logged_out"
        await comm.disconnect()

    asyncio.run(run())


def test_agent_commands_over_the_agent_feed(live):
    """A command gets a result (or an error with the reason) and its delta arrives on the same feed."""
    _, cookie = live

    async def run():
        comm = communicator("/ws/acd/agents/1003/", cookie)
        assert (await comm.connect())[0]
        snap = (await receive(comm))["snapshot"]
        await comm.send_json_to({"action": "ready", "id": 1})
        assert await receive(comm) == {
            "id": 1,
            "type": "error",
            "code": "invalid_transition",
            "detail": "ready is not allowed while the agent is logged_out",
        }
        await comm.send_json_to({"action": "login", "ready": True, "id": 2})
        got = [await receive(comm), await receive(comm)]
        by_type = {m["type"]: m for m in got}
        assert by_type["result"]["id"] == 2 and by_type["result"]["state"]["state"] == "available"
        assert by_type["delta"]["delta"]["seq"] == snap["seq"] + 1
        await comm.send_json_to({"action": "dance", "id": 3})
        assert (await receive(comm))["code"] == "bad_command"
        await comm.send_json_to({"action": "force", "state": "logged_out", "id": 4})  # a supervisor
        got = {m["type"]: m for m in [await receive(comm), await receive(comm)]}
        assert got["result"]["state"]["state"] == "logged_out" and got["delta"]["delta"]["seq"] == snap["seq"] + 2
        await comm.send_json_to({"action": "login", "group": "no such group", "id": 5})
        assert (await receive(comm))["code"] == "invalid_group"
        await comm.disconnect()

    asyncio.run(run())


def test_agent_feed_is_own_agent_or_supervisor(live, role_user):
    agents, cookie = live
    role_user("agent", "alice")
    http = Client()
    http.login(username="alice", password="alice-pass-123")
    alice = f"sessionid={http.cookies['sessionid'].value}".encode()

    async def run():
        assert await refused_with(communicator("/ws/acd/agents/1001/", alice)) == 4403
        comm = communicator("/ws/acd/agents/1001/", cookie)
        assert (await comm.connect())[0]
        row = {"state": "logged_out", "code": "", "call": "", "since": 0, "personal": []}
        assert (await receive(comm))["snapshot"]["agents"] == {"1001": row}
        await comm.disconnect()

    asyncio.run(run())


def test_burst_of_500_loses_nothing_and_stale_plus_deltas_is_fresh(live):
    """500 changes in a burst arrive as 500 consecutive deltas (no resync needed); applied to the
    snapshot taken on connect they give exactly a fresh snapshot."""
    agents, cookie = live
    eng = notifier.engine()
    for a in agents:
        eng.login(a.number)

    def burst():
        for i in range(500):
            number = agents[i % 3].number
            if i % 7 == 0:
                eng.enqueue(f"c{i}", "Sales")
                notifier.send(notifier.build_deltas(eng, services=["Sales"]))
            else:
                eng.release(number, f"code{i}")
                notifier.send(notifier.build_deltas(eng, agents=[number]))

    async def run():
        comm = communicator("/ws/acd/wallboard/", cookie)
        assert (await comm.connect())[0]
        stale = (await receive(comm))["snapshot"]
        await sync_to_async(burst, thread_sensitive=False)()
        seqs, state = [], stale
        for _ in range(500):
            msg = await receive(comm)
            assert msg["type"] == "delta", "a gap forced a resync: a message was lost"
            seqs.append(msg["delta"]["seq"])
            state = apply(state, msg["delta"])
        assert seqs == list(range(stale["seq"] + 1, stale["seq"] + 501))
        fresh = await sync_to_async(notifier.snapshot)(eng, "wallboard")
        assert state == fresh
        assert len(fresh["queues"]["Sales"]) == len(range(0, 500, 7))
        await comm.disconnect()

    asyncio.run(run())


def test_concurrent_publishers_converge_to_the_fresh_snapshot(live):
    """Four threads publish at once (their deltas may reach the group out of seq order): the client
    only ever sees consecutive deltas or a resync snapshot, and ends equal to a fresh snapshot."""
    import threading

    agents, cookie = live
    eng = notifier.engine()

    def worker(number, tag):
        for i in range(100):
            eng.release(number, f"{tag}{i}")
            notifier.send(notifier.build_deltas(eng, agents=[number]))

    def burst():
        eng.login("1001")
        eng.login("1002")
        eng.login("1003")
        threads = [
            threading.Thread(target=worker, args=(n, t)) for n, t in (("1001", "a"), ("1002", "b"), ("1003", "c"))
        ]
        threads.append(threading.Thread(target=worker, args=("1001", "d")))
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    async def run():
        comm = communicator("/ws/acd/wallboard/", cookie)
        assert (await comm.connect())[0]
        state = (await receive(comm))["snapshot"]
        await sync_to_async(burst, thread_sensitive=False)()
        final = await sync_to_async(notifier.snapshot)(eng, "wallboard")
        while state["seq"] < final["seq"]:
            msg = await receive(comm)
            if msg["type"] == "snapshot":
                state = msg["snapshot"]
            else:
                assert msg["delta"]["seq"] == state["seq"] + 1
                state = apply(state, msg["delta"])
        assert state == final
        await comm.disconnect()

    asyncio.run(run())


def test_the_agent_row_says_since_when_the_agent_is_in_its_state(live):
    """`since` (ms) moves on a state change only: the desktop's and the wallboard's time in state."""
    import time

    agents, cookie = live

    async def run():
        comm = communicator("/ws/acd/agents/1001/", cookie)
        assert (await comm.connect())[0]
        assert (await receive(comm))["snapshot"]["agents"]["1001"]["since"] == 0
        before = int(time.time() * 1000)
        await sync_to_async(agent_states.agent_login)(agent=agents[0], ready=True)
        since = (await receive(comm))["delta"]["agents"]["1001"]["since"]
        assert before - 50 <= since <= int(time.time() * 1000) + 50
        await sync_to_async(agent_states.agent_release)(agent=agents[0], code="a")
        released = (await receive(comm))["delta"]["agents"]["1001"]["since"]
        await sync_to_async(agent_states.agent_release)(agent=agents[0], code="b")
        assert (await receive(comm))["delta"]["agents"]["1001"]["since"] == released >= since
        await comm.disconnect()

    asyncio.run(run())


def test_a_screen_pop_reaches_the_agent_feed_and_comes_back_after_a_reconnect(live):
    """offer_pop (what the media child calls as the agent's phone rings) → {"type": "pop"} on the agent's
    feed; a desktop that reconnects while the call lasts gets the pop again after its snapshot."""
    from acd.services import acd_calls
    from acd.services.screen_pops import offer_pop
    from calls.models import CallProfileField

    agents, cookie = live
    CallProfileField.objects.filter(name__in=["ANI", "Customer Name"]).update(exported=True)
    agent_states.agent_login(agent=agents[0], ready=True)

    async def run():
        comm = communicator("/ws/acd/agents/1001/", cookie)
        assert (await comm.connect())[0]
        await receive(comm)  # snapshot
        exported = await sync_to_async(
            lambda: set(CallProfileField.objects.filter(exported=True).values_list("name", flat=True))
        )()
        assert (await sync_to_async(acd_calls.call_queued)(call_id="c1", service="Sales")).agent == "1001"
        profile = {"ANI": "+15551234", "Customer Name": "Ann <b>", "DNIS": "5000"}
        await sync_to_async(offer_pop)(call_id="c1", agent="1001", service="Sales", profile=profile)
        messages = [await receive(comm) for _ in range(2)]
        pop = next(m["pop"] for m in messages if m["type"] == "pop")
        assert pop["call"] == "c1" and pop["service"] == "Sales" and pop["waited_s"] >= 0
        assert {f["name"]: f["value"] for f in pop["fields"]} == {k: v for k, v in profile.items() if k in exported}
        assert {"ANI", "Customer Name"} <= exported
        await comm.disconnect()
        again = communicator("/ws/acd/agents/1001/", cookie)
        assert (await again.connect())[0]
        assert (await receive(again))["snapshot"]["agents"]["1001"]["call"] == "c1"
        assert (await receive(again)) == {"type": "pop", "pop": pop}
        await again.disconnect()

    asyncio.run(run())


def test_two_tabs_of_one_agent_both_follow_and_a_closed_tab_changes_nothing(live):
    """Two sockets on one agent's feed get the same deltas; closing one (a browser gone mid-call) leaves the
    agent's state and the call as they were: the call lives on the phone leg, the other tab goes on."""
    from acd.services import acd_calls

    agents, cookie = live
    agent_states.agent_login(agent=agents[0], ready=True)

    async def run():
        tabs = [communicator("/ws/acd/agents/1001/", cookie) for _ in range(2)]
        for tab in tabs:
            assert (await tab.connect())[0]
            await receive(tab)  # snapshot
        await sync_to_async(acd_calls.call_queued)(call_id="t1", service="Sales")
        await sync_to_async(acd_calls.call_answered)(call_id="t1", agent="1001")
        for tab in tabs:
            states = [(await receive(tab))["delta"]["agents"]["1001"]["state"] for _ in range(2)]
            assert states == ["reserved", "on_call"]
        await tabs[0].disconnect()  # the browser closes mid-call
        assert (await sync_to_async(notifier.engine().agent)("1001"))["state"] == "on_call"
        await sync_to_async(acd_calls.call_hangup)(call_id="t1")
        assert (await receive(tabs[1]))["delta"]["agents"]["1001"]["state"] == "wrap_up"
        await tabs[1].disconnect()

    asyncio.run(run())
