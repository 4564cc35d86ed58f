"""The validator's view of the configuration (ValidationEnv), read from the database.

Built afresh for each validation (a save, a publish): scripts are edited by people, not per call,
so a few small queries are cheaper than keeping a cache coherent across processes.
"""

from __future__ import annotations

from django.db.models import F

from calls.models import CallProfileField
from core.problems import Problem
from scripts_app.engine.actions import ValidationEnv
from scripts_app.engine.graph import Graph, GraphFormatError
from scripts_app.models import DatabaseConnection, ScriptVersion
from scripts_app.runtime.config_port import configuration
from scripts_app.runtime.loader import version_graph
from scripts_app.sql import gateway


def check_sql(statement: str, database_type: str, select_only: bool) -> list[Problem]:
    """`gateway.check_statement` in the validator's calling convention (statement, database_type, select_only)."""
    return gateway.check_statement(statement, database_type=database_type, select_only=select_only)


def published_graphs() -> dict[str, Graph]:
    """Script name -> the Graph of its version in force, for every published script."""
    graphs: dict[str, Graph] = {}
    current = ScriptVersion.objects.filter(script__current_version=F("pk")).select_related("script")
    for version in current:
        try:
            graphs[version.script.name] = version_graph(version)
        except GraphFormatError:
            continue  # cannot happen through the service layer (published graphs are well-formed)
    return graphs


def build_validation_env() -> ValidationEnv:
    return ValidationEnv(
        field_types=dict(CallProfileField.objects.values_list("name", "data_type")),
        connections=dict(DatabaseConnection.objects.values_list("name", "database_type")),
        services=configuration.service_names(),
        scripts=published_graphs(),
        prompts=None,
        check_sql=check_sql,
    )
