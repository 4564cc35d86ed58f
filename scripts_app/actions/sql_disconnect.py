"""SQLDisconnect: the script is done with a Database Connection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scripts_app.actions._sql import SQL_DEADLINE, SUCCESS, TIMEOUT, SqlTimedOut, connection_name, on_hold
from scripts_app.engine.actions import Action, Param, register
from scripts_app.engine.context import CallContext


@register
class SqlDisconnect(Action):
    name = "sql_disconnect"
    title = "SQLDisconnect"
    doc = (
        "Tells the SQL layer the script is done with a Database Connection (pooled connections stay open "
        "for the next caller and close after the connection's Timeout idle). Disconnecting a connection "
        "the script never opened is harmless. Music on hold plays meanwhile. Exits: success; timeout; "
        "failure (optional exit)."
    )
    params = (Param("connection", "connection", required=True, doc="The Database Connection's name, e.g. CRM."),)
    fixed_exits = (SUCCESS, TIMEOUT)

    def deadline(self, params: Mapping[str, Any]) -> float:
        return SQL_DEADLINE

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        connection = connection_name(self.param(params, "connection"))
        call.connected.discard(connection)
        try:
            await on_hold(call, f"SQLDisconnect from '{connection}' failed", lambda: call.sql.disconnect(connection))
        except SqlTimedOut:
            return TIMEOUT
        return SUCCESS
