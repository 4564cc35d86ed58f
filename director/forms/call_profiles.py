"""System Parameters > Routing Preferences > Call Profiles: user fields only (mandatory ones are fixed)."""

from typing import Any

from calls.models import CallProfileField
from director.forms.base import DirectorModelForm


class CallProfileFieldForm(DirectorModelForm):
    class Meta:
        model = CallProfileField
        fields = ["name", "description", "data_type", "exported"]
        labels = {"data_type": "Data type", "exported": "Exported as a call property"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tapi = f"TAPI property: {self.instance.tapi_property}. " if self.instance.pk else ""
        self.fields["name"].help_text = f"{tapi}Case-sensitive; used in SQL as %Name%."
