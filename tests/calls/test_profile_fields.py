"""Call profile fields: Table 1 seeded exactly; mandatory fields fixed; user field naming rules."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from calls.models import CallProfileField, FieldKind
from core.services import service_for

GUIDE = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_f954d2a7fd16c0e5.txt"
pytestmark = pytest.mark.django_db


def guide_table_1() -> list[tuple[str, str, str]]:
    """(TAPI property, name, description) rows of Table 1, read from the guide itself."""
    text = GUIDE.read_text()
    start = text.index("**Table 1: Call Profile Mandatory Fields**")
    end = text.index("## Extracting and Storing Call Profile Information in TAPI")
    rows = []
    for line in text[start:end].splitlines():
        if line.startswith("_STCC_"):
            tapi, name, description = line.split("\t")[:3]
            description = re.sub(r"\s+", " ", description.replace("<b>Note:</b>", "Note:")).strip()
            rows.append((tapi, name, description))
    return rows


def mandatory():
    return list(CallProfileField.objects.filter(kind=FieldKind.MANDATORY).order_by("position"))


def test_seed_has_43_mandatory_fields_in_guide_order():
    fields = mandatory()
    assert len(fields) == 43
    assert [f.position for f in fields] == list(range(1, 44))
    assert fields[0].name == "ANI" and fields[-1].name == "SW Call GUID"
    call_type = CallProfileField.objects.get(name="Call Type")
    assert call_type.tapi_property == "_STCC_Type"
    assert all(f.exported for f in fields)


@pytest.mark.skipif(not GUIDE.exists(), reason="the guide is in ../shared beside the checkout")
def test_seed_matches_the_guide_table_exactly():
    expected = guide_table_1()
    assert len(expected) == 43
    assert [(f.tapi_property, f.name, f.description) for f in mandatory()] == expected


def test_user_field_gets_stcc_tapi_name_and_comes_last():
    field = service_for(CallProfileField).create(data={"name": "AccNo", "data_type": "text", "exported": True})
    assert field.kind == FieldKind.USER
    assert field.tapi_property == "_STCC_AccNo"
    assert field.position == 44
    renamed = service_for(CallProfileField).update(instance=field, data={"name": "Account No"})
    assert renamed.tapi_property == "_STCC_Account No"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("ani", "collides with the mandatory field 'ANI'"),
        ("CALL TYPE", "mandatory field 'Call Type'"),
        ("Bal%ance", "cannot contain '%'"),
        (" Padded", "cannot start or end with a space"),
        ("", ""),
    ],
)
def test_bad_user_field_names_are_refused_and_nothing_saved(name, message):
    before = CallProfileField.objects.count()
    with pytest.raises(ValidationError) as caught:
        service_for(CallProfileField).create(data={"name": name})
    assert "name" in caught.value.message_dict
    assert message in " ".join(caught.value.message_dict["name"])
    assert CallProfileField.objects.count() == before


def test_user_names_are_unique_ignoring_case():
    service_for(CallProfileField).create(data={"name": "Balance"})
    with pytest.raises(ValidationError, match="collides with the user field 'Balance'"):
        service_for(CallProfileField).create(data={"name": "BALANCE"})


@pytest.mark.parametrize(
    "change", [{"name": "Caller"}, {"description": "x"}, {"data_type": "number"}, {"exported": False}]
)
def test_mandatory_field_cannot_be_changed(change):
    ani = CallProfileField.objects.get(name="ANI")
    with pytest.raises(ValidationError) as caught:
        service_for(CallProfileField).update(instance=ani, data=change)
    assert set(caught.value.message_dict) == set(change)
    ani.refresh_from_db()
    assert (ani.name, ani.data_type, ani.exported) == ("ANI", "phone", True)


def test_mandatory_field_cannot_be_deleted_by_service_or_queryset():
    ani = CallProfileField.objects.get(name="ANI")
    with pytest.raises(ValidationError, match="cannot be deleted"):
        service_for(CallProfileField).delete(instance=ani)
    # a queryset delete runs without a savepoint of its own: give it one, as a request would
    with pytest.raises(ValidationError, match="cannot be deleted"), transaction.atomic():
        CallProfileField.objects.filter(kind=FieldKind.MANDATORY).delete()
    assert CallProfileField.objects.filter(kind=FieldKind.MANDATORY).count() == 43


def test_user_field_can_be_deleted():
    field = service_for(CallProfileField).create(data={"name": "DueDate", "data_type": "date"})
    service_for(CallProfileField).delete(instance=field)
    assert not CallProfileField.objects.filter(name="DueDate").exists()


def test_unknown_data_keys_are_refused():
    with pytest.raises(ValidationError) as caught:
        service_for(CallProfileField).create(data={"name": "X", "colour": "red"})
    assert caught.value.message_dict == {"colour": ["Unknown field."]}
