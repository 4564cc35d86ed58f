"""Service errors land on the form: beside their field, or above the form when the form has no such field."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from director.crud.saving import attach_error, default_service_data, service_data


class _Form(forms.Form):
    name = forms.CharField()
    audio = forms.FileField(required=False)


def _valid_form(**files):
    form = _Form(data={"name": "x"}, files=files)
    assert form.is_valid()
    return form


def test_field_errors_go_beside_their_field():
    form = _valid_form()
    attach_error(form, ValidationError({"name": "Taken."}))
    assert form.errors == {"name": ["Taken."]}


def test_errors_for_fields_the_form_lacks_go_above_the_form_with_the_field_named():
    """An error keyed by a field the form does not show (e.g. `kind`) is not lost and says which field."""
    form = _valid_form()
    attach_error(form, ValidationError({"kind": "Cannot change."}))
    assert form.non_field_errors() == ["Kind: Cannot change."]


def test_plain_errors_go_above_the_form():
    form = _valid_form()
    attach_error(form, ValidationError("Group 'Sales' cannot be deleted: it is used by service 'X'."))
    assert form.non_field_errors() == ["Group 'Sales' cannot be deleted: it is used by service 'X'."]


def test_untouched_file_inputs_are_left_out_so_the_stored_file_is_kept():
    """No upload means "keep": the key is not sent to the service at all."""
    assert default_service_data(_valid_form()) == {"name": "x"}


def test_uploaded_files_are_passed_on():
    upload = SimpleUploadedFile("a.wav", b"RIFF")
    assert default_service_data(_valid_form(audio=upload))["audio"] is upload


def test_a_form_can_shape_its_own_service_data():
    form = _valid_form()
    form.service_data = lambda: {"name": "shaped"}
    assert service_data(form) == {"name": "shaped"}
