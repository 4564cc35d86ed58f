"""What a CRUD page needs to know about its entity; the views and URLs are generic."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from core.services import ConfigService, service_for


@dataclass(frozen=True)
class Column:
    """A list column: `value(obj)` returns text or a SafeString built with format_html."""

    label: str
    value: Callable[[Any], Any]
    css: str = ""


def _all(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset


@dataclass(frozen=True)
class CrudPage:
    key: str  # URL names are "<key>_list", "<key>_create", "<key>_update", "<key>_delete"
    model: type[models.Model]
    form_class: type[forms.ModelForm]
    columns: tuple[Column, ...]
    title: str  # list heading and navigation label, e.g. "IRNs"
    singular: str  # e.g. "IRN"
    nav_path: tuple[str, ...]  # branches above the navigation leaf, e.g. ("Routing",)
    intro: str = ""
    # Which rows the list shows (select_related / prefetch_related belong here).
    list_queryset: Callable[[], QuerySet[Any]] | None = None
    # Which rows may be edited or deleted; others get neither links nor forms (404).
    editable: Callable[[QuerySet[Any]], QuerySet[Any]] = field(default=_all)
    # False: rows are never deleted (no Delete links; the service refuses with its reason)
    deletable: bool = True
    # Further pages of one row, shown on its form: (label, URL name taking the row's pk)
    object_links: tuple[tuple[str, str], ...] = ()
    # The response to a successful create instead of the redirect to the list (a secret shown once)
    after_create: Callable[[HttpRequest, Any], HttpResponse] | None = None

    @property
    def service(self) -> ConfigService[Any]:
        return service_for(self.model)

    @property
    def noun(self) -> str:
        """The singular inside a sentence: "database connection", but "IRN" and "DNIS" stay upper case."""
        return self.singular if self.singular.isupper() else self.singular.lower()

    @property
    def url_prefix(self) -> str:
        return self.key.replace("_", "-")

    def rows(self) -> QuerySet[Any]:
        return self.list_queryset() if self.list_queryset else self.model._default_manager.all()

    def editable_rows(self) -> QuerySet[Any]:
        return self.editable(self.model._default_manager.all())

    def url(self, action: str, obj: models.Model | None = None) -> str:
        args = [obj.pk] if obj is not None else []
        return reverse(f"director:{self.key}_{action}", args=args)
