from django.urls import reverse
from django.utils.html import format_html

from director.crud.config import Column, CrudPage
from director.forms.database_connections import DatabaseConnectionForm
from director.pages.render import code, or_none, yes_no
from scripts_app.models import DatabaseConnection

# The list says whether a password is stored, never the password or its ciphertext.
DATABASE_CONNECTIONS = CrudPage(
    key="database_connections",
    model=DatabaseConnection,
    form_class=DatabaseConnectionForm,
    title="Database Connections",
    singular="Database connection",
    nav_path=("System Parameters", "External Interfaces"),
    intro="Customer databases that call control scripts reach over ODBC (SQLConnect, SQLExecute, SQLDisconnect).",
    columns=(
        Column("Name", lambda c: c.name, "strong"),
        Column("ODBC DSN", lambda c: code(c.dsn), "truncate"),
        Column("Database Type", lambda c: c.get_database_type_display()),
        Column("Timeout", lambda c: f"{c.timeout} s", "num"),
        Column("Username", lambda c: or_none(c.username)),
        Column("Password stored", lambda c: yes_no(c.has_password)),
        Column("Simultaneous Connections", lambda c: c.simultaneous_connections, "num"),
        Column(
            "",
            lambda c: format_html(
                '<a href="{}">Test connection</a>', reverse("director:database_connection_test", args=[c.pk])
            ),
        ),
    ),
)
