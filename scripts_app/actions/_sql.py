"""What SQLConnect, SQLExecute, SQLDisconnect and Query Database share.

- The caller hears music on hold while the database works (the guide: "During the execution of an SQL
  operation, the system plays the default hold music until it receives a result"); it stops on every
  outcome, errors and cancellation included.
- A SqlError of kind TIMEOUT or POOL_TIMEOUT takes the "timeout" exit; any other failure raises
  ActionFailed (the interpreter's failure exit, else the fallback).
- A statement's `profile_updates` are written to the call profile, and its result stays in
  `call.last_result` for later actions (None after a failed statement).
- The SQL layer enforces the connection's Timeout; the action's deadline only guards against a hang.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from core.problems import Problem
from scripts_app.actions._common import E_SHAPE, E_UNKNOWN_FIELD, ActionFailed, error
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import Node
from scripts_app.sql.types import SqlError, SqlErrorKind, SqlResult

SUCCESS = "success"
NO_ROWS = "no_rows"
TIMEOUT = "timeout"
TIMEOUT_KINDS = frozenset({SqlErrorKind.TIMEOUT, SqlErrorKind.POOL_TIMEOUT})
#: seconds: the SQL layer enforces each connection's Timeout; this only catches a port that never answers
SQL_DEADLINE = 120.0

T = TypeVar("T")


class SqlTimedOut(Exception):
    """The database did not answer in time: the "timeout" exit."""


async def on_hold(call: CallContext, what: str, work: Callable[[], Awaitable[T]]) -> T:
    """Run `work` with music on hold; SqlError -> SqlTimedOut (timeouts) or ActionFailed (the rest)."""
    await call.media.start_music_on_hold()
    try:
        return await work()
    except SqlError as exc:
        if exc.kind in TIMEOUT_KINDS:
            raise SqlTimedOut(str(exc)) from exc
        raise ActionFailed(f"{what}: {exc}") from exc
    finally:
        await call.media.stop_music_on_hold()


async def run_statement(
    call: CallContext,
    connection: str,
    statement: str,
    *,
    select_only: bool,
    mapping: Mapping[str, str] | None,
    title: str,
) -> str:
    """Execute on `connection` (connecting first when SQLConnect has not), apply the result, choose the exit."""

    async def work() -> SqlResult:
        if connection not in call.connected:
            await call.sql.connect(connection)
            call.connected.add(connection)
        return await call.sql.execute(
            connection, statement, dict(call.profile), select_only=select_only, mapping=mapping
        )

    call.last_result = None
    try:
        result = await on_hold(call, f"{title} on '{connection}' failed", work)
    except SqlTimedOut:
        return TIMEOUT
    call.profile.update(result.profile_updates)
    call.last_result = result
    return NO_ROWS if result.is_query and not result.rows else SUCCESS


def connection_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ActionFailed("The action names no Database Connection.")
    return value


def statement_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ActionFailed("The action has no SQL statement.")
    return value


def mapping_value(value: Any) -> dict[str, str] | None:
    if value in (None, "", {}):
        return None
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ActionFailed("'mapping' must map result columns to call profile fields.")
    return dict(value)


def check_mapping(node: Node, fields: Mapping[str, str]) -> list[Problem]:
    value = node.params.get("mapping")
    if value in (None, "", {}):
        return []
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return [
            error(
                E_SHAPE,
                node,
                "'mapping' must be an object mapping result columns to profile fields, "
                'e.g. {"customer_type": "Customer Type"}.',
                "mapping",
            )
        ]
    return [
        error(
            E_UNKNOWN_FIELD,
            node,
            f"'mapping' writes column '{column}' to '{target}', which is not a call profile field. "
            "Fix the name or add the field under Call Profiles.",
            "mapping",
        )
        for column, target in value.items()
        if target not in fields
    ]
