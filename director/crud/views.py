"""Generic Director views: one class per action, parametrised by a CrudPage."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import CreateView, DeleteView, TemplateView, UpdateView

from core.access import AccessMixin
from director.crud.config import CrudPage
from director.crud.saving import attach_error, save_form


@dataclass(frozen=True)
class Row:
    obj: Model
    cells: list[tuple[str, Any]]  # (css class, value)
    edit_url: str | None
    delete_url: str | None


class CrudMixin(AccessMixin):
    page: CrudPage = None  # type: ignore[assignment]  # set by as_view(page=...)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["page"] = self.page
        context["list_url"] = self.page.url("list")
        context["create_url"] = self.page.url("create")
        obj = getattr(self, "object", None)
        if obj is not None and obj.pk is not None:
            context["delete_url"] = self.page.url("delete", obj) if self.page.deletable else None
            context["object_links"] = [(label, reverse(name, args=[obj.pk])) for label, name in self.page.object_links]
        return context


class CrudListView(CrudMixin, TemplateView):
    template_name = "director/crud/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        editable = set(self.page.editable_rows().values_list("pk", flat=True))
        context["rows"] = [self._row(obj, obj.pk in editable) for obj in self.page.rows()]
        context["title"] = self.page.title
        context["colspan"] = len(self.page.columns) + 1
        return context

    def _row(self, obj: Model, editable: bool) -> Row:
        return Row(
            obj=obj,
            cells=[(column.css, column.value(obj)) for column in self.page.columns],
            edit_url=self.page.url("update", obj) if editable else None,
            delete_url=self.page.url("delete", obj) if editable and self.page.deletable else None,
        )


class _CrudFormMixin(CrudMixin):
    template_name = "director/crud/form.html"
    object: Model | None

    def get_form_class(self) -> Any:
        return self.page.form_class

    def get_queryset(self) -> QuerySet[Any]:
        return self.page.editable_rows()

    def form_valid(self, form: Any) -> HttpResponse:
        creating = self.object is None
        try:
            self.object = save_form(form, self.page.service, instance=self.object)
        except ValidationError as exc:
            attach_error(form, exc)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        if creating and self.page.after_create is not None:
            return self.page.after_create(self.request, self.object)  # type: ignore[attr-defined]
        verb = "created" if creating else "saved"
        messages.success(self.request, f"{self.page.singular} '{self.object}' {verb}.")  # type: ignore[attr-defined]
        return HttpResponseRedirect(self.page.url("list"))


class CrudCreateView(_CrudFormMixin, CreateView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(title=f"New {self.page.noun}", submit_label="Create", **kwargs)


class CrudUpdateView(_CrudFormMixin, UpdateView):
    def get_object(self, queryset: QuerySet[Any] | None = None) -> Model:
        obj = super().get_object(queryset)
        # Validation writes the posted values onto the instance; a failed save must not retitle the page.
        self.stored_label = str(obj)
        return obj

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        title = f"{self.page.singular} '{self.stored_label}'"
        return super().get_context_data(title=title, submit_label="Save", **kwargs)


class CrudDeleteView(CrudMixin, DeleteView):
    template_name = "director/crud/confirm_delete.html"

    def get_queryset(self) -> QuerySet[Any]:
        return self.page.editable_rows()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(title=f"Delete {self.page.singular} '{self.object}'", **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        label = str(self.object)
        try:
            self.page.service.delete(instance=self.object)
        except ValidationError as exc:
            # Typically "still in use": explain it on the confirmation page instead of failing.
            return self.render_to_response(self.get_context_data(delete_errors=exc.messages))
        messages.success(self.request, f"{self.page.singular} '{label}' deleted.")
        return HttpResponseRedirect(self.page.url("list"))
