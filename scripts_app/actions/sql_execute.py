"""SQLExecute: run a statement with %Field% values bound and write the result's columns to the profile."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.problems import Problem
from scripts_app.actions._common import as_bool
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
class SqlExecute(Action):
    name = "sql_execute"
    title = "SQLExecute"
    doc = (
        "Runs a SQL statement (Appendix A: SELECT, UPDATE, INSERT, DELETE, joins, nested statements, "
        "scripts) on a Database Connection. %Field Name% tokens are bound as parameters from the call "
        "profile. The first row's columns fill the profile fields of the same name (ignoring case, '_' "
        "matching a space) or as 'mapping' says; the whole result stays available to later actions. "
        "When SQLConnect has not run for this connection, SQLExecute connects first. The caller hears "
        "music on hold meanwhile. Exits: success; no_rows (a statement returning rows returned none: the "
        "profile is unchanged); timeout (the connection's Timeout passed, or no pooled connection freed "
        "up); failure (optional exit: the database refused the statement or cannot be reached)."
    )
    params = (
        Param("connection", "connection", required=True, doc="The Database Connection's name, e.g. CRM."),
        Param(
            "statement",
            "sql",
            required=True,
            doc="The SQL statement, e.g. SELECT customer_type FROM customers WHERE id = %Customer ID%.",
        ),
        Param(
            "mapping",
            "json",
            doc='Optional: result column (or @variable) -> profile field, e.g. {"cust_type": "Customer Type"}.',
        ),
        Param(
            "select_only",
            "bool",
            default=False,
            doc="Accept only a SELECT statement (as Query Database does).",
        ),
    )
    fixed_exits = (SUCCESS, NO_ROWS, TIMEOUT)

    def check(self, node: Node, env: ValidationEnv) -> list[Problem]:
        return check_mapping(node, env.field_types)

    def deadline(self, params: Mapping[str, Any]) -> float:
        return SQL_DEADLINE

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        return await run_statement(
            call,
            connection_name(self.param(params, "connection")),
            statement_text(self.param(params, "statement")),
            select_only=as_bool(self.param(params, "select_only")),
            mapping=mapping_value(self.param(params, "mapping")),
            title="SQLExecute",
        )
