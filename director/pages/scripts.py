"""Routing > Scripts: the list (through the generic CRUD list and delete views) and its columns."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from director.crud.config import Column, CrudPage
from director.forms.scripts import ScriptForm
from director.pages.render import NONE, chips
from routing.models import IRN
from scripts_app.models import Script


def draft_status(script: Script) -> str:
    count = len(script.draft_errors or [])
    if not count:
        return mark_safe('<span class="flag flag-yes">valid</span>')
    return format_html('<span class="flag flag-error">{} error{}</span>', count, "" if count == 1 else "s")


def _current(script: Script) -> str:
    if script.current_version is None:
        return mark_safe('<span class="muted">not published</span>')
    return format_html("v{}", script.current_version.number)


def _history_link(script: Script) -> str:
    return format_html('<a href="{}">History</a>', reverse("director:scripts_history", args=[script.pk]))


SCRIPTS = CrudPage(
    key="scripts",
    model=Script,
    form_class=ScriptForm,
    title="Scripts",
    singular="Script",
    nav_path=("Routing",),
    intro="Call control scripts: graphs of actions that IRNs and services (as their IVR application) run. "
    "Edit the draft freely; Publish freezes it as the next version, which new calls use.",
    list_queryset=lambda: Script.objects.select_related("current_version").prefetch_related(
        Prefetch("irns", queryset=IRN.objects.order_by("number"))
    ),
    columns=(
        Column("Name", lambda s: s.name, "strong"),
        Column("Description", lambda s: s.description or NONE, "description"),
        Column("Current version", _current),
        Column("Draft", draft_status),
        Column("IRNs using it", lambda s: chips(irn.number for irn in s.irns.all())),
        Column("", _history_link),
    ),
)
