"""/api/dnis/, /api/irns/ and /api/services/: CRUD through the service layer and its validation."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from acd.models import Service, ServiceGroup
from calls.models import CallProfileField
from routing.models import DNIS, IRN
from tests.factories import GroupFactory, IRNFactory, ScriptFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_dnis_crud(api):
    """DNIS can be created, read, updated and deleted."""
    response = api.post("/api/dnis/", {"number": "+18005550100", "name": "Sales line"}, format="json")
    assert response.status_code == 201, response.content
    detail = f"/api/dnis/{response.json()['id']}/"
    assert api.get(detail).json()["name"] == "Sales line"
    assert api.patch(detail, {"name": "Sales"}, format="json").json()["name"] == "Sales"
    assert api.put(detail, {"number": "5550101", "name": "x"}, format="json").json()["number"] == "5550101"
    assert api.delete(detail).status_code == 204
    assert not DNIS.objects.exists()


def test_irn_crud_and_define_as_dnis(api):
    """An IRN routes to a service; define_as_dnis links a DNIS of the same number and is not echoed."""
    service = ServiceFactory()
    data = {"number": "5000", "name": "Main", "destination_kind": "service", "destination_service": service.pk}
    response = api.post("/api/irns/", data | {"define_as_dnis": True}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert "define_as_dnis" not in body
    irn = IRN.objects.get(number="5000")
    assert irn.dnis is not None and irn.dnis.number == "5000" and body["dnis"] == irn.dnis.pk
    detail = f"/api/irns/{irn.pk}/"
    script = ScriptFactory()
    changed = {"destination_kind": "script", "destination_service": None, "destination_script": script.pk}
    response = api.patch(detail, changed, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["destination_script"] == script.pk
    assert api.delete(detail).status_code == 204
    assert not IRN.objects.exists()


def test_duplicate_irn_number_is_a_field_error(api):
    """A second IRN with the same number -> 400 on number; still one IRN."""
    existing = IRNFactory(number="5001")
    data = {"number": "5001", "destination_kind": "service", "destination_service": existing.destination_service_id}
    response = api.post("/api/irns/", data, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["number"]
    assert IRN.objects.count() == 1


def test_irn_destination_rules_come_from_the_model(api):
    """A target that does not match the destination kind -> 400 keyed by the target field."""
    data = {"number": "5002", "destination_kind": "device", "destination_device": "", "destination_script": None}
    response = api.post("/api/irns/", data, format="json")
    assert response.status_code == 400
    assert "destination_device" in response.json()["errors"]
    assert not IRN.objects.exists()


def test_irn_filter_by_destination_kind(api):
    """?destination_kind=script lists only IRNs that run a script."""
    IRNFactory(number="5003")
    scripted = IRNFactory(
        number="5004", destination_kind="script", destination_service=None, destination_script=ScriptFactory()
    )
    results = api.get("/api/irns/", {"destination_kind": "script"}).json()["results"]
    assert [r["id"] for r in results] == [scripted.pk]


def test_service_groups_are_written_and_read_in_order(api):
    """groups is an ordered id list: stored as ServiceGroup positions and returned in that order."""
    first, second, third = GroupFactory(name="C"), GroupFactory(name="A"), GroupFactory(name="B")
    order = [first.pk, second.pk, third.pk]
    response = api.post("/api/services/", {"name": "Support", "priority": 7, "groups": order}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["groups"] == order and body["music_on_hold"] is None
    detail = f"/api/services/{body['id']}/"
    assert api.get(detail).json()["groups"] == order
    reordered = [third.pk, first.pk]
    assert api.patch(detail, {"groups": reordered}, format="json").json()["groups"] == reordered
    rows = ServiceGroup.objects.filter(service_id=body["id"]).order_by("position")
    assert [row.group_id for row in rows] == reordered
    assert api.get("/api/services/").json()["results"][0]["groups"] == reordered


def test_service_update_and_delete(api):
    """A service's overflow rules are validated by the model; a service can be deleted."""
    service = ServiceFactory(name="Billing")
    detail = f"/api/services/{service.pk}/"
    response = api.patch(detail, {"max_queue_time": 120}, format="json")
    assert response.status_code == 400 and "overflow_kind" in response.json()["errors"]
    data = {"max_queue_time": 120, "overflow_kind": "device", "overflow_device": "sip:operator@pbx.example.com"}
    assert api.patch(detail, data, format="json").status_code == 200
    assert Service.objects.get(pk=service.pk).overflow_device == "sip:operator@pbx.example.com"
    assert api.delete(detail).status_code == 204
    assert not Service.objects.exists()


def test_deleting_a_service_in_use_is_a_400(api):
    """A service an IRN routes to cannot be deleted (the service's 'in use' message, not a 500)."""
    irn = IRNFactory()
    response = api.delete(f"/api/services/{irn.destination_service_id}/")
    assert response.status_code == 400
    assert "used by" in response.json()["errors"]["non_field_errors"][0]
    assert Service.objects.filter(pk=irn.destination_service_id).exists()


def test_service_filter_by_name(api):
    """?name= matches part of the name, ignoring case."""
    ServiceFactory(name="Sales EMEA")
    ServiceFactory(name="Support")
    assert [r["name"] for r in api.get("/api/services/", {"name": "sales"}).json()["results"]] == ["Sales EMEA"]


@pytest.mark.integration
def test_service_audio_upload_is_converted_and_can_be_cleared(api, tone):
    """A multipart upload of music on hold is stored as telephony WAV; JSON null clears it."""
    response = api.post("/api/services/", {"name": "Queue", "music_on_hold": tone}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["music_on_hold"].endswith(".wav")
    service = Service.objects.get(name="Queue")
    assert service.music_on_hold.name.startswith("moh/services/")
    response = api.patch(f"/api/services/{service.pk}/", {"music_on_hold": None}, format="json")
    assert response.status_code == 200 and response.json()["music_on_hold"] is None
    assert Service.objects.get(pk=service.pk).music_on_hold.name == ""


def test_service_audio_is_cleared_by_an_empty_json_value_and_a_string_is_no_file(api):
    """JSON cannot carry a file: null or "" clears it (as an empty multipart value does), any other string is 400."""
    service = ServiceFactory(music_on_hold=ContentFile(b"RIFF", name="hold.wav"))
    detail = f"/api/services/{service.pk}/"
    refused = api.patch(detail, {"music_on_hold": "hold.wav"}, format="json")
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["music_on_hold"]
    response = api.patch(detail, {"music_on_hold": ""}, format="json")
    assert response.status_code == 200 and response.json()["music_on_hold"] is None
    assert Service.objects.get(pk=service.pk).music_on_hold.name == ""


@pytest.mark.integration
def test_service_non_audio_upload_is_a_field_error(api):
    """A file sox cannot read -> 400 on that file field, no service saved."""
    bad = SimpleUploadedFile("notes.wav", b"not audio at all", content_type="audio/wav")
    response = api.post("/api/services/", {"name": "Queue", "welcome_announcement": bad}, format="multipart")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["welcome_announcement"]
    assert not Service.objects.exists()


def test_service_acd_settings_create_and_update(api):
    """The ACD settings are plain fields of /api/services/; defaults apply when left out; limits are field errors."""
    response = api.post("/api/services/", {"name": "Sales"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("strategy", "ring_timeout", "no_answer_state", "max_queue_length")} == {
        "strategy": "longest_idle",
        "ring_timeout": 15,
        "no_answer_state": "released",
        "max_queue_length": 0,
    }
    assert (body["no_agent_timeout"], body["skills_field"], body["callback_abandoned"], body["callback_attempts"]) == (
        30,
        None,
        False,
        3,
    )
    field = CallProfileField.objects.create(name="Skills", tapi_property="_STCC_Skills")
    changed = {"strategy": "best_skill", "ring_timeout": 30, "no_answer_state": "available", "max_queue_length": 8,
               "no_agent_timeout": 60, "skills_field": field.pk, "callback_abandoned": True,
               "callback_attempts": 4}  # fmt: skip
    response = api.patch(f"/api/services/{body['id']}/", changed, format="json")
    assert response.status_code == 200, response.content
    assert {k: response.json()[k] for k in changed} == changed
    service = Service.objects.get()
    assert (service.strategy, service.skills_field, service.callback_attempts) == ("best_skill", field, 4)


@pytest.mark.parametrize(
    "bad",
    [{"strategy": "cheapest"}, {"ring_timeout": 4}, {"callback_attempts": 11}, {"no_answer_state": "x"},
     {"skills_field": 999999}],
)  # fmt: skip
def test_service_acd_settings_are_checked(api, bad):
    response = api.post("/api/services/", {"name": "Sales"} | bad, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == list(bad)
