"""Values exchanged by the database-interaction modules; no pyodbc or Django here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from core.problems import Problem


class Dialect(StrEnum):
    """sqlglot dialect names, keyed from DatabaseConnection.database_type."""

    MYSQL = "mysql"
    POSTGRES = "postgres"
    TSQL = "tsql"
    SQLITE = "sqlite"
    ORACLE = "oracle"
    GENERIC = ""

    @classmethod
    def for_database_type(cls, database_type: str) -> Dialect:
        return {
            "mysql": cls.MYSQL,
            "postgresql": cls.POSTGRES,
            "mssql": cls.TSQL,
            "sqlite": cls.SQLITE,
            "oracle": cls.ORACLE,
        }.get(database_type, cls.GENERIC)


@dataclass(frozen=True)
class BoundStatement:
    """SQL text with `?` markers and the values to bind, in order. `sources` names what each `?` came from."""

    sql: str
    params: tuple[Any, ...] = ()
    sources: tuple[str, ...] = ()


class SqlErrorKind(StrEnum):
    VALIDATION = "validation"  # the statement is not acceptable (see issues)
    UNKNOWN_DSN = "unknown_dsn"  # IM002: no such data source / driver
    AUTH = "auth"  # 28000: wrong username or password
    CONNECT = "connect"  # 08xxx: server down or unreachable, connect timed out
    TIMEOUT = "timeout"  # the statement outlived the connection's Timeout
    POOL_TIMEOUT = "pool_timeout"  # no connection became free before the deadline
    LOST_CONNECTION = "lost_connection"  # the connection broke during the statement
    SYNTAX = "syntax"  # 42000/42601…: the database refused the SQL text
    DATABASE = "database"  # any other error reported by the database


@dataclass
class SqlError(Exception):
    """A typed failure; scripts branch on `kind` (timeout vs failure exits)."""

    kind: SqlErrorKind
    message: str
    sqlstate: str = ""
    driver_message: str = ""
    issues: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "message": self.message,
            "sqlstate": self.sqlstate,
            "driver_message": self.driver_message,
            "issues": [issue.as_dict() for issue in self.issues],
        }


@dataclass
class RawResult:
    """What the executor returns for one statement, values already normalised to text (None -> "")."""

    columns: list[str]
    rows: list[list[str]]
    rowcount: int  # rows returned by a SELECT, rows affected by a write
    is_query: bool


@dataclass
class SqlResult:
    """The outcome a script action sees."""

    statement: BoundStatement
    columns: list[str]
    rows: list[list[str]]
    rowcount: int
    is_query: bool
    profile_updates: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    elapsed_ms: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "sql": self.statement.sql,
            "params": [str(p) if p is not None else None for p in self.statement.params],
            "sources": list(self.statement.sources),
            "columns": self.columns,
            "rows": self.rows,
            "rowcount": self.rowcount,
            "is_query": self.is_query,
            "profile_updates": self.profile_updates,
            "variables": self.variables,
            "elapsed_ms": round(self.elapsed_ms, 3),
        }
