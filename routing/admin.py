"""Admin for IRNs and DNIS; every save and delete goes through `core.services`."""

from django import forms
from django.contrib import admin

from core.admin import ServiceModelAdmin, ServiceModelForm
from routing.models import DNIS, IRN


@admin.register(DNIS)
class DNISAdmin(ServiceModelAdmin):
    list_display = ["number", "name"]
    search_fields = ["number", "name"]


class IRNForm(ServiceModelForm):
    define_as_dnis = forms.BooleanField(
        required=False,
        label="Also define as DNIS",
        help_text="Creates (or reuses) a DNIS with this number and links it, for DNIS statistics.",
    )

    class Meta:
        model = IRN
        fields = "__all__"


@admin.register(IRN)
class IRNAdmin(ServiceModelAdmin):
    form = IRNForm
    list_display = ["number", "name", "destination_kind", "destination_service", "destination_script", "dnis"]
    list_filter = ["destination_kind"]
    search_fields = ["number", "name"]
    fieldsets = [
        (None, {"fields": ["number", "name"]}),
        (
            "Destination",
            {
                "fields": [
                    "destination_kind",
                    "destination_service",
                    "destination_script",
                    "script_parameters",
                    "destination_device",
                ]
            },
        ),
        (None, {"fields": ["fallback_service", "dnis", "define_as_dnis"]}),
    ]
