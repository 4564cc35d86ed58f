"""pyodbc errors -> typed `SqlError`s.

Drivers raise different pyodbc.Error subclasses, and sometimes different SQLSTATEs,
for the same failure (MariaDB reports a killed statement as HY018, PostgreSQL a
terminated session as 57P01, SQLite everything as HY000), so the class is ignored:
the SQLSTATE comes first, the driver's text second. The driver's exact message is
kept in `driver_message`; `message` is a sentence for a person.
"""

from __future__ import annotations

import re
from typing import Literal

from scripts_app.sql.types import SqlError, SqlErrorKind

Phase = Literal["connect", "execute"]

_UNKNOWN_DSN = re.compile(r"data source name not found|can't open lib|file not found|driver.*not (found|loaded)", re.I)
_AUTH = re.compile(
    r"access denied|password authentication failed|authentication failed|login failed|"
    r"role \S+ does not exist|is not permitted to log in|no pg_hba\.conf entry",
    re.I,
)
_TIMEOUT = re.compile(
    r"max_statement_time exceeded|max_execution_time exceeded|query execution was interrupted|"
    r"statement timeout|canceling statement|query timeout|timeout expired|operation canceled",
    re.I,
)
_LOST = re.compile(
    r"server has gone away|lost connection|connection reset|broken pipe|connection not open|"
    r"no connection to the server|connection has been lost|connection lost|connection was lost|"
    r"server closed the connection|could not (receive|send) data|terminating connection|"
    r"communication link failure|dbprocess is dead|closed connection|write error|read error",
    re.I,
)
_SYNTAX = re.compile(r"syntax", re.I)
_PREFIX = re.compile(r"^(\s*\[[^\]]*\])+\s*")
_SUFFIX = re.compile(r"(\s*\(-?\d+\))*(\s*\(SQL\w+\))+\s*$")

LOST_STATES = {"08S01", "08003", "08006", "08007", "57P01", "57P02", "57P03"}
TIMEOUT_STATES = {"HYT00", "HYT01", "HY008", "57014", "70100"}
SYNTAX_STATES = {"42601", "37000"}


def sqlstate_and_text(exc: BaseException) -> tuple[str, str]:
    """pyodbc puts (SQLSTATE, message) in args; a few of its own errors carry only a message."""
    args: tuple[object, ...] = tuple(getattr(exc, "args", ()))
    if len(args) >= 2 and isinstance(args[0], str) and re.fullmatch(r"[0-9A-Z]{5}", args[0]):
        return args[0], str(args[1])
    return "", str(args[0]) if args else str(exc)


def readable(driver_message: str) -> str:
    """The driver's text without the [vendor][driver] prefixes and the trailing (code) (SQLFunction)."""
    text = _SUFFIX.sub("", _PREFIX.sub("", driver_message.strip()))
    text = re.sub(r";\s*(Error while executing the query|The connection has been lost)", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^(ERROR|FATAL):\s+", "", text) or driver_message.strip()


def is_lost_connection(sqlstate: str, text: str) -> bool:
    return sqlstate in LOST_STATES or bool(_LOST.search(text))


def classify(exc: BaseException, *, phase: Phase, name: str = "the database", timeout: float | None = None) -> SqlError:
    """Map a pyodbc error raised while connecting or running a statement to a `SqlError`."""
    if isinstance(exc, SqlError):
        return exc
    sqlstate, driver_message = sqlstate_and_text(exc)
    text = readable(driver_message)

    def error(kind: SqlErrorKind, message: str) -> SqlError:
        return SqlError(kind, message, sqlstate=sqlstate, driver_message=driver_message)

    if phase == "connect":
        if sqlstate in {"IM002", "IM003"} or _UNKNOWN_DSN.search(driver_message):
            return error(
                SqlErrorKind.UNKNOWN_DSN,
                f"Could not connect to {name}: the ODBC data source or driver is not known ({text}). "
                "Check the DSN name, or the Driver= of the connection string, against odbc.ini and odbcinst.ini.",
            )
        if sqlstate in {"28000", "28P01"} or _AUTH.search(driver_message):
            return error(
                SqlErrorKind.AUTH,
                f"Could not connect to {name}: the database refused the username or password ({text}).",
            )
        return error(SqlErrorKind.CONNECT, f"Could not connect to {name}: {text}")

    if sqlstate in TIMEOUT_STATES or _TIMEOUT.search(driver_message):
        return timeout_error(name, timeout, sqlstate=sqlstate, driver_message=driver_message)
    if is_lost_connection(sqlstate, driver_message):
        return error(
            SqlErrorKind.LOST_CONNECTION,
            f"The connection to {name} was lost during the statement ({text}).",
        )
    if sqlstate in SYNTAX_STATES or (sqlstate in {"42000", "HY000", ""} and _SYNTAX.search(driver_message)):
        return error(SqlErrorKind.SYNTAX, f"{name} refused the SQL: {text}")
    return error(SqlErrorKind.DATABASE, f"{name} reported an error: {text}")


def timeout_error(name: str, timeout: float | None, *, sqlstate: str = "HYT00", driver_message: str = "") -> SqlError:
    limit = f" within {timeout:g} s" if timeout else " in time"
    return SqlError(
        SqlErrorKind.TIMEOUT,
        f"The statement on {name} did not finish{limit} (the connection's Timeout); it was cancelled.",
        sqlstate=sqlstate,
        driver_message=driver_message,
    )


def connect_timeout_error(name: str, waited: float) -> SqlError:
    return SqlError(
        SqlErrorKind.CONNECT,
        f"Could not connect to {name}: no answer within {waited:.1f} s (the connection's Timeout).",
        sqlstate="HYT00",
    )


def pool_timeout_error(name: str, limit: int) -> SqlError:
    return SqlError(
        SqlErrorKind.POOL_TIMEOUT,
        f"No connection to {name} became free in time: all {limit} Simultaneous Connections were busy. "
        "Raise Simultaneous Connections or shorten the statements.",
    )
