"""System > CTI Webhooks: where other applications receive call events (docs/cti.md). No secret field: the
secret is generated, shown once after saving a new webhook or rotating."""

from typing import Any

from django import forms

from acd.cti.events import KINDS
from acd.models import CtiWebhook
from director.forms.base import DirectorModelForm


class CtiWebhookForm(DirectorModelForm):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "wide"}),
        help_text="Each event is POSTed here as JSON (http:// or https://).",
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=[(kind, kind.capitalize()) for kind in KINDS],
        widget=forms.CheckboxSelectMultiple,
        help_text="Offered (the agent's phone rings), answered, transferred, ended.",
    )

    class Meta:
        model = CtiWebhook
        fields = ["name", "url", "events", "active"]
        labels = {"name": "Name", "active": "Active"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial.setdefault("events", list(KINDS))

    def clean_events(self) -> list[str]:
        chosen = set(self.cleaned_data["events"])
        return [kind for kind in KINDS if kind in chosen]
