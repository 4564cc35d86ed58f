"""SQLConnect: make sure a Database Connection answers before the script relies on it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scripts_app.actions._sql import SQL_DEADLINE, SUCCESS, TIMEOUT, SqlTimedOut, connection_name, on_hold
from scripts_app.engine.actions import Action, Param, register
from scripts_app.engine.context import CallContext


@register
class SqlConnect(Action):
    name = "sql_connect"
    title = "SQLConnect"
    doc = (
        "Connects to a Database Connection (System > External Interfaces > Database Connections) so the "
        "script's later SQL actions can use it; the caller hears music on hold meanwhile. Exits: success; "
        "timeout when the database does not answer within the connection's Timeout or no pooled connection "
        "frees up; failure (optional exit) when it refuses (unknown DSN or driver, wrong credentials, "
        "server down)."
    )
    params = (Param("connection", "connection", required=True, doc="The Database Connection's name, e.g. CRM."),)
    fixed_exits = (SUCCESS, TIMEOUT)

    def deadline(self, params: Mapping[str, Any]) -> float:
        return SQL_DEADLINE

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        connection = connection_name(self.param(params, "connection"))
        try:
            await on_hold(call, f"SQLConnect to '{connection}' failed", lambda: call.sql.connect(connection))
        except SqlTimedOut:
            return TIMEOUT
        call.connected.add(connection)
        return SUCCESS
