"""Routing > IRNs: dial number, destination, fallback, DNIS and "Also define as DNIS (for statistics)"."""

import pytest
from django.urls import reverse

from calls.models import DestinationKind
from routing.models import DNIS, IRN
from tests.director.factories import DNISFactory, IRNFactory, ScriptFactory, ServiceFactory
from tests.director.html import field_error

pytestmark = pytest.mark.django_db

LIST_URL = reverse("director:irns_list")
CREATE_URL = reverse("director:irns_create")


def _data(**overrides):
    data = {"number": "8001", "name": "Main line", "destination_kind": "", "destination_device": ""}
    return data | overrides


def test_create_irn_to_a_service(staff_client):
    service = ServiceFactory(name="Stock trades")
    response = staff_client.post(CREATE_URL, _data(destination_kind="service", destination_service=service.pk))
    assert response["Location"] == LIST_URL
    irn = IRN.objects.get(number="8001")
    assert (irn.destination_kind, irn.destination_service, irn.dnis) == (DestinationKind.SERVICE, service, None)


def test_list_draws_the_destination_as_an_arrow(staff_client):
    """The destination column reads '→ Service Stock trades'."""
    IRNFactory(number="8001", destination_service=ServiceFactory(name="Stock trades"))
    IRNFactory(
        number="8002", destination_kind="script", destination_service=None, destination_script=ScriptFactory(name="CRM")
    )
    html = staff_client.get(LIST_URL).content.decode()
    assert '<span class="arrow">→</span> Service <strong>Stock trades</strong>' in html
    assert '<span class="arrow">→</span> Script <strong>CRM</strong>' in html


def test_also_define_as_dnis_creates_and_links_a_dnis(staff_client):
    staff_client.post(CREATE_URL, _data(destination_kind="device", destination_device="2001", define_as_dnis="on"))
    irn = IRN.objects.get(number="8001")
    assert irn.dnis == DNIS.objects.get(number="8001")
    assert irn.dnis.name == "Main line"


def test_without_the_box_no_dnis_is_created(staff_client):
    staff_client.post(CREATE_URL, _data(destination_kind="hangup"))
    assert IRN.objects.filter(number="8001").exists()
    assert not DNIS.objects.exists()


def test_duplicate_dial_number_is_refused_beside_the_field(staff_client):
    IRNFactory(number="8001")
    response = staff_client.post(CREATE_URL, _data(destination_kind="hangup"))
    assert response.status_code == 200
    assert "already exists" in field_error(response, "number")
    assert IRN.objects.filter(number="8001").count() == 1


def test_destination_without_its_target_is_refused_beside_the_target(staff_client):
    response = staff_client.post(CREATE_URL, _data(destination_kind="service", define_as_dnis="on"))
    assert "Choose the service" in field_error(response, "destination_service")
    assert not IRN.objects.exists() and not DNIS.objects.exists()


def test_malformed_dial_number_is_refused(staff_client):
    response = staff_client.post(CREATE_URL, _data(number="80-01", destination_kind="hangup"))
    assert "is not a dial number" in field_error(response, "number")
    assert not IRN.objects.exists()


def test_target_rows_are_marked_to_show_only_for_their_destination(staff_client):
    """director.js shows the Service row only while Destination is 'service' (likewise script and device)."""
    html = staff_client.get(CREATE_URL).content.decode()
    assert 'id="field-destination_service" data-show-when="destination_kind=service"' in html
    assert 'id="field-destination_script" data-show-when="destination_kind=script"' in html
    assert 'id="field-destination_device" data-show-when="destination_kind=device"' in html
    assert "Also define as DNIS (for statistics)" in html


def test_edit_irn(staff_client):
    irn = IRNFactory(number="8001")
    dnis = DNISFactory(number="9000")
    fallback = ServiceFactory(name="Fallback")
    staff_client.post(
        reverse("director:irns_update", args=[irn.pk]),
        _data(name="Renamed", destination_kind="device", destination_device="sip:desk@pbx.example.com",
              fallback_service=fallback.pk, dnis=dnis.pk),
    )  # fmt: skip
    irn.refresh_from_db()
    assert (irn.name, irn.destination_kind, irn.destination_service) == ("Renamed", "device", None)
    assert (irn.destination_device, irn.fallback_service, irn.dnis) == ("sip:desk@pbx.example.com", fallback, dnis)


def test_delete_irn(staff_client):
    irn = IRNFactory()
    staff_client.post(reverse("director:irns_delete", args=[irn.pk]))
    assert not IRN.objects.exists()
