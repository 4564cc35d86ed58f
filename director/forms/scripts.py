"""Routing > Scripts: the draft editor (graph and parameters as JSON) and the import upload."""

import json
from typing import Any

from django import forms
from django.forms.fields import InvalidJSONInput

from director.forms.base import DirectorModelForm
from scripts_app.models import Script


class PrettyJSONField(forms.JSONField):
    """JSON shown indented, so a graph reads (and diffs) one key per line in the editor."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False, cls=self.encoder)


class ScriptForm(DirectorModelForm):
    publish_comment = forms.CharField(
        label="Publish comment",
        required=False,
        max_length=200,
        help_text="Recorded in the history when you press Publish (e.g. what changed).",
    )

    fieldsets = [
        ("", ["name", "description", "parameters"]),
        ("Graph", ["graph"]),
        ("Publishing", ["publish_comment"]),
    ]

    class Meta:
        model = Script
        fields = ["name", "description", "parameters", "graph"]
        field_classes = {"graph": PrettyJSONField, "parameters": PrettyJSONField}
        labels = {"graph": "Graph (JSON)", "parameters": "Parameters (JSON)"}
        widgets = {
            "graph": forms.Textarea(attrs={"class": "mono graph-editor", "rows": 28, "spellcheck": "false"}),
            "parameters": forms.Textarea(attrs={"class": "mono", "rows": 4, "spellcheck": "false"}),
        }

    def service_data(self) -> dict[str, Any]:
        data = {name: value for name, value in self.cleaned_data.items() if name != "publish_comment"}
        if data.get("parameters") is None:
            data["parameters"] = {}
        return data


class ScriptImportForm(forms.Form):
    file = forms.FileField(label="Exported script (.json)", help_text="A file saved with Export.")
    replace = forms.BooleanField(
        label="Replace the draft of a script with the same name",
        required=False,
        help_text="Otherwise a name that is already taken is refused.",
    )

    def fieldset_list(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [("", list(self))]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise forms.ValidationError(f"This file is not JSON: {exc}.") from None
