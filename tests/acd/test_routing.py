"""IRNs, DNIS and services saved through the service layer: all or nothing, errors by field."""

import pytest
from django.core.exceptions import ValidationError

from acd.models import Group, Service
from core.services import service_for
from routing.models import DNIS, IRN
from tests.factories import GroupFactory, IRNFactory, ScriptFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def errors_of(call):
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_irn_to_a_service_and_define_as_dnis_creates_the_dnis():
    service = ServiceFactory()
    irn = service_for(IRN).create(
        data={
            "number": "5000",
            "name": "Main",
            "destination_kind": "service",
            "destination_service": service,
            "define_as_dnis": True,
        }
    )
    assert irn.dnis == DNIS.objects.get(number="5000")
    assert irn.dnis.name == "Main"


def test_duplicate_irn_number_is_a_field_error():
    IRNFactory(number="5000")
    errors = errors_of(lambda: service_for(IRN).create(data={"number": "5000", "destination_kind": "hangup"}))
    assert list(errors) == ["number"]
    assert IRN.objects.filter(number="5000").count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"destination_kind": "service"}, "destination_service"),
        ({"destination_kind": "script"}, "destination_script"),
        ({"destination_kind": "device"}, "destination_device"),
        ({"destination_kind": "device", "destination_device": "sip:"}, "destination_device"),
        ({"destination_kind": ""}, "destination_kind"),
        ({"destination_kind": "hangup", "destination_device": "1001"}, "destination_device"),
    ],
)
def test_irn_destination_must_match_its_kind(data, field):
    errors = errors_of(lambda: service_for(IRN).create(data={"number": "5001", **data}))
    assert field in errors
    assert not IRN.objects.exists()


@pytest.mark.parametrize("number", ["50-00", "abc", "+", ""])
def test_irn_number_is_a_dial_number(number):
    assert "number" in errors_of(lambda: service_for(IRN).create(data={"number": number, "destination_kind": "hangup"}))


def test_irn_to_script_and_device():
    script = ScriptFactory()
    assert (
        service_for(IRN)
        .create(data={"number": "1", "destination_kind": "script", "destination_script": script})
        .destination_script
        == script
    )
    assert service_for(IRN).create(
        data={
            "number": "+15551234",
            "destination_kind": "device",
            "destination_device": "sip:1001@pbx.example.com:5060",
        }
    )


def test_service_groups_keep_their_order_and_can_be_reordered():
    a, b, c = GroupFactory(name="A"), GroupFactory(name="B"), GroupFactory(name="C")
    service = service_for(Service).create(data={"name": "Sales", "groups": [c, a, b]})
    assert [sg.group.name for sg in service.service_groups.all()] == ["C", "A", "B"]
    service_for(Service).update(instance=service, data={"groups": [b, c]})
    assert [sg.group.name for sg in service.service_groups.all()] == ["B", "C"]


def test_service_overflow_needs_time_and_destination():
    other = ServiceFactory()
    assert "overflow_kind" in errors_of(lambda: service_for(Service).create(data={"name": "S", "max_queue_time": 60}))
    assert "max_queue_time" in errors_of(
        lambda: service_for(Service).create(data={"name": "S", "overflow_kind": "service", "overflow_service": other})
    )
    service = service_for(Service).create(
        data={"name": "S", "max_queue_time": 60, "overflow_kind": "service", "overflow_service": other}
    )
    assert "overflow_service" in errors_of(
        lambda: service_for(Service).update(instance=service, data={"overflow_service": service})
    )


def test_service_priority_bounds():
    assert "priority" in errors_of(lambda: service_for(Service).create(data={"name": "S", "priority": 11}))


def test_deleting_a_service_still_routed_to_says_who_uses_it():
    irn = IRNFactory(number="5000", name="Main")
    with pytest.raises(ValidationError) as caught:
        service_for(Service).delete(instance=irn.destination_service)
    message = " ".join(caught.value.messages)
    assert "cannot be deleted: it is used by IRN '5000 Main'" in message
    assert Service.objects.filter(pk=irn.destination_service.pk).exists()


def test_deleting_a_group_of_a_service_names_the_service():
    group = GroupFactory(name="Sales")
    service_for(Service).create(data={"name": "Stock Trades", "groups": [group]})
    with pytest.raises(ValidationError) as caught:
        service_for(Group).delete(instance=group)
    assert caught.value.messages == ["Group 'Sales' cannot be deleted: it is used by service 'Stock Trades'."]
