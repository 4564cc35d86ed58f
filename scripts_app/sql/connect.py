"""Opening ODBC connections that honour the Timeout on every driver.

What each driver honours (measured with MariaDB Connector/ODBC 3.1, psqlODBC 13, sqliteodbc 0.9998):

- connecting: MariaDB ignores the ODBC login timeout and hangs on a silent server, so its connection
  string gets CONN_TIMEOUT (and READ_/WRITE_TIMEOUT as a backstop); psqlODBC honours the login
  timeout but never below 2 s (libpq's minimum).
- statements: the ODBC query timeout is ignored by MariaDB and refused by psqlODBC; the server-side
  `SET SESSION max_statement_time` (MariaDB), `max_execution_time` (MySQL) and `SET statement_timeout`
  (PostgreSQL) work and are set right after connecting. Other drivers get the ODBC query timeout.
- and in ccweb, a hard deadline: every call on a connection runs in the connection's own thread and
  the caller stops waiting at the deadline (statements are cancelled first; a connection whose
  driver does not return is abandoned, never reused, and closed by its thread if it ever returns).
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any, TypeVar

import pyodbc

from scripts_app.sql import errors, odbc_config

if TYPE_CHECKING:
    from scripts_app.models import DatabaseConnection

T = TypeVar("T")

#: after the deadline, how long a statement gets to end by itself (the server-side timeout fires
#: at the same moment and leaves the connection clean), then how long a cancel gets to take effect
STATEMENT_MARGIN = 0.2
CANCEL_GRACE = 0.3


@dataclass(frozen=True)
class ConnectionSettings:
    """Everything needed to open and pool connections to one DatabaseConnection; equal settings share a pool."""

    key: str
    connection_string: str = field(repr=False)  # holds the password
    database_type: str
    timeout: float
    max_connections: int
    unicode_parameters: bool
    name: str = ""  # for messages: "Could not connect to Acct_Data: …"

    @property
    def label(self) -> str:
        return self.name or self.key


def settings_for(connection: DatabaseConnection) -> ConnectionSettings:
    return ConnectionSettings(
        key=f"db{connection.pk}",
        connection_string=build_connection_string(
            connection.dsn,
            database_type=connection.database_type,
            timeout=float(connection.timeout),
            username=connection.username,
            password=connection.get_password() if connection.has_password else "",
        ),
        database_type=connection.database_type,
        timeout=float(connection.timeout),
        max_connections=int(connection.simultaneous_connections),
        unicode_parameters=bool(connection.unicode_parameters),
        name=connection.name,
    )


# Connection strings ----------------------------------------------------------------------------


def quote_value(value: str) -> str:
    """An attribute value as ODBC wants it: braces around values with ; { } = or spaces, } doubled."""
    if value and not any(c in value for c in ";{}=") and not any(c.isspace() for c in value):
        return value
    return "{" + value.replace("}", "}}") + "}"


def parse_connection_string(text: str) -> list[tuple[str, str]]:
    """`key=value;…` pairs in order; values may be {braced} with }} for a literal }."""
    pairs: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in "; \t\r\n":
            i += 1
        if i >= n:
            break
        eq = text.find("=", i)
        if eq < 0:
            pairs.append((text[i:].strip(), ""))
            break
        key = text[i:eq].strip()
        i = eq + 1
        if i < n and text[i] == "{":
            value_chars, i = [], i + 1
            while i < n:
                if text[i] == "}":
                    if i + 1 < n and text[i + 1] == "}":
                        value_chars.append("}")
                        i += 2
                        continue
                    i += 1
                    break
                value_chars.append(text[i])
                i += 1
            value = "".join(value_chars)
            semi = text.find(";", i)
            i = n if semi < 0 else semi + 1
        else:
            semi = text.find(";", i)
            end = n if semi < 0 else semi
            value, i = text[i:end].strip(), end + 1
        pairs.append((key, value))
    return pairs


def join_connection_string(pairs: list[tuple[str, str]]) -> str:
    return ";".join(f"{key}={quote_value(value)}" for key, value in pairs)


_USER_KEYS = {"uid", "user", "username"}
_PASSWORD_KEYS = {"pwd", "password"}


def driver_options(database_type: str, timeout: float) -> list[tuple[str, str]]:
    """Options each driver needs for the Timeout; added only where the string does not set them."""
    seconds = str(max(1, math.ceil(timeout)))
    if database_type == "mysql":
        backstop = str(max(1, math.ceil(timeout)) + 5)  # the server-side statement timeout fires first
        return [("CONN_TIMEOUT", seconds), ("READ_TIMEOUT", backstop), ("WRITE_TIMEOUT", backstop)]
    if database_type == "sqlite":
        return [("Timeout", str(int(timeout * 1000)))]  # busy timeout, ms (the driver's default is 100 s)
    return []


def build_connection_string(
    dsn: str, *, database_type: str, timeout: float, username: str = "", password: str = ""
) -> str:
    """`DSN=…` for a DSN name, else the given string; plus UID/PWD when set (they replace the string's)."""
    dsn = dsn.strip()
    pairs = parse_connection_string(dsn) if "=" in dsn else [("DSN", dsn)]
    if username:
        pairs = [(k, v) for k, v in pairs if k.lower() not in _USER_KEYS] + [("UID", username)]
    if password:
        pairs = [(k, v) for k, v in pairs if k.lower() not in _PASSWORD_KEYS] + [("PWD", password)]
    present = {k.lower() for k, _ in pairs}
    pairs += [(k, v) for k, v in driver_options(database_type, timeout) if k.lower() not in present]
    return join_connection_string(pairs)


# Connections owned by a thread -----------------------------------------------------------------

_ids = itertools.count(1)
_STOP = object()


class Handle:
    """What a job running on a connection's thread gets: the pyodbc connection and cancellable cursors."""

    def __init__(self, owner: OdbcConnection, connection: pyodbc.Connection) -> None:
        self._owner = owner
        self.connection = connection
        self.cache: dict[str, Any] = owner.cache

    def cursor(self) -> pyodbc.Cursor:
        cursor = self.connection.cursor()
        self._owner._active_cursor = cursor
        return cursor


class OdbcConnection:
    """One pyodbc connection and the thread that makes every call on it.

    `call(job, deadline=…)` runs `job(handle)` on that thread; the caller waits until the deadline
    (plus STATEMENT_MARGIN), then cancels the running statement, waits CANCEL_GRACE more, and then
    abandons the connection: `broken` is set, and the thread closes it whenever the driver returns.
    `on_closed` runs (on that thread) once the connection is closed or the connect failed.
    """

    def __init__(self, settings: ConnectionSettings, *, on_closed: Callable[[OdbcConnection], None] | None = None):
        self.settings = settings
        self.id = next(_ids)
        self.member = ""  # the pool's permit id
        self.broken = False
        self.lost_permit = False
        self.abandoned_at: float | None = None
        self.created = time.monotonic()
        self.last_used = self.created
        self.cache: dict[str, Any] = {}
        self._on_closed = on_closed
        self._jobs: SimpleQueue[Any] = SimpleQueue()
        self._connection: pyodbc.Connection | None = None
        self._active_cursor: pyodbc.Cursor | None = None
        self._closing = False
        self._thread = threading.Thread(target=self._loop, name=f"odbc-{settings.key}-{self.id}", daemon=True)
        self._thread.start()

    # -- caller side -----------------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    @property
    def closing(self) -> bool:
        return self._closing

    def connect(self, *, deadline: float) -> None:
        """Open the connection and prepare the session; CONNECT/AUTH/UNKNOWN_DSN errors, or CONNECT at the deadline."""
        started = time.monotonic()
        future: Future[None] = Future()
        self._jobs.put((self._open, future))
        try:
            future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            self.abandon()
            raise errors.connect_timeout_error(self.settings.label, time.monotonic() - started) from None
        except pyodbc.Error as exc:
            self.close()
            raise errors.classify(exc, phase="connect", name=self.settings.label) from exc
        except BaseException:
            self.close()
            raise

    def call(self, job: Callable[[Handle], T], *, deadline: float, margin: float = STATEMENT_MARGIN) -> T:
        """Run `job` on the connection's thread; a TIMEOUT SqlError if it outlives the deadline."""
        if self.broken or self._closing:
            raise errors.classify(
                pyodbc.OperationalError("08003", "connection not open"), phase="execute", name=self.settings.label
            )
        future: Future[T] = Future()
        self._jobs.put((job, future))
        try:
            return future.result(timeout=max(0.0, deadline + margin - time.monotonic()))
        except FutureTimeout:
            pass
        self._cancel()
        try:
            future.result(timeout=CANCEL_GRACE)
        except FutureTimeout:
            self.abandon()
        except Exception:  # the cancelled statement's own error: the timeout is what happened
            pass
        raise errors.timeout_error(self.settings.label, self.settings.timeout)

    def abandon(self) -> None:
        """Never use this connection again; its thread closes it when the driver returns."""
        self.broken = True
        if self.abandoned_at is None:
            self.abandoned_at = time.monotonic()
        self.close()

    def close(self) -> None:
        """Close asynchronously (after the job in progress, if any); `on_closed` follows."""
        if not self._closing:
            self._closing = True
            self._jobs.put((_STOP, None))

    def _cancel(self) -> None:
        cursor = self._active_cursor
        if cursor is None:
            return

        def cancel() -> None:
            try:
                cursor.cancel()
            except Exception:  # the statement may have ended; cancel is best effort
                pass

        # SQLCancel may itself block (MariaDB opens a connection to send KILL QUERY): not on the caller.
        threading.Thread(target=cancel, name=f"odbc-cancel-{self.id}", daemon=True).start()

    # -- the connection's thread -----------------------------------------------------------------

    def _loop(self) -> None:
        try:
            while True:
                job, future = self._jobs.get()
                if job is _STOP:
                    break
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    future.set_result(job(Handle(self, self._connection)))
                except BaseException as exc:
                    future.set_exception(exc)
                finally:
                    self._active_cursor = None
        finally:
            self._closing = True
            if self._connection is not None:
                try:
                    self._connection.close()
                except Exception:  # a dead connection may refuse to close cleanly
                    pass
                self._connection = None
            if self._on_closed is not None:
                self._on_closed(self)

    def _open(self, _handle: Handle) -> None:
        odbc_config.ensure()
        s = self.settings
        connection = pyodbc.connect(s.connection_string, autocommit=True, timeout=max(1, math.ceil(s.timeout)))
        self._connection = connection
        prepare_session(connection, s)


def prepare_session(connection: pyodbc.Connection, settings: ConnectionSettings) -> None:
    """Encodings and the statement timeout each driver honours."""
    if settings.unicode_parameters:
        connection.setencoding(encoding="utf-16le")  # str binds as SQL_WCHAR (NVARCHAR)
    else:
        connection.setencoding(encoding="utf-8")  # str binds as SQL_CHAR (VARCHAR), the guide's default
    connection.setdecoding(pyodbc.SQL_CHAR, encoding="utf-8")
    connection.setdecoding(pyodbc.SQL_WCHAR, encoding="utf-16le")
    connection.setdecoding(pyodbc.SQL_WMETADATA, encoding="utf-16le")
    seconds = settings.timeout
    if settings.database_type == "mysql":
        _first_that_works(
            connection,
            f"SET SESSION max_statement_time = {seconds:.3f}",  # MariaDB: every statement
            f"SET SESSION max_execution_time = {int(seconds * 1000)}",  # MySQL: SELECTs
        )
    elif settings.database_type == "postgresql":
        _first_that_works(connection, f"SET statement_timeout = {int(seconds * 1000)}")
    elif settings.database_type != "sqlite":
        try:
            connection.timeout = max(1, math.ceil(seconds))  # ODBC query timeout: SQL Server, Oracle, …
        except pyodbc.Error:
            pass


def _first_that_works(connection: pyodbc.Connection, *statements: str) -> None:
    for sql in statements:
        try:
            connection.execute(sql).close()
            return
        except pyodbc.Error:
            continue


def open_connection(
    settings: ConnectionSettings, *, deadline: float, on_closed: Callable[[OdbcConnection], None] | None = None
) -> OdbcConnection:
    """A ready connection, or a SqlError (UNKNOWN_DSN, AUTH, CONNECT) no later than `deadline`."""
    connection = OdbcConnection(settings, on_closed=on_closed)
    connection.connect(deadline=deadline)
    return connection
