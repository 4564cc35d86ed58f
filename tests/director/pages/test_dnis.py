"""Routing > DNIS."""

import pytest
from django.urls import reverse

from routing.models import DNIS
from tests.director.factories import DNISFactory, IRNFactory
from tests.director.html import field_error

pytestmark = pytest.mark.django_db


def test_create_edit_delete_dnis(staff_client):
    staff_client.post(reverse("director:dnis_create"), {"number": "+15551234", "name": "Sales line"})
    dnis = DNIS.objects.get(number="+15551234")
    staff_client.post(reverse("director:dnis_update", args=[dnis.pk]), {"number": "+15551234", "name": "Sales"})
    dnis.refresh_from_db()
    assert dnis.name == "Sales"
    staff_client.post(reverse("director:dnis_delete", args=[dnis.pk]))
    assert not DNIS.objects.exists()


def test_malformed_number_is_refused_beside_the_field(staff_client):
    response = staff_client.post(reverse("director:dnis_create"), {"number": "555 1234"})
    assert "is not a dial number" in field_error(response, "number")
    assert not DNIS.objects.exists()


def test_list_shows_the_irns_counted_as_each_dnis(staff_client):
    dnis = DNISFactory(number="8001")
    IRNFactory(number="8001", dnis=dnis)
    html = staff_client.get(reverse("director:dnis_list")).content.decode()
    assert '<span class="chip">8001</span>' in html
