"""System Parameters > Routing Preferences > Call Profiles: Table 1 read-only, user fields editable."""

import pytest
from django.urls import reverse

from calls.models import CallProfileField, DataType, FieldKind
from tests.director.html import field_error

pytestmark = pytest.mark.django_db

LIST_URL = reverse("director:call_profiles_list")
CREATE_URL = reverse("director:call_profiles_create")


def _user_field(name="AccNo", **extra):
    return CallProfileField.objects.create(
        name=name, tapi_property=f"_STCC_{name}", kind=FieldKind.USER, position=100, **extra
    )


def test_list_shows_every_field_in_order_with_tapi_property_and_data_type(staff_client):
    """All 43 mandatory fields, in Table 1 order, then user fields; each with its TAPI property."""
    _user_field("AccNo", description="Account number")
    html = staff_client.get(LIST_URL).content.decode()
    names = list(CallProfileField.objects.values_list("name", flat=True))
    assert len(names) == 44 and names[0] == "ANI" and names[-1] == "AccNo"
    positions = [html.index(f'<td class="strong">{name}</td>') for name in names]
    assert positions == sorted(positions)
    assert "<code>_STCC_Type</code>" in html  # Call Type's property is not derived from its name
    assert "<code>_STCC_AccNo</code>" in html
    assert "Phone number" in html and "Account number" in html


def test_mandatory_fields_are_read_only_in_the_list(staff_client):
    """No edit or delete link for a mandatory field; a user field has both."""
    ani = CallProfileField.objects.get(name="ANI")
    user = _user_field()
    html = staff_client.get(LIST_URL).content.decode()
    assert reverse("director:call_profiles_update", args=[ani.pk]) not in html
    assert reverse("director:call_profiles_delete", args=[ani.pk]) not in html
    assert reverse("director:call_profiles_update", args=[user.pk]) in html
    assert reverse("director:call_profiles_delete", args=[user.pk]) in html
    assert html.count("read-only</span>") == 43


def test_create_user_field_gets_its_tapi_property(staff_client):
    response = staff_client.post(
        CREATE_URL, {"name": "Balance", "description": "Account balance", "data_type": "currency", "exported": "on"}
    )
    assert response.status_code == 302
    field = CallProfileField.objects.get(name="Balance")
    assert (field.kind, field.tapi_property, field.data_type, field.exported) == (
        FieldKind.USER, "_STCC_Balance", DataType.CURRENCY, True,
    )  # fmt: skip
    assert "<code>_STCC_Balance</code>" in staff_client.get(LIST_URL).content.decode()


def test_form_labels(staff_client):
    html = staff_client.get(CREATE_URL).content.decode()
    for label in ("Name", "Description", "Data type", "Exported as a call property"):
        assert f">{label}<" in html


def test_edit_user_field_renames_it_and_its_tapi_property(staff_client):
    field = _user_field("AccNo")
    staff_client.post(
        reverse("director:call_profiles_update", args=[field.pk]),
        {"name": "AccountNo", "description": "", "data_type": "text"},
    )
    field.refresh_from_db()
    assert (field.name, field.tapi_property, field.exported) == ("AccountNo", "_STCC_AccountNo", False)


def test_delete_user_field(staff_client):
    field = _user_field()
    staff_client.post(reverse("director:call_profiles_delete", args=[field.pk]))
    assert not CallProfileField.objects.filter(pk=field.pk).exists()


def test_user_field_colliding_with_a_mandatory_one_ignoring_case_is_refused(staff_client):
    """'ani' collides with the mandatory 'ANI': the error sits beside Name and nothing is created."""
    response = staff_client.post(CREATE_URL, {"name": "ani", "data_type": "text"})
    assert response.status_code == 200
    assert "collides with the mandatory field 'ANI'" in field_error(response, "name")
    assert "form-errors" not in response.content.decode()  # one clear message, no generic constraint error
    assert not CallProfileField.objects.filter(name="ani").exists()


def test_a_percent_sign_in_a_name_is_refused(staff_client):
    response = staff_client.post(CREATE_URL, {"name": "Acc%No", "data_type": "text"})
    assert "cannot contain '%'" in field_error(response, "name")
    assert not CallProfileField.objects.filter(kind=FieldKind.USER).exists()


def test_mandatory_fields_have_no_edit_form_and_a_post_is_refused(staff_client):
    """GET and POST to a mandatory field's edit URL are 404; the field keeps its name."""
    ani = CallProfileField.objects.get(name="ANI")
    url = reverse("director:call_profiles_update", args=[ani.pk])
    assert staff_client.get(url).status_code == 404
    response = staff_client.post(url, {"name": "Caller Number", "data_type": "text", "exported": "on"})
    assert response.status_code == 404
    ani.refresh_from_db()
    assert ani.name == "ANI"


def test_mandatory_fields_cannot_be_deleted(staff_client):
    ani = CallProfileField.objects.get(name="ANI")
    assert staff_client.post(reverse("director:call_profiles_delete", args=[ani.pk])).status_code == 404
    assert CallProfileField.objects.filter(pk=ani.pk).exists()
