"""Celery jobs of database interactions (queue `sql`): thin wrappers over scripts_app.sql.gateway.

Live calls run their SQL here (scripts_app.runtime.sql_port, via_worker=True): only the worker's pool
holds connections to a customer database, not each media child (docs/database-interactions.md says why).
`run_sql` takes the connection id, the statement and a profile snapshot, and returns a plain dict (rows,
row count, profile updates) or a typed error; `check_sql_connection` is SQLConnect. Jobs are not retried
by Celery: a write must never run twice, and the executor already retries a read once on a lost
connection. The caller deletes each answer once read (results would otherwise stay in Redis for a day).
"""

import contextlib
import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from celery import shared_task
from celery.exceptions import TaskRevokedError
from celery.exceptions import TimeoutError as NoAnswer  # not the builtin TimeoutError

from core.problems import Problem
from scripts_app.sql import gateway
from scripts_app.sql.types import BoundStatement, SqlError, SqlErrorKind, SqlResult

QUEUE = "sql"
_cleanup: ThreadPoolExecutor | None = None
_cleanup_pid = 0
_cleanup_lock = threading.Lock()


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


@shared_task(name="scripts_app.check_sql_connection", ignore_result=False, acks_late=False)
def check_sql_connection(connection_id: int) -> dict[str, Any]:
    # Bounded by the connection's Timeout (the probe's deadline); a job that waited in the queue past
    # the caller's has expired already (apply_async's `expires`).
    try:
        gateway.ensure_reachable(connection_id)
    except SqlError as error:
        return {"ok": False, "error": error.as_dict()}
    return {"ok": True}


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
    args = (connection_id, statement, dict(profile), select_only, dict(mapping or {}), deadline_epoch)
    return result_from_answer(_ask(run_sql, args, timeout))


def check_connection_in_worker(connection_id: int, *, timeout: float) -> None:
    """SQLConnect through a worker: the database answers (a SqlError, typed, if not) within `timeout` s."""
    answer = _ask(check_sql_connection, (connection_id,), timeout)
    if not answer["ok"]:
        raise error_from_answer(answer)


def _ask(task: Any, args: tuple, timeout: float) -> Mapping[str, Any]:
    async_result = task.apply_async(args, queue=QUEUE, expires=timeout)
    try:
        # A little grace over the job's own deadline, so the worker's typed timeout wins the race.
        return async_result.get(timeout=timeout + 0.5, propagate=True, disable_sync_subtasks=False)
    except NoAnswer:
        # No revoke(): `expires` already keeps a job that has not started from running, and a revoke is a
        # broadcast every worker must handle, which under a backlog (when callers time out) deepens it.
        raise SqlError(SqlErrorKind.TIMEOUT, f"No SQL worker answered within {timeout:g} s.") from None
    except TaskRevokedError:  # it waited in the queue past `expires`: the workers are all busy
        raise SqlError(SqlErrorKind.TIMEOUT, f"No SQL worker was free within {timeout:g} s.") from None
    finally:
        forget_later(async_result)


def forget_later(async_result: Any) -> None:
    """Delete the answer from Redis (else kept a day), off the caller's time: a DEL and an UNSUBSCRIBE."""
    global _cleanup, _cleanup_pid
    with _cleanup_lock:
        if _cleanup is None or _cleanup_pid != os.getpid():  # a forked child has none of its parent's threads
            _cleanup, _cleanup_pid = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sql-answers"), os.getpid()
        _cleanup.submit(_forget, async_result)


def _forget(async_result: Any) -> None:
    with contextlib.suppress(Exception):  # best effort: an answer left behind expires with result_expires
        async_result.forget()


def error_from_answer(answer: Mapping[str, Any]) -> SqlError:
    error = answer["error"]
    return SqlError(
        SqlErrorKind(error["kind"]),
        error["message"],
        sqlstate=error["sqlstate"],
        driver_message=error["driver_message"],
        issues=[Problem.from_dict(issue) for issue in error["issues"]],
    )


def result_from_answer(answer: Mapping[str, Any]) -> SqlResult:
    if not answer["ok"]:
        raise error_from_answer(answer)
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
