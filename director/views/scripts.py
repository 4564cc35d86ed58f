"""Routing > Scripts: the draft editor (Save draft / Publish / Export), history with rollback, import.

The list and delete pages are the generic CRUD views (`director.pages.scripts.SCRIPTS`); every
write goes through `scripts_app.services.scripts`.
"""

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from core.access import configuration_required
from director.crud.saving import attach_error
from director.crud.views import CrudDeleteView, CrudListView
from director.forms.scripts import ScriptForm, ScriptImportForm
from director.pages.script_graph import render_graph_svg
from director.pages.scripts import SCRIPTS
from scripts_app.models import Script
from scripts_app.models.script import starter_graph
from scripts_app.services.scripts import script_import, script_publish, script_rollback, script_save_draft


@configuration_required
def script_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """New (pk=None) or edit: Save draft keeps errors listed; Publish saves the draft, then publishes it."""
    script = get_object_or_404(Script.objects.select_related("current_version__published_by"), pk=pk) if pk else None
    form = ScriptForm(request.POST or None, instance=script)
    if request.method == "POST" and form.is_valid():
        try:
            saved = script_save_draft(script=script, data=form.service_data())
        except ValidationError as exc:
            attach_error(form, exc)
        else:
            if "publish" in request.POST:
                _publish(request, saved, form.cleaned_data["publish_comment"])
            else:
                _report_draft(request, saved, created=script is None)
            return redirect("director:scripts_update", pk=saved.pk)
    return render(request, "director/scripts/edit.html", _edit_context(form, pk))


def _report_draft(request: HttpRequest, script: Script, *, created: bool) -> None:
    verb = "created" if created else "saved"
    count = len(script.draft_errors)
    if count:
        noun = "error" if count == 1 else "errors"
        messages.warning(request, f"Draft of '{script}' {verb} with {count} {noun}: fix them before publishing.")
    else:
        messages.success(request, f"Draft of '{script}' {verb}.")


def _publish(request: HttpRequest, script: Script, comment: str) -> None:
    try:
        version = script_publish(script=script, user=request.user, comment=comment)
    except ValidationError as exc:
        count = len(script.draft_errors) or len(exc.messages)
        noun = "error" if count == 1 else "errors"
        messages.error(request, f"Draft saved, but not published: it has {count} {noun} (listed beside the graph).")
    else:
        messages.success(request, f"'{script}' published as v{version.number}; new calls use it.")


def _edit_context(form: ScriptForm, pk: int | None) -> dict[str, Any]:
    # The stored row, not form.instance: validating the form wrote the posted values onto that.
    stored = Script.objects.select_related("current_version__published_by").filter(pk=pk).first() if pk else None
    graph = stored.graph if stored else starter_graph()
    errors = list(stored.draft_errors) if stored else []
    current = stored.current_version if stored else None
    return {
        "title": f"Script '{stored}'" if stored else "New script",
        "page": SCRIPTS,
        "form": form,
        "script": stored,
        "list_url": SCRIPTS.url("list"),
        "delete_url": SCRIPTS.url("delete", stored) if stored else None,
        "draft_errors": errors,
        "graph_svg": render_graph_svg(graph, errors=errors),
        "current_version": current,
        "draft_changed": current is not None and current.graph != graph,
    }


@configuration_required
def script_history(request: HttpRequest, pk: int) -> HttpResponse:
    script = get_object_or_404(Script, pk=pk)
    versions = script.versions.select_related("published_by")
    return render(
        request,
        "director/scripts/history.html",
        {"title": f"History of '{script}'", "page": SCRIPTS, "script": script, "versions": versions},
    )


@configuration_required
@require_POST
def script_rollback_view(request: HttpRequest, pk: int) -> HttpResponse:
    script = get_object_or_404(Script, pk=pk)
    number = request.POST.get("version", "")
    if not number.isdigit():
        messages.error(request, "Choose a version to roll back to.")
        return redirect("director:scripts_history", pk=pk)
    try:
        version = script_rollback(script=script, version=int(number), user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"v{number} is in force again, published as v{version.number}.")
    return redirect("director:scripts_history", pk=pk)


@configuration_required
def script_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft (or ?version=N) as a JSON file, for Import here or on another ccweb."""
    script = get_object_or_404(Script, pk=pk)
    number = request.GET.get("version", "")
    if number:
        version = get_object_or_404(script.versions, number=int(number) if number.isdigit() else -1)
        data, suffix = version.export_data(), f"-v{version.number}"
    else:
        data, suffix = script.export_data(), "-draft"
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    filename = re.sub(r"[^A-Za-z0-9_.-]+", "_", script.name).strip("_") or "script"
    response["Content-Disposition"] = f'attachment; filename="{filename}{suffix}.json"'
    return response


@configuration_required
def script_import_view(request: HttpRequest) -> HttpResponse:
    form = ScriptImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            script = script_import(data=form.cleaned_data["file"], replace=form.cleaned_data["replace"])
        except ValidationError as exc:
            _attach_import_error(form, exc)
        else:
            _report_draft(request, script, created=True)
            return redirect(reverse("director:scripts_update", args=[script.pk]))
    context = {"title": "Import a script", "page": SCRIPTS, "form": form, "list_url": SCRIPTS.url("list")}
    return render(request, "director/scripts/import.html", context)


def _attach_import_error(form: ScriptImportForm, exc: ValidationError) -> None:
    # The file's keys (name, graph, ...) are not fields of this form: say which key is wrong, on the file.
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            for message in (m for e in errors for m in e.messages):
                form.add_error("file", f"{key}: {message}" if key != "__all__" else message)
    else:
        attach_error(form, exc)


def _urlpatterns() -> list[URLPattern]:
    list_view = CrudListView.as_view(page=SCRIPTS, template_name="director/scripts/list.html")
    return [
        path("scripts/", list_view, name="scripts_list"),
        path("scripts/new/", script_edit, name="scripts_create"),
        path("scripts/import/", script_import_view, name="scripts_import"),
        path("scripts/<int:pk>/edit/", script_edit, name="scripts_update"),
        path("scripts/<int:pk>/delete/", CrudDeleteView.as_view(page=SCRIPTS), name="scripts_delete"),
        path("scripts/<int:pk>/history/", script_history, name="scripts_history"),
        path("scripts/<int:pk>/rollback/", script_rollback_view, name="scripts_rollback"),
        path("scripts/<int:pk>/export/", script_export, name="scripts_export"),
    ]


#: included by director/urls.py (names: scripts_list, scripts_create, scripts_update, …)
urlpatterns = _urlpatterns()
