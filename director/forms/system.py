"""System > Misc: the default music on hold and the default language."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from calls.models import SystemSettings
from director.forms.base import DirectorModelForm


class SystemMiscForm(DirectorModelForm):
    use_generated_default = forms.BooleanField(
        label="Use the generated default again",
        required=False,
        help_text="Forget the uploaded music on hold and play the royalty-free default.",
    )

    class Meta:
        model = SystemSettings
        fields = ["music_on_hold", "default_language"]
        labels = {"music_on_hold": "Upload a replacement"}
        widgets = {"music_on_hold": forms.FileInput(attrs={"accept": "audio/*"})}
        help_texts = {"music_on_hold": "Any audio file sox can read; it is converted to 8 kHz mono WAV."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.music_on_hold:
            del self.fields["use_generated_default"]

    def service_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"default_language": self.cleaned_data["default_language"]}
        upload = self.cleaned_data.get("music_on_hold")
        if isinstance(upload, UploadedFile):
            data["music_on_hold"] = upload
        elif self.cleaned_data.get("use_generated_default"):
            data["music_on_hold"] = False  # the service stores "" for False: back to the default
        return data
