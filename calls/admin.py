"""Admin for the call profile, call records and System > Misc; every save and delete goes through `core.services`."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from calls.models import CallProfileField, CallRecord, SystemSettings
from core.admin import ServiceModelAdmin


@admin.register(CallProfileField)
class CallProfileFieldAdmin(ServiceModelAdmin):
    list_display = ["name", "tapi_property", "kind", "data_type", "exported", "position"]
    list_filter = ["kind", "data_type", "exported"]
    search_fields = ["name", "description"]
    ordering = ["position", "id"]
    fields = ["name", "tapi_property", "description", "kind", "data_type", "exported", "position"]
    readonly_fields = ["tapi_property", "kind", "position"]

    # Mandatory fields (the guide's Table 1) are fixed: they open as a read-only view.
    def has_change_permission(self, request: HttpRequest, obj: CallProfileField | None = None) -> bool:
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_mandatory)

    def has_delete_permission(self, request: HttpRequest, obj: CallProfileField | None = None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_mandatory)


@admin.register(SystemSettings)
class SystemSettingsAdmin(ServiceModelAdmin):
    fields = ["music_on_hold", "default_language"]

    # One row per installation (pk=1, set by the service); it is never deleted.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not SystemSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: SystemSettings | None = None) -> bool:
        return False


@admin.register(CallRecord)
class CallRecordAdmin(admin.ModelAdmin):
    """Read-only: records are written by the processes that handle calls."""

    list_display = ["started_at", "call_id", "ani", "dnis", "service", "agent", "outcome", "sip_status"]
    list_filter = ["outcome", "direction", "service"]
    search_fields = ["call_id", "ani", "dnis", "sw_call_guid"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
