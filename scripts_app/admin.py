"""Admin for scripts and database connections; every save and delete goes through `core.services`."""

from django import forms
from django.contrib import admin

from core.admin import ServiceModelAdmin, ServiceModelForm
from scripts_app.models import DatabaseConnection, Script


@admin.register(Script)
class ScriptAdmin(ServiceModelAdmin):
    """The draft is edited here; publishing and rollback are in the Director and the API."""

    list_display = ["name", "description", "current_version"]
    search_fields = ["name", "description"]
    fields = ["name", "description", "parameters", "graph", "draft_errors", "current_version"]
    readonly_fields = ["draft_errors", "current_version"]


class DatabaseConnectionForm(ServiceModelForm):
    # Write-only: the stored password (or its ciphertext) is never put in the page.
    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Leave empty to keep the stored password.",
    )
    clear_password = forms.BooleanField(required=False, label="Clear the stored password")

    class Meta:
        model = DatabaseConnection
        fields = ["name", "dsn", "database_type", "timeout", "simultaneous_connections", "username"]


@admin.register(DatabaseConnection)
class DatabaseConnectionAdmin(ServiceModelAdmin):
    form = DatabaseConnectionForm
    list_display = ["name", "dsn", "database_type", "timeout", "simultaneous_connections", "has_password"]
    list_filter = ["database_type"]
    search_fields = ["name", "dsn"]
    fields = [
        "name",
        "dsn",
        "database_type",
        "timeout",
        "simultaneous_connections",
        "username",
        "password",
        "clear_password",
        "has_password",
    ]
    readonly_fields = ["has_password"]

    @admin.display(boolean=True, description="password stored")
    def has_password(self, obj: DatabaseConnection) -> bool:
        return obj.has_password
