"""A contact's life (routing.lifecycle) from its IRN's decision to its record: script with the live ACD, queue,
404, abandon (real Redis engine, real database; the caller's media leg is the simulator's)."""

import asyncio
from zoneinfo import ZoneInfo

import pytest

from acd import notifier
from acd.engine import configure_services
from acd.services.call_owner import CallOwner
from acd.services.live_config import live_config
from calls.models import AcdEvent, CallRecord
from routing import lifecycle
from routing.inbound import Invite, route_inbound
from scripts_app.runtime.console import ConsoleMedia
from scripts_app.services.scripts import script_publish, script_save_draft
from tests.acd.live.helpers import drop, use_test_prefixes
from tests.factories import IRNFactory, ServiceFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

QUEUE_GRAPH = {
    "start": "greet",
    "nodes": [
        {"id": "greet", "action": "play_prompt", "params": {"prompts": ["welcome"]}, "exits": {"next": "q"}},
        {
            "id": "q",
            "action": "queue_to_service",
            "params": {"service": "Sales", "priority": 3},
            "exits": {"queued": None, "no_agents": None, "full": None},
        },
    ],
}


@pytest.fixture
def live(settings):
    client, prefix = use_test_prefixes(settings)
    sales = ServiceFactory(name="Sales")
    script = script_save_draft(data={"name": "To sales", "graph": QUEUE_GRAPH})
    script_publish(script=script)
    IRNFactory(number="5100", destination_kind="script", destination_service=None, destination_script=script)
    IRNFactory(number="5200", destination_service=sales)
    services, agents = live_config()
    configure_services(client, prefix, services=services, agents=agents)
    yield
    drop(client, prefix)


def invite(number):
    return Invite(request_uri=f"sip:{number}@mw", from_uri="sip:15551230000@x", sip_call_id=f"guid-{number}")


def run(coro):
    return asyncio.run(coro)


def start(decision, media, owner):
    return run(lifecycle.start(lifecycle.Contact(decision, owner, media)))


def test_script_queues_the_caller_then_the_caller_abandons(live):
    owner = CallOwner("mw-test", tz=ZoneInfo("UTC"))
    media = ConsoleMedia()
    call = start(route_inbound(invite("5100")), media, owner)
    assert call.outcome == "queued" and "[prompt] welcome" in media.heard and media.on_hold
    assert notifier.engine().waiting("Sales") == [call.call_id]
    assert call.profile["Service"] == "Sales" and call.profile["Queue Position"] == "1"
    run(lifecycle.finish(call))
    rec = CallRecord.objects.get(call_id=call.call_id)
    assert (rec.outcome, rec.irn, rec.service, rec.ani) == ("abandoned", "5100", "Sales", "+15551230000")
    assert [s["action"] for s in rec.trace] == ["play_prompt", "queue_to_service"]
    assert [e.kind for e in rec.acd_events] == ["queued", "abandoned"]
    assert notifier.engine().waiting("Sales") == []


def test_irn_to_a_service_queues_directly(live):
    owner = CallOwner("mw-test", tz=ZoneInfo("UTC"))
    call = start(route_inbound(invite("5200")), ConsoleMedia(), owner)
    assert call.outcome == "queued" and AcdEvent.objects.filter(call_id=call.call_id, kind="queued").exists()


def test_unknown_number_is_rejected_with_a_record(live):
    owner = CallOwner("mw-test", tz=ZoneInfo("UTC"))
    call = start(route_inbound(invite("5999")), None, owner)
    assert call.outcome == "rejected" and call.decision.sip_status == 404
    rec = CallRecord.objects.get(call_id=call.call_id)
    assert (rec.outcome, rec.sip_status, rec.dnis) == ("rejected", 404, "5999")
