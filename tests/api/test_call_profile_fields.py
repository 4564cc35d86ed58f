"""/api/call-profile-fields/: Table 1 read-only in position order; user fields created through the service."""

import pytest

from calls.models import CallProfileField, FieldKind

pytestmark = pytest.mark.django_db
URL = "/api/call-profile-fields/"


def seeded_rows() -> list[tuple[str, str]]:
    """(TAPI property, Call Profile Name) of Table 1 as seeded, in position order (the seed itself
    is checked against the guide in tests/acd/test_profile_fields.py)."""
    rows = CallProfileField.objects.filter(kind=FieldKind.MANDATORY).order_by("position")
    return [(f.tapi_property, f.name) for f in rows]


def test_kind_mandatory_returns_the_43_fields_of_table_1_in_order_on_one_page(api):
    """?kind=mandatory lists exactly the guide's 43 fields, in its order, with their TAPI names."""
    body = api.get(URL, {"kind": "mandatory"}).json()
    assert body["count"] == 43 and len(body["results"]) == 43
    assert body["next"] is None and body["previous"] is None
    results = body["results"]
    assert [(r["tapi_property"], r["name"]) for r in results] == seeded_rows()
    assert results[0]["name"] == "ANI" and results[-1]["name"] == "SW Call GUID"
    assert results[0]["name"] == "ANI" and results[-1]["name"] == "SW Call GUID"
    assert next(r for r in results if r["name"] == "Call Type")["tapi_property"] == "_STCC_Type"
    assert {r["kind"] for r in results} == {"mandatory"}
    positions = [r["position"] for r in results]
    assert positions == sorted(positions)


def test_create_always_makes_a_user_field_and_ignores_read_only_keys(api):
    """kind, tapi_property and position are set by the service, whatever the client sends."""
    response = api.post(
        URL,
        {"name": "AccNo", "kind": "mandatory", "tapi_property": "_STCC_X", "position": 1, "exported": True},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "user" and body["tapi_property"] == "_STCC_AccNo" and body["position"] == 44
    field = CallProfileField.objects.get(name="AccNo")
    assert field.kind == FieldKind.USER and field.exported is True


def test_user_field_read_update_delete(api):
    """A user field can be read, changed with PUT and PATCH, and deleted."""
    pk = api.post(URL, {"name": "Balance", "data_type": "currency"}, format="json").json()["id"]
    assert api.get(f"{URL}{pk}/").json()["data_type"] == "currency"
    response = api.put(f"{URL}{pk}/", {"name": "Balance2", "data_type": "number", "exported": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["tapi_property"] == "_STCC_Balance2"
    assert api.patch(f"{URL}{pk}/", {"description": "Account balance"}, format="json").status_code == 200
    assert CallProfileField.objects.get(pk=pk).description == "Account balance"
    assert api.delete(f"{URL}{pk}/").status_code == 204
    assert not CallProfileField.objects.filter(pk=pk).exists()


def test_renaming_a_mandatory_field_is_a_field_error_and_changes_nothing(api):
    """PATCH of a mandatory field's name -> 400 keyed by name, the row stays as seeded."""
    ani = CallProfileField.objects.get(name="ANI")
    response = api.patch(f"{URL}{ani.pk}/", {"name": "Caller"}, format="json")
    assert response.status_code == 400
    assert "mandatory" in response.json()["errors"]["name"][0]
    ani.refresh_from_db()
    assert ani.name == "ANI" and ani.tapi_property == "_STCC_ANI"


def test_put_changing_a_mandatory_field_is_a_field_error(api):
    """PUT that changes a mandatory field's description or export flag -> 400 keyed by each changed field."""
    media = CallProfileField.objects.get(name="Media")
    data = {"name": "Media", "description": "changed", "data_type": media.data_type, "exported": not media.exported}
    response = api.put(f"{URL}{media.pk}/", data, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"description", "exported"}
    media.refresh_from_db()
    assert media.description != "changed"


def test_deleting_a_mandatory_field_is_a_400_and_keeps_it(api):
    """DELETE of a mandatory field -> 400 with the service's message, never a 500."""
    ani = CallProfileField.objects.get(name="ANI")
    response = api.delete(f"{URL}{ani.pk}/")
    assert response.status_code == 400
    assert "cannot be deleted" in response.json()["errors"]["non_field_errors"][0]
    assert CallProfileField.objects.filter(pk=ani.pk).exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [("ani", "collides with the mandatory field 'ANI'"), ("Due%Date", "cannot contain '%'")],
)
def test_invalid_user_field_names_are_field_errors_and_nothing_is_saved(api, name, expected):
    """A name equal to a mandatory one ignoring case, or containing %, is refused on `name`."""
    before = CallProfileField.objects.count()
    response = api.post(URL, {"name": name}, format="json")
    assert response.status_code == 400
    assert expected in " ".join(response.json()["errors"]["name"])
    assert CallProfileField.objects.count() == before


def test_filters_by_kind_data_type_and_exported(api):
    """kind, data_type and exported filter the list."""
    api.post(URL, {"name": "DueDate", "data_type": "date", "exported": True}, format="json")
    api.post(URL, {"name": "Notes", "data_type": "text"}, format="json")
    names = [r["name"] for r in api.get(URL, {"kind": "user", "exported": "true"}).json()["results"]]
    assert names == ["DueDate"]
    dates = api.get(URL, {"data_type": "date", "page_size": 100}).json()["results"]
    assert "DueDate" in [r["name"] for r in dates] and {r["data_type"] for r in dates} == {"date"}
