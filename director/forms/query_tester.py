"""System Parameters > External Interfaces > Query Tester: a statement, a connection and sample profile values."""

from django import forms

from scripts_app.models import DatabaseConnection


class QueryTesterForm(forms.Form):
    connection = forms.ModelChoiceField(DatabaseConnection.objects.all(), label="Database Connection")
    statement = forms.CharField(
        label="SQL statement",
        widget=forms.Textarea(attrs={"rows": 6, "class": "wide mono", "spellcheck": "false"}),
        help_text="Use call profile fields as %Field Name%; they are sent as bound parameters, never as SQL text.",
    )
    select_only = forms.BooleanField(
        label="SELECT only", required=False, help_text="Check the statement as a field that accepts only SELECT."
    )
    profile = forms.CharField(
        label="Sample profile values",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "wide mono", "spellcheck": "false"}),
        help_text="One per line: Field Name=value (e.g. ANI=+15551230001).",
    )

    def fieldset_list(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [("", list(self))]

    def clean_profile(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["profile"].splitlines(), start=1):
            if not line.strip():
                continue
            if "=" not in line:
                raise forms.ValidationError(f"Line {number}: write Field Name=value.")
            name, value = line.split("=", 1)
            values[name.strip()] = value
        return values
