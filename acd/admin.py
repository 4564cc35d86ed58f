"""Admin for routing and ACD configuration; every save and delete goes through `ccweb.services`."""

from typing import Any

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from acd.models import (
    DNIS,
    IRN,
    Agent,
    AgentSkill,
    CallProfileField,
    CallRecord,
    Group,
    Service,
    ServiceGroup,
    Skill,
    SystemSettings,
)
from ccweb.api.service_admin import ServiceModelAdmin, ServiceModelForm, inline_rows


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


class ServiceGroupInline(admin.TabularInline):
    model = ServiceGroup
    fields = ["group", "position"]
    extra = 1
    verbose_name = "agent group"
    verbose_name_plural = "agent groups (tried in position order)"


@admin.register(Service)
class ServiceAdmin(ServiceModelAdmin):
    list_display = ["name", "priority", "strategy", "max_queue_time", "overflow_kind", "no_agent_kind"]
    list_filter = ["strategy"]
    search_fields = ["name", "description"]
    inlines = [ServiceGroupInline]
    fieldsets = [
        (None, {"fields": ["name", "description", "priority"]}),
        (
            "ACD",
            {
                "fields": [
                    "strategy",
                    "ring_timeout",
                    "no_answer_state",
                    "skills_field",
                    "callback_abandoned",
                    "callback_attempts",
                ]
            },
        ),
        (
            "Overflow",
            {
                "fields": [
                    "max_queue_length",
                    "max_queue_time",
                    "overflow_kind",
                    "overflow_service",
                    "overflow_script",
                    "overflow_device",
                ]
            },
        ),
        (
            "No agent logged in",
            {"fields": ["no_agent_kind", "no_agent_service", "no_agent_script", "no_agent_device", "no_agent_timeout"]},
        ),
        ("IVR application", {"fields": ["script", "script_parameters"]}),
        (
            "Announcements and music on hold",
            {
                "fields": [
                    "music_on_hold",
                    "welcome_announcement",
                    "periodic_announcement",
                    "announcement_interval",
                    "announce_position",
                    "announce_wait_time",
                ]
            },
        ),
    ]

    def related_data(self, form: forms.ModelForm, formsets: list[BaseInlineFormSet]) -> dict[str, Any]:
        rows = sorted(inline_rows(formsets, ServiceGroup), key=lambda row: row.get("position") or 0)
        return {"groups": [row["group"] for row in rows]}


@admin.register(Group)
class GroupAdmin(ServiceModelAdmin):
    list_display = ["name", "description", "wrap_up_seconds"]
    search_fields = ["name", "description"]


@admin.register(Skill)
class SkillAdmin(ServiceModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name", "description"]


class AgentSkillInline(admin.TabularInline):
    model = AgentSkill
    fields = ["skill", "level"]
    extra = 1


@admin.register(Agent)
class AgentAdmin(ServiceModelAdmin):
    list_display = ["number", "name", "extension", "user"]
    list_filter = ["groups", "skills"]
    search_fields = ["number", "name", "extension"]
    fields = ["number", "name", "extension", "user", "groups"]
    filter_horizontal = ["groups"]
    inlines = [AgentSkillInline]

    def related_data(self, form: forms.ModelForm, formsets: list[BaseInlineFormSet]) -> dict[str, Any]:
        return {"skills": [{"skill": row["skill"], "level": row["level"]} for row in inline_rows(formsets, AgentSkill)]}


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
