"""Admin saves and deletes go through core.services; the service's errors appear as form errors."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from acd.models import Skill
from acd.services.agents import SkillService
from calls.models import CallProfileField, FieldKind
from calls.services.profile_fields import CallProfileFieldService
from routing.models import IRN
from routing.services import IRNService
from tests.factories import IRNFactory, ServiceFactory, SkillFactory

pytestmark = pytest.mark.django_db
IRN_ADD = reverse("admin:routing_irn_add")


def irn_form(service, number="5100", **overrides):
    return {
        "number": number,
        "name": "Main",
        "destination_kind": "service",
        "destination_service": service.pk,
    } | overrides


def form_errors(response) -> dict:
    """Field -> messages of the admin form in the re-rendered page (None for non-field errors)."""
    form = response.context["adminform"].form
    return {name: list(errors) for name, errors in form.errors.items()}


def test_admin_creates_an_irn(admin_client):
    """A valid add form saves the IRN and logs the addition."""
    service = ServiceFactory()
    response = admin_client.post(IRN_ADD, irn_form(service))
    assert response.status_code == 302
    irn = IRN.objects.get(number="5100")
    assert irn.destination_service == service
    assert LogEntry.objects.filter(object_id=str(irn.pk)).exists()


def test_admin_define_as_dnis_links_a_dnis_through_the_service(admin_client):
    """The form's define_as_dnis box reaches the service, which creates and links a DNIS of the same number."""
    response = admin_client.post(IRN_ADD, irn_form(ServiceFactory(), number="5105", define_as_dnis="on"))
    assert response.status_code == 302
    irn = IRN.objects.get(number="5105")
    assert irn.dnis is not None and irn.dnis.number == "5105"


def test_duplicate_irn_number_is_a_form_error(admin_client):
    """A second IRN with the same number re-renders the form with an error on number; nothing saved."""
    existing = IRNFactory(number="5101")
    response = admin_client.post(IRN_ADD, irn_form(existing.destination_service, number="5101"))
    assert response.status_code == 200
    assert "number" in form_errors(response)
    assert IRN.objects.count() == 1


def test_a_service_error_is_shown_beside_its_field_and_nothing_is_kept(admin_client, monkeypatch):
    """An error raised only by the service (not by the model form) is a form error, not a 500; no row, no log."""

    def refuse(self, instance, data, *, creating):
        raise ValidationError({"name": "Refused by the service.", "fallback_service": "Also refused."})

    monkeypatch.setattr(IRNService, "prepare", refuse)
    response = admin_client.post(IRN_ADD, irn_form(ServiceFactory()))
    assert response.status_code == 200
    errors = form_errors(response)
    assert errors["name"] == ["Refused by the service."] and errors["fallback_service"] == ["Also refused."]
    assert "Refused by the service." in response.content.decode()
    assert not IRN.objects.exists() and not LogEntry.objects.exists()


def test_a_service_error_on_change_keeps_the_stored_row(admin_client, monkeypatch):
    """When the service refuses an edit, the row is unchanged and the error is shown."""
    irn = IRNFactory(number="5102", name="Before")

    def refuse(self, instance, data, *, creating):
        raise ValidationError("No.")

    monkeypatch.setattr(IRNService, "prepare", refuse)
    url = reverse("admin:routing_irn_change", args=[irn.pk])
    response = admin_client.post(url, irn_form(irn.destination_service, number="5102", name="After"))
    assert response.status_code == 200 and form_errors(response)["__all__"] == ["No."]
    irn.refresh_from_db()
    assert irn.name == "Before"


def test_admin_user_profile_field_gets_kind_tapi_and_position_from_the_service(admin_client):
    """The add form has no kind/position inputs: the service makes a user field after the last one."""
    response = admin_client.post(
        reverse("admin:calls_callprofilefield_add"), {"name": "AccNo", "data_type": "text", "exported": "on"}
    )
    assert response.status_code == 302
    field = CallProfileField.objects.get(name="AccNo")
    assert (field.kind, field.tapi_property, field.position, field.exported) == ("user", "_STCC_AccNo", 44, True)


def test_admin_profile_field_collision_is_a_form_error(admin_client):
    """A user field named 'ani' collides with the mandatory 'ANI'."""
    response = admin_client.post(reverse("admin:calls_callprofilefield_add"), {"name": "ani", "data_type": "text"})
    assert response.status_code == 200 and "name" in form_errors(response)
    assert CallProfileField.objects.count() == 43


def test_mandatory_field_change_page_is_read_only_without_delete(admin_client):
    """A mandatory field opens as a view: no inputs, no save, no delete; posting is forbidden."""
    ani = CallProfileField.objects.get(name="ANI")
    url = reverse("admin:calls_callprofilefield_change", args=[ani.pk])
    response = admin_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and "_STCC_ANI" in html
    assert 'name="name"' not in html and 'name="_save"' not in html and "deletelink" not in html
    assert admin_client.post(url, {"name": "Caller", "data_type": "text"}).status_code == 403
    delete = reverse("admin:calls_callprofilefield_delete", args=[ani.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    ani.refresh_from_db()
    assert ani.name == "ANI"


def test_mandatory_fields_cannot_be_bulk_deleted(admin_client):
    """The delete action on a mandatory field is refused and all 43 stay."""
    ani = CallProfileField.objects.get(name="ANI")
    changelist = reverse("admin:calls_callprofilefield_changelist")
    data = {"action": "delete_selected", "_selected_action": [ani.pk], "post": "yes"}
    assert admin_client.post(changelist, data).status_code == 403
    assert CallProfileField.objects.filter(kind=FieldKind.MANDATORY).count() == 43


def test_user_field_is_deleted_through_the_service(admin_client, monkeypatch):
    """The delete view calls the service: its refusal is an error message and the row stays, else it is gone."""
    field = CallProfileFieldService().create(data={"name": "Notes"})
    delete = reverse("admin:calls_callprofilefield_delete", args=[field.pk])

    def refuse(self, instance):
        raise ValidationError("Notes is still used by a script.")

    with monkeypatch.context() as patch:
        patch.setattr(CallProfileFieldService, "check_delete", refuse)
        response = admin_client.post(delete, {"post": "yes"}, follow=True)
        assert "Notes is still used by a script." in response.content.decode()
        assert CallProfileField.objects.filter(pk=field.pk).exists()
        assert not LogEntry.objects.exists()
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not CallProfileField.objects.filter(pk=field.pk).exists()


def test_bulk_delete_refused_by_the_service_deletes_nothing(admin_client, monkeypatch):
    """If the service refuses any row of a bulk delete, none is deleted and the reason is shown."""
    skills = [SkillFactory(name="English"), SkillFactory(name="French")]

    def refuse_french(self, instance):
        if instance.name == "French":
            raise ValidationError("French is needed.")

    monkeypatch.setattr(SkillService, "check_delete", refuse_french)
    data = {"action": "delete_selected", "_selected_action": [s.pk for s in skills], "post": "yes"}
    response = admin_client.post(reverse("admin:acd_skill_changelist"), data, follow=True)
    assert "French is needed." in response.content.decode()
    assert Skill.objects.count() == 2 and not LogEntry.objects.exists()
