"""Real customer databases for ODBC tests: a fresh database per test module on MariaDB, PostgreSQL and SQLite.

A pytest plugin: register it once with `pytest_plugins = ["tests.sql_databases"]` in tests/conftest.py
(until then, import the fixtures in a conftest.py).

    def test_runs_on_all_three(odbc_database):          # once per kind: mariadb, postgresql, sqlite
        odbc_database.admin_execute("CREATE TABLE t (a INTEGER)")
        run_statement(odbc_database.connection, "SELECT a FROM t", {})

    @pytest.mark.parametrize("odbc_server", ["mariadb", "postgresql"], indirect=True)
    def test_only_on_servers(odbc_database): ...

`odbc_server` (module scope) is the database itself: a new database and a new login of its own
(password with ; { } = in it, to exercise quoting), dropped afterwards, plus admin access through
pyodbc directly, outside ccweb's pool. Admin statements do not run as the test login, so they never
count among its sessions; on PostgreSQL they run with the test login's role (SET ROLE), so the tables
they create belong to it. `odbc_database` (function scope) adds a DatabaseConnection row, created
through the service layer, and `sql_pool`: ccweb's pool on a Redis key prefix of its own, reset after
the test.

Where the servers are (defaults are the ones `bin/services.sh mariadb postgresql` starts):
CCWEB_TEST_MARIADB_ADMIN   default "Driver={MariaDB Unicode};Socket=/run/mysqld/mysqld.sock;UID=root"
CCWEB_TEST_MARIADB_HOST    default "127.0.0.1:3306" (what the test login connects to)
CCWEB_TEST_POSTGRES_ADMIN  default "Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=5432;UID=postgres"
CCWEB_TEST_POSTGRES_HOST   default "127.0.0.1:5432"
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyodbc
import pytest

KINDS = ("mariadb", "postgresql", "sqlite")
DATABASE_TYPES = {"mariadb": "mysql", "postgresql": "postgresql", "sqlite": "sqlite"}
DRIVERS = {"mariadb": "MariaDB Unicode", "postgresql": "PostgreSQL Unicode", "sqlite": "SQLite3"}
_SESSION_TAG = uuid.uuid4().hex[:8]


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _host(kind: str) -> tuple[str, int]:
    if kind == "mariadb":
        host, port = _env("CCWEB_TEST_MARIADB_HOST", "127.0.0.1:3306").rsplit(":", 1)
    else:
        host, port = _env("CCWEB_TEST_POSTGRES_HOST", "127.0.0.1:5432").rsplit(":", 1)
    return host, int(port)


def _quote(value: str) -> str:
    return value if value and not any(c in value for c in ";{}= ") else "{" + value.replace("}", "}}") + "}"


class OdbcServer:
    """One fresh database (and login) on one server, with admin access that bypasses ccweb."""

    def __init__(self, kind: str, workdir: Path) -> None:
        self.kind = kind
        self.database_type = DATABASE_TYPES[kind]
        self.driver = DRIVERS[kind]
        name = f"ccwt_{kind[:2]}_{_SESSION_TAG}_{uuid.uuid4().hex[:6]}"
        self.database = name
        self.username = "" if kind == "sqlite" else name
        self.password = "" if kind == "sqlite" else f"pw;{{x}}={uuid.uuid4().hex[:8]}"
        self.host, self.port = ("", 0) if kind == "sqlite" else _host(kind)
        self.path = workdir / f"{name}.sqlite3" if kind == "sqlite" else None
        self._lock = threading.Lock()
        self._server_admin: pyodbc.Connection | None = None  # server-wide: create, drop, sessions, kill
        self._admin: pyodbc.Connection | None = None  # inside the test database
        self._create()

    # -- what ccweb is given -----------------------------------------------------------------------

    def attributes(self) -> dict[str, str]:
        """Driver attributes without credentials: for a connection string or an odbc.ini DSN section."""
        if self.kind == "sqlite":
            return {"Driver": self.driver, "Database": str(self.path)}
        return {"Driver": self.driver, "Server": self.host, "Port": str(self.port), "Database": self.database}

    def connection_string(self, *, credentials: bool = False) -> str:
        pairs = dict(self.attributes())
        if credentials and self.username:
            pairs.update(UID=self.username, PWD=self.password)
        return ";".join(f"{key}={_quote(value)}" for key, value in pairs.items())

    def dsn_section(self, dsn: str) -> str:
        """An odbc.ini section for this database (credentials stay in the DatabaseConnection)."""
        return f"[{dsn}]\n" + "".join(f"{key} = {value}\n" for key, value in self.attributes().items())

    # -- admin access --------------------------------------------------------------------------------

    def admin_execute(self, sql: str, *params: Any) -> int:
        """Run a statement in the test database as an administrator; rows affected."""
        with self._lock:
            cursor = self._admin_connection().cursor()
            try:
                cursor.execute(sql, *params)
                return cursor.rowcount
            finally:
                cursor.close()

    def admin_query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows of a query in the test database, as the driver returns them (native Python values)."""
        with self._lock:
            cursor = self._admin_connection().cursor()
            try:
                return [tuple(row) for row in cursor.execute(sql, *params).fetchall()]
            finally:
                cursor.close()

    def sessions(self) -> int | None:
        """Sessions of the test login open on the server now (None for SQLite, which has no server)."""
        if self.kind == "sqlite":
            return None
        with self._lock:
            return len(_session_ids(self._server(), self))

    def session_ids(self) -> list[int]:
        """Server-side ids of the test login's sessions (MariaDB connection ids, PostgreSQL backend pids)."""
        if self.kind == "sqlite":
            return []
        with self._lock:
            return _session_ids(self._server(), self)

    def kill_sessions(self) -> int:
        """End every server session of the test login (KILL / pg_terminate_backend); how many."""
        ids = self.session_ids()
        with self._lock:
            for session_id in ids:
                if self.kind == "mariadb":
                    try:
                        self._server().execute(f"KILL CONNECTION {int(session_id)}")
                    except pyodbc.Error:  # it ended by itself meanwhile
                        pass
                else:
                    self._server().execute("SELECT pg_terminate_backend(?)", session_id).fetchall()
        return len(ids)

    @contextmanager
    def sample_sessions(self, interval: float = 0.002) -> Iterator[SessionSampler]:
        """Count the test login's server sessions in a loop, on a connection of its own, during the block."""
        sampler = SessionSampler(self, interval)
        sampler.start()
        try:
            yield sampler
        finally:
            sampler.stop()

    # -- life cycle ----------------------------------------------------------------------------------

    def _server(self) -> pyodbc.Connection:
        if self._server_admin is None:
            self._server_admin = _admin_connect(self.kind, database=None)
        return self._server_admin

    def _admin_connection(self) -> pyodbc.Connection:
        if self._admin is None:
            if self.kind == "sqlite":
                self._admin = pyodbc.connect(self.connection_string(), autocommit=True)
            else:
                self._admin = _admin_connect(self.kind, database=self.database)
                if self.kind == "postgresql":
                    self._admin.execute(f'SET ROLE "{self.username}"')
            self._admin.setencoding(encoding="utf-8")
        return self._admin

    def _create(self) -> None:
        if self.kind == "sqlite":
            return
        pw = self.password.replace("'", "''")
        server = self._server()
        if self.kind == "mariadb":
            server.execute(f"CREATE DATABASE `{self.database}` CHARACTER SET utf8mb4")
            server.execute(f"CREATE USER '{self.username}'@'%' IDENTIFIED BY '{pw}'")
            server.execute(f"GRANT ALL ON `{self.database}`.* TO '{self.username}'@'%'")
        else:
            server.execute(f"CREATE ROLE \"{self.username}\" LOGIN PASSWORD '{pw}'")
            server.execute(f'CREATE DATABASE "{self.database}" OWNER "{self.username}"')

    def drop(self) -> None:
        with self._lock:
            if self._admin is not None:
                self._admin.close()
                self._admin = None
        if self.kind == "sqlite":
            return
        server = self._server()
        if self.kind == "mariadb":
            self.kill_sessions()
            server.execute(f"DROP DATABASE IF EXISTS `{self.database}`")
            server.execute(f"DROP USER IF EXISTS '{self.username}'@'%'")
        else:
            server.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            server.execute(f'DROP ROLE IF EXISTS "{self.username}"')
        server.close()
        self._server_admin = None


def _admin_connect(kind: str, *, database: str | None) -> pyodbc.Connection:
    if kind == "mariadb":
        text = _env("CCWEB_TEST_MARIADB_ADMIN", "Driver={MariaDB Unicode};Socket=/run/mysqld/mysqld.sock;UID=root")
    else:
        text = _env("CCWEB_TEST_POSTGRES_ADMIN", "Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=5432;UID=postgres")
        database = database or "postgres"
    if database:
        text += f";Database={_quote(database)}"
    try:
        return pyodbc.connect(text, autocommit=True, timeout=5)
    except pyodbc.Error as exc:
        pytest.fail(f"{kind} is not reachable for tests ({exc}); start it with bin/services.sh {kind}", pytrace=False)


def _session_ids(connection: pyodbc.Connection, server: OdbcServer) -> list[int]:
    if server.kind == "mariadb":
        sql, params = "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?", [server.username]
    else:
        sql = "SELECT pid FROM pg_stat_activity WHERE usename = ? AND datname = ? AND backend_type = 'client backend'"
        params = [server.username, server.database]
    return [int(row[0]) for row in connection.execute(sql, *params).fetchall()]


class SessionSampler:
    """Samples a server's session count for the test login until stopped: `.max`, `.samples`."""

    def __init__(self, server: OdbcServer, interval: float) -> None:
        self.server = server
        self.interval = interval
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._connection = _admin_connect(server.kind, database=None)

    @property
    def max(self) -> int:
        return max(self.samples, default=0)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)
        self._connection.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(len(_session_ids(self._connection, self.server)))
            time.sleep(self.interval)


@dataclass
class OdbcDatabase:
    """The module's database plus, for this test, a DatabaseConnection to it (`.connection`)."""

    server: OdbcServer
    connection: Any  # scripts_app.models.DatabaseConnection
    made: list[Any] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.server.kind

    @property
    def database_type(self) -> str:
        return self.server.database_type

    def admin_execute(self, sql: str, *params: Any) -> int:
        return self.server.admin_execute(sql, *params)

    def admin_query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return self.server.admin_query(sql, *params)

    def make_connection(self, **fields: Any) -> Any:
        """Another DatabaseConnection to the same database; `fields` override the defaults (timeout, …)."""
        made = make_database_connection(self.server, name=f"{self.kind}_{len(self.made) + 2}", **fields)
        self.made.append(made)
        return made

    def settings(self, connection: Any = None) -> Any:
        from scripts_app.sql.connect import settings_for

        return settings_for(connection or self.connection)


def make_database_connection(server: OdbcServer, **fields: Any) -> Any:
    """A DatabaseConnection row for `server`, through the service layer (connection string by default)."""
    from core.services import service_for
    from scripts_app.models import DatabaseConnection

    data = {
        "name": f"{server.kind}_crm",
        "dsn": server.connection_string(),
        "database_type": server.database_type,
        "timeout": 10,
        "username": server.username,
        "password": server.password,
        "simultaneous_connections": 4,
        **fields,
    }
    return service_for(DatabaseConnection).create(data=data)


@pytest.fixture
def sql_pool() -> Iterator[Any]:
    """ccweb's connection pool on a Redis key prefix of this test's own; everything closed afterwards."""
    from scripts_app.sql import pool

    manager = pool.configure(prefix=f"ccweb-test:{_SESSION_TAG}:{uuid.uuid4().hex[:8]}:")
    yield manager
    pool.reset()
    manager.wait_closed(5)


@pytest.fixture(scope="module", params=KINDS)
def odbc_server(request, tmp_path_factory) -> Iterator[OdbcServer]:
    """A fresh database on `request.param` ("mariadb", "postgresql" or "sqlite"), dropped after the module."""
    server = OdbcServer(request.param, tmp_path_factory.mktemp("sqlite"))
    yield server
    server.drop()


@pytest.fixture
def odbc_database(odbc_server, db, sql_pool) -> OdbcDatabase:
    """`odbc_server` with a DatabaseConnection (Timeout 10 s, 4 Simultaneous Connections) to it."""
    return OdbcDatabase(odbc_server, make_database_connection(odbc_server))


@pytest.fixture
def sqlite_crm(tmp_path):
    """A SQLite customer table reached over the SQLite3 ODBC driver, as a DatabaseConnection named CRM."""
    import sqlite3

    from core.services import service_for
    from scripts_app.models import DatabaseConnection

    path = tmp_path / "crm.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customers (phone VARCHAR(32), customer_type VARCHAR(20), balance DECIMAL(12,2))")
        db.execute("INSERT INTO customers VALUES ('+15551230002', 'Bonds', '880.00')")
    return service_for(DatabaseConnection).create(
        data={"name": "CRM", "dsn": f"Driver=SQLite3;Database={path}", "database_type": "sqlite", "timeout": 5}
    )
