"""The owner side of the ACD: profile fields filled as the call moves, callbacks, re-publishing
after Redis lost the live state, and the scripts' AcdPort on the live ACD."""

import asyncio
import time
from zoneinfo import ZoneInfo

import pytest

from acd import notifier
from acd.engine import configure_services
from acd.services import acd_calls, agent_states
from acd.services.call_owner import CallOwner, LiveAcdPort
from acd.services.live_config import live_config
from acd.skills import SkillsSyntaxError
from calls.models import CallProfileField
from tests.acd.live.helpers import drop, use_test_prefixes
from tests.factories import AgentFactory, GroupFactory, ServiceFactory

pytestmark = [pytest.mark.integration]
UTC = ZoneInfo("UTC")


def profile(**fields):
    names = CallProfileField.objects.values_list("name", flat=True)
    return {**dict.fromkeys(names, ""), "Priority": "0", "ANI": "+15551230000", **fields}


@pytest.fixture
def acd(settings):
    """Service Sales (group g, skills from the user field 'Needs') and agents 1001, 1002."""
    client, prefix = use_test_prefixes(settings)
    CallProfileField.objects.get_or_create(name="Needs", defaults={"kind": "user"})
    group = GroupFactory(name="g")
    sales = ServiceFactory(name="Sales")
    sales.service_groups.create(group=group, position=0)
    sales.skills_field = CallProfileField.objects.get(name="Needs")
    sales.save()
    agents = []
    for number in ("1001", "1002"):
        agent = AgentFactory(number=number, extension=f"sip:{number}@pbx.example.com")
        agent.groups.add(group)
        agents.append(agent)

    def sync():
        services, agent_rows = live_config()
        return configure_services(client, prefix, services=services, agents=agent_rows, prune=True)

    sync()
    yield {"agents": agents, "sync": sync, "client": client, "prefix": prefix}
    drop(client, prefix)


@pytest.mark.django_db
def test_queued_then_reserved_fills_the_profile(acd):
    owner = CallOwner("mw-1", tz=UTC)
    agent_states.agent_login(agent=acd["agents"][0])
    p = profile(Priority="4")
    owner.track("c1", p)
    assert owner.queue("c1", "Sales", p) == "queued"
    assert (p["Service"], p["Queue Position"]) == ("Sales", "1")
    assert len(p["Start Queue Time"]) == 8 and p["Average Queue Time"] == ""
    assert notifier.engine().call("c1")["priority"] == "4"
    agent_states.agent_ready(agent=acd["agents"][0])
    [event] = owner.poll()
    assert event.type == "reserved"
    assert (p["Agent Number"], p["Agent Extension"], p["Group"], p["Agent Queue"]) == (
        "1001",
        "sip:1001@pbx.example.com",
        "g",
        "",
    )


@pytest.mark.django_db
def test_positions_reach_the_profile(acd):
    owner = CallOwner("mw-1", tz=UTC)
    agent_states.agent_login(agent=acd["agents"][0])
    profiles = {c: profile() for c in ("c1", "c2")}
    for c, p in profiles.items():
        owner.track(c, p)
        owner.queue(c, "Sales", p)
    acd_calls.supervise_queues()
    owner.poll()
    acd_calls.call_hangup(call_id="c1")
    acd_calls.supervise_queues()
    [event] = owner.poll()
    assert (event.call_id, event.type, profiles["c2"]["Queue Position"]) == ("c2", "position", "1")


@pytest.mark.django_db
def test_personal_queue_and_required_skills_come_from_the_profile(acd):
    owner = CallOwner("mw-1", tz=UTC)
    p = profile(**{"Agent Queue": "1002"})
    assert owner.queue("c1", "Sales", p) == "queued"
    assert notifier.engine().call("c1")["pagent"] == "1002"
    live = notifier.snapshot(notifier.engine(), "agent.1002")
    assert live["agents"]["1002"]["personal"] == ["c1"]  # the supervisor sees the personal queue
    p2 = profile(Needs="Spanish:4")
    assert owner.queue("c2", "Sales", p2) == "queued"
    assert notifier.engine().call("c2")["skills"] == '{"Spanish": 4}'


@pytest.mark.django_db
def test_bad_profile_values_are_clear_errors(acd):
    owner = CallOwner("mw-1", tz=UTC)
    with pytest.raises(ValueError, match="Priority 'high'"):
        owner.queue("c1", "Sales", profile(Priority="high"))
    with pytest.raises(SkillsSyntaxError):
        owner.queue("c1", "Sales", profile(Needs="Spanish:eleven"))
    assert owner.queue("c1", "Nope", profile()) == "unknown_service"
    assert notifier.engine().call("c1") == {}


@pytest.mark.django_db
def test_callback_request_keeps_the_place(acd):
    owner = CallOwner("mw-1", tz=UTC)
    agent_states.agent_login(agent=acd["agents"][0])
    for c in ("c0", "c1"):
        owner.queue(c, "Sales", profile())
    p = profile(**{"Call Back Destination": "+15550001", "Alternative Call Back Destination 1": "+15550002"})
    owner.track("c1", p)
    assert owner.request_callback("c1", p) is True
    assert p["Call Type"] == "Callback" and len(p["Call Back Time"]) == 8
    owner.hangup("c1")
    kept = notifier.engine().callback_profile("c1")  # for the agent and the dialer
    assert kept["Call Back Destination"] == "+15550001" and kept["Call Type"] == "Callback"
    assert notifier.engine().waiting("Sales") == ["c0", "c1"]
    assert notifier.engine().call("c1")["cb"] == '["+15550001", "+15550002"]'
    with pytest.raises(ValueError, match="Last Time To Initiate Callback"):
        bad = profile(**{"Call Back Destination": "1", "Last Time To Initiate Callback": "soon"})
        owner.request_callback("c0", bad)
    assert owner.request_callback("c0", profile()) is False  # no destination


@pytest.mark.django_db
def test_owner_republishes_after_redis_lost_the_live_state(acd):
    owner = CallOwner("mw-1", tz=UTC)
    agent_states.agent_login(agent=acd["agents"][0])
    for i in range(3):
        owner.queue(f"c{i}", "Sales", profile(Priority=str(i % 2)))
    order = notifier.engine().waiting("Sales")
    assert owner.republish_if_needed() == 0
    drop(acd["client"], acd["prefix"])
    time.sleep(0.05)  # the lost event counter restarts from the clock (ms)
    assert acd["sync"]() is True
    assert owner.republish_if_needed() == 3
    assert notifier.engine().waiting("Sales") == order


@pytest.mark.django_db(transaction=True)
def test_live_acd_port_for_scripts(acd):
    owner = CallOwner("mw-1", tz=UTC)
    port = LiveAcdPort(owner)
    assert asyncio.run(port.queue_to_service("c1", "Sales", profile())) == "queued"
    assert asyncio.run(port.queue_to_service("c2", "Nope", profile())) == "unknown_service"
    p = profile(**{"Call Back Destination": "+15550001", "Service": "Sales"})
    assert asyncio.run(port.request_callback("c3", p)) is True  # queued first, then a callback
    assert notifier.engine().call("c3")["kind"] == "callback"


@pytest.mark.django_db
def test_agents_come_back_as_history_last_saw_them(acd):
    from acd.services.recovery import restore_agent_states

    a1, a2 = acd["agents"]
    agent_states.agent_login(agent=a1, ready=True)
    agent_states.agent_login(agent=a2)
    agent_states.agent_release(agent=a2, code="lunch")
    drop(acd["client"], acd["prefix"])
    assert acd["sync"]() is True
    assert restore_agent_states() == {"1001": "available", "1002": "released"}
    eng = notifier.engine()
    assert eng.agent("1001")["state"] == "available"
    assert (eng.agent("1002")["state"], eng.agent("1002")["code"]) == ("released", "lunch")
    assert restore_agent_states() == {}  # once: agents already back are left alone


@pytest.mark.django_db
def test_announcement_settings_come_from_the_service(acd):
    from acd.services.call_owner import announcement_settings

    s = announcement_settings("Sales")
    assert s is not None and s.announce_position and s.interval_s == 60
    assert announcement_settings("Nope") is None


@pytest.mark.django_db
def test_no_answer_sends_the_agent_to_the_services_no_answer_state(acd):
    owner = CallOwner("mw-1", tz=UTC)
    a1 = acd["agents"][0]
    agent_states.agent_login(agent=a1, ready=True)
    p = profile()
    owner.track("c1", p)
    owner.queue("c1", "Sales", p)
    owner.poll()
    owner.ringing("c1", "1001")
    owner.no_answer("c1", "1001")
    eng = notifier.engine()
    assert eng.agent("1001")["state"] == "released"  # the service's default no-answer state
    assert eng.waiting("Sales") == ["c1"] and p["Agent Number"] == ""
    agent_states.agent_ready(agent=a1)
    owner.answered("c1", "1001")
    assert owner.records["c1"]["state"] == "connected"


@pytest.mark.django_db
def test_sync_after_redis_lost_the_state_restores_agents(acd):
    from acd.services.live_config import sync_live_config

    agent_states.agent_login(agent=acd["agents"][0], ready=True)
    drop(acd["client"], acd["prefix"])
    sync_live_config()
    assert notifier.engine().agent("1001")["state"] == "available"


@pytest.mark.django_db
def test_abandoned_caller_keeps_the_profile_for_the_callback(acd):
    from acd.models import Service

    Service.objects.filter(name="Sales").update(callback_abandoned=True)
    acd["sync"]()
    owner = CallOwner("mw-1", tz=UTC)
    agent_states.agent_login(agent=acd["agents"][0])
    p = profile(**{"Customer Number": "1001"})
    owner.track("c1", p)
    owner.queue("c1", "Sales", p)
    owner.hangup("c1")
    kept = notifier.engine().callback_profile("c1")
    assert (kept["Customer Number"], kept["Call Type"], kept["Call Back Time"]) == ("1001", "Abandoned", "")
    assert notifier.engine().call("c1")["cb"] == '["+15551230000"]'


@pytest.mark.django_db
def test_personal_queue_call_of_an_absent_agent_falls_back_with_history(acd):
    from calls.models import AcdEvent

    owner = CallOwner("mw-1", tz=UTC)
    owner.queue("c1", "Sales", profile(**{"Agent Queue": "1002"}))  # 1002 is not logged in
    now = time.time()
    assert acd_calls.supervise_queues(now=now) == []  # the no-agent wait starts
    [d] = acd_calls.supervise_queues(now=now + 31)
    assert (d.reason, d.kind, d.target) == ("no_agent", "service", "Sales")
    row = AcdEvent.objects.get(call_id="c1", kind="no_agent")
    assert row.service == "Sales"
    assert notifier.engine().waiting("Sales") == ["c1"]
