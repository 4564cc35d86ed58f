"""A new inbound call: profile from the INVITE, its IRN, and the decision the media worker acts on."""

import pytest

from calls.models import CallProfileField
from routing.inbound import Invite, route_inbound, sip_user
from routing.models import DNIS
from scripts_app.services.scripts import script_publish, script_save_draft
from tests.factories import IRNFactory, ServiceFactory

pytestmark = pytest.mark.django_db

GRAPH = {"start": "bye", "nodes": [{"id": "bye", "action": "hang_up", "params": {}, "exits": {}}]}


def invite(number="5100", **kw):
    return Invite(
        request_uri=f"sip:{number}@10.0.0.5:5081;transport=udp",
        from_uri=kw.pop("from_uri", '"Ann Smith" <sip:15551230000@carrier.example>;tag=1'),
        display_name=kw.pop("display_name", '"Ann Smith"'),
        sip_call_id="a84b4c76e66710@pc33",
        source="10.0.0.1:5060",
        **kw,
    )


@pytest.mark.parametrize(
    ("uri", "user"),
    [
        ("sip:5100@host", "5100"),
        ("<sip:+15551230000@h;user=phone>;tag=x", "+15551230000"),
        ('"Name" <sips:alice@h>', "alice"),
        ("tel:+1555", "+1555"),
        ("sip:host.example", "host.example"),
        ("", ""),
    ],
)
def test_sip_user(uri, user):
    assert sip_user(uri) == user


def test_profile_from_the_invite():
    DNIS.objects.create(number="5100", name="Sales line")
    IRNFactory(number="5100")
    d = route_inbound(invite(), call_id="c1")
    p = d.profile
    assert (p["ANI"], p["DNIS"], p["DNIS Name"]) == ("+15551230000", "5100", "Sales line")
    assert p["Caller Name"] == "Ann Smith"
    assert (p["SW Call GUID"], p["Call ID"], p["Trunk"]) == ("a84b4c76e66710@pc33", "c1", "10.0.0.1:5060")
    assert (p["Call Type"], p["Media"], p["Language"]) == ("Voice", "VOICE", "0")
    assert len(p["ACD Enter Time"]) == 8 and len(p["ACD Enter Date"]) == 10
    assert set(p) == set(CallProfileField.objects.values_list("name", flat=True))


def test_a_number_with_no_irn_is_a_404():
    d = route_inbound(invite("5999"))
    assert (d.kind, d.sip_status) == ("reject", 404) and "5999" in d.reason


def test_irn_to_a_service():
    IRNFactory(number="5100", destination_service=ServiceFactory(name="Sales"))
    d = route_inbound(invite())
    assert (d.kind, d.target, d.profile["Service"], d.irn) == ("service", "Sales", "Sales", "5100")


def test_irn_to_a_device_and_to_hang_up():
    IRNFactory(number="5100", destination_kind="device", destination_service=None, destination_device="sip:1001@pbx")
    IRNFactory(number="5101", destination_kind="hangup", destination_service=None)
    assert (route_inbound(invite()).kind, route_inbound(invite()).target) == ("device", "sip:1001@pbx")
    assert route_inbound(invite("5101")).kind == "hangup"


def test_irn_to_a_published_script_with_its_parameters():
    script = script_save_draft(data={"name": "Bye", "graph": GRAPH, "parameters": {"Greeting": "hi", "Tries": 2}})
    script_publish(script=script)
    backup = ServiceFactory(name="Backup")
    IRNFactory(
        number="5100",
        destination_kind="script",
        destination_service=None,
        destination_script=script,
        script_parameters={"Tries": 3},
        fallback_service=backup,
    )
    d = route_inbound(invite())
    assert (d.kind, d.target, d.fallback_service) == ("script", "Bye", "Backup")
    assert d.graph.start == "bye" and d.script_parameters == {"Greeting": "hi", "Tries": 3}


def test_an_unpublished_script_sends_the_caller_to_the_fallback_service():
    script = script_save_draft(data={"name": "Draft only", "graph": GRAPH})
    IRNFactory(
        number="5100",
        destination_kind="script",
        destination_service=None,
        destination_script=script,
        fallback_service=ServiceFactory(name="Backup"),
    )
    d = route_inbound(invite())
    assert (d.kind, d.target) == ("service", "Backup") and "no published version" in d.reason
