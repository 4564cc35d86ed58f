"""The one entry point of database interactions: validate, bind, execute, map results to the profile.

Django-aware (reads DatabaseConnection and CallProfileField); the modules it drives are not.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from calls.models import CallProfileField
from core.problems import Problem
from scripts_app.models import DatabaseConnection
from scripts_app.sql import executor, script, template, validate
from scripts_app.sql.connect import ConnectionSettings, settings_for
from scripts_app.sql.types import BoundStatement, Dialect, SqlError, SqlErrorKind, SqlResult

# Every statement needs the profile field types and the connection's settings: cache them per process.
# Saves in this process clear the cache at once (signals); other processes (workers, other hosts) see a
# change within CACHE_SECONDS.
CACHE_SECONDS = 5.0
_cache_lock = threading.Lock()
_field_types: tuple[float, dict[str, str], frozenset[str]] | None = None
_settings: dict[int, tuple[float, ConnectionSettings]] = {}


def forget_cached_configuration() -> None:
    """Called when profile fields or database connections change (signals), so the next call re-reads them."""
    global _field_types
    with _cache_lock:
        _field_types = None
        _settings.clear()
    _issues.cache_clear()


def _fresh(loaded_at: float) -> bool:
    return time.monotonic() - loaded_at < CACHE_SECONDS


def _field_cache() -> tuple[float, dict[str, str], frozenset[str]]:
    global _field_types
    with _cache_lock:
        cached = _field_types
    if cached is not None and _fresh(cached[0]):
        return cached

    types = dict(CallProfileField.objects.values_list("name", "data_type"))
    loaded = (time.monotonic(), types, frozenset(types))
    with _cache_lock:
        _field_types = loaded
    return loaded


def field_types() -> dict[str, str]:
    """Profile field name -> data type."""
    return _field_cache()[1]


def connection_settings(connection: DatabaseConnection | int) -> ConnectionSettings:
    pk = connection if isinstance(connection, int) else connection.pk
    with _cache_lock:
        cached = _settings.get(pk)
    if cached is not None and _fresh(cached[0]):
        return cached[1]
    try:
        # Always the stored row: an object edited in memory but not saved must not reach the database.
        stored = DatabaseConnection.objects.get(pk=pk)
    except DatabaseConnection.DoesNotExist:
        raise SqlError(SqlErrorKind.VALIDATION, f"Database connection #{pk} does not exist.") from None
    resolved = settings_for(stored)
    with _cache_lock:
        _settings[pk] = (time.monotonic(), resolved)
    return resolved


def check_statement(
    statement: str, *, database_type: str, select_only: bool = False, single: bool = False
) -> list[Problem]:
    """What is wrong with `statement` for a connection of `database_type` (empty when nothing)."""
    return list(_issues(statement, Dialect.for_database_type(database_type), select_only, single, _fields_key()))


def _fields_key() -> frozenset[str]:
    return _field_cache()[2]


@lru_cache(maxsize=512)
def _issues(
    statement: str, dialect: Dialect, select_only: bool, single: bool, fields: frozenset[str]
) -> tuple[Problem, ...]:
    # Scripts call the same few statements for every caller: parse each once per process.
    return tuple(
        validate.validate_statement(
            statement, dialect=dialect, field_names=fields, select_only=select_only, single=single
        )
    )


def run_statement(
    connection: DatabaseConnection | int,
    statement: str,
    profile: Mapping[str, str],
    *,
    select_only: bool = False,
    mapping: Mapping[str, str] | None = None,
    deadline: float | None = None,
) -> SqlResult:
    """Run `statement` with `%Field%` tokens bound from `profile`; raises SqlError (typed) on any failure.

    `mapping` maps result columns (or script variables) to profile fields; without it, columns map to
    fields of the same name, ignoring case. `deadline` is a time.monotonic() instant.
    """
    started = time.perf_counter()
    settings = connection_settings(connection)
    types = field_types()
    dialect = Dialect.for_database_type(settings.database_type)
    escapes = validate.backslash_escapes(dialect)
    issues = [
        i
        for i in check_statement(statement, database_type=settings.database_type, select_only=select_only)
        if not i.id.startswith("sql.W")
    ]
    if issues:
        raise SqlError(SqlErrorKind.VALIDATION, "; ".join(str(i) for i in issues), issues=issues)
    if settings.database_type != "mssql" and script.is_script(statement, backslash_escapes=escapes):
        result = _run_script(settings, statement, profile, types, deadline, escapes)
    else:
        bound = template.bind(statement, profile, types, backslash_escapes=escapes)
        raw = executor.execute(settings, bound, deadline=deadline)
        result = SqlResult(bound, raw.columns, raw.rows, raw.rowcount, raw.is_query)
    result.profile_updates.update(profile_updates(result, types, mapping))
    result.elapsed_ms = (time.perf_counter() - started) * 1000
    return result


def _run_script(
    settings: ConnectionSettings,
    statement: str,
    profile: Mapping[str, str],
    types: dict[str, str],
    deadline: float | None,
    escapes: bool,
) -> SqlResult:
    """Scripts run statement by statement on one pooled connection, variables held by ccweb (SQL Server aside)."""
    plan = script.parse_script(statement, types, backslash_escapes=escapes)
    with executor.session(settings, deadline=deadline) as session:
        outcome = script.run_script(plan, profile, session.run, field_types=types)
    sent = BoundStatement(
        ";\n".join(s.sql for s in outcome.statements),
        tuple(p for s in outcome.statements for p in s.params),
        tuple(src for s in outcome.statements for src in s.sources),
    )
    return SqlResult(
        sent,
        outcome.columns,
        outcome.rows,
        outcome.rowcount,
        outcome.is_query,
        profile_updates=dict(outcome.profile_updates),
        variables=dict(outcome.variables),
    )


def profile_updates(result: SqlResult, types: Mapping[str, str], mapping: Mapping[str, str] | None) -> dict[str, str]:
    """Values of the first row for the profile fields its columns (or `mapping`) name; unknown names are skipped.

    A column matches a field ignoring case, an underscore matching a space.

    No row changes nothing: the script's "no rows" exit decides what happens next.
    """
    updates: dict[str, str] = {}
    by_key = {_match_key(name): name for name in types}
    if result.rows:
        for column, value in zip(result.columns, result.rows[0], strict=False):
            target = (mapping or {}).get(column) or by_key.get(_match_key(column))
            if target is not None and target in types:
                updates[target] = value
    for variable, value in result.variables.items():
        target = (mapping or {}).get(f"@{variable}") or (mapping or {}).get(variable)
        if target is not None and target in types:
            updates[target] = value
    return updates


def _match_key(name: str) -> str:
    # SQL column names rarely hold spaces: customer_type fills "Customer Type", as @Customer_Type does in scripts.
    return name.replace("_", " ").casefold()


def test_connection(connection: DatabaseConnection) -> dict[str, Any]:
    """Driver and server versions, or a typed SqlError with the driver's exact message, within the Timeout."""
    return executor.probe(settings_for(connection))


def ensure_reachable(connection: DatabaseConnection | int) -> None:
    """SQLConnect: the database answers (through the pool); raises a typed SqlError otherwise."""
    executor.probe(connection_settings(connection), fresh=False)
