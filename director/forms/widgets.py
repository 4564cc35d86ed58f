"""Widgets the Director needs beyond Django's: rows of choices with a number, audio files with a player."""

from pathlib import PurePath
from typing import Any

from django import forms


class ChoiceRowsWidget(forms.Widget):
    """One row per choice: a checkbox to pick it and a number beside it (a position or a level).

    Posts `<name>=<pk>` per picked row and `<name>_<pk>_<number_name>=<n>`; it reads back a
    list of (pk, raw number) pairs in the order the rows were posted.
    """

    template_name = "director/widgets/choice_rows.html"
    allow_multiple_selected = True

    def __init__(
        self,
        *,
        number_name: str,
        number_label: str,
        number_min: int = 1,
        number_max: int | None = None,
        number_default: int | None = None,
        sortable: bool = False,
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.choices: Any = []
        self.number_name = number_name
        self.number_label = number_label
        self.number_min = number_min
        self.number_max = number_max
        self.number_default = number_default
        self.sortable = sortable

    def number_input_name(self, name: str, pk: str) -> str:
        return f"{name}_{pk}_{self.number_name}"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[tuple[str, str]]:
        picked = data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])
        return [(str(pk), (data.get(self.number_input_name(name, str(pk))) or "").strip()) for pk in picked]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # unchecked boxes post nothing, which means "none picked"

    def format_value(self, value: Any) -> list[tuple[str, str]]:
        return list(value or [])

    def id_for_label(self, id_: str) -> str:
        return ""  # many inputs: no single one for the label to point at

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        pairs = context["widget"]["value"]
        picked = dict(pairs)
        order = {pk: index for index, (pk, _) in enumerate(pairs)}
        base_id = (attrs or {}).get("id") or f"id_{name}"
        rows = []
        for choice_value, label in self.choices:
            pk = str(choice_value)
            if not pk:
                continue
            default = "" if self.number_default is None else str(self.number_default)
            rows.append(
                {
                    "pk": pk,
                    "label": label,
                    "checked": pk in picked,
                    "number": picked.get(pk) or ("" if pk in picked and self.sortable else default),
                    "number_name": self.number_input_name(name, pk),
                    "id": f"{base_id}_{pk}",
                }
            )
        if self.sortable:
            # Picked rows first in their order, then the others in the queryset's order.
            rows.sort(key=lambda row: (not row["checked"], order.get(row["pk"], 0)))
        context["widget"].update(
            rows=rows,
            number_label=self.number_label,
            number_min=self.number_min,
            number_max=self.number_max,
            sortable=self.sortable,
        )
        return context


class AudioFileInput(forms.ClearableFileInput):
    """A file input for prompts and music on hold that plays the current file instead of linking to MEDIA_URL.

    The form sets `audio_url` to a login-required view streaming the stored file.
    """

    template_name = "director/widgets/audio_file.html"
    clear_checkbox_label = "Remove"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"accept": "audio/*", **(attrs or {})})
        self.audio_url: str | None = None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        file_name = getattr(value, "name", "") if self.is_initial(value) else ""
        context["widget"].update(audio_url=self.audio_url, file_name=PurePath(file_name).name if file_name else "")
        return context
