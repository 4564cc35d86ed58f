"""Query Database: a SELECT that finds the caller's data (the guide's examples run it before SQLExecute)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from core.problems import Problem
from scripts_app.actions._common import E_SELECT_ONLY, error
from scripts_app.actions._sql import (
    NO_ROWS,
    SQL_DEADLINE,
    SUCCESS,
    TIMEOUT,
    check_mapping,
    connection_name,
    mapping_value,
    run_statement,
    statement_text,
)
from scripts_app.engine.actions import Action, Param, ValidationEnv, register
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import Node


@register
class QueryDatabase(Action):
    name = "query_database"
    title = "Query Database"
    doc = (
        "Runs a SELECT statement (only SELECT: the guide's 'field that accepts only SELECT statements') "
        "with %Field Name% tokens bound from the call profile, typically to find whether the caller is a "
        "known customer. The first row's columns fill profile fields of the same name (or as 'mapping' "
        "says); the rows stay available to later actions. Connects first when SQLConnect has not run. "
        "The caller hears music on hold meanwhile. Exits: success (at least one row); no_rows; timeout; "
        "failure (optional exit)."
    )
    params = (
        Param("connection", "connection", required=True, doc="The Database Connection's name, e.g. CRM."),
        Param(
            "statement",
            "sql",
            required=True,
            doc="A SELECT statement, e.g. SELECT id FROM customers WHERE id = %Customer ID%.",
        ),
        Param(
            "mapping",
            "json",
            doc='Optional: result column -> profile field, e.g. {"name": "Customer Name"}.',
        ),
    )
    fixed_exits = (SUCCESS, NO_ROWS, TIMEOUT)
    #: the generic validator checks the statement as SELECT-only (sql.E002 as scripts.E013)
    select_only: ClassVar[bool] = True

    def check(self, node: Node, env: ValidationEnv) -> list[Problem]:
        errors = check_mapping(node, env.field_types)
        statement = node.params.get("statement")
        if env.check_sql is not None or not isinstance(statement, str) or not statement.strip():
            return errors  # the generic SQL checks cover it (or the statement is missing)
        if not statement.lstrip().upper().startswith("SELECT"):
            errors.append(
                error(
                    E_SELECT_ONLY,
                    node,
                    "Query Database runs only SELECT statements; start the statement with SELECT or use SQLExecute.",
                    "statement",
                )
            )
        return errors

    def deadline(self, params: Mapping[str, Any]) -> float:
        return SQL_DEADLINE

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        return await run_statement(
            call,
            connection_name(self.param(params, "connection")),
            statement_text(self.param(params, "statement")),
            select_only=True,
            mapping=mapping_value(self.param(params, "mapping")),
            title="Query Database",
        )
