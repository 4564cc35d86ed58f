"""The one way the Director writes: a validated form's data goes through the service layer.

The form only parses and pre-checks input; the service decides. Its ValidationError is
attached back to the form, so the error shows beside the field and nothing is saved.
"""

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models

from core.services import ConfigService


def service_data(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned data as the service expects it (forms may define `service_data()`)."""
    custom = getattr(form, "service_data", None)
    if callable(custom):
        return custom()
    return default_service_data(form)


def default_service_data(form: forms.Form) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    for name, value in list(data.items()):
        # An untouched file input cleans to the stored file (or None): leave the stored one alone.
        if isinstance(form.fields[name], forms.FileField) and not (value is False or isinstance(value, UploadedFile)):
            del data[name]
    return data


def save_form(form: forms.Form, service: ConfigService[Any], instance: models.Model | None = None) -> models.Model:
    """Create (instance=None) or update through `service`; raises the service's ValidationError."""
    data = service_data(form)
    if instance is None:
        return service.create(data=data)
    return service.update(instance=instance, data=data)


def attach_error(form: forms.Form, exc: ValidationError) -> None:
    """Show a service error on the form: beside its field when the form has one, else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = name if name in form.fields and name != NON_FIELD_ERRORS else None
        if target is None and name != NON_FIELD_ERRORS:
            label = name.replace("_", " ").capitalize()
            errors = [ValidationError(f"{label}: {message}") for error in errors for message in error.messages]
        form.add_error(target, errors)
