"""What the integration tests of a separate installation (tests/integration/conftest.py's stack_env) set up in
it: database connections and published scripts. Run there through tests.integration.run; JSON in and out."""

from __future__ import annotations

from typing import Any

from core.services import service_for
from routing.demo.loader import demo_crm_path
from scripts_app.models import DatabaseConnection, Script
from scripts_app.services.scripts import script_import, script_publish


def sqlite_connection(*, name: str, path: str) -> int:
    """A database connection `name` (made again if there is one) to the SQLite file `path`; its id."""
    DatabaseConnection.objects.filter(name=name).delete()
    data = {
        "name": name,
        "dsn": f"Driver=SQLite3;Database={path}",
        "database_type": "sqlite",
        "timeout": 5,
        "simultaneous_connections": 2,
    }
    return service_for(DatabaseConnection).create(data=data).pk


def set_dsn(*, name: str, dsn: str) -> str:
    """Connection `name`'s DSN changed through the service layer; the DSN as stored."""
    connection = DatabaseConnection.objects.get(name=name)
    return service_for(DatabaseConnection).update(instance=connection, data={"dsn": dsn}).dsn


def restore_demo_crm() -> str:
    """The demo's CRM connection back on the demo's SQLite file; the DSN as stored."""
    DatabaseConnection.objects.filter(name="Demo CRM").update(dsn=f"Driver=SQLite3;Database={demo_crm_path()}")
    return DatabaseConnection.objects.get(name="Demo CRM").dsn


def publish_scripts(*, scripts: list[dict[str, Any]]) -> list[str]:
    """Each {name, graph} imported and published, unless a script of that name exists; the names published."""
    published = []
    for data in scripts:
        if not Script.objects.filter(name=data["name"]).exists():
            script_publish(script=script_import(data={"description": "", "parameters": {}, **data}))
            published.append(data["name"])
    return published
