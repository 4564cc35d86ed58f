"""System > Misc: default music on hold and default language, saved through the service layer."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from calls.models import SystemSettings
from calls.selectors import default_music_on_hold_path, system_settings
from core.access import configuration_required
from core.services import service_for
from director.crud.saving import attach_error, save_form
from director.forms.system import SystemMiscForm


@configuration_required
def misc(request: HttpRequest) -> HttpResponse:
    row = system_settings()
    form = SystemMiscForm(request.POST or None, request.FILES or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            save_form(form, service_for(SystemSettings), instance=row)
        except ValidationError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, "System settings saved.")
            return redirect("director:system_misc")
    return render(request, "director/system/misc.html", _context(form))


def _context(form: SystemMiscForm) -> dict[str, Any]:
    # Re-read: validating the form changed the in-memory row even if the save failed.
    row = system_settings()
    path = default_music_on_hold_path()
    return {
        "title": "Misc",
        "form": form,
        "uses_generated_default": not row.music_on_hold,
        "moh_name": path.name,
        "moh_path": path,
        "moh_exists": path.is_file(),
        "submit_label": "Save",
    }
