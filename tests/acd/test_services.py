"""Services saved through the service layer: groups in order, overflow, priority; deletes that name the user."""

import pytest
from django.core.exceptions import ValidationError

from acd.models import Group, Service
from core.services import service_for
from tests.factories import GroupFactory, IRNFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def errors_of(call):
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


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
