"""A long form that is refused says at its top what to fix, each item linking to its field."""

import pytest
from django.urls import reverse

from tests.director.html import field_error

pytestmark = pytest.mark.django_db


def test_a_refused_form_lists_its_errors_at_the_top(staff_client):
    response = staff_client.post(reverse("director:services_create"), {"name": "", "ring_timeout": "2"})
    html = response.content.decode()
    assert response.status_code == 200
    summary = html[html.index('id="form-error-summary"') : html.index("</div>", html.index('id="form-error-summary"'))]
    assert "to fix before saving" in summary
    assert '<a href="#id_name">Name</a>: This field is required.' in summary
    assert '<a href="#id_ring_timeout">' in summary and field_error(response, "ring_timeout")
    assert html.index('id="form-error-summary"') < html.index('id="id_name"')


def test_a_form_without_errors_has_no_summary(staff_client):
    assert 'id="form-error-summary"' not in staff_client.get(reverse("director:services_create")).content.decode()
