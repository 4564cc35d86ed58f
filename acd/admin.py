"""Admin for routing and ACD configuration; every save and delete goes through `core.services`."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.forms.models import BaseInlineFormSet

from acd.models import (
    Agent,
    AgentSkill,
    CtiDelivery,
    CtiWebhook,
    Group,
    ReleaseCode,
    Service,
    ServiceGroup,
    Skill,
    WrapUpCode,
)
from core.admin import ServiceModelAdmin, inline_rows


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


@admin.register(ReleaseCode, WrapUpCode)
class AgentCodeAdmin(ServiceModelAdmin):
    list_display = ["code", "name", "productive", "active"]
    list_filter = ["productive", "active"]
    search_fields = ["code", "name"]


class CtiDeliveryInline(admin.TabularInline):
    model = CtiDelivery
    fields = ["at", "kind", "event_id", "call_id", "attempt", "status", "result", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0
    ordering = ["-at", "-id"]


@admin.register(CtiWebhook)
class CtiWebhookAdmin(ServiceModelAdmin):
    """Created in the Director or the API, which show the new secret once; here it is never shown."""

    list_display = ["name", "url", "active", "last_delivery_at", "last_status", "last_error"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    fields = ["name", "url", "events", "active", "created_at", "last_delivery_at", "last_status", "last_error"]
    readonly_fields = ["created_at", "last_delivery_at", "last_status", "last_error"]
    inlines = [CtiDeliveryInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request: Any) -> bool:
        return False  # a secret nobody saw would sign every delivery: create where it is shown
