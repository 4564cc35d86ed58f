"""Running bound statements on pooled connections, within a deadline.

- `execute()` runs one statement; `session()` holds one connection for several (scripts,
  SQLConnect … SQLDisconnect); `probe()` is "Test connection".
- Deadlines are `time.monotonic()` values; the default is now + the connection's Timeout, and the
  deadline covers waiting for a connection, connecting and the statement.
- Writes are never retried. A read (a single SELECT, without INTO) that fails because the connection
  was lost is retried once on a new connection, if the deadline allows. Before a write, a connection
  that sat idle for PING_AFTER_IDLE seconds is checked with a ping, so that a write is not sent down a
  connection the server closed meanwhile (the write itself is never sent twice).
- Results: at most MAX_ROWS rows; a query returning more is an error (DATABASE), because a
  truncated result would give scripts a wrong row count. Values are normalised by `values`.
  rowcount is the number of rows returned by a query, rows affected by a write (0 when the driver
  does not know). With several result sets (a T-SQL script), the first one with columns is returned.
"""

from __future__ import annotations

import contextlib
import functools
import re
import time
from collections.abc import Iterator
from typing import Any

import pyodbc

from scripts_app.sql import errors, pool, values
from scripts_app.sql.connect import ConnectionSettings, Handle, OdbcConnection
from scripts_app.sql.types import BoundStatement, RawResult, SqlError, SqlErrorKind

MAX_ROWS = 10_000
PING_AFTER_IDLE = 1.0

_LITERALS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\[[^\]]*\]")
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_WRITE_WORDS = re.compile(r"\b(INTO|INSERT|UPDATE|DELETE|MERGE|REPLACE|UPSERT)\b", re.I)


def is_read(sql: str) -> bool:
    """A single SELECT (or WITH … SELECT) that writes nothing: safe to run again."""
    text = _LITERALS.sub("''", _COMMENTS.sub(" ", sql)).strip().rstrip(";").strip()
    if ";" in text:
        return False
    first = re.match(r"[\s(]*(\w+)", text)
    if first is None or first.group(1).upper() not in {"SELECT", "WITH"}:
        return False
    return not _WRITE_WORDS.search(text)


def _default_deadline(settings: ConnectionSettings, deadline: float | None) -> float:
    return deadline if deadline is not None else time.monotonic() + settings.timeout


def execute(
    settings: ConnectionSettings, bound: BoundStatement, *, deadline: float | None = None, retry_read: bool = True
) -> RawResult:
    """Run one statement on a pooled connection; a `SqlError` on any failure."""
    deadline = _default_deadline(settings, deadline)
    read = is_read(bound.sql)
    attempts = 2 if retry_read and read else 1
    for attempt in range(attempts):
        with _checkout(settings, deadline=deadline, ping=not read) as connection:
            try:
                return _run(connection, settings, bound, deadline)
            except SqlError as error:
                again = attempt + 1 < attempts and time.monotonic() < deadline
                if error.kind is SqlErrorKind.LOST_CONNECTION and again:
                    continue
                raise
    raise AssertionError("unreachable")


class Session:
    """One pooled connection held for several statements; it is replaced if it breaks."""

    def __init__(self, settings: ConnectionSettings, *, deadline: float) -> None:
        self.settings = settings
        self._deadline = deadline
        self._held: contextlib.ExitStack | None = None
        self._connection: OdbcConnection | None = None

    def _take(self, deadline: float, *, ping: bool) -> OdbcConnection:
        if self._connection is not None and self._connection.broken:
            self._give_back()
        if self._connection is None:
            stack = contextlib.ExitStack()
            self._connection = stack.enter_context(_checkout(self.settings, deadline=deadline, ping=False))
            self._held = stack
        elif ping and time.monotonic() - self._connection.last_used >= PING_AFTER_IDLE:
            if not _ping(self._connection, self.settings, deadline):
                self._give_back()
                return self._take(deadline, ping=False)
        return self._connection

    def _give_back(self) -> None:
        held, self._held, self._connection = self._held, None, None
        if held is not None:
            held.close()

    def open(self) -> Session:
        self._take(self._deadline, ping=False)
        return self

    def run(self, bound: BoundStatement, *, deadline: float | None = None) -> RawResult:
        deadline = _default_deadline(self.settings, deadline)
        read = is_read(bound.sql)
        for attempt in range(2 if read else 1):
            connection = self._take(deadline, ping=not read)
            try:
                return _run(connection, self.settings, bound, deadline)
            except SqlError as error:
                if error.kind is SqlErrorKind.LOST_CONNECTION and read and attempt == 0:
                    if time.monotonic() < deadline:
                        continue
                raise
            finally:
                connection.last_used = time.monotonic()
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._give_back()


@contextlib.contextmanager
def session(settings: ConnectionSettings, *, deadline: float | None = None) -> Iterator[Session]:
    """Hold one connection (acquired before `deadline`) for several `run()`s; give it back at the end."""
    held = Session(settings, deadline=_default_deadline(settings, deadline)).open()
    try:
        yield held
    finally:
        held.close()


def probe(settings: ConnectionSettings, *, fresh: bool = True) -> dict[str, Any]:
    """Driver and server names and versions, and the time taken: "Test connection".

    `fresh`: idle pooled connections are closed first, so the test really connects and checks today's
    credentials. SQLConnect passes False: a live pooled connection proves the database is reachable.
    """
    if fresh:
        pool.discard_idle(settings)
    started = time.monotonic()
    deadline = started + settings.timeout
    with _checkout(settings, deadline=deadline, ping=True) as connection:
        info = _call(connection, settings, _server_info, deadline)
    return {**info, "elapsed_ms": round((time.monotonic() - started) * 1000, 1)}


# -------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _checkout(settings: ConnectionSettings, *, deadline: float, ping: bool) -> Iterator[OdbcConnection]:
    """A pooled connection; with `ping`, one that sat idle is checked first and replaced if dead."""
    for attempt in range(2):
        with pool.connection(settings, deadline=deadline) as connection:
            if time.monotonic() >= deadline:
                raise errors.pool_timeout_error(settings.label, settings.max_connections)
            reused = connection.cache.get("uses", 0) > 0
            idle = time.monotonic() - connection.last_used
            if ping and reused and idle >= PING_AFTER_IDLE and attempt == 0:
                if not _ping(connection, settings, deadline):
                    continue
            connection.cache["uses"] = connection.cache.get("uses", 0) + 1
            yield connection
            return
    raise AssertionError("unreachable")


def _ping(connection: OdbcConnection, settings: ConnectionSettings, deadline: float) -> bool:
    """True when the connection answers; a dead one is marked broken."""
    sql = "SELECT 1 FROM DUAL" if settings.database_type == "oracle" else "SELECT 1"
    try:
        _call(connection, settings, lambda handle: handle.connection.execute(sql).fetchall(), deadline)
        return True
    except SqlError as error:
        if error.kind is SqlErrorKind.LOST_CONNECTION:
            return False
        raise


def _call(connection: OdbcConnection, settings: ConnectionSettings, job: Any, deadline: float) -> Any:
    try:
        return connection.call(job, deadline=deadline)
    except pyodbc.Error as exc:
        error = errors.classify(exc, phase="execute", name=settings.label, timeout=settings.timeout)
        if error.kind is SqlErrorKind.LOST_CONNECTION:
            connection.broken = True
            pool.discard_idle(settings)  # what killed this one (a restart, the network) likely killed those
        raise error from exc


def _run(connection: OdbcConnection, settings: ConnectionSettings, bound: BoundStatement, deadline: float) -> RawResult:
    return _call(connection, settings, functools.partial(_statement, settings, bound), deadline)


def _statement(settings: ConnectionSettings, bound: BoundStatement, handle: Handle) -> RawResult:
    cursor = handle.cursor()
    try:
        if bound.params:
            cursor.execute(bound.sql, list(bound.params))
        else:
            cursor.execute(bound.sql)
        return _collect(cursor, settings, bound.sql, handle)
    finally:
        with contextlib.suppress(pyodbc.Error):
            cursor.close()


def _collect(cursor: pyodbc.Cursor, settings: ConnectionSettings, sql: str, handle: Handle) -> RawResult:
    description: Any = None
    rows: list[Any] = []
    affected = 0
    while True:
        if cursor.description is not None:
            if description is None:
                description = cursor.description
                rows = cursor.fetchmany(MAX_ROWS + 1)
                if len(rows) > MAX_ROWS:
                    raise SqlError(
                        SqlErrorKind.DATABASE,
                        f"The statement on {settings.label} returned more than {MAX_ROWS:,} rows; "
                        "narrow it with a WHERE clause or a row limit.",
                    )
        elif description is None and cursor.rowcount > 0:
            affected += cursor.rowcount
        if not cursor.nextset():
            break
    if description is None:
        return RawResult(columns=[], rows=[], rowcount=affected, is_query=False)
    columns = [column[0] for column in description]
    scales: list[int | None] = [None] * len(columns)
    if settings.database_type == "sqlite" and rows and any(column[1] in (str, float) for column in description):
        found = values.sqlite_declared_scales(sql, len(columns), functools.partial(_sqlite_columns, handle))
        scales = [scale if description[i][1] in (str, float) else None for i, scale in enumerate(found)]
    text_rows = [[values.to_profile_text(value, scale=scales[i]) for i, value in enumerate(row)] for row in rows]
    return RawResult(columns=columns, rows=text_rows, rowcount=len(text_rows), is_query=True)


def _sqlite_columns(handle: Handle, table: str) -> list[tuple[str, str]] | None:
    quoted = '"' + table.replace('"', '""') + '"'
    try:
        with contextlib.closing(handle.connection.cursor()) as cursor:
            return [(row[1], row[2] or "") for row in cursor.execute(f"PRAGMA table_info({quoted})").fetchall()]
    except pyodbc.Error:
        return None


def _server_info(handle: Handle) -> dict[str, str]:
    connection = handle.connection
    return {
        "driver_name": str(connection.getinfo(pyodbc.SQL_DRIVER_NAME)),
        "driver_version": str(connection.getinfo(pyodbc.SQL_DRIVER_VER)),
        "dbms_name": str(connection.getinfo(pyodbc.SQL_DBMS_NAME)),
        "dbms_version": str(connection.getinfo(pyodbc.SQL_DBMS_VER)),
    }
