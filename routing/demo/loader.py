"""Load the demo idempotently through the service layer: existing rows are left as the administrator edited them."""

import sqlite3
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction

from acd.models import Agent, Group, Service, Skill
from calls.models import CallProfileField
from core.services import service_for
from routing.demo import data
from routing.demo import scripts as demo_scripts
from routing.models import DNIS, IRN
from scripts_app.models import DatabaseConnection, DatabaseType, Script
from scripts_app.services.scripts import script_import, script_publish


def _ensure(model: type[models.Model], lookup: dict[str, Any], data: dict[str, Any], created: list[str]) -> Any:
    existing = model._default_manager.filter(**lookup).first()
    if existing is not None:
        return existing
    instance = service_for(model).create(data={**lookup, **data})
    created.append(f"{model._meta.verbose_name} {instance}")
    return instance


def demo_crm_path() -> Path:
    return Path(settings.VAR_DIR) / "demo" / "crm.sqlite"


def build_demo_crm(path: Path) -> None:
    """The customer database the demo's scripts query over ODBC (SQLite3 driver)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS customers (customer_id INTEGER PRIMARY KEY, name VARCHAR(100), "
            "phone VARCHAR(32), customer_type VARCHAR(20), balance DECIMAL(12,2))"
        )
        db.executemany("INSERT OR REPLACE INTO customers VALUES (?, ?, ?, ?, ?)", data.CRM_CUSTOMERS)


@transaction.atomic
def load_demo() -> list[str]:
    created: list[str] = []
    skills = {n: _ensure(Skill, {"name": n}, {"description": d}, created) for n, d in data.SKILLS}
    groups = {n: _ensure(Group, {"name": n}, {"wrap_up_seconds": w}, created) for n, w in data.GROUPS}
    for number, name, extension, group_names, skill_levels in data.AGENTS:
        _ensure(
            Agent,
            {"number": number},
            {
                "name": name,
                "extension": extension,
                "groups": [groups[g] for g in group_names],
                "skills": [{"skill": skills[s], "level": level} for s, level in skill_levels.items()],
            },
            created,
        )
    services = {
        name: _ensure(
            Service,
            {"name": name},
            {
                "description": description,
                "priority": priority,
                "groups": [groups[g] for g in group_names],
            },
            created,
        )
        for name, description, priority, group_names in data.SERVICES
    }
    for number, name in data.DNIS:
        _ensure(DNIS, {"number": number}, {"name": name}, created)
    for number, name, service, as_dnis in data.IRNS:
        _ensure(
            IRN,
            {"number": number},
            {
                "name": name,
                "destination_kind": "service",
                "destination_service": services[service],
                "fallback_service": services["Customer Care"],
                "define_as_dnis": as_dnis,
            },
            created,
        )
    for name, description, data_type in data.USER_FIELDS:
        # exported: the agent's phone gets them as X-STCC-<Field> headers with the call
        _ensure(
            CallProfileField,
            {"name": name},
            {"description": description, "data_type": data_type, "exported": True},
            created,
        )
    crm = demo_crm_path()
    build_demo_crm(crm)
    _ensure(
        DatabaseConnection,
        {"name": data.CRM_CONNECTION},
        {
            "dsn": f"Driver=SQLite3;Database={crm}",
            "database_type": DatabaseType.SQLITE,
            "timeout": 10,
            "simultaneous_connections": 4,
        },
        created,
    )
    _load_scripts(services["Customer Care"], created)
    return created


def _load_scripts(fallback: Service, created: list[str]) -> None:
    """The guide's two examples, published, each on its IRN (also a DNIS)."""

    for name, description, graph, number in demo_scripts.SCRIPTS:
        script = Script.objects.filter(name=name).first()
        if script is None:
            script = script_import(data={"name": name, "description": description, "parameters": {}, "graph": graph})
            created.append(f"script {name}")
        if script.current_version is None:
            script_publish(script=script, comment="demo")
        _ensure(
            IRN,
            {"number": number},
            {
                "name": name,
                "destination_kind": "script",
                "destination_script": script,
                "fallback_service": fallback,
                "define_as_dnis": True,
            },
            created,
        )
