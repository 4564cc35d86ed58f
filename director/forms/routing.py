"""Routing > IRNs, DNIS and Services."""

from typing import Any

from django import forms
from django.urls import reverse

from acd.models import Group, Service
from director.forms.base import DirectorModelForm, link_destination, show_only_when
from director.forms.fields import OrderedModelChoiceField
from director.forms.widgets import AudioFileInput
from routing.models import DNIS, IRN


class DNISForm(DirectorModelForm):
    class Meta:
        model = DNIS
        fields = ["number", "name"]


class IRNForm(DirectorModelForm):
    define_as_dnis = forms.BooleanField(
        label="Also define as DNIS (for statistics)",
        required=False,
        help_text="Creates a DNIS with the same number (if none is chosen above) so the IRN shows in statistics.",
    )

    fieldsets = [
        ("", ["number", "name"]),
        (
            "Destination",
            [
                "destination_kind",
                "destination_service",
                "destination_script",
                "script_parameters",
                "destination_device",
                "fallback_service",
            ],
        ),
        ("Statistics", ["dnis", "define_as_dnis"]),
    ]

    class Meta:
        model = IRN
        fields = [
            "number",
            "name",
            "destination_kind",
            "destination_service",
            "destination_script",
            "script_parameters",
            "destination_device",
            "fallback_service",
            "dnis",
        ]
        labels = {
            "destination_service": "Service",
            "destination_script": "Script",
            "destination_device": "Device",
            "dnis": "DNIS",
            "script_parameters": "Script parameters (JSON)",
        }
        widgets = {"script_parameters": forms.Textarea(attrs={"class": "mono", "rows": 3, "spellcheck": "false"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        link_destination(self, "destination")
        show_only_when(self, "script_parameters", "destination_kind", "script")


class ServiceForm(DirectorModelForm):
    groups = OrderedModelChoiceField(
        Group.objects.all(),
        required=False,
        label="Groups, in order",
        help_text="Tick the groups that answer this service; the ACD tries them by position, 1 first.",
    )

    fieldsets = [
        ("", ["name", "description", "priority"]),
        ("Agent groups", ["groups"]),
        (
            "ACD",
            ["strategy", "ring_timeout", "no_answer_state", "skills_field", "callback_abandoned", "callback_attempts"],
        ),
        ("Agent desktop", ["screen_pop_url"]),
        (
            "Queue limit",
            [
                "max_queue_length",
                "max_queue_time",
                "overflow_kind",
                "overflow_service",
                "overflow_script",
                "overflow_device",
            ],
        ),
        (
            "No agent logged in",
            ["no_agent_kind", "no_agent_service", "no_agent_script", "no_agent_device", "no_agent_timeout"],
        ),
        ("IVR application", ["script", "script_parameters"]),
        (
            "Music and announcements",
            [
                "music_on_hold",
                "welcome_announcement",
                "periodic_announcement",
                "announcement_interval",
                "announce_position",
                "announce_wait_time",
            ],
        ),
    ]

    class Meta:
        model = Service
        fields = [
            "name",
            "description",
            "priority",
            "strategy",
            "ring_timeout",
            "no_answer_state",
            "skills_field",
            "callback_abandoned",
            "callback_attempts",
            "screen_pop_url",
            "max_queue_length",
            "max_queue_time",
            "overflow_kind",
            "overflow_service",
            "overflow_script",
            "overflow_device",
            "no_agent_kind",
            "no_agent_service",
            "no_agent_script",
            "no_agent_device",
            "no_agent_timeout",
            "script",
            "script_parameters",
            "music_on_hold",
            "welcome_announcement",
            "periodic_announcement",
            "announcement_interval",
            "announce_position",
            "announce_wait_time",
        ]
        labels = {
            "overflow_service": "Overflow service",
            "overflow_script": "Overflow script",
            "overflow_device": "Overflow device",
            "no_agent_service": "No-agent service",
            "no_agent_script": "No-agent script",
            "no_agent_device": "No-agent device",
            "script_parameters": "IVR application parameters (JSON)",
        }
        widgets = {
            **{name: AudioFileInput() for name in Service.AUDIO_FIELDS},
            "script_parameters": forms.Textarea(attrs={"class": "mono", "rows": 3, "spellcheck": "false"}),
            "screen_pop_url": forms.TextInput(attrs={"class": "wide mono", "spellcheck": "false"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        link_destination(self, "overflow")
        link_destination(self, "no_agent")
        if self.instance.pk is None:
            return
        self.initial.setdefault("groups", [row.group for row in self.instance.service_groups.select_related("group")])
        for prefix in ("overflow", "no_agent"):
            field = self.fields[f"{prefix}_service"]
            field.queryset = field.queryset.exclude(pk=self.instance.pk)  # type: ignore[attr-defined]
        for name in Service.AUDIO_FIELDS:
            if getattr(self.instance, name):
                self.fields[name].widget.audio_url = reverse(  # type: ignore[attr-defined]
                    "director:service_audio", args=[self.instance.pk, name]
                )
