"""IRNs and DNIS saved through the service layer: all or nothing, errors by field."""

import pytest
from django.core.exceptions import ValidationError

from core.services import service_for
from routing.models import DNIS, IRN
from tests.factories import IRNFactory, ScriptFactory, ServiceFactory

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
