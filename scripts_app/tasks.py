"""Celery jobs of database interactions (queue `sql`): thin wrappers over scripts_app.sql.gateway.

A job takes the connection id, the statement and a profile snapshot, and returns a plain dict
(rows, row count, profile updates) or a typed error. Jobs are not retried by Celery: a write must
never run twice, and the executor already retries a read once on a lost connection.
"""

import time
from collections.abc import Mapping
from typing import Any

from celery import shared_task

from core.problems import Problem
from scripts_app.sql import gateway
from scripts_app.sql.types import BoundStatement, SqlError, SqlErrorKind, SqlResult

QUEUE = "sql"


@shared_task(name="scripts_app.run_sql", ignore_result=False, acks_late=False)
def run_sql(
    connection_id: int,
    statement: str,
    profile: dict[str, str],
    select_only: bool = False,
    mapping: dict[str, str] | None = None,
    deadline_epoch: float | None = None,
) -> dict[str, Any]:
    # The caller's deadline is wall-clock (processes do not share a monotonic clock).
    deadline = None if deadline_epoch is None else time.monotonic() + (deadline_epoch - time.time())
    try:
        result = gateway.run_statement(
            connection_id, statement, profile, select_only=select_only, mapping=mapping, deadline=deadline
        )
    except SqlError as error:
        return {"ok": False, "error": error.as_dict()}
    return {"ok": True, "result": result.as_dict()}


def run_sql_in_worker(
    connection_id: int,
    statement: str,
    profile: Mapping[str, str],
    *,
    timeout: float,
    select_only: bool = False,
    mapping: Mapping[str, str] | None = None,
) -> SqlResult:
    """Send the statement to a worker on queue `sql` and wait at most `timeout` seconds for its answer."""
    deadline_epoch = time.time() + timeout
    async_result = run_sql.apply_async(
        (connection_id, statement, dict(profile), select_only, dict(mapping or {}), deadline_epoch),
        queue=QUEUE,
        expires=timeout,
    )
    try:
        # A little grace over the job's own deadline, so the worker's typed timeout wins the race.
        answer = async_result.get(timeout=timeout + 0.5, propagate=True, disable_sync_subtasks=False)
    except TimeoutError:
        async_result.revoke()
        raise SqlError(SqlErrorKind.TIMEOUT, f"No SQL worker answered within {timeout:g} s.") from None
    return result_from_answer(answer)


def result_from_answer(answer: Mapping[str, Any]) -> SqlResult:
    if not answer["ok"]:
        error = answer["error"]
        raise SqlError(
            SqlErrorKind(error["kind"]),
            error["message"],
            sqlstate=error["sqlstate"],
            driver_message=error["driver_message"],
            issues=[Problem.from_dict(issue) for issue in error["issues"]],
        )
    data = answer["result"]
    return SqlResult(
        BoundStatement(data["sql"], tuple(data["params"]), tuple(data["sources"])),
        data["columns"],
        data["rows"],
        data["rowcount"],
        data["is_query"],
        profile_updates=data["profile_updates"],
        variables=data["variables"],
        elapsed_ms=data["elapsed_ms"],
    )
