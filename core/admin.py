"""Django admin classes that save and delete through `core.services`, like the REST API.

The admin counterpart of `core.api.base` (core owns the interface-side glue of the
service layer). How a service error becomes a form error:

1. `save_model` does nothing; `save_related` (the first hook that sees the inline
   formsets) builds the service's data from the form and the inlines and calls the
   service once.
2. A `ValidationError` from the service is raised as `ServiceRejected`, which leaves
   the admin's `transaction.atomic` block, so nothing of that attempt is kept (not even
   the log entry).
3. `changeform_view` catches it and replays the same POST with the error attached to
   the request; the form's `clean()` adds it, and the admin renders the page with the
   error beside its field, exactly as for an ordinary validation error.

The replay runs the service's checks only once per successful save and needs no
private admin API. Deletes go the same way: an error becomes an error message.
"""

from collections.abc import Iterator
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from core.services import service_for

_REQUEST_ERROR_ATTR = "_ccweb_service_error"


class ServiceRejected(Exception):
    """The service refused a save or delete made in the admin; carries its ValidationError."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(error)
        self.error = error


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class ServiceModelForm(forms.ModelForm):
    # Set (on a per-request subclass) when the service rejected this very POST.
    service_error: ClassVar[ValidationError | None] = None

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.service_error is not None:
            self.add_service_error(self.service_error)
        return cleaned

    def add_service_error(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            if name in self.fields:
                self.add_error(name, errors)
            else:
                # e.g. "skills" or "groups", edited in an inline rather than a form field
                label = "" if name == "__all__" else f"{name.replace('_', ' ').capitalize()}: "
                self.add_error(None, [f"{label}{message}" for e in errors for message in e.messages])


def inline_rows(formsets: list[BaseInlineFormSet], model: type[models.Model]) -> Iterator[dict[str, Any]]:
    """Cleaned data of the kept rows of the inline for `model` (blank extra rows and deleted rows skipped)."""
    for formset in formsets:
        if formset.model is not model:
            continue
        for form in formset.forms:
            if form.cleaned_data and not form.cleaned_data.get("DELETE"):
                yield form.cleaned_data


def _service_delete_selected(modeladmin: "ServiceModelAdmin", request: HttpRequest, queryset: QuerySet) -> Any:
    try:
        with transaction.atomic():  # also drops the log entries of a refused bulk delete
            return delete_selected(modeladmin, request, queryset)
    except ServiceRejected as rejected:
        modeladmin.message_user(request, f"Nothing was deleted. {error_text(rejected.error)}", messages.ERROR)
        return None


class ServiceModelAdmin(admin.ModelAdmin):
    form = ServiceModelForm

    def related_data(self, form: forms.ModelForm, formsets: list[BaseInlineFormSet]) -> dict[str, Any]:
        """Service data taken from inlines (e.g. ordered groups); override per model."""
        return {}

    def service_data(self, form: forms.ModelForm, formsets: list[BaseInlineFormSet]) -> dict[str, Any]:
        accepted = {f.name for f in self.model._meta.concrete_fields if f.editable and not f.primary_key}
        accepted |= set(service_for(self.model).extra_keys)
        data = {name: value for name, value in form.cleaned_data.items() if name in accepted}
        data.update(self.related_data(form, formsets))
        return data

    # Saving --------------------------------------------------------------

    def get_form(self, request: HttpRequest, obj: models.Model | None = None, change: bool = False, **kwargs: Any):
        form_class = super().get_form(request, obj, change, **kwargs)
        error = getattr(request, _REQUEST_ERROR_ATTR, None)
        if error is not None and issubclass(form_class, ServiceModelForm):
            form_class = type(form_class.__name__, (form_class,), {"service_error": error})
        return form_class

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRejected as rejected:
            setattr(request, _REQUEST_ERROR_ATTR, rejected.error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: models.Model, form: forms.ModelForm, change: bool) -> None:
        """Deferred to save_related: the service needs the inline rows in the same call."""

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: list[BaseInlineFormSet], change: bool
    ) -> None:
        service = service_for(self.model)
        data = self.service_data(form, formsets)
        try:
            if change:
                service.update(instance=form.instance, data=data)
            else:
                created = service.create(data=data)
                # The admin logs and redirects using form.instance, so give it the saved row.
                form.instance.pk = created.pk
                form.instance._state.adding = False
                form.instance.refresh_from_db()
        except ValidationError as exc:
            raise ServiceRejected(exc) from exc
        for formset in formsets:
            # construct_change_message reads what formset.save() would have recorded.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    # Deleting ------------------------------------------------------------

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        try:
            service_for(self.model).delete(instance=obj)
        except ValidationError as exc:
            raise ServiceRejected(exc) from exc

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        service = service_for(self.model)
        try:
            with transaction.atomic():
                for obj in queryset:
                    service.delete(instance=obj)
        except ValidationError as exc:
            raise ServiceRejected(exc) from exc

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceRejected as rejected:
            self.message_user(request, error_text(rejected.error), messages.ERROR)
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id]))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _, name, description = actions["delete_selected"]
            actions["delete_selected"] = (_service_delete_selected, name, description)
        return actions
