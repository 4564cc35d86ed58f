"""System Parameters > External Interfaces > Database Connections, with the guide's field labels."""

from typing import Any

from django import forms

from director.forms.base import DirectorModelForm
from scripts_app.models import DatabaseConnection


class DatabaseConnectionForm(DirectorModelForm):
    # Never rendered back (render_value=False): the stored password only leaves the database to connect.
    password = forms.CharField(
        label="Password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    clear_password = forms.BooleanField(label="Clear stored password", required=False)

    field_order = [
        "name",
        "dsn",
        "database_type",
        "timeout",
        "username",
        "password",
        "clear_password",
        "simultaneous_connections",
        "unicode_parameters",
    ]

    class Meta:
        model = DatabaseConnection
        fields = [
            "name",
            "dsn",
            "database_type",
            "timeout",
            "username",
            "simultaneous_connections",
            "unicode_parameters",
        ]
        labels = {
            "name": "Name",
            "dsn": "ODBC DSN",
            "database_type": "Database Type",
            "timeout": "Timeout",
            "username": "Username",
            "simultaneous_connections": "Simultaneous Connections",
        }
        widgets = {"dsn": forms.TextInput(attrs={"class": "wide"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["clear_password"]
            self.fields["password"].help_text = "Only needed if the DSN requires credentials."
        else:
            stored = "A password is stored" if self.instance.has_password else "No password is stored"
            self.fields["password"].help_text = f"{stored}. Leave empty to keep it."
